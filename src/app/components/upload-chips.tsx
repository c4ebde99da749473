/**
 * @module app/components/upload-chips
 * The files attached to the message being written, above the input: name and size, "Uploading…" until
 * the server stored it, and a remove button.
 */
import type { JSX } from "preact";
import { fileSize } from "../room/attachments";
import type { PendingUpload } from "../room/use-uploads";
import { IconButton } from "./icon-button";
import { Icon } from "./icons";

/** Props of {@link UploadChips}. */
export interface UploadChipsProps {
  items: readonly PendingUpload[];
  onRemove: (key: string) => void;
}

/** One chip per attached file; nothing when there is none. */
export function UploadChips({ items, onRemove }: UploadChipsProps): JSX.Element | null {
  if (items.length === 0) return null;
  return (
    <ul class="upload-chips" aria-label="Attached files">
      {items.map((item) => {
        const name = item.name || "Pasted file";
        const uploading = item.uploaded === null;
        return (
          <li key={item.key} class={`upload-chip${uploading ? " uploading" : ""}`} aria-busy={uploading}>
            <Icon name={item.contentType.startsWith("image/") ? "image" : "file"} size={18} />
            <span class="upload-name" title={name}>
              {name}
            </span>
            <span class="upload-meta">{uploading ? "Uploading…" : fileSize(item.uploaded?.size ?? item.size)}</span>
            <IconButton
              icon="close"
              iconSize={14}
              label={`Remove ${name}`}
              title="Remove"
              onClick={() => onRemove(item.key)}
              class="small"
            />
          </li>
        );
      })}
    </ul>
  );
}
