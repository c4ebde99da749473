/**
 * @module socket-errors
 * How a socket hears that a frame was refused (SPEC §8.1): an `error` frame, the connection kept; for
 * rate reasons (RATE_LIMITED, ROOM_BUSY) at most one notice a second and a 4008 close after a long
 * flood. Shared by room objects and live-room shards, which both hold their sockets in a SocketHub.
 */
import { CLIENT_ERRORS } from "../api/codes";
import { type Failure, fail } from "../errors";
import { encode } from "./protocol";
import type { FrameVerdict } from "./socket-budget";
import { CLOSE_ABUSE, type SocketHub } from "./sockets";

/** The `error` frame answering a refused frame (with the clientMsgId of the send it refuses). */
export function errorFrame(failure: Failure, clientMsgId?: string): string {
  const { code } = CLIENT_ERRORS[failure.kind];
  return encode({ type: "error", code, message: failure.message, clientMsgId, retryAfterSec: failure.retryAfterSec });
}

/**
 * Applies a refusal for a rate reason to a socket: keeps its budget, sends the notice when one is due
 * (through `send`: the hub's queue, or in order behind the socket's earlier answers), and closes the
 * socket with 4008 once it has been over budget for too long.
 */
export function applyRefusal(
  sockets: SocketHub,
  socket: WebSocket,
  verdict: Extract<FrameVerdict, { ok: false }>,
  reason: Pick<Failure, "kind" | "message">,
  clientMsgId: string | undefined,
  send: (socket: WebSocket, frame: string) => void,
): void {
  sockets.saveBudget(socket, verdict.budget, verdict.notify);
  if (verdict.notify) {
    const notice = fail(reason.kind, reason.message, { retryAfterSec: verdict.retryAfterSec });
    send(socket, errorFrame(notice, clientMsgId));
  }
  if (verdict.close) sockets.closeSocket(socket, CLOSE_ABUSE, "over the frame budget for too long");
}
