/**
 * @module app/room/updates
 * Recalls, edits and reactions (SPEC §8.3) applied to the timeline: each replaces only the entry of
 * the message it changes (and, for a recall, the replies that quoted it).
 */
import type { FrameOf, WireMessage } from "../../client";
import type { Entry } from "./timeline";

/** One emoji's count on a message (`mine` when this user reacted with it). */
export type Reaction = NonNullable<WireMessage["reactions"]>[number];

/** Replaces the confirmed message with this seq by `change(message)`; the same array when absent. */
export function updateMessage(
  entries: readonly Entry[],
  seq: number,
  change: (message: WireMessage) => WireMessage,
): readonly Entry[] {
  for (let i = entries.length - 1; i >= 0; i--) {
    const entry = entries[i];
    if (entry?.kind !== "message" || entry.state !== "sent" || entry.message.seq !== seq) continue;
    const next = [...entries];
    next[i] = { ...entry, message: change(entry.message) };
    return next;
  }
  return entries;
}

/** Applies a `message_update`: a recall empties the message and hides the previews that quoted it. */
export function applyUpdate(entries: readonly Entry[], frame: FrameOf<"message_update">): readonly Entry[] {
  const next = updateMessage(entries, frame.seq, (message) => {
    if (frame.deleted) {
      // A recall takes the files with it: the room deletes them, and their URLs answer 404 from now on.
      const { reactions: _r, editedAt: _e, attachments: _a, ...kept } = message;
      return { ...kept, content: "", deleted: true };
    }
    return {
      ...message,
      ...(frame.content !== undefined ? { content: frame.content } : {}),
      ...(frame.editedAt !== undefined ? { editedAt: frame.editedAt } : {}),
      ...(frame.reactions !== undefined ? { reactions: frame.reactions } : {}),
    };
  });
  if (!frame.deleted) return next;
  return next.map((entry) =>
    entry.kind === "message" && entry.message.replyTo?.seq === frame.seq && entry.message.replyTo.preview !== undefined
      ? { ...entry, message: { ...entry.message, replyTo: { seq: frame.seq } } }
      : entry,
  );
}

/**
 * The reactions after a `reaction` frame: the frame's counts, with `mine` kept from before and moved
 * by my own changes (frames are encoded once for everyone, so they carry the actor, not "mine").
 */
export function mergeReactions(
  before: readonly Reaction[] | undefined,
  frame: FrameOf<"reaction">,
  me: string,
): Reaction[] {
  const mine = new Map((before ?? []).map((r) => [r.emoji, r.mine === true]));
  for (const change of frame.changes) if (change.userId === me) mine.set(change.emoji, change.added);
  return frame.reactions.map(({ emoji, count }) => (mine.get(emoji) ? { emoji, count, mine: true } : { emoji, count }));
}
