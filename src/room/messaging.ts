/**
 * @module messaging
 * Messages: history and search (with reaction counts), send (one path for socket, HTTP and admin,
 * with replies and mentions), read markers.
 */
import { fail, ok, type Result } from "../errors";
import { PREVIEW_MAX } from "../limits";
import { NOT_FOUND, type RoomCore } from "./core";
import { encode, type SendMessage, type WireAttachment, type WireMessage, wireMessage } from "./protocol";
import { isBanned } from "./restrictions";
import { checkSend, isReservedContentType } from "./send-rules";
import type { AttachmentRow, MessageRow, ReplyPreview } from "./store";
import type { Ack, Actor } from "./types";

/** Wire messages with their reaction counts (`mine` marked when they are for one user) and attachments. */
export function wireMessages(room: RoomCore, rows: readonly MessageRow[], viewer: string | null): WireMessage[] {
  const live = rows.filter((row) => !row.deleted);
  const seqs = live.map((row) => row.seq);
  const counts = room.rows.messages.reactionCounts(seqs);
  const mine = viewer === null ? null : room.rows.messages.reactionsBy(viewer, seqs);
  const withFiles = live.filter((row) => row.attachments.length > 0).map((row) => row.seq);
  const files = room.rows.attachments.ofMessages(withFiles);
  const now = Date.now();
  return rows.map((row) =>
    wireMessage(
      row,
      counts.get(row.seq),
      mine === null ? undefined : (mine.get(row.seq) ?? new Set()),
      wireAttachments(room, row.attachments, files, now),
    ),
  );
}

/** The wire attachments of a message, each with a freshly signed URL; ids no longer stored are left out. */
export function wireAttachments(
  room: RoomCore,
  ids: readonly string[],
  rows: ReadonlyMap<string, AttachmentRow>,
  now: number,
): WireAttachment[] {
  return ids.flatMap((id) => {
    const row = rows.get(id);
    if (!row) return [];
    const wire: WireAttachment = { id, contentType: row.contentType, size: row.size, url: room.attachmentUrl(id, now) };
    if (row.width !== null) wire.width = row.width;
    if (row.height !== null) wire.height = row.height;
    if (row.name !== null) wire.name = row.name;
    return [wire];
  });
}

export function history(
  room: RoomCore,
  actor: Actor,
  query: { before?: number; after?: number; limit: number },
  now: number,
): Result<{ messages: WireMessage[]; hasMore: boolean }> {
  const gate = room.gate(actor, now);
  if ("ok" in gate) return gate;
  const rows =
    query.after !== undefined
      ? room.rows.messages.after(query.after, query.limit + 1)
      : room.rows.messages.before(query.before ?? room.lastSeq + 1, query.limit + 1);
  const hasMore = rows.length > query.limit;
  const viewer = actor.kind === "user" ? actor.userId : null;
  return ok({ messages: wireMessages(room, rows.slice(0, query.limit), viewer), hasMore });
}

/** Full-text search over retained messages, newest first; `cursor` is the seq to continue below. */
export function search(
  room: RoomCore,
  actor: Actor,
  query: { q: string; before?: number; limit: number },
  now: number,
): Result<{ messages: WireMessage[]; nextCursor: number | null }> {
  const gate = room.gate(actor, now);
  if ("ok" in gate) return gate;
  const rows = room.rows.messages.search(query.q, query.before ?? room.lastSeq + 1, query.limit + 1);
  const page = rows.slice(0, query.limit);
  const next = rows.length > query.limit ? (page[page.length - 1]?.seq ?? null) : null;
  return ok({ messages: wireMessages(room, page, actor.kind === "user" ? actor.userId : null), nextCursor: next });
}

/** Stores and broadcasts one chat message under the send rules; a repeated clientMsgId is acked again. */
export function send(room: RoomCore, senderId: string, message: SendMessage, admin: boolean, now: number): Result<Ack> {
  const meta = room.meta;
  if (!meta) return fail("not_found", NOT_FOUND);
  if (!admin && message.contentType !== undefined && isReservedContentType(message.contentType)) {
    return fail("invalid_param", "contentType: reserved for messages sent by the server", { field: "contentType" });
  }
  const sender = room.sender(senderId);
  const role = sender.role;
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
      lastSentAt: sender.lastSentAt,
      bucket: sender.bucket,
      ratePerSec: room.limits.sendRatePerSec,
      burst: room.limits.sendBurst,
      bypassModeration: admin,
    },
    now,
  );
  if (!decision.ok) return decision;
  const reply = replyPreview(room, message.replyTo);
  if (!reply.ok) return reply;
  const mentions = mentionList(room, message.mentions);
  if (!mentions.ok) return mentions;
  const files = attachmentList(room, senderId, message.attachments);
  if (!files.ok) return files;
  if (message.content.length === 0 && files.value.size === 0) {
    return fail("invalid_param", "content: must not be empty (unless the message carries attachments)", {
      field: "content",
    });
  }
  // Last, so that only a send the room would store spends the room's budget.
  const budget = room.takeRoomSend(now);
  if (!budget.ok) return budget;
  const row = room.write(now, (tx) => {
    const row: MessageRow = {
      seq: tx.lastSeq + 1,
      senderId,
      clientMsgId: message.clientMsgId,
      content: message.content,
      contentType: message.contentType ?? "text",
      ts: now,
      replyTo: message.replyTo ?? null,
      replyPreview: reply.value,
      mentions: mentions.value,
      editedAt: null,
      deleted: false,
      version: 0,
      attachments: [...files.value.keys()],
    };
    tx.appendMessage(row);
    room.recordSend(sender, now, decision.bucket, row.seq);
    if (row.attachments.length > 0) room.rows.attachments.bind(row.attachments, row.seq);
    // The event names the files (not their expiring URLs) so a receiver knows what the message carries.
    const carried = [...files.value.values()].map(({ id, contentType, size, width, height, name }) => ({
      id,
      contentType,
      size,
      width,
      height,
      name,
    }));
    tx.event("message", { ...wireMessage(row), ...(carried.length > 0 ? { attachments: carried } : {}), admin });
    if (row.mentions.length > 0) room.rows.members.recordMentions(row.mentions, row.seq);
    return row;
  });
  room.indexer.markActivity(now);
  const attachments = wireAttachments(room, row.attachments, files.value, now);
  room.hub.broadcast(encode({ type: "message", ...wireMessage(row, undefined, undefined, attachments) }), {
    seq: row.seq,
  });
  return ok({ seq: row.seq, ts: row.ts, duplicate: false });
}

/** The preview a reply stores of the message it quotes, which must be retained and not recalled. */
function replyPreview(room: RoomCore, replyTo: number | undefined): Result<ReplyPreview | null> {
  if (replyTo === undefined) return ok(null);
  const quoted = room.rows.messages.get(replyTo);
  if (!quoted || quoted.deleted) {
    return fail("invalid_param", "replyTo: no such message in this room", { field: "replyTo" });
  }
  return ok({ seq: quoted.seq, senderId: quoted.senderId, preview: quoted.content.slice(0, PREVIEW_MAX) });
}

/** Attachments of a send: uploaded to this room by the sender, and not carried by another message yet. */
function attachmentList(
  room: RoomCore,
  senderId: string,
  ids: readonly string[] | undefined,
): Result<Map<string, AttachmentRow>> {
  const files = new Map<string, AttachmentRow>();
  for (const [index, id] of [...new Set(ids ?? [])].entries()) {
    const row = room.rows.attachments.get(id);
    if (!row || row.uploaderId !== senderId || row.seq !== null) {
      const field = `attachments.${index}`;
      return fail("invalid_param", `${field}: not an unsent upload of yours in this room`, { field });
    }
    files.set(id, row);
  }
  return ok(files);
}

/** Mentioned users: members only, each once, at most MENTIONS_MAX (SPEC §8.3). */
function mentionList(room: RoomCore, mentions: readonly string[] | undefined): Result<string[]> {
  const unique = [...new Set(mentions ?? [])];
  if (unique.length > room.limits.mentionsMax) {
    return fail("invalid_param", `mentions: at most ${room.limits.mentionsMax} users`, { field: "mentions" });
  }
  const index = unique.findIndex((userId) => room.rows.members.get(userId) === null);
  if (index >= 0) {
    return fail("invalid_param", `mentions.${index}: not a member of this room`, { field: `mentions.${index}` });
  }
  return ok(unique);
}

export function markRead(room: RoomCore, userId: string, seq: number, now: number): Result<{ seq: number }> {
  const gate = room.gate({ kind: "user", userId }, now);
  if ("ok" in gate) return gate;
  const clamped = Math.min(seq, room.lastSeq);
  room.rows.members.setRead(userId, clamped);
  room.indexer.markActivity(now);
  return ok({ seq: clamped });
}
