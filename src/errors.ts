/**
 * @module errors
 * The one error type of edgeroom. It names what went wrong (a closed set of kinds) and, where it
 * applies, which field; each API maps it once to its own envelope (admin/envelope.ts, api/envelope.ts).
 * No HTTP or Wildfire codes live here.
 */

/** Every failure edgeroom reports, independent of any wire format. */
export type ErrorKind =
  | "invalid_param"
  | "not_signed"
  | "sign_expired"
  | "auth_failure"
  | "unauthorized"
  | "token_expired"
  | "forbidden"
  | "not_in_room"
  | "banned"
  | "muted"
  | "not_found"
  | "conflict"
  | "too_large"
  | "length_required"
  | "unsupported_media_type"
  | "rate_limited"
  | "room_busy"
  | "not_implemented"
  | "server_error";

/** Extra facts that travel with an error. */
export interface ErrorDetails {
  /** The request field that is wrong (dotted path, or a header name), for invalid_param, too_large and the upload refusals. */
  field?: string;
  /** Seconds until a retry can succeed, for rate_limited and room_busy. */
  retryAfterSec?: number;
}

/** A failure as plain data: what room methods return across RPC (errors lose their fields there). */
export interface Failure extends ErrorDetails {
  ok: false;
  kind: ErrorKind;
  message: string;
}

/** Result of an operation that can fail in an expected way. */
export type Result<T> = { ok: true; value: T } | Failure;

/** The error thrown inside the Worker; envelopes map it to each API's shape. */
export class AppError extends Error {
  override readonly name = "AppError";
  readonly field?: string;
  readonly retryAfterSec?: number;

  constructor(
    readonly kind: ErrorKind,
    message: string,
    details: ErrorDetails = {},
  ) {
    super(message);
    this.field = details.field;
    this.retryAfterSec = details.retryAfterSec;
  }

  /** Rebuilds the error from a Failure returned by a room object. */
  static from(failure: Failure): AppError {
    return new AppError(failure.kind, failure.message, failure);
  }
}

/** Builds a Failure value (for code that returns instead of throwing). */
export function fail(kind: ErrorKind, message: string, details: ErrorDetails = {}): Failure {
  return { ok: false, kind, message, ...details };
}

/** Builds a success value. */
export function ok<T>(value: T): { ok: true; value: T } {
  return { ok: true, value };
}

/** Returns the value of a Result, or throws its failure as AppError. */
export function unwrap<T>(result: Result<T>): T {
  if (!result.ok) throw AppError.from(result);
  return result.value;
}

/** Shorthand for an invalid_param error naming the field. */
export function invalidParam(field: string, problem: string): AppError {
  return new AppError("invalid_param", `${field}: ${problem}`, { field });
}
