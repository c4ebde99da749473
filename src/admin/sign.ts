/**
 * @module sign
 * Wildfire admin request signing (SPEC §2): sign = lowercase hex sha1(nonce + "|" + secret + "|" + timestamp).
 * The one implementation: the Worker checks with it, and the typed client (src/client/admin.ts, bundled
 * into public/client.js for the CLI and the end-to-end harness) signs with it. Pure apart from WebCrypto;
 * the replay check lives in sign-middleware.ts and nonce-guard.ts.
 */
import { sha1 } from "hono/utils/crypto";
import type { ErrorKind } from "../errors";

/** Lowercase hex SHA-1 of the Wildfire sign string. */
export async function wildfireSign(nonce: string, secret: string, timestamp: string): Promise<string> {
  const digest = await sha1(`${nonce}|${secret}|${timestamp}`);
  if (digest === null) throw new Error("WebCrypto is not available");
  return digest;
}

/** The three headers of a signed admin call. */
export interface SignedHeaders {
  nonce: string;
  timestamp: string;
  sign: string;
}

/**
 * Signing headers for one call at `now` (epoch ms). The nonce defaults to a random UUID, so two calls in
 * the same millisecond never form the same (nonce, timestamp) pair.
 */
export async function signHeaders(
  secret: string,
  now: number,
  nonce: string = crypto.randomUUID(),
): Promise<SignedHeaders> {
  const timestamp = String(now);
  return { nonce, timestamp, sign: await wildfireSign(nonce, secret, timestamp) };
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
  if (!withinWindow(timestamp, now, windowMs)) {
    return { ok: false, kind: "sign_expired", message: "sign expired: timestamp is outside the allowed window" };
  }
  const expected = await wildfireSign(nonce, secret, timestamp);
  if (!sameDigest(expected, sign.toLowerCase())) {
    return { ok: false, kind: "auth_failure", message: "auth failure: wrong sign" };
  }
  return { ok: true, timestamp: time };
}

/**
 * Compares a received sign with the expected one in time that does not depend on where they differ.
 * Both are 40 hex digits when well formed, so a length mismatch reveals nothing; comparing directly
 * saves the two SHA-256 digests a hashing comparison (hono's timingSafeEqual) costs on every call.
 */
export function sameDigest(expected: string, received: string): boolean {
  if (expected.length !== received.length) return false;
  let difference = 0;
  for (let i = 0; i < expected.length; i++) difference |= expected.charCodeAt(i) ^ received.charCodeAt(i);
  return difference === 0;
}

/** The window rule of SPEC §8.1: a decimal timestamp with |now − timestamp| ≤ windowMs, on the Worker's clock. */
export function withinWindow(timestamp: string, now: number, windowMs: number): boolean {
  return /^\d{1,16}$/.test(timestamp) && Math.abs(now - Number(timestamp)) <= windowMs;
}
