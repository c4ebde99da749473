/**
 * @module attachments/url
 * Signed, expiring attachment URLs (SPEC §8.4): `/api/chatrooms/{room}/attachments/{id}?exp=&sig=`,
 * HMAC-SHA256 over (id, room, exp) with TOKEN_SECRET, so an `<img>` can load it without a token. The
 * room mints them while it builds a frame, which is synchronous: node:crypto's HMAC is. Expiries
 * are rounded down to a quarter of the lifetime, so every frame and answer in that window carries the
 * same URL (one encoding for all recipients, and browser caches that work), never beyond the TTL.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

/** The part of the lifetime that expiries are rounded to. */
const GRID_PARTS = 4;

function signature(secret: string, id: string, chatroomId: string, exp: number): string {
  // "attachment|" keeps these MACs apart from anything else signed with the same secret.
  return createHmac("sha256", secret).update(`attachment|${id}|${chatroomId}|${exp}`).digest("base64url");
}

/** The download path of an attachment (relative: clients resolve it against the API's origin). */
export function attachmentPath(chatroomId: string, id: string): string {
  return `/api/chatrooms/${encodeURIComponent(chatroomId)}/attachments/${encodeURIComponent(id)}`;
}

/** A signed URL valid for at most `ttlSeconds` from `now` (epoch ms). */
export function signedAttachmentUrl(
  secret: string,
  chatroomId: string,
  id: string,
  now: number,
  ttlSeconds: number,
): string {
  const grid = Math.max(1, Math.floor(ttlSeconds / GRID_PARTS));
  const exp = Math.floor((Math.floor(now / 1000) + ttlSeconds) / grid) * grid;
  return `${attachmentPath(chatroomId, id)}?exp=${exp}&sig=${signature(secret, id, chatroomId, exp)}`;
}

/** Whether a URL's `exp` and `sig` are valid for this attachment at `now`. */
export function verifyAttachmentUrl(
  secret: string,
  chatroomId: string,
  id: string,
  exp: number,
  sig: string,
  now: number,
): boolean {
  if (!Number.isSafeInteger(exp) || exp * 1000 < now) return false;
  const expected = Buffer.from(signature(secret, id, chatroomId, exp));
  const given = Buffer.from(sig);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
