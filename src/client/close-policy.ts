/**
 * @module client/close-policy
 * What a {@link RoomSocket} does after a close, a refused connection or a throttling `error` frame
 * (SPEC §4, §8.1), as pure functions so the policy reads (and is tested) as a table.
 */

/** Close codes of the real-time protocol. */
export const CloseCode = {
  /** Left the room, or closed by the client. */
  Normal: 1000,
  /** The transport dropped, or the upgrade was refused (a browser learns nothing more). */
  Abnormal: 1006,
  /** The token expired or was revoked (§8.1): ask the app for a new one, never reconnect-loop. */
  TokenExpired: 4001,
  /** Kicked or banned. */
  Removed: 4003,
  /** The room ended. */
  RoomEnded: 4004,
  /** Closed for abuse: over the frame budget for too long, or too many sockets (§8.1). */
  Abuse: 4008,
} as const;

/** Codes after which the socket stays closed: left (1000), removed (4003), room ended (4004), abuse (4008). */
export const FINAL_CLOSE_CODES: readonly number[] = [
  CloseCode.Normal,
  CloseCode.Removed,
  CloseCode.RoomEnded,
  CloseCode.Abuse,
];

/** `error` frame codes that mean "slow down": they carry `retryAfterSec` (§8.1, §8.6). */
export const THROTTLE_CODES = ["RATE_LIMITED", "ROOM_BUSY"] as const;

/** A throttling error code. */
export type ThrottleCode = (typeof THROTTLE_CODES)[number];

/** The socket's next step after a close: stay closed, wait for a new token, or reconnect. */
export type CloseAction = "final" | "token" | "retry";

/** Without a Retry-After, a connect refused with 429 waits one connect window (CONNECTS_PER_10S). */
export const CONNECT_RETRY_FALLBACK_MS = 10_000;

/** Consecutive token refreshes the server may refuse before the socket gives up. */
export const MAX_TOKEN_REFRESHES = 3;

/** What to do after a close with this code. */
export function closeAction(code: number): CloseAction {
  if (code === CloseCode.TokenExpired) return "token";
  return FINAL_CLOSE_CODES.includes(code) ? "final" : "retry";
}

/** A readable reason for a close: the server's own when it gave one, else one for the code. */
export function closeReason(code: number, reason: string): string {
  if (reason) return reason;
  switch (code) {
    case CloseCode.Normal:
      return "closed";
    case CloseCode.TokenExpired:
      return "the access token expired or was revoked";
    case CloseCode.Removed:
      return "removed from the room";
    case CloseCode.RoomEnded:
      return "the room ended";
    case CloseCode.Abuse:
      return "closed for abuse: too many frames or too many connections";
    default:
      return `connection lost (${code})`;
  }
}

/** Whether an `error` frame's code asks the client to slow down. */
export function isThrottleCode(code: string): code is ThrottleCode {
  return (THROTTLE_CODES as readonly string[]).includes(code);
}

/** Reconnect delay options. */
export interface DelayOptions {
  minMs: number;
  maxMs: number;
  /** The server's Retry-After, in ms: the delay is never shorter. */
  retryAfterMs?: number;
}

/**
 * Delay before reconnect attempt `attempt` (1-based): minMs doubling to maxMs, ±20 % jitter so a
 * room's clients do not come back in lockstep, and never under the server's Retry-After.
 */
export function reconnectDelay(attempt: number, options: DelayOptions, random: () => number = Math.random): number {
  const base = Math.min(options.maxMs, options.minMs * 2 ** Math.min(Math.max(attempt - 1, 0), 16));
  const jittered = Math.round(base * (0.8 + random() * 0.4));
  return Math.max(jittered, options.retryAfterMs ?? 0);
}

/** Seconds from a Retry-After header (whole seconds per §8); undefined when absent or not positive. */
export function retryAfterSeconds(header: string | null | undefined): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  return Number.isFinite(seconds) && seconds > 0 ? seconds : undefined;
}

/**
 * The HTTP status of a refused upgrade, when the transport says it: the `ws` package reports
 * "Unexpected server response: 429" in its error event; browsers report nothing (null).
 */
export function refusedStatus(message: unknown): number | null {
  if (typeof message !== "string") return null;
  const match = /Unexpected server response: (\d{3})/.exec(message);
  return match ? Number(match[1]) : null;
}
