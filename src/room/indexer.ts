/**
 * @module indexer
 * Pushes a room's index changes to the D1 directory (SPEC §1): the outbox rows in order, then the
 * coalesced chat activity and read markers, all in one batch. One flush runs at a time so batches
 * never overtake each other; a failed flush is retried from the alarm with backoff.
 */
import { applyIndexChanges } from "../directory/store";
import type { IndexChange } from "./outbox";
import type { RoomStore } from "./store";

/** How many outbox rows go in one D1 batch. */
const FLUSH_CHUNK = 200;

/** What the indexer needs from the room: derived changes, and where to record the outcome. */
export interface IndexSource {
  chatroomId(): string | null;
  /** The coalesced activity change when chat moved past what the index has, else null. */
  activity(): (IndexChange & { op: "activity" }) | null;
  onFlushed(activitySeq: number | null): void;
  onFlushFailed(): void;
}

/** Serialised D1 writer of one room. */
export class RoomIndexer {
  private inFlight: Promise<void> | null = null;
  private again = false;
  private source: IndexSource | null = null;

  constructor(
    private readonly db: D1Database,
    private readonly store: RoomStore,
  ) {}

  /** Connects the room that supplies derived changes (set once at start). */
  bind(source: IndexSource): void {
    this.source = source;
  }

  /** Flushes now, or joins the running flush and makes it go round once more. */
  flushSoon(): Promise<void> {
    if (this.inFlight) {
      this.again = true;
      return this.inFlight;
    }
    this.inFlight = this.run().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  private async run(): Promise<void> {
    do {
      this.again = false;
      const outcome = await this.flushOnce();
      if (outcome === "failed") return;
      if (outcome === "more") this.again = true;
    } while (this.again);
  }

  private async flushOnce(): Promise<"done" | "more" | "failed"> {
    const source = this.source;
    const chatroomId = source?.chatroomId();
    if (!source || !chatroomId) return "done";
    const pending = this.store.pendingChanges(FLUSH_CHUNK);
    const activity = source.activity();
    const reads = this.store.unindexedReads();
    const changes: IndexChange[] = pending.map((row) => row.change);
    if (activity) changes.push(activity);
    for (const read of reads) changes.push({ op: "read", chatroomId, userId: read.userId, seq: read.seq });
    if (changes.length === 0) return "done";
    try {
      await applyIndexChanges(this.db, changes);
    } catch (error) {
      console.error(JSON.stringify({ at: "ChatRoom.indexer", room: chatroomId, error: String(error) }));
      source.onFlushFailed();
      return "failed";
    }
    this.store.transaction(() => {
      const last = pending[pending.length - 1];
      if (last) this.store.dropChanges(last.id);
      this.store.markReadsIndexed(reads);
      source.onFlushed(activity ? activity.lastSeq : null);
    });
    return pending.length === FLUSH_CHUNK ? "more" : "done";
  }
}
