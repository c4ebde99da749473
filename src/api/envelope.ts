/**
 * @module api/envelope
 * The client envelopes of SPEC §3: `{status, message, data}` on success and
 * `{status, message, error, code, timestamp}` on failure (plus Retry-After when rate limited).
 */
import type { Context } from "hono";
import type { AppEnv } from "../env";
import { toAppError } from "../validation";
import { CLIENT_ERRORS, clientErrorBody } from "./codes";
import { isWillsonPath, willsonError } from "./willson";

/** A success response in the client envelope (status 200 "OK" unless given). */
export function reply<T, S extends 200 | 201 = 200>(c: Context<AppEnv>, data: T, status?: S, message = "OK") {
  const code = (status ?? 200) as S;
  return c.json({ status: code, message, data }, code);
}

/**
 * Maps any error to the client error envelope (Willson's shape on its own route); unknown errors are
 * logged and become SERVER_ERROR.
 */
export function apiOnError(error: Error, c: Context<AppEnv>): Response {
  const appError = toAppError(error);
  if (appError.kind === "server_error") {
    console.error(JSON.stringify({ at: "api", requestId: c.get("requestId"), path: c.req.path, error: String(error) }));
  }
  if (isWillsonPath(c.req.path)) return willsonError(appError, c);
  const body = clientErrorBody(appError.kind, appError.message);
  if (appError.retryAfterSec !== undefined) c.header("Retry-After", String(Math.max(1, appError.retryAfterSec)));
  return c.json(body, CLIENT_ERRORS[appError.kind].status);
}
