/**
 * @module webhook-outbox
 * Sends a room's recorded webhook events to the queue (SPEC §8.4): after each commit that recorded
 * events, within WEBHOOK_FLUSH_MS (so a busy room sends batches, not one call per message), never on
 * the message path. Rows are deleted once `sendBatch` resolved; a failure is retried from the room's
 * alarm with backoff, so an event is never lost and never sent for a change that did not commit.
 * Delivery is at least once: a crash after the send and before the delete sends a batch again, and
 * receivers dedupe by eventId.
 */
import { earliest } from "./lifecycle";
import { retryDelayMs } from "./outbox";
import type { RoomStore } from "./store";

/** How long events gather before one `sendBatch`. */
export const WEBHOOK_FLUSH_MS = 50;
/** Events per `sendBatch`, and bytes: the Queues limits are 100 messages and 256 KB per batch. */
const BATCH_MAX = 100;
const BATCH_MAX_BYTES = 200 * 1024;

/** The oldest pending events that fit one batch (at least one, whatever its size). */
export function firstBatch<T extends { body: string }>(pending: readonly T[], maxBytes = BATCH_MAX_BYTES): T[] {
  const batch: T[] = [];
  let bytes = 0;
  for (const row of pending) {
    // Bodies are JSON text; 3 bytes per UTF-16 unit bounds their UTF-8 size.
    const size = row.body.length * 3;
    if (batch.length > 0 && bytes + size > maxBytes) break;
    batch.push(row);
    bytes += size;
  }
  return batch;
}

/** Where events go: the queue producer binding. */
export type EventQueue = Pick<Queue, "sendBatch">;

/** One room's webhook sender. */
export class WebhookOutbox {
  private inFlight: Promise<void> | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private dirty = false;
  private failures = 0;
  private retryAt: number | null = null;

  constructor(
    private readonly queue: EventQueue,
    private readonly store: RoomStore,
    private readonly onFailed: () => void,
  ) {}

  /** Events are waiting in storage (at start, or after a commit that recorded some). */
  markDirty(): void {
    this.dirty = true;
    if (this.failures === 0 && this.timer === null) {
      this.timer = setTimeout(() => {
        this.timer = null;
        void this.flush();
      }, WEBHOOK_FLUSH_MS);
    }
  }

  /** The next moment the alarm must send: a retry after a failure, or now when events wait unscheduled. */
  nextDeadline(now: number): number | null {
    if (!this.dirty) return null;
    return earliest(this.retryAt, this.timer === null && this.inFlight === null ? now : null);
  }

  /** Sends every pending event, one batch at a time; one flush runs at a time. */
  flush(): Promise<void> {
    this.inFlight ??= this.run().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  private async run(): Promise<void> {
    for (;;) {
      const pending = firstBatch(this.store.webhooks.pending(BATCH_MAX));
      const last = pending[pending.length - 1];
      if (!last) {
        this.dirty = false;
        return;
      }
      try {
        await this.queue.sendBatch(
          pending.map((row) => ({ body: JSON.parse(row.body) as unknown, contentType: "json" })),
        );
      } catch (error) {
        this.failures++;
        this.retryAt = Date.now() + retryDelayMs(this.failures, Math.random());
        console.error(JSON.stringify({ at: "ChatRoom.webhooks", failures: this.failures, error: String(error) }));
        this.onFailed();
        return;
      }
      this.failures = 0;
      this.retryAt = null;
      this.store.webhooks.drop(last.eventSeq);
    }
  }
}
