/**
 * @module attachment-sweeper
 * Deletes a room's attachment objects from R2 (SPEC §8.4: recall, retention and the room's end delete
 * them; uploads never sent are dropped after UNSENT_TTL_MS). The keys to delete are written in the
 * same transaction as the change that dooms them, then deleted in batches after the commit; a failure
 * is retried from the alarm with backoff, so no object outlives its message for long.
 */

import { Drain, type DrainSteps } from "./drain";
import { earliest } from "./lifecycle";
import type { RoomStore } from "./store";

/** How long an upload may wait for the message that carries it. */
export const UNSENT_TTL_MS = 24 * 3_600_000;
/** Keys per R2 delete call (its limit is 1000). */
const DELETE_BATCH = 1000;

/** One room's R2 sweeper. */
export class AttachmentSweeper {
  private readonly drain: Drain<string[]>;

  constructor(bucket: Pick<R2Bucket, "delete">, store: RoomStore, onFailed: () => void) {
    const steps: DrainSteps<string[]> = {
      next: () => {
        const keys = store.attachments.pendingDeletions(DELETE_BATCH);
        return keys.length > 0 ? keys : null;
      },
      send: (keys) => bucket.delete(keys),
      sent: (keys) => store.attachments.deleted(keys),
    };
    this.drain = new Drain("ChatRoom.attachments", steps, onFailed);
  }

  /** Keys wait in storage: delete them soon. */
  markDirty(): void {
    this.drain.markDirty();
    if (this.drain.failures === 0) void this.drain.flush();
  }

  /** The next moment the alarm must act: a retry, pending keys, or the oldest unsent upload's expiry. */
  nextDeadline(now: number, oldestUnsent: number | null): number | null {
    const { dirty, retryAt, running } = this.drain;
    const pending = dirty ? (retryAt ?? (running ? null : now)) : null;
    return earliest(pending, oldestUnsent === null ? null : oldestUnsent + UNSENT_TTL_MS);
  }

  /** Deletes every pending key, one batch at a time; one run at a time. */
  flush(): Promise<void> {
    return this.drain.flush();
  }
}
