/**
 * @module app/lib/describe
 * A readable sentence for any error the client raises (never raw JSON or a stack).
 */
import { ApiError, SocketError } from "../../client";
import { sentence } from "./format";

/** What went wrong, for a notice. */
export function describe(error: unknown): string {
  if (!(error instanceof ApiError || error instanceof SocketError)) return "Something went wrong. Please try again.";
  switch (error.code) {
    case "NETWORK_ERROR":
      return "Can't reach the server. Check that it is running and try again.";
    case "UNAUTHORIZED":
      return "Your session is no longer valid. Please sign in again.";
    case "ACCESS_TOKEN_EXPIRED":
      return "Your session has expired. Please sign in again.";
    case "MUTED":
      return error.message.includes("room is muted")
        ? "Mute-all is on: only the host and managers can talk right now."
        : "You are muted in this room.";
    case "BANNED":
      return "You are banned from this room.";
    case "RATE_LIMITED":
      return `You are going too fast. Try again in ${error.retryAfterSec ?? 1} s.`;
    case "ROOM_BUSY":
      return `The room is very busy. Try again in ${error.retryAfterSec ?? 1} s.`;
    case "CLOSED":
      return "Not connected to the room.";
    default:
      return sentence(error.message) || "Something went wrong.";
  }
}

/** Whether an HTTP error means the token is no longer accepted. */
export const isAuthError = (error: unknown): boolean =>
  error instanceof ApiError && (error.code === "UNAUTHORIZED" || error.code === "ACCESS_TOKEN_EXPIRED");

/** The Retry-After of a 429, in seconds, else null. */
export const retryAfterOf = (error: unknown): number | null =>
  error instanceof ApiError && error.status === 429 ? (error.retryAfterSec ?? 1) : null;
