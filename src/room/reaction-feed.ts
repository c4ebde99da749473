/**
 * @module reaction-feed
 * Reaction frames, coalesced (SPEC §8.3): a storm of reactions must not become a storm of broadcasts.
 * The first change after a quiet spell goes out at once; changes that follow within
 * REACTION_WINDOW_MS are gathered per message and sent as one `reaction` frame each, with the counts
 * read from storage at that moment (so the frame is always the truth, whatever was merged).
 */

import type { Fanout } from "./fanout";
import { encode, wireReactions } from "./protocol";
import type { ReactionCount } from "./store";

/** Longest a reaction change waits to be merged with others on the same message. */
export const REACTION_WINDOW_MS = 250;
/** Changes listed per frame; beyond that the counts still say everything. */
const CHANGES_PER_FRAME_MAX = 50;

/** One user's reaction change. */
export interface ReactionChange {
  userId: string;
  emoji: string;
  added: boolean;
}

/** Gathers reaction changes per message and broadcasts them coalesced. */
export class ReactionFeed {
  private pending = new Map<number, { updateSeq: number; changes: ReactionChange[] }>();
  private scheduled = false;
  private lastFlushAt = 0;

  constructor(
    private readonly hub: Pick<Fanout, "broadcast">,
    private readonly counts: (seqs: readonly number[]) => Map<number, ReactionCount[]>,
  ) {}

  /** Records a committed change to message `seq` (update seq `updateSeq`). */
  record(seq: number, updateSeq: number, change: ReactionChange, now: number): void {
    const entry = this.pending.get(seq) ?? { updateSeq, changes: [] };
    entry.updateSeq = Math.max(entry.updateSeq, updateSeq);
    entry.changes.push(change);
    this.pending.set(seq, entry);
    if (this.scheduled) return;
    this.scheduled = true;
    const wait = this.lastFlushAt + REACTION_WINDOW_MS - now;
    if (wait <= 0) queueMicrotask(() => this.flush(Date.now()));
    else setTimeout(() => this.flush(Date.now()), wait);
  }

  /** Forgets pending changes of a message that was recalled (its reactions are gone). */
  drop(seq: number): void {
    this.pending.delete(seq);
  }

  /** Broadcasts one frame per changed message. */
  flush(now: number): void {
    this.scheduled = false;
    this.lastFlushAt = now;
    if (this.pending.size === 0) return;
    const pending = this.pending;
    this.pending = new Map();
    const counts = this.counts([...pending.keys()]);
    for (const [seq, { updateSeq, changes }] of pending) {
      this.hub.broadcast(
        encode({
          type: "reaction",
          seq,
          updateSeq,
          reactions: wireReactions(counts.get(seq) ?? []),
          changes: changes.slice(-CHANGES_PER_FRAME_MAX),
        }),
        { updateSeq },
      );
    }
  }
}
