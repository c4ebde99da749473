/**
 * @module sessions
 * A member's live connection: admission (membership, sockets per user, connects per 10 s), the welcome
 * and resume on connect, presence on disconnect, and every client frame in between under the socket's
 * frame budget (SPEC §4, §8.1).
 */
import type { Failure, Result } from "../errors";
import { HISTORY_DEFAULT, ONLINE_LIST_MAX } from "../limits";
import type { RoomCore } from "./core";
import { edit, react, recall } from "./message-changes";
import { history, markRead, send, wireMessages } from "./messaging";
import type { Role } from "./permissions";
import { type ClientFrame, encode, wireRestriction } from "./protocol";
import { admitClientFrame, type FrameVerdict, freshBudget, refuse } from "./socket-budget";
import { applyRefusal, errorFrame } from "./socket-errors";
import { CLOSE_REMOVED, type SocketIdentity } from "./sockets";
import type { MessageRow, RoomMeta } from "./store";
import type { UpgradeSession } from "./upgrade";

/** Messages per batch frame when replaying after `since`. */
const REPLAY_BATCH = 100;

/** Why a user may not open another socket now (room rules first, then the per-user limits), or null. */
export function admissionRefusal(room: RoomCore, session: UpgradeSession, now: number): Failure | null {
  const refusal = room.connectRefusal(session.userId, now);
  if (refusal) return refusal;
  return room.sockets.connectRefusal(session.userId, now, room.limits);
}

/** Accepts a member's socket: welcome, then the missed messages (or resync), then live traffic. */
export function connect(room: RoomCore, socket: WebSocket, session: UpgradeSession, now: number): void {
  const meta = room.meta as RoomMeta;
  const { userId, since } = session;
  const first = room.sockets.accept(socket, {
    userId,
    connectedAt: now,
    iat: session.iat,
    exp: session.exp,
    clientId: session.clientId,
    platform: session.platform,
  });
  const online = room.sockets.online();
  room.sockets.send(
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
      lastUpdateSeq: room.lastUpdateSeq,
      mode: meta.mode,
    }),
  );
  if (since !== null) replay(room, socket, userId, since, session.updatesSince);
  if (first)
    room.sockets.broadcastExcept(encode({ type: "presence", userId, online: true, count: online.size }), socket);
}

/**
 * A resume (SPEC §4, §8.3): every message after `since`, then what changed up to `since` after update
 * seq `updatesSince` (recalls, edits, reactions) as `message_update` frames with the current state.
 * Beyond RESUME_LIMIT of either, `resync` tells the client to page history over HTTP instead.
 */
function replay(room: RoomCore, socket: WebSocket, userId: string, since: number, updatesSince: number | null): void {
  const limit = room.limits.resumeLimit;
  const missed = since < room.lastSeq ? room.rows.messages.after(since, limit + 1) : [];
  const changed =
    updatesSince !== null && updatesSince < room.lastUpdateSeq
      ? room.rows.messages.changedSince(Math.min(since, room.lastSeq), updatesSince, limit + 1)
      : [];
  if (room.lastSeq - since > limit || changed.length > limit) {
    room.sockets.send(
      socket,
      encode({ type: "resync", since, lastSeq: room.lastSeq, lastUpdateSeq: room.lastUpdateSeq }),
    );
    return;
  }
  const frames = [
    ...wireMessages(room, missed, userId).map((message) => encode({ type: "message", ...message })),
    ...wireMessages(room, changed, userId).map((message, index) =>
      encode({
        type: "message_update",
        seq: message.seq,
        updateSeq: (changed[index] as MessageRow).version,
        ...(message.deleted
          ? { deleted: true as const }
          : { content: message.content, editedAt: message.editedAt, reactions: message.reactions ?? [] }),
      }),
    ),
  ];
  frames.forEach((frame, index) => {
    room.sockets.send(socket, frame);
    // Keep each replay batch well under the runtime's message size limit.
    if ((index + 1) % REPLAY_BATCH === 0) room.sockets.flush();
  });
}

/** Forgets a closed socket; the user's last socket going tells the room they went offline. */
export function disconnect(room: RoomCore, socket: WebSocket): void {
  const released = room.sockets.release(socket);
  if (released?.wentOffline) announceOffline(room, released.userId);
}

/** Tells the room a user went offline. */
export function announceOffline(room: RoomCore, userId: string): void {
  room.sockets.broadcast(encode({ type: "presence", userId, online: false, count: room.sockets.online().size }));
}

/**
 * Handles one client frame (parsed, or the reason it could not be): every frame — a malformed one
 * too — first takes its tokens from the socket's budget, so no frame is answered beyond the budget.
 */
export function onMessage(
  room: RoomCore,
  socket: WebSocket,
  identity: SocketIdentity,
  frame: Result<ClientFrame>,
  now: number,
): void {
  const verdict = admitClientFrame(identity.budget, frame, now, room.limits);
  if (!verdict.ok) {
    const failure = { kind: "rate_limited", message: "too many frames: slow down" } as const;
    overBudget(room, socket, verdict, failure, verdict.clientMsgId);
  } else if (identity.exp > 0 && identity.exp * 1000 <= now) {
    // The alarm closes sockets at their token's expiry; a frame that arrives first must not slip through.
    room.sockets.closeExpired(now);
  } else if (!frame.ok) {
    room.sockets.saveBudget(socket, verdict.budget, false);
    sendError(room, socket, frame);
  } else if (!room.inRoom(identity.userId)) {
    // A removed member's frames arrive only in the instant before its close lands.
    room.sockets.closeUser(identity.userId, CLOSE_REMOVED, "not a member");
  } else {
    room.sockets.saveBudget(socket, verdict.budget, false);
    onFrame(room, socket, identity.userId, frame.value, now);
  }
}

/** Handles one valid client frame from a member's socket. */
function onFrame(room: RoomCore, socket: WebSocket, userId: string, frame: ClientFrame, now: number): void {
  const actor = { kind: "user", userId } as const;
  switch (frame.type) {
    case "send": {
      const result = send(room, userId, frame, false, now);
      if (result.ok)
        room.sockets.send(socket, encode({ type: "ack", clientMsgId: frame.clientMsgId, ...result.value }));
      else refuseFrame(room, socket, result, now, frame.clientMsgId);
      return;
    }
    case "read":
      answer(room, socket, markRead(room, userId, frame.seq, now), now);
      return;
    case "typing":
      // At most one typing frame per user per TYPING_INTERVAL_MS reaches the others; the rest are dropped.
      if (!room.restrictionOf(userId, now) && room.sockets.typingDue(userId, now, room.limits.typingIntervalMs)) {
        room.sockets.broadcastExcept(encode({ type: "typing", userId }), socket);
      }
      return;
    case "history": {
      const result = history(room, actor, { before: frame.before, limit: frame.limit ?? HISTORY_DEFAULT }, now);
      if (result.ok) room.sockets.send(socket, encode({ type: "history", ...result.value }));
      else refuseFrame(room, socket, result, now);
      return;
    }
    case "edit":
      answer(room, socket, edit(room, userId, frame.seq, frame.content, now), now);
      return;
    case "recall":
      answer(room, socket, recall(room, actor, frame.seq, now), now);
      return;
    case "react":
    case "unreact":
      answer(room, socket, react(room, userId, frame.seq, frame.emoji, frame.type === "react", now), now);
      return;
  }
}

/** Frames whose success the room announces to everyone: only a refusal is answered to the sender. */
function answer(room: RoomCore, socket: WebSocket, result: Result<unknown>, now: number): void {
  if (!result.ok) refuseFrame(room, socket, result, now);
}

/** Answers a refused frame; refusals for rate reasons go through the socket's notice budget. */
function refuseFrame(room: RoomCore, socket: WebSocket, failure: Failure, now: number, clientMsgId?: string): void {
  if (failure.kind !== "rate_limited" && failure.kind !== "room_busy") {
    sendError(room, socket, failure, clientMsgId);
    return;
  }
  // The send bucket and slow mode refuse for rate reasons: one notice a second, as for frames.
  const budget = room.sockets.identity(socket)?.budget ?? freshBudget();
  const verdict = refuse(budget, now, (failure.retryAfterSec ?? 1) * 1000, room.limits);
  overBudget(room, socket, verdict, failure, clientMsgId);
}

/**
 * A refusal for a rate reason (RATE_LIMITED, or ROOM_BUSY from the room's send budget): at most one
 * notice a second per socket; 4008 after a long flood.
 */
function overBudget(
  room: RoomCore,
  socket: WebSocket,
  verdict: Extract<FrameVerdict, { ok: false }>,
  reason: Pick<Failure, "kind" | "message">,
  clientMsgId?: string,
): void {
  applyRefusal(room.sockets, socket, verdict, reason, clientMsgId, (target, frame) => room.sockets.send(target, frame));
}

/** Answers a refused frame with an `error` frame; the connection stays open. */
export function sendError(room: RoomCore, socket: WebSocket, failure: Failure, clientMsgId?: string): void {
  room.sockets.send(socket, errorFrame(failure, clientMsgId));
}
