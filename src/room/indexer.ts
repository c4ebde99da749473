/**
 * @module indexer
 * Pushes a room's index changes to the D1 directory (SPEC §1): the outbox rows in order, then the
 * coalesced chat activity and read markers, all in one batch. One flush runs at a time so batches
 * never overtake each other; a failed flush is retried from the alarm with backoff.
 */
import { applyIndexChanges } from "../directory/store";
import { earliest } from "./lifecycle";
import { ACTIVITY_FLUSH_MS, type IndexChange } from "./outbox";
import type { RoomStore } from "./store";

/** How many outbox rows go in one D1 batch. */
const FLUSH_CHUNK = 200;

/** What the indexer needs from the room: derived changes, and where to record the outcome. */
export interface IndexSource {
  chatroomId(): string | null;
  /** The coalesced activity change when chat moved past what the index has, else null. */
  activity(): (IndexChange & { op: "activity" }) | null;
  /** When the next attempt after a failure is due (persisted with the room), or null. */
  retryAt(): number | null;
  onFlushed(activitySeq: number | null): void;
  onFlushFailed(): void;
}

/** Serialised D1 writer of one room. */
export class RoomIndexer {
  private inFlight: Promise<void> | null = null;
  private again = false;
  private source: IndexSource | null = null;
  /** The outbox has rows that D1 has not accepted yet. */
  private dirty = false;
  /** When coalesced activity and read markers must be pushed, or null when none are waiting. */
  private activityDueAt: number | null = null;
  /**
   * Chat activity, read markers or mentions may be missing from the directory. Only then does a flush
   * query the members' markers: every writer of them marks activity, and a room starts marked when
   * it has any (bind).
   */
  private activityPending = false;
  /** The command being settled flushes right after (announceFlush), so it needs no safety alarm. */
  private flushAnnounced = false;

  constructor(
    private readonly db: D1Database,
    private readonly store: RoomStore,
  ) {}

  /** Connects the room that supplies derived changes; `unindexed` is whether it starts with work to push. */
  bind(source: IndexSource, state: { dirty: boolean; unindexed: boolean }, now: number): void {
    this.source = source;
    this.dirty = state.dirty;
    this.activityDueAt = state.unindexed ? now : null;
    this.activityPending = state.unindexed;
  }

  /** Notes that the outbox received rows (a committed write). */
  markDirty(): void {
    this.dirty = true;
  }

  /** Notes chat activity or a read marker; they reach D1 at most once per ACTIVITY_FLUSH_MS. */
  markActivity(now: number): void {
    this.activityPending = true;
    this.activityDueAt ??= now + ACTIVITY_FLUSH_MS;
  }

  /**
   * The command about to be settled calls flushSoon right after (ChatRoom.runAndIndex). Its flush
   * either empties the outbox or, when D1 refuses, records a retry time that arms the alarm
   * (onFlushFailed), so arming a safety alarm at once would only wake the room to find nothing.
   * Rows left by an eviction between the commit and the flush are not lost: the next start binds the
   * outbox as dirty, the next command pushes them with its own flush, and any other entry point arms
   * the alarm for them.
   */
  announceFlush(): void {
    this.flushAnnounced = true;
  }

  /** The indexer's next deadline for the room's alarm. */
  nextDeadline(now: number): number | null {
    const retry = this.dirty ? (this.source?.retryAt() ?? (this.flushAnnounced ? null : now + 1)) : null;
    return earliest(retry, this.activityDueAt);
  }

  /** The alarm fired: whatever was due goes out now. */
  flushDue(): Promise<void> {
    this.activityDueAt = null;
    return this.flushSoon();
  }

  /** Flushes now, or joins the running flush and makes it go round once more; nothing to push, nothing to do. */
  flushSoon(): Promise<void> {
    this.flushAnnounced = false;
    if (this.inFlight) {
      this.again = true;
      return this.inFlight;
    }
    if (!this.dirty && !this.activityPending) return Promise.resolve();
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
    const pending = this.dirty ? this.store.outbox.pending(FLUSH_CHUNK) : [];
    const withActivity = this.activityPending;
    this.activityPending = false;
    const activity = source.activity();
    const reads = withActivity ? this.store.members.unindexedReads() : [];
    const mentions = withActivity ? this.store.members.unindexedMentions() : [];
    const changes: IndexChange[] = pending.map((row) => row.change);
    if (activity) changes.push(activity);
    for (const read of reads) changes.push({ op: "read", chatroomId, userId: read.userId, seq: read.seq });
    for (const mention of mentions) {
      changes.push({ op: "mention", chatroomId, userId: mention.userId, seq: mention.seq });
    }
    if (changes.length === 0) {
      this.dirty = false;
      return "done";
    }
    try {
      await applyIndexChanges(this.db, changes);
    } catch (error) {
      console.error(JSON.stringify({ at: "ChatRoom.indexer", room: chatroomId, error: String(error) }));
      this.dirty = true;
      this.activityPending ||= withActivity;
      source.onFlushFailed();
      return "failed";
    }
    this.store.transaction(() => {
      const last = pending[pending.length - 1];
      if (last) this.store.outbox.drop(last.id);
      this.store.members.markReadsIndexed(reads);
      this.store.members.markMentionsIndexed(mentions);
    });
    this.dirty = this.store.outbox.hasPending();
    source.onFlushed(activity ? activity.lastSeq : null);
    return pending.length === FLUSH_CHUNK ? "more" : "done";
  }
}
