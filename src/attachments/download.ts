/**
 * @module attachments/download
 * The answer of a signed download (SPEC §8.4): the object streamed from R2 with its stored type,
 * `nosniff`, its disposition (inline for images), a sandboxing CSP, an ETag (304 when unchanged), a
 * byte range (206) when one was asked for, and caching that ends when the URL does.
 */
import { servedContentType } from "./media";

/** The single byte range of a Range header, for R2; null (the whole object) when absent or not one range. */
export function rangeOf(header: string | undefined): R2Range | null {
  const match = /^bytes=(\d{0,15})-(\d{0,15})$/.exec((header ?? "").trim());
  if (!match || (match[1] === "" && match[2] === "")) return null;
  const [start, end] = [match[1] === "" ? null : Number(match[1]), match[2] === "" ? null : Number(match[2])];
  if (start === null) return end === 0 ? null : { suffix: end ?? 0 };
  if (end === null) return { offset: start };
  return end < start ? null : { offset: start, length: end - start + 1 };
}

/** The first and last byte a range selects in an object of `size` bytes, or null when it selects none. */
export function rangeBounds(range: R2Range, size: number): { first: number; last: number } | null {
  const first = "suffix" in range ? Math.max(0, size - range.suffix) : (range.offset ?? 0);
  const last = "length" in range && range.length !== undefined ? Math.min(size, first + range.length) - 1 : size - 1;
  return first < size && last >= first ? { first, last } : null;
}

/** The response headers every download carries. */
function headersOf(object: R2Object, exp: number, now: number): Headers {
  const headers = new Headers();
  headers.set("Content-Type", servedContentType(object.httpMetadata?.contentType ?? "application/octet-stream"));
  headers.set("X-Content-Type-Options", "nosniff");
  headers.set("Content-Disposition", object.httpMetadata?.contentDisposition ?? "attachment");
  // Opened directly, the file is inert: no scripts, plugins or same-origin access.
  headers.set("Content-Security-Policy", "default-src 'none'; img-src 'self'; sandbox");
  // Private: a recall deletes the object, so a shared cache must not keep it; never past the URL's expiry.
  headers.set("Cache-Control", `private, max-age=${Math.max(0, exp - Math.floor(now / 1000))}, immutable`);
  headers.set("ETag", object.httpEtag);
  headers.set("Accept-Ranges", "bytes");
  return headers;
}

/** The download response for what R2 answered: 304 when the ETag matched, 206 for a range, else 200. */
export function downloadResponse(object: R2Object | R2ObjectBody, range: R2Range | null, exp: number, now: number) {
  const headers = headersOf(object, exp, now);
  if (!("body" in object)) return new Response(null, { status: 304, headers });
  const bounds = range === null ? null : rangeBounds(range, object.size);
  if (bounds === null) {
    headers.set("Content-Length", String(object.size));
    return new Response(object.body, { status: 200, headers });
  }
  headers.set("Content-Range", `bytes ${bounds.first}-${bounds.last}/${object.size}`);
  headers.set("Content-Length", String(bounds.last - bounds.first + 1));
  return new Response(object.body, { status: 206, headers });
}
