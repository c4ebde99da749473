/**
 * @module app/components/attachment-list
 * A message's attachments (SPEC §8.4): images inline, drawn at their stored size (scaled to fit) so the
 * list does not jump when they load, opening full size in a new tab; other files as a download chip
 * with name, type and size. URLs are signed and expire: a failed image, or a link clicked after its
 * URL expired, asks the room once for the message again, which carries fresh URLs
 * (docs/decisions.md "Expired attachment URLs").
 */
import type { JSX } from "preact";
import { useState } from "preact/hooks";
import type { WireAttachment, WireMessage } from "../../client";
import { useApp } from "../app-context";
import { fileSize, fitWithin, isImage, typeLabel, urlExpired } from "../room/attachments";
import { Icon } from "./icons";

/** Fetches a message again (fresh attachment URLs); null when it could not. 0 = not confirmed yet. */
export type RefreshMessage = (seq: number) => Promise<WireMessage | null>;

interface ItemProps {
  attachment: WireAttachment;
  seq: number;
  onRefresh: RefreshMessage;
}

/** The same attachment in a fresh copy of the message, if it is still there. */
async function refreshed(props: ItemProps): Promise<WireAttachment | null> {
  if (props.seq === 0) return null;
  const message = await props.onRefresh(props.seq);
  return message?.attachments?.find((a) => a.id === props.attachment.id) ?? null;
}

function InlineImage(props: ItemProps): JSX.Element {
  const { api } = useApp();
  const { attachment } = props;
  const [retried, setRetried] = useState(false);
  const [broken, setBroken] = useState(false);
  const box = fitWithin(attachment.width, attachment.height);
  const label = attachment.name ?? "Image";
  const size = box ? { width: `${box.width}px`, height: `${box.height}px` } : undefined;

  const openFull = async (event: MouseEvent) => {
    if (!urlExpired(attachment.url, Date.now())) return;
    event.preventDefault();
    const fresh = await refreshed(props);
    // Still within the click's user activation, so the browser lets the new tab open.
    if (fresh) window.open(api.resolveUrl(fresh.url), "_blank", "noopener");
  };

  const onError = async () => {
    if (retried) return setBroken(true);
    setRetried(true);
    // The new URL arrives through the props; the same URL (or none) means the file is gone.
    const fresh = await refreshed(props);
    if (!fresh || fresh.url === attachment.url) setBroken(true);
  };

  if (broken) {
    return (
      <span class="attachment-missing" style={size}>
        <Icon name="image" size={18} /> Image unavailable
      </span>
    );
  }
  const src = api.resolveUrl(attachment.url);
  return (
    <a
      class="attachment-image"
      href={src}
      target="_blank"
      rel="noopener"
      title={`${label}: open full size`}
      onClick={(event) => void openFull(event)}
    >
      <img
        src={src}
        alt={label}
        width={box?.width}
        height={box?.height}
        loading="lazy"
        decoding="async"
        onError={() => void onError()}
      />
    </a>
  );
}

function FileChip(props: ItemProps): JSX.Element {
  const { api } = useApp();
  const { attachment } = props;
  const name = attachment.name ?? "File";

  const open = async (event: MouseEvent) => {
    if (!urlExpired(attachment.url, Date.now())) return;
    event.preventDefault();
    const fresh = await refreshed(props);
    // A navigation to a download keeps the page (the server sends it as an attachment).
    if (fresh) location.assign(api.resolveUrl(fresh.url));
  };

  return (
    <a
      class="file-chip"
      href={api.resolveUrl(attachment.url)}
      download={attachment.name ?? ""}
      onClick={(event) => void open(event)}
      title={`Download ${name}`}
    >
      <Icon name="file" size={22} />
      <span class="file-text">
        <span class="file-name">{name}</span>
        <span class="file-meta">
          {typeLabel(attachment.contentType)} · {fileSize(attachment.size)}
        </span>
      </span>
    </a>
  );
}

/** Props of {@link AttachmentList}. */
export interface AttachmentListProps {
  attachments: readonly WireAttachment[];
  /** The message's seq (0 while it is being sent: its URLs are fresh from the upload). */
  seq: number;
  onRefresh: RefreshMessage;
}

/** Images first (a grid of thumbnails), then file chips. */
export function AttachmentList({ attachments, seq, onRefresh }: AttachmentListProps): JSX.Element | null {
  if (attachments.length === 0) return null;
  const images = attachments.filter((a) => isImage(a.contentType));
  const files = attachments.filter((a) => !isImage(a.contentType));
  return (
    <div class="attachments">
      {images.length > 0 && (
        <div class="attachment-images">
          {images.map((a) => (
            <InlineImage key={a.id} attachment={a} seq={seq} onRefresh={onRefresh} />
          ))}
        </div>
      )}
      {files.map((a) => (
        <FileChip key={a.id} attachment={a} seq={seq} onRefresh={onRefresh} />
      ))}
    </div>
  );
}
