/**
 * @module message-changes
 * Changes to messages already sent (SPEC §8.3): recall (the sender within RECALL_WINDOW_MS, a
 * moderator any time on lower ranks, the admin any time), edit (the sender), and reactions. Each
 * change takes the room's next update seq, so a reconnecting client learns what it missed.
 */
import { fail, ok, type Result } from "../errors";
import type { RoomCore } from "./core";
import { wireMessages } from "./messaging";
import { type ActorRole, isModerator } from "./permissions";
import { encode, type WireMessage, type WireReaction, wireReactions } from "./protocol";
import { isMuted } from "./restrictions";
import { checkSend } from "./send-rules";
import type { MessageRow } from "./store";
import type { Actor } from "./types";

const RANK: Record<ActorRole, number> = { host: 3, manager: 2, member: 1, none: 0 };

/** A retained message, or not_found naming `seq`. */
function retained(room: RoomCore, seq: number): Result<MessageRow> {
  const row = room.rows.messages.get(seq);
  return row ? ok(row) : fail("not_found", "seq: no such message in this room", { field: "seq" });
}

/** Recalls a message: it keeps its seq as `deleted`, without content, everywhere it is shown. */
export function recall(
  room: RoomCore,
  actor: Actor,
  seq: number,
  now: number,
): Result<{ seq: number; updateSeq: number }> {
  const gate = room.gate(actor, now);
  if ("ok" in gate) return gate;
  const found = retained(room, seq);
  if (!found.ok) return found;
  const message = found.value;
  if (message.deleted) return ok({ seq, updateSeq: message.version });
  if (actor.kind === "user") {
    const own = message.senderId === actor.userId;
    const sender = room.roleOf(message.senderId);
    if (own && !isModerator(gate.role) && now - message.ts > room.limits.recallWindowMs) {
      return fail(
        "forbidden",
        `seq: a message can be recalled within ${room.limits.recallWindowMs / 1000} s of sending`,
      );
    }
    if (!own && !(isModerator(gate.role) && RANK[gate.role] > RANK[sender])) {
      return fail("forbidden", "only the sender, or the host or a manager for a lower rank, may recall this message");
    }
  }
  const updateSeq = room.write(now, (tx) => {
    const version = tx.nextUpdateSeq();
    tx.doomAttachments({ seq });
    room.rows.messages.recall(seq, version);
    tx.previewChanged(seq);
    tx.event("recall", { seq, senderId: message.senderId, by: actor.kind === "admin" ? "admin" : actor.userId });
    return version;
  });
  room.reactions.drop(seq);
  room.indexer.markActivity(now);
  room.hub.broadcast(encode({ type: "message_update", seq, updateSeq, deleted: true }), { updateSeq });
  return ok({ seq, updateSeq });
}

/** Edits the sender's own message: new content under the same rules as sending, and `editedAt`. */
export function edit(room: RoomCore, userId: string, seq: number, content: string, now: number): Result<WireMessage> {
  const gate = room.gate({ kind: "user", userId }, now);
  if ("ok" in gate) return gate;
  const found = retained(room, seq);
  if (!found.ok) return found;
  const message = found.value;
  if (message.senderId !== userId) return fail("forbidden", "only the sender may edit a message");
  if (message.deleted) return fail("conflict", "seq: the message was recalled");
  const sender = room.sender(userId);
  const decision = checkSend(
    {
      state: gate.meta.state,
      role: gate.role,
      restriction: room.rows.restrictions.get(userId),
      muteAll: gate.meta.muteAll,
      // Slow mode paces new messages, not corrections.
      slowModeSeconds: 0,
      lastSentAt: null,
      bucket: sender.bucket,
      ratePerSec: room.limits.sendRatePerSec,
      burst: room.limits.sendBurst,
      bypassModeration: false,
    },
    now,
  );
  if (!decision.ok) return decision;
  if (content === message.content) return ok(editedWire(room, message, userId));
  const updateSeq = room.write(now, (tx) => {
    const version = tx.nextUpdateSeq();
    room.rows.messages.edit(seq, content, now, version);
    room.recordBucket(sender, decision.bucket);
    tx.previewChanged(seq);
    tx.event("edit", { seq, senderId: userId, content, editedAt: now });
    return version;
  });
  room.indexer.markActivity(now);
  room.hub.broadcast(encode({ type: "message_update", seq, updateSeq, content, editedAt: now }), { updateSeq });
  return ok(editedWire(room, { ...message, content, editedAt: now, version: updateSeq }, userId));
}

function editedWire(room: RoomCore, row: MessageRow, viewer: string): WireMessage {
  return wireMessages(room, [row], viewer)[0] as WireMessage;
}

/** Adds or removes the user's reaction with `emoji` on a message. */
export function react(
  room: RoomCore,
  userId: string,
  seq: number,
  emoji: string,
  add: boolean,
  now: number,
): Result<{ seq: number; reactions: WireReaction[] }> {
  const gate = room.gate({ kind: "user", userId }, now);
  if ("ok" in gate) return gate;
  if (gate.meta.state !== 0) return fail("conflict", "the room is not open for reactions now");
  if (isMuted(room.rows.restrictions.get(userId), now)) return fail("muted", "you are muted");
  if (emoji.length > room.limits.reactionMaxChars) {
    return fail("invalid_param", `emoji: at most ${room.limits.reactionMaxChars} characters`, { field: "emoji" });
  }
  const found = retained(room, seq);
  if (!found.ok) return found;
  if (found.value.deleted) return fail("conflict", "seq: the message was recalled");
  const present = room.rows.messages.emojiOn(seq);
  if (add && !present.includes(emoji) && present.length >= room.limits.reactionsPerMessage) {
    return fail("conflict", `emoji: at most ${room.limits.reactionsPerMessage} different reactions on a message`);
  }
  const changed = room.write(now, (tx) => {
    const done = add
      ? room.rows.messages.addReaction(seq, emoji, userId, now)
      : room.rows.messages.removeReaction(seq, emoji, userId);
    if (!done) return null;
    const version = tx.nextUpdateSeq();
    room.rows.messages.touch(seq, version);
    tx.event("reaction", { seq, userId, emoji, added: add });
    return version;
  });
  if (changed !== null) room.reactions.record(seq, changed, { userId, emoji, added: add }, now);
  const counts = room.rows.messages.reactionCounts([seq]).get(seq) ?? [];
  const mine = room.rows.messages.reactionsBy(userId, [seq]).get(seq) ?? new Set<string>();
  return ok({ seq, reactions: wireReactions(counts, mine) });
}
