/**
 * @module live/ring
 * A shard's memory of recent traffic (SPEC §8.5), to serve resumes without asking the room: the last
 * RING_SIZE message frames (by seq) and update frames (recalls, edits, reactions, by update seq), each
 * already encoded. It knows which range it covers, so a resume it cannot serve becomes `resync`.
 */

/** Frames of each kind a shard keeps. */
export const RING_SIZE = 1000;

/** One frame of the room's broadcast stream; messages carry `seq`, updates `updateSeq`. */
export interface StreamEntry {
  frame: string;
  seq?: number;
  updateSeq?: number;
}

/** A bounded, ordered log of message and update frames. */
export class Ring {
  private messages: { seq: number; frame: string }[] = [];
  private updates: { updateSeq: number; frame: string }[] = [];
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
  }

  /** The newest seq and update seq the ring has seen. */
  get lastSeq(): number {
    return this.messages.at(-1)?.seq ?? this.messagesFrom;
  }

  get lastUpdateSeq(): number {
    return this.updates.at(-1)?.updateSeq ?? this.updatesFrom;
  }

  /** Appends the message and update frames of a stream (others are live-only and not kept). */
  add(entries: readonly StreamEntry[]): void {
    for (const entry of entries) {
      if (entry.seq !== undefined && entry.seq > this.lastSeq)
        this.messages.push({ seq: entry.seq, frame: entry.frame });
      if (entry.updateSeq !== undefined && entry.updateSeq > this.lastUpdateSeq) {
        this.updates.push({ updateSeq: entry.updateSeq, frame: entry.frame });
      }
    }
    if (this.messages.length > this.size) {
      const dropped = this.messages.splice(0, this.messages.length - this.size);
      this.messagesFrom = dropped.at(-1)?.seq ?? this.messagesFrom;
    }
    if (this.updates.length > this.size) {
      const dropped = this.updates.splice(0, this.updates.length - this.size);
      this.updatesFrom = dropped.at(-1)?.updateSeq ?? this.updatesFrom;
    }
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
