/**
 * @module push-queue
 * The ordered stream of one live room to one shard (SPEC §8.5): entries wait here until the shard
 * accepted them; one push is in flight at a time, so everything queued meanwhile goes in the next one
 * (a busy room pushes batches, a quiet one each frame at once). A failed push is retried, same number
 * and same entries, with backoff, before anything newer: the shard sees the stream in order, and
 * ignores a push it has already applied.
 */
import type { StreamEntry } from "../live/ring";
import { retryDelayMs } from "./outbox";

/** Entries one push carries at most (a push is one RPC; keep it well under the message size limits). */
const PUSH_MAX_ENTRIES = 500;
/** Entries a queue holds at most for a shard that keeps failing; past that the shard must catch up itself. */
const QUEUE_MAX_ENTRIES = 20_000;

/** Sends one numbered push; rejects when the shard did not take it. */
export type PushSink = (n: number, entries: StreamEntry[]) => Promise<void>;

/** One shard's ordered, retried stream. */
export class PushQueue {
  private queued: StreamEntry[] = [];
  private inFlight: { n: number; entries: StreamEntry[] } | null = null;
  private next = 1;
  private failures = 0;
  /** Pushes sent (retries included), for the room's work counters. */
  pushes = 0;

  constructor(private readonly sink: PushSink) {}

  /** Entries waiting or in flight. */
  get backlog(): number {
    return this.queued.length + (this.inFlight?.entries.length ?? 0);
  }

  /** Queues entries and sends them now unless a push is in flight. */
  add(entries: readonly StreamEntry[]): void {
    this.queued.push(...entries);
    // A shard that stopped answering is not held in memory forever: it refills from the room's log.
    if (this.queued.length > QUEUE_MAX_ENTRIES) this.queued.splice(0, this.queued.length - QUEUE_MAX_ENTRIES);
    if (!this.inFlight) this.send();
  }

  private send(): void {
    if (this.inFlight === null) {
      if (this.queued.length === 0) return;
      this.inFlight = { n: this.next++, entries: this.queued.splice(0, PUSH_MAX_ENTRIES) };
    }
    const push = this.inFlight;
    this.pushes++;
    this.sink(push.n, push.entries).then(
      () => {
        this.failures = 0;
        this.inFlight = null;
        this.send();
      },
      (error: unknown) => {
        this.failures++;
        console.error(
          JSON.stringify({ at: "ChatRoom.push", n: push.n, failures: this.failures, error: String(error) }),
        );
        setTimeout(() => this.send(), retryDelayMs(this.failures, Math.random()));
      },
    );
  }
}
