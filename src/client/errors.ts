/**
 * @module client/errors
 * The client's error types: {@link ApiError} for HTTP calls, {@link SocketError} for refused socket
 * sends and for a socket that closed for good.
 */

/** A failed HTTP call: the error envelope's status, code and message (status 0 when the network failed). */
export class ApiError extends Error {
  override readonly name = "ApiError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Seconds to wait, from Retry-After on 429 RATE_LIMITED. */
    readonly retryAfterSec?: number,
  ) {
    super(message);
  }
}

/** A send refused by the room (`error` frame: MUTED, RATE_LIMITED, …) or cut off by a final close (CLOSED). */
export class SocketError extends Error {
  override readonly name = "SocketError";
  constructor(
    readonly code: string,
    message: string,
    /** Seconds to wait before retrying, when the room said so (rate limit, slow mode). */
    readonly retryAfterSec?: number,
  ) {
    super(message);
  }
}
