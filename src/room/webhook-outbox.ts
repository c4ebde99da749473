/**
 * @module webhook-outbox
 * Sends a room's recorded webhook events to the queue (SPEC §8.4): after each commit that recorded
 * events, within WEBHOOK_FLUSH_MS (so a busy room sends batches, not one call per message), never on
 * the message path. Rows are deleted once `sendBatch` resolved; a failure is retried from the room's
 * alarm with backoff, so an event is never lost and never sent for a change that did not commit.
 * Delivery is at least once: a crash after the send and before the delete sends a batch again, and
 * receivers dedupe by eventId.
 */

import { Drain } from "./drain";
import { earliest } from "./lifecycle";
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

/** Event bodies sent in one `sendBatch`, and the event seq they run through (rows are dropped up to it). */
interface EventBatch {
  bodies: string[];
  through: number;
}

/** One room's webhook sender. */
export class WebhookOutbox {
  private readonly drain: Drain<EventBatch>;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(queue: EventQueue, store: RoomStore, onFailed: () => void) {
    this.drain = new Drain<EventBatch>(
      "ChatRoom.webhooks",
      {
        next: () => {
          const rows = firstBatch(store.webhooks.pending(BATCH_MAX));
          const last = rows[rows.length - 1];
          return last ? { bodies: rows.map((row) => row.body), through: last.eventSeq } : null;
        },
        send: async ({ bodies }) => {
          await queue.sendBatch(bodies.map((body) => ({ body: JSON.parse(body) as unknown, contentType: "json" })));
        },
        sent: ({ through }) => store.webhooks.drop(through),
      },
      onFailed,
    );
  }

  /** Events are waiting in storage (at start, or after a commit that recorded some). */
  markDirty(): void {
    this.drain.markDirty();
    if (this.drain.failures === 0 && this.timer === null) {
      this.timer = setTimeout(() => {
        this.timer = null;
        void this.drain.flush();
      }, WEBHOOK_FLUSH_MS);
    }
  }

  /** The next moment the alarm must send: a retry after a failure, or now when events wait unscheduled. */
  nextDeadline(now: number): number | null {
    const { dirty, retryAt, running } = this.drain;
    if (!dirty) return null;
    return earliest(retryAt, this.timer === null && !running ? now : null);
  }

  /** Sends every pending event, one batch at a time; one flush runs at a time. */
  flush(): Promise<void> {
    return this.drain.flush();
  }
}
