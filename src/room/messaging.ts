/**
 * @module messaging
 * Messages and sockets: history, send (one path for socket, HTTP and admin), read markers, connect, frames.
 */
import { CLIENT_ERRORS } from "../api/codes";
import { type Failure, fail, ok, type Result } from "../errors";
import { HISTORY_DEFAULT, ONLINE_LIST_MAX } from "../limits";
import { NOT_FOUND, type RoomCore } from "./core";
import type { Role } from "./permissions";
import { type ClientFrame, encode, type SendMessage, wireMessage, wireRestriction } from "./protocol";
import { activeOrNull } from "./restrictions";
import { checkSend } from "./send-rules";
import type { RoomMeta } from "./store";
import type { Ack, Actor } from "./types";

/** Messages per batch frame when replaying after `since`. */
const REPLAY_BATCH = 100;

export function history(
  room: RoomCore,
  actor: Actor,
  query: { before?: number; after?: number; limit: number },
  now: number,
): Result<{ messages: ReturnType<typeof wireMessage>[]; hasMore: boolean }> {
  const gate = room.gate(actor, now);
  if ("ok" in gate) return gate;
  const rows =
    query.after !== undefined
      ? room.store.messagesAfter(query.after, query.limit + 1)
      : room.store.messagesBefore(query.before ?? room.lastSeq + 1, query.limit + 1);
  const hasMore = rows.length > query.limit;
  return ok({ messages: rows.slice(0, query.limit).map(wireMessage), hasMore });
}

/** Stores and broadcasts one chat message under the send rules; a repeated clientMsgId is acked again. */
export function send(room: RoomCore, senderId: string, message: SendMessage, admin: boolean, now: number): Result<Ack> {
  const meta = room.meta;
  if (!meta) return fail("not_found", NOT_FOUND);
  const original = room.store.messageByClientId(senderId, message.clientMsgId);
  if (original) return ok({ seq: original.seq, ts: original.ts, duplicate: true });
  const member = room.store.member(senderId);
  const role = room.roleOf(senderId);
  const restriction = room.store.restriction(senderId);
  if (role === "none" && activeOrNull(restriction, now)?.status === 2) {
    return fail("banned", "you are banned from this room");
  }
  const decision = checkSend(
    {
      state: meta.state,
      role,
      restriction,
      muteAll: meta.muteAll,
      slowModeSeconds: meta.slowModeSeconds,
      lastSentAt: member?.lastSentAt ?? null,
      bucket: member?.bucket ?? null,
      ratePerSec: room.limits.sendRatePerSec,
      burst: room.limits.sendBurst,
      bypassModeration: admin,
    },
    now,
  );
  if (!decision.ok) return decision;
  const row = {
    seq: room.lastSeq + 1,
    senderId,
    clientMsgId: message.clientMsgId,
    content: message.content,
    contentType: message.contentType ?? "text",
    ts: now,
  };
  room.store.transaction(() => {
    room.store.insertMessage(row);
    room.store.recordSend(senderId, now, decision.bucket, row.seq);
  });
  room.lastSeq = row.seq;
  room.markActivity(now);
  room.hub.broadcast(encode({ type: "message", ...wireMessage(row) }));
  return ok({ seq: row.seq, ts: row.ts, duplicate: false });
}

export function markRead(room: RoomCore, userId: string, seq: number, now: number): Result<{ seq: number }> {
  const gate = room.gate({ kind: "user", userId }, now);
  if ("ok" in gate) return gate;
  const clamped = Math.min(seq, room.lastSeq);
  room.store.setRead(userId, clamped);
  room.markActivity(now);
  return ok({ seq: clamped });
}

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
      restriction: wireRestriction(room.activeRestriction(userId, now)),
      online: [...online.keys()].slice(0, ONLINE_LIST_MAX),
      onlineCount: online.size,
    }),
  );
  if (since !== null && since < room.lastSeq) {
    if (room.lastSeq - since > room.limits.resumeLimit) {
      room.hub.send(socket, encode({ type: "resync", since, lastSeq: room.lastSeq }));
    } else {
      const missed = room.store.messagesAfter(since, room.limits.resumeLimit);
      missed.forEach((row, index) => {
        room.hub.send(socket, encode({ type: "message", ...wireMessage(row) }));
        // Keep each replay batch well under the runtime's message size limit.
        if ((index + 1) % REPLAY_BATCH === 0) room.hub.flush();
      });
    }
  }
  if (first) room.hub.broadcast(encode({ type: "presence", userId, online: true, count: online.size }), socket);
}

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
      if (!activeOrNull(room.store.restriction(userId), now))
        room.hub.broadcast(encode({ type: "typing", userId }), socket);
      reply = ok(undefined);
      break;
    case "history": {
      const result = history(room, actor, { before: frame.before, limit: frame.limit ?? HISTORY_DEFAULT }, now);
      if (result.ok) room.hub.send(socket, encode({ type: "history", ...result.value }));
      reply = result;
      break;
    }
  }
  if (!reply.ok) {
    const clientMsgId = frame.type === "send" ? frame.clientMsgId : undefined;
    room.hub.send(
      socket,
      encode({
        type: "error",
        code: errorCode(reply.kind),
        message: reply.message,
        clientMsgId,
        retryAfterSec: reply.retryAfterSec,
      }),
    );
  }
  room.afterCommand(now);
}

function errorCode(kind: Failure["kind"]): string {
  return CLIENT_ERRORS[kind].code;
}
