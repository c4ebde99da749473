/**
 * @module app/room/attachments
 * Attachments as the demo shows them (SPEC §8.4): an upload's answer as a message carries it, sizes
 * people read, the box an image is shown in before it loads, whether a signed URL has expired, and a
 * sentence for each refused upload. Pure functions, free of Preact (the Worker's typecheck also reads
 * them through their tests, and Preact's DOM types would replace the Workers' globals there).
 */
import { ApiError, type UploadedAttachment, type WireAttachment } from "../../client";
import { duration } from "../lib/format";

/** The largest box an inline image is drawn in, in CSS pixels (it shrinks further on narrow screens). */
export const IMAGE_BOX = 280;

/** The attachment a message carries, from the upload's answer (shown at once on the sender's side). */
export function wireAttachment(uploaded: UploadedAttachment): WireAttachment {
  const { attachmentId, url, contentType, size, width, height, name } = uploaded;
  const wire: WireAttachment = { id: attachmentId, url, contentType, size };
  if (width !== undefined) wire.width = width;
  if (height !== undefined) wire.height = height;
  if (name !== undefined) wire.name = name;
  return wire;
}

/** "512 B", "48 KB", "3.2 MB" (powers of 1024, as the server's limits are). */
export function fileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const kib = bytes / 1024;
  if (kib < 1024) return `${Math.round(kib)} KB`;
  const mib = kib / 1024;
  return `${mib < 10 ? mib.toFixed(1) : Math.round(mib)} MB`;
}

/** Whether a type is shown inline as an image. */
export const isImage = (contentType: string): boolean => contentType.startsWith("image/");

/** "PDF", "Text" or the subtype, for a file chip. */
export function typeLabel(contentType: string): string {
  if (contentType === "application/pdf") return "PDF";
  if (contentType.startsWith("text/")) return "Text";
  return (contentType.split("/")[1] ?? contentType).toUpperCase();
}

/**
 * The size an image is drawn at: its own, scaled down to fit `box` × `box`. Set as the `<img>`'s
 * width and height so the list does not jump when it loads; null when the upload gave no dimensions.
 */
export function fitWithin(
  width: number | undefined,
  height: number | undefined,
  box = IMAGE_BOX,
): { width: number; height: number } | null {
  if (!width || !height) return null;
  const scale = Math.min(1, box / width, box / height);
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/** Whether a signed URL's `exp` (epoch seconds) has passed at `now`; false when it carries none. */
export function urlExpired(url: string, now: number): boolean {
  const exp = Number(new URL(url, "http://x").searchParams.get("exp"));
  return Number.isFinite(exp) && exp > 0 && exp * 1000 <= now;
}

/** The types the server accepts, as people name them (SPEC §8.4). */
const ACCEPTED = "PNG, JPEG, GIF or WebP images, PDF or plain text";

/**
 * One sentence for a refused upload, naming the file and the reason (413, 415, 429 quota), or null
 * for failures that are not about the file (the caller's usual notice then).
 */
export function uploadRefusal(error: unknown, file: { name: string; size: number }): { text: string } | null {
  if (!(error instanceof ApiError)) return null;
  const name = file.name ? `“${file.name}”` : "The file";
  switch (error.code) {
    case "PAYLOAD_TOO_LARGE": {
      const limit = /larger than (\d+) bytes/.exec(error.message)?.[1];
      const most = limit ? `; the most is ${fileSize(Number(limit))}` : "";
      return { text: `${name} is too large to attach (${fileSize(file.size)}${most}).` };
    }
    case "UNSUPPORTED_MEDIA_TYPE": {
      // Either the type is off the list, or the bytes are not what the type says (the server says what they are).
      const detail = error.message.replace(/^Content-Type:\s*/, "");
      const offList = /not accepted|missing/.test(detail);
      const why = offList ? "this type of file is not accepted" : `its contents do not match its type (${detail})`;
      return { text: `${name} can't be attached: ${why}. Attach ${ACCEPTED}.` };
    }
    case "RATE_LIMITED": {
      const wait = error.retryAfterSec ?? 1;
      if (!/quota/i.test(error.message)) return null;
      return { text: `Today's upload allowance is used up. You can attach files again in ${duration(wait * 1000)}.` };
    }
    default:
      return null;
  }
}
