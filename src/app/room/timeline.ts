/**
 * @module app/room/timeline
 * The room's timeline as an ordered list of keyed entries: confirmed messages in seq order with
 * system lines between them, then the messages still being sent (or failed) at the end. Pure
 * functions; each returns the same array when nothing changed, so a render can skip the list.
 *
 * A message's key is `senderId/clientMsgId`: it is known before the server assigns a seq, so the
 * item a user sees while sending is the same keyed item once the ack or the broadcast confirms it.
 */
import type { WireMessage } from "../../client";

/** Where a message is: confirmed (`sent`), waiting for its ack, or refused. */
export type MessageState = "sent" | "pending" | "failed";

/** A chat message in the timeline. Later fields (edited, deleted, reactions, reply) extend this. */
export interface MessageEntry {
  kind: "message";
  key: string;
  message: WireMessage;
  state: MessageState;
  /** Why it was not sent, when failed. */
  error?: string;
}

/** A line about the room (joins, moderation, room events). */
export interface SystemEntry {
  kind: "system";
  key: string;
  text: string;
  ts: number;
}

/** One timeline entry. */
export type Entry = MessageEntry | SystemEntry;

/** Most entries kept in memory; older ones are dropped and can be paged in again from history. */
export const TIMELINE_MAX = 2000;

/** The key of a message: stable from the moment it is written to its confirmation. */
export const messageKey = (message: Pick<WireMessage, "senderId" | "clientMsgId">): string =>
  `${message.senderId}/${message.clientMsgId}`;

/** Index of the first unconfirmed message at the tail (entries.length when none). */
export function tailStart(entries: readonly Entry[]): number {
  let i = entries.length;
  while (i > 0) {
    const entry = entries[i - 1];
    if (entry?.kind !== "message" || entry.state === "sent") break;
    i -= 1;
  }
  return i;
}

/** The highest confirmed seq (0 when none). */
export function newestSeq(entries: readonly Entry[]): number {
  for (let i = entries.length - 1; i >= 0; i--) {
    const entry = entries[i];
    if (entry?.kind === "message" && entry.state === "sent") return entry.message.seq;
  }
  return 0;
}

/** The lowest confirmed seq (0 when none). */
export function oldestSeq(entries: readonly Entry[]): number {
  for (const entry of entries) if (entry.kind === "message" && entry.state === "sent") return entry.message.seq;
  return 0;
}

function sentIndexOfSeq(entries: readonly Entry[], seq: number): number {
  for (let i = entries.length - 1; i >= 0; i--) {
    const entry = entries[i];
    if (entry?.kind === "message" && entry.state === "sent" && entry.message.seq === seq) return i;
  }
  return -1;
}

function indexOfKey(entries: readonly Entry[], key: string, from: number): number {
  for (let i = entries.length - 1; i >= from; i--) if (entries[i]?.key === key) return i;
  return -1;
}

/**
 * Adds a confirmed message: skipped when its seq is already there; an unconfirmed entry with the same
 * key is replaced (same key, so the same item moves); otherwise inserted in seq order, normally at
 * the end of the confirmed part.
 */
export function confirmMessage(entries: readonly Entry[], message: WireMessage): readonly Entry[] {
  const key = messageKey(message);
  const tail = tailStart(entries);
  const newest = newestSeq(entries);
  if (message.seq <= newest && sentIndexOfSeq(entries, message.seq) >= 0) {
    // Already confirmed (the ack and the broadcast both confirm): only drop a leftover tail copy.
    const stale = indexOfKey(entries, key, tail);
    return stale < 0 ? entries : entries.filter((_, i) => i !== stale);
  }
  const entry: MessageEntry = { kind: "message", key, message, state: "sent" };
  const rest = entries.filter((e, i) => i < tail || e.key !== key);
  let at = tailStart(rest);
  if (message.seq < newest) {
    // Out of order (rare: a resync page): insert after the last confirmed message with a lower seq.
    at = 0;
    for (let i = 0; i < rest.length; i++) {
      const e = rest[i];
      if (e?.kind === "message" && e.state === "sent" && e.message.seq < message.seq) at = i + 1;
    }
  }
  return [...rest.slice(0, at), entry, ...rest.slice(at)];
}

/** Adds a message being sent at the very end. */
export function addPending(entries: readonly Entry[], message: WireMessage): readonly Entry[] {
  return [...entries, { kind: "message", key: messageKey(message), message, state: "pending" }];
}

/** Changes the state of an unconfirmed message (pending ↔ failed). */
export function setTailState(
  entries: readonly Entry[],
  key: string,
  state: Exclude<MessageState, "sent">,
  error?: string,
): readonly Entry[] {
  const at = indexOfKey(entries, key, tailStart(entries));
  const entry = entries[at];
  if (at < 0 || entry?.kind !== "message") return entries;
  const next = [...entries];
  next[at] = { ...entry, state, error };
  return next;
}

/** Removes an unconfirmed message (the user discarded it). */
export function dropTail(entries: readonly Entry[], key: string): readonly Entry[] {
  const at = indexOfKey(entries, key, tailStart(entries));
  return at < 0 ? entries : entries.filter((_, i) => i !== at);
}

/** Adds a system line after the confirmed messages (before what is still being sent). */
export function addSystem(entries: readonly Entry[], entry: SystemEntry): readonly Entry[] {
  const at = tailStart(entries);
  return [...entries.slice(0, at), entry, ...entries.slice(at)];
}

/** Puts a page of older messages (any order) in front of the timeline, skipping ones already there. */
export function prependHistory(entries: readonly Entry[], messages: readonly WireMessage[]): readonly Entry[] {
  const oldest = oldestSeq(entries);
  const older = messages
    .filter((m) => oldest === 0 || m.seq < oldest)
    .sort((a, b) => a.seq - b.seq)
    .map((message): MessageEntry => ({ kind: "message", key: messageKey(message), message, state: "sent" }));
  return older.length === 0 ? entries : [...older, ...entries];
}

/** Keeps the newest `max` entries (never dropping unconfirmed ones); whether anything was dropped. */
export function trim(entries: readonly Entry[], max = TIMELINE_MAX): { entries: readonly Entry[]; dropped: boolean } {
  if (entries.length <= max) return { entries, dropped: false };
  return { entries: entries.slice(entries.length - max), dropped: true };
}
