/**
 * @module attachments/media
 * The attachment types edgeroom accepts (SPEC §8.4) and how each is served. SVG is not among them: it
 * is a document that can run script, not a picture. Decided purely from the type.
 */

/** Every accepted Content-Type of an upload (its media type; parameters are ignored). */
export const ATTACHMENT_TYPES = [
  "image/png",
  "image/jpeg",
  "image/gif",
  "image/webp",
  "application/pdf",
  "text/plain",
] as const;

/** One accepted attachment type. */
export type AttachmentType = (typeof ATTACHMENT_TYPES)[number];

/** The media type of a Content-Type header (lower case, parameters dropped), or null when absent or empty. */
export function mediaTypeOf(header: string | undefined | null): string | null {
  const essence = (header ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  return essence === "" ? null : essence;
}

/** True for a type on the allow-list. */
export function isAttachmentType(type: string): type is AttachmentType {
  return (ATTACHMENT_TYPES as readonly string[]).includes(type);
}

/** True for the image types (shown inline, with dimensions). */
export function isImageType(type: string): boolean {
  return type.startsWith("image/");
}

/** The Content-Type a download is served with: text carries its charset (uploads are checked to be UTF-8). */
export function servedContentType(type: string): string {
  return type === "text/plain" ? "text/plain; charset=utf-8" : type;
}

/**
 * The Content-Disposition of a download: images inline (they are meant for an `<img>`), PDF and text as
 * a download, so a browser never renders them as a page of the API's origin. The name is given twice:
 * an ASCII fallback and the exact UTF-8 name (RFC 6266).
 */
export function contentDisposition(type: string, name: string | null): string {
  const kind = isImageType(type) ? "inline" : "attachment";
  if (name === null) return kind;
  const fallback = name.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_");
  const exact = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${kind}; filename="${fallback}"; filename*=UTF-8''${exact}`;
}
