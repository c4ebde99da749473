/**
 * @module app/room/use-uploads
 * The files attached to the message being written: each is uploaded as soon as it is picked, dropped
 * or pasted (SPEC §8.4), shown as a chip while it uploads and once it is stored, and can be removed.
 * A refused upload leaves no chip, only a notice naming the reason, so a message never goes out
 * with part of what the user attached.
 */
import { useCallback, useRef, useState } from "preact/hooks";
import type { UploadedAttachment, WireAttachment } from "../../client";
import { ATTACHMENTS_PER_MESSAGE } from "../../limits";
import { useApp } from "../app-context";
import { uploadRefusal, wireAttachment } from "./attachments";

/** One attached file: uploading until `uploaded` arrives. */
export interface PendingUpload {
  key: string;
  name: string;
  size: number;
  contentType: string;
  uploaded: UploadedAttachment | null;
}

/** The composer's attachments and what can be done with them. */
export interface Uploads {
  items: readonly PendingUpload[];
  /** Whether some file is still uploading (the message waits for it). */
  busy: boolean;
  add: (files: readonly File[]) => void;
  remove: (key: string) => void;
  /** The stored attachments, for a message about to be sent; the chips are cleared. */
  take: () => WireAttachment[];
}

/** Attachments of the composer of one room. */
export function useUploads(chatroomId: string): Uploads {
  const { api, attempt, notify } = useApp();
  const [items, setItems] = useState<readonly PendingUpload[]>([]);
  const itemsRef = useRef(items);
  itemsRef.current = items;
  const counter = useRef(0);

  const update = (next: (current: readonly PendingUpload[]) => readonly PendingUpload[]) => {
    itemsRef.current = next(itemsRef.current);
    setItems(itemsRef.current);
  };

  const upload = async (file: File, key: string) => {
    const uploaded = await attempt(
      () => api.upload(chatroomId, file),
      (error) => uploadRefusal(error, file),
    );
    // Removed while it uploaded: the stored file is never sent (the server deletes it within a day).
    update((current) =>
      uploaded
        ? current.map((item) => (item.key === key ? { ...item, uploaded } : item))
        : current.filter((item) => item.key !== key),
    );
  };

  const add = useCallback(
    (files: readonly File[]) => {
      const room = ATTACHMENTS_PER_MESSAGE - itemsRef.current.length;
      if (files.length > room) {
        notify({ text: `A message can carry at most ${ATTACHMENTS_PER_MESSAGE} files.` });
      }
      const added = files.slice(0, Math.max(0, room)).map((file) => {
        counter.current += 1;
        const key = `upload-${counter.current}`;
        return { file, item: { key, name: file.name, size: file.size, contentType: file.type, uploaded: null } };
      });
      if (added.length === 0) return;
      update((current) => [...current, ...added.map(({ item }) => item)]);
      for (const { file, item } of added) void upload(file, item.key);
    },
    [chatroomId],
  );

  const remove = useCallback((key: string) => update((current) => current.filter((item) => item.key !== key)), []);

  const take = useCallback(() => {
    const ready = itemsRef.current.flatMap((item) => (item.uploaded ? [wireAttachment(item.uploaded)] : []));
    update(() => []);
    return ready;
  }, []);

  return { items, busy: items.some((item) => item.uploaded === null), add, remove, take };
}
