/**
 * @module push-queue
 * The ordered stream of one live room to one shard (SPEC §8.5): entries wait here until the shard
 * accepted them; one push is in flight at a time, so everything queued meanwhile goes in the next one
 * (a busy room pushes batches, a quiet one each frame at once). A failed push is retried, same number
 * and same entries, with backoff, before anything newer: the shard sees the stream in order, and
 * ignores a push it has already applied. A paused queue (its shard has no one left) drops what it
 * held and sends nothing, but keeps its numbering, so a push still in flight from before can never
 * be taken for one of the stream that resumes.
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
  private retry: ReturnType<typeof setTimeout> | null = null;
  private paused = false;
  /** Waiting for everything queued so far to reach the shard (see `drained`). */
  private idle: (() => void)[] = [];
  /** Pushes sent (retries included), for the room's work counters. */
  pushes = 0;

  constructor(private readonly sink: PushSink) {}

  /** Entries waiting or in flight. */
  get backlog(): number {
    return this.queued.length + (this.inFlight?.entries.length ?? 0);
  }

  /** The last push number the shard may already have applied: it takes every push after it. */
  get position(): number {
    return (this.inFlight?.n ?? this.next) - 1;
  }

  /** Queues entries and sends them now unless a push is in flight. */
  add(entries: readonly StreamEntry[]): void {
    if (this.paused) return;
    this.queued.push(...entries);
    // A shard that stopped answering is not held in memory forever: it refills from the room's log.
    if (this.queued.length > QUEUE_MAX_ENTRIES) this.queued.splice(0, this.queued.length - QUEUE_MAX_ENTRIES);
    if (!this.inFlight) this.send();
  }

  /** Resolves once the shard took everything queued so far (or the stream paused: nothing more will go). */
  drained(): Promise<void> {
    if (this.paused || (this.inFlight === null && this.queued.length === 0)) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  /** Sends a push now even with nothing to carry (a restarted room tells its shards its new epoch). */
  sync(): void {
    if (this.paused || this.inFlight) return;
    this.inFlight = { n: this.next++, entries: this.queued.splice(0, PUSH_MAX_ENTRIES) };
    this.send();
  }

  /** Stops the stream: what is queued or in flight is dropped (the shard has no one to give it to). */
  pause(): void {
    this.paused = true;
    this.queued = [];
    this.inFlight = null;
    this.failures = 0;
    if (this.retry !== null) clearTimeout(this.retry);
    this.retry = null;
    this.wakeIdle();
  }

  private wakeIdle(): void {
    for (const resolve of this.idle.splice(0)) resolve();
  }

  /** Lets the stream flow again (the shard said hello); numbering goes on. */
  resume(): void {
    this.paused = false;
  }

  private send(): void {
    if (this.inFlight === null) {
      if (this.queued.length === 0) {
        this.wakeIdle();
        return;
      }
      this.inFlight = { n: this.next++, entries: this.queued.splice(0, PUSH_MAX_ENTRIES) };
    }
    const push = this.inFlight;
    this.pushes++;
    this.sink(push.n, push.entries).then(
      () => {
        // A pause dropped this push while it was in flight: its answer no longer concerns the stream.
        if (this.inFlight !== push) return;
        this.failures = 0;
        this.inFlight = null;
        this.send();
      },
      (error: unknown) => {
        if (this.inFlight !== push) return;
        this.failures++;
        console.error(
          JSON.stringify({ at: "ChatRoom.push", n: push.n, failures: this.failures, error: String(error) }),
        );
        this.retry = setTimeout(
          () => {
            this.retry = null;
            if (this.inFlight === push) this.send();
          },
          retryDelayMs(this.failures, Math.random()),
        );
      },
    );
  }
}
