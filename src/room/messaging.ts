/**
 * @module messaging
 * Messages: history, send (one path for socket, HTTP and admin), read markers.
 */
import { fail, ok, type Result } from "../errors";
import { NOT_FOUND, type RoomCore } from "./core";
import { encode, type SendMessage, wireMessage } from "./protocol";
import { isBanned } from "./restrictions";
import { checkSend, isReservedContentType } from "./send-rules";
import type { Ack, Actor } from "./types";

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
      ? room.rows.messages.after(query.after, query.limit + 1)
      : room.rows.messages.before(query.before ?? room.lastSeq + 1, query.limit + 1);
  const hasMore = rows.length > query.limit;
  return ok({ messages: rows.slice(0, query.limit).map(wireMessage), hasMore });
}

/** Stores and broadcasts one chat message under the send rules; a repeated clientMsgId is acked again. */
export function send(room: RoomCore, senderId: string, message: SendMessage, admin: boolean, now: number): Result<Ack> {
  const meta = room.meta;
  if (!meta) return fail("not_found", NOT_FOUND);
  if (!admin && message.contentType !== undefined && isReservedContentType(message.contentType)) {
    return fail("invalid_param", "contentType: reserved for messages sent by the server", { field: "contentType" });
  }
  const member = room.rows.members.get(senderId);
  const role = room.roleOf(senderId);
  const restriction = room.rows.restrictions.get(senderId);
  // Who may speak at all comes first: a banned or removed user retrying an old id learns so.
  if (isBanned(restriction, now)) return fail("banned", "you are banned from this room");
  if (role === "none") return fail("not_in_room", "you are not a member of this room");
  const original = room.rows.messages.byClientId(senderId, message.clientMsgId);
  if (original) return ok({ seq: original.seq, ts: original.ts, duplicate: true });
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
  const row = room.write(now, (tx) => {
    const row = {
      seq: tx.lastSeq + 1,
      senderId,
      clientMsgId: message.clientMsgId,
      content: message.content,
      contentType: message.contentType ?? "text",
      ts: now,
    };
    tx.appendMessage(row);
    room.rows.members.recordSend(senderId, now, decision.bucket, row.seq);
    return row;
  });
  room.indexer.markActivity(now);
  room.hub.broadcast(encode({ type: "message", ...wireMessage(row) }));
  return ok({ seq: row.seq, ts: row.ts, duplicate: false });
}

export function markRead(room: RoomCore, userId: string, seq: number, now: number): Result<{ seq: number }> {
  const gate = room.gate({ kind: "user", userId }, now);
  if ("ok" in gate) return gate;
  const clamped = Math.min(seq, room.lastSeq);
  room.rows.members.setRead(userId, clamped);
  room.indexer.markActivity(now);
  return ok({ seq: clamped });
}
