/**
 * @module codes
 * The client API's status and code for each error kind (SPEC §3); the socket `error` frame uses the
 * same codes, so a client handles one vocabulary.
 */
import type { ErrorKind } from "../errors";

/** The HTTP statuses of the client API's errors. */
export type ClientErrorStatus = 400 | 401 | 403 | 404 | 409 | 411 | 413 | 415 | 429 | 500;

/** HTTP status and FlameTalk-style code of each error kind. */
export const CLIENT_ERRORS: Record<ErrorKind, { status: ClientErrorStatus; code: string }> = {
  invalid_param: { status: 400, code: "BAD_REQUEST" },
  not_signed: { status: 401, code: "UNAUTHORIZED" },
  sign_expired: { status: 401, code: "UNAUTHORIZED" },
  auth_failure: { status: 401, code: "UNAUTHORIZED" },
  unauthorized: { status: 401, code: "UNAUTHORIZED" },
  token_expired: { status: 401, code: "ACCESS_TOKEN_EXPIRED" },
  forbidden: { status: 403, code: "FORBIDDEN" },
  not_in_room: { status: 403, code: "FORBIDDEN" },
  banned: { status: 403, code: "BANNED" },
  muted: { status: 403, code: "MUTED" },
  not_found: { status: 404, code: "NOT_FOUND" },
  conflict: { status: 409, code: "CONFLICT" },
  too_large: { status: 413, code: "PAYLOAD_TOO_LARGE" },
  length_required: { status: 411, code: "LENGTH_REQUIRED" },
  unsupported_media_type: { status: 415, code: "UNSUPPORTED_MEDIA_TYPE" },
  rate_limited: { status: 429, code: "RATE_LIMITED" },
  // The room's own send budget (SPEC §8.1 ROOM_SENDS_PER_SEC): not this user's fault, retry shortly.
  room_busy: { status: 429, code: "ROOM_BUSY" },
  not_implemented: { status: 404, code: "NOT_FOUND" },
  server_error: { status: 500, code: "SERVER_ERROR" },
};

/** The distinct codes an error status carries (for the OpenAPI document and the typed client). */
export function codesOf(status: ClientErrorStatus): [string, ...string[]] {
  const codes = [...new Set(Object.values(CLIENT_ERRORS).flatMap((e) => (e.status === status ? [e.code] : [])))];
  if (codes.length === 0) throw new Error(`no error kind maps to HTTP ${status}`);
  return codes as [string, ...string[]];
}

/** The client error envelope body of SPEC §3. */
export function clientErrorBody(kind: ErrorKind, message: string, now = new Date()) {
  const { status, code } = CLIENT_ERRORS[kind];
  return { status, message, error: code, code, timestamp: now.toISOString() };
}

/** A complete error Response in the client envelope (used where no Hono context exists, e.g. the room object). */
export function clientErrorResponse(kind: ErrorKind, message: string, retryAfterSec?: number): Response {
  const body = clientErrorBody(kind, message);
  const headers: Record<string, string> = { "content-type": "application/json; charset=utf-8" };
  if (retryAfterSec !== undefined) headers["retry-after"] = String(retryAfterSec);
  return new Response(JSON.stringify(body), { status: body.status, headers });
}
