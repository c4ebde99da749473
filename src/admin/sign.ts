/**
 * @module sign
 * Wildfire admin request signing (SPEC §2): sign = lowercase hex sha1(nonce + "|" + secret + "|" + timestamp).
 * Pure apart from WebCrypto; the replay check lives in sign-middleware.ts.
 */
import type { ErrorKind } from "../errors";

/** Lowercase hex SHA-1 of the Wildfire sign string. */
export async function wildfireSign(nonce: string, secret: string, timestamp: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-1", new TextEncoder().encode(`${nonce}|${secret}|${timestamp}`));
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** Compares two strings in time independent of where they differ. */
export function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/** The three signing headers as received (any may be missing). */
export interface SignHeaders {
  nonce: string | null;
  timestamp: string | null;
  sign: string | null;
}

/** Checks headers, window and signature; returns the failing kind or the timestamp in ms. */
export async function checkSignature(
  headers: SignHeaders,
  secret: string,
  now: number,
  windowMs: number,
): Promise<{ ok: true; timestamp: number } | { ok: false; kind: ErrorKind; message: string }> {
  const { nonce, timestamp, sign } = headers;
  if (!nonce || !timestamp || !sign) {
    return { ok: false, kind: "not_signed", message: "api not signed: nonce, timestamp and sign headers are required" };
  }
  const time = Number(timestamp);
  if (!/^\d{1,16}$/.test(timestamp) || Math.abs(now - time) > windowMs) {
    return { ok: false, kind: "sign_expired", message: "sign expired: timestamp is outside the allowed window" };
  }
  const expected = await wildfireSign(nonce, secret, timestamp);
  if (!constantTimeEqual(expected, sign.toLowerCase())) {
    return { ok: false, kind: "auth_failure", message: "auth failure: wrong sign" };
  }
  return { ok: true, timestamp: time };
}

/** Number of nonce-guard objects; each admin call touches exactly one, chosen by the nonce. */
export const NONCE_SHARDS = 64;

/** The shard of a nonce (FNV-1a), so replays of the same nonce meet in the same object. */
export function nonceShard(nonce: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < nonce.length; i++) {
    hash ^= nonce.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % NONCE_SHARDS;
}
