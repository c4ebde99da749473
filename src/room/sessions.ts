/**
 * @module sessions
 * A member's live connection: the welcome and resume on connect, presence on disconnect, and the
 * client frames in between (SPEC §4).
 */
import { CLIENT_ERRORS } from "../api/codes";
import { type Failure, ok, type Result } from "../errors";
import { HISTORY_DEFAULT, ONLINE_LIST_MAX } from "../limits";
import type { RoomCore } from "./core";
import { history, markRead, send } from "./messaging";
import type { Role } from "./permissions";
import { type ClientFrame, encode, wireMessage, wireRestriction } from "./protocol";
import type { RoomMeta } from "./store";
import type { Actor } from "./types";

/** Messages per batch frame when replaying after `since`. */
const REPLAY_BATCH = 100;

/** Accepts a member's socket: welcome, then the missed messages (or resync), then live traffic. */
export function connect(room: RoomCore, socket: WebSocket, userId: string, since: number | null, now: number): void {
  const meta = room.meta as RoomMeta;
  const first = room.hub.accept(socket, { userId, connectedAt: now });
  const online = room.hub.online();
  room.hub.send(
    socket,
    encode({
      type: "welcome",
      chatroomId: meta.chatroomId,
      userId,
      role: room.roleOf(userId) as Role,
      lastSeq: room.lastSeq,
      muteAll: meta.muteAll,
      slowModeSeconds: meta.slowModeSeconds,
      restriction: wireRestriction(room.restrictionOf(userId, now)),
      online: [...online.keys()].slice(0, ONLINE_LIST_MAX),
      onlineCount: online.size,
    }),
  );
  if (since !== null && since < room.lastSeq) {
    if (room.lastSeq - since > room.limits.resumeLimit) {
      room.hub.send(socket, encode({ type: "resync", since, lastSeq: room.lastSeq }));
    } else {
      const missed = room.rows.messages.after(since, room.limits.resumeLimit);
      missed.forEach((row, index) => {
        room.hub.send(socket, encode({ type: "message", ...wireMessage(row) }));
        // Keep each replay batch well under the runtime's message size limit.
        if ((index + 1) % REPLAY_BATCH === 0) room.hub.flush();
      });
    }
  }
  if (first) room.hub.broadcast(encode({ type: "presence", userId, online: true, count: online.size }), socket);
}

/** Forgets a closed socket; the user's last socket going tells the room they went offline. */
export function disconnect(room: RoomCore, socket: WebSocket): void {
  const released = room.hub.release(socket);
  if (released?.wentOffline) {
    const count = room.hub.online().size;
    room.hub.broadcast(encode({ type: "presence", userId: released.userId, online: false, count }));
  }
}

/** Handles one valid client frame from a member's socket. */
export function onFrame(room: RoomCore, socket: WebSocket, userId: string, frame: ClientFrame, now: number): void {
  const actor: Actor = { kind: "user", userId };
  let reply: Result<unknown>;
  switch (frame.type) {
    case "send": {
      const result = send(room, userId, frame, false, now);
      if (result.ok) {
        room.hub.send(socket, encode({ type: "ack", clientMsgId: frame.clientMsgId, ...result.value }));
      }
      reply = result;
      break;
    }
    case "read":
      reply = markRead(room, userId, frame.seq, now);
      break;
    case "typing":
      if (!room.restrictionOf(userId, now)) room.hub.broadcast(encode({ type: "typing", userId }), socket);
      reply = ok(undefined);
      break;
    case "history": {
      const result = history(room, actor, { before: frame.before, limit: frame.limit ?? HISTORY_DEFAULT }, now);
      if (result.ok) room.hub.send(socket, encode({ type: "history", ...result.value }));
      reply = result;
      break;
    }
  }
  if (!reply.ok) sendError(room, socket, reply, frame.type === "send" ? frame.clientMsgId : undefined);
}

/** Answers a refused frame with an `error` frame; the connection stays open. */
export function sendError(room: RoomCore, socket: WebSocket, failure: Failure, clientMsgId?: string): void {
  room.hub.send(
    socket,
    encode({
      type: "error",
      code: CLIENT_ERRORS[failure.kind].code,
      message: failure.message,
      clientMsgId,
      retryAfterSec: failure.retryAfterSec,
    }),
  );
}
