/**
 * @module room/attachments
 * Attachment commands (SPEC §8.4): who may upload into the room (asked before the bytes are read),
 * and the registration of an uploaded object, so that a message can carry it and recall, retention
 * and the room's end can delete it.
 */
import { fail, ok, type Result } from "../errors";
import type { RoomCore } from "./core";
import { isModerator } from "./permissions";
import { isMuted } from "./restrictions";
import type { AttachmentRow } from "./store";

/** What the upload route learned of a stored object. */
export interface UploadedAttachment {
  id: string;
  contentType: string;
  size: number;
  width: number | null;
  height: number | null;
  name: string | null;
}

/** Whether `userId` may upload now: a member who may speak in a room that is open (SPEC §8.4). */
export function uploadRefusal(room: RoomCore, userId: string, now: number): Result<null> {
  const gate = room.gate({ kind: "user", userId }, now);
  if ("ok" in gate) return gate;
  if (gate.meta.state !== 0) return fail("conflict", "the room is not open for messages now");
  if (isMuted(room.rows.restrictions.get(userId), now)) return fail("muted", "you are muted");
  if (gate.meta.muteAll && !isModerator(gate.role)) {
    return fail("muted", "the room is muted: only host and managers may speak");
  }
  return ok(null);
}

/** Registers an object the upload route stored for `userId`; a message may carry it from now on. */
export function registerAttachment(
  room: RoomCore,
  userId: string,
  upload: UploadedAttachment,
  now: number,
): Result<AttachmentRow> {
  const refused = uploadRefusal(room, userId, now);
  if (!refused.ok) return refused;
  const row: AttachmentRow = { ...upload, uploaderId: userId, createdAt: now, seq: null };
  room.write(now, () => room.rows.attachments.register(row));
  return ok(row);
}
