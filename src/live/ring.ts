/**
 * @module live/ring
 * A shard's memory of recent traffic (SPEC §8.5), to serve resumes without asking the room: the last
 * RING_SIZE message frames (by seq) and update frames (recalls, edits, reactions, by update seq), each
 * already encoded. It knows which range it covers, so a resume it cannot serve becomes `resync`; and it
 * knows what it has seen, so a frame that reaches the shard twice (a gap fill, then the push that
 * carried it) goes to its sockets once.
 */

/** Frames of each kind a shard keeps. */
export const RING_SIZE = 1000;

/** One frame of the room's broadcast stream; messages carry `seq`, updates `updateSeq`. */
export interface StreamEntry {
  frame: string;
  seq?: number;
  updateSeq?: number;
}

/** A bounded log of message and update frames. */
export class Ring {
  private messages: { seq: number; frame: string }[] = [];
  /**
   * Update frames in arrival order. Update seqs are not monotonic in the stream: reactions are
   * coalesced and go out after a later edit may have, so this is a set, not a sequence.
   */
  private updates: { updateSeq: number; frame: string }[] = [];
  private seenUpdates = new Set<number>();
  private maxUpdateSeq: number;
  /** The shard has every message after this seq (and every update after `updatesFrom`). */
  private messagesFrom: number;
  private updatesFrom: number;

  constructor(
    lastSeq: number,
    lastUpdateSeq: number,
    private readonly size = RING_SIZE,
  ) {
    this.messagesFrom = lastSeq;
    this.updatesFrom = lastUpdateSeq;
    this.maxUpdateSeq = lastUpdateSeq;
  }

  /** The newest seq and update seq the ring has seen. */
  get lastSeq(): number {
    return this.messages.at(-1)?.seq ?? this.messagesFrom;
  }

  get lastUpdateSeq(): number {
    return this.maxUpdateSeq;
  }

  /**
   * Appends the message and update frames of a stream that the ring has not seen yet, and returns
   * those plus the untagged frames (moderation, online, room events: live only, not kept) in order:
   * what the shard's sockets are still owed.
   */
  add(entries: readonly StreamEntry[]): StreamEntry[] {
    const fresh: StreamEntry[] = [];
    for (const entry of entries) {
      if (entry.seq !== undefined) {
        if (entry.seq <= this.lastSeq) continue;
        this.messages.push({ seq: entry.seq, frame: entry.frame });
      } else if (entry.updateSeq !== undefined) {
        if (entry.updateSeq <= this.updatesFrom || this.seenUpdates.has(entry.updateSeq)) continue;
        this.updates.push({ updateSeq: entry.updateSeq, frame: entry.frame });
        this.seenUpdates.add(entry.updateSeq);
        this.maxUpdateSeq = Math.max(this.maxUpdateSeq, entry.updateSeq);
      }
      fresh.push(entry);
    }
    if (this.messages.length > this.size) {
      const dropped = this.messages.splice(0, this.messages.length - this.size);
      this.messagesFrom = dropped.at(-1)?.seq ?? this.messagesFrom;
    }
    if (this.updates.length > this.size) {
      const dropped = this.updates.splice(0, this.updates.length - this.size);
      // Everything at or below the highest dropped update seq may be gone now.
      this.updatesFrom = Math.max(this.updatesFrom, ...dropped.map((entry) => entry.updateSeq));
      this.updates = this.updates.filter((entry) => entry.updateSeq > this.updatesFrom);
      this.seenUpdates = new Set(this.updates.map((entry) => entry.updateSeq));
    }
    return fresh;
  }

  /**
   * The frames a client resuming after `since` (and `updatesSince`) missed, messages first, or null
   * when the ring no longer covers that far back (the client then pages history: `resync`).
   */
  replay(since: number, updatesSince: number | null): string[] | null {
    if (since < this.messagesFrom) return null;
    if (updatesSince !== null && updatesSince < this.updatesFrom) return null;
    const frames = this.messages.filter((entry) => entry.seq > since).map((entry) => entry.frame);
    if (updatesSince !== null) {
      for (const entry of this.updates) if (entry.updateSeq > updatesSince) frames.push(entry.frame);
    }
    return frames;
  }
}
