/**
 * @module attachment-sweeper
 * Deletes a room's attachment objects from R2 (SPEC §8.4: recall, retention and the room's end delete
 * them; uploads never sent are dropped after UNSENT_TTL_MS). The keys to delete are written in the
 * same transaction as the change that dooms them, then deleted in batches after the commit; a failure
 * is retried from the alarm with backoff, so no object outlives its message for long.
 */
import { earliest } from "./lifecycle";
import { retryDelayMs } from "./outbox";
import type { RoomStore } from "./store";

/** How long an upload may wait for the message that carries it. */
export const UNSENT_TTL_MS = 24 * 3_600_000;
/** Keys per R2 delete call (its limit is 1000). */
const DELETE_BATCH = 1000;

/** One room's R2 sweeper. */
export class AttachmentSweeper {
  private inFlight: Promise<void> | null = null;
  private dirty = false;
  private failures = 0;
  private retryAt: number | null = null;

  constructor(
    private readonly bucket: Pick<R2Bucket, "delete">,
    private readonly store: RoomStore,
    private readonly onFailed: () => void,
  ) {}

  /** Keys wait in storage: delete them soon. */
  markDirty(): void {
    this.dirty = true;
    if (this.failures === 0) void this.flush();
  }

  /** The next moment the alarm must act: a retry, pending keys, or the oldest unsent upload's expiry. */
  nextDeadline(now: number, oldestUnsent: number | null): number | null {
    const pending = this.dirty ? (this.retryAt ?? (this.inFlight === null ? now : null)) : null;
    return earliest(pending, oldestUnsent === null ? null : oldestUnsent + UNSENT_TTL_MS);
  }

  /** Deletes every pending key, one batch at a time; one run at a time. */
  flush(): Promise<void> {
    this.inFlight ??= this.run().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  private async run(): Promise<void> {
    for (;;) {
      const keys = this.store.attachments.pendingDeletions(DELETE_BATCH);
      if (keys.length === 0) {
        this.dirty = false;
        return;
      }
      try {
        await this.bucket.delete(keys);
      } catch (error) {
        this.failures++;
        this.retryAt = Date.now() + retryDelayMs(this.failures, Math.random());
        console.error(JSON.stringify({ at: "ChatRoom.attachments", failures: this.failures, error: String(error) }));
        this.onFailed();
        return;
      }
      this.failures = 0;
      this.retryAt = null;
      this.store.attachments.deleted(keys);
    }
  }
}
