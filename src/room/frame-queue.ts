/**
 * @module frame-queue
 * Client frames are handled with group commit (SPEC §8.6). Nothing a frame changes may reach a socket
 * before it is stored: the runtime holds every outgoing frame until the writes before it are durable
 * (the output gate), so a room that committed once per message delivered each message one commit after
 * the one before it, and under load the commits themselves became the queue. Instead, while a commit
 * is on its way, frames wait; when it is durable, every frame that arrived meanwhile is handled in one
 * SQLite transaction — one commit for the batch — and its frames leave in the same coalesced flush.
 * A frame that finds nothing in flight (a quiet room) is handled at once, as before. Frames that
 * arrive faster than FRAMES_BATCH_FROM_PER_SEC are batched even then, one task later. Once anything
 * is queued, every later frame queues behind it, so one socket's frames are handled in arrival order.
 */
import { countWrites, type DeliveryMeter, emptyMeter, writesPerSec } from "./coalesce";

/** Frames per second into the room above which frames are handled in batches. */
export const FRAMES_BATCH_FROM_PER_SEC = 200;

/** A frame's handling, run with the time it runs at. */
export type FrameJob = (now: number) => void;

/** The room's frame queue. */
export class FrameQueue {
  private jobs: FrameJob[] = [];
  /** A drain is scheduled, or the writes of the last frames handled are not durable yet. */
  private busy = false;
  private meter: DeliveryMeter = emptyMeter();

  /**
   * @param drain runs a batch of jobs, in order, in one transaction.
   * @param durable resolves once every write made so far is durable (the storage's `sync()`).
   */
  constructor(
    private readonly drain: (jobs: FrameJob[]) => void,
    private readonly durable: () => Promise<void>,
  ) {}

  /** Runs `job` now when the room is quiet and nothing is in flight; else queues it for the next batch. */
  handle(job: FrameJob, now: number, runNow: (job: FrameJob) => void): void {
    this.meter = countWrites(this.meter, 1, now);
    if (!this.busy && writesPerSec(this.meter, now) < FRAMES_BATCH_FROM_PER_SEC) {
      runNow(job);
      this.awaitCommit();
      return;
    }
    this.jobs.push(job);
    if (!this.busy) this.schedule();
  }

  /** Frames handled until now are committed: the queue waits for that before the next batch. */
  private awaitCommit(): void {
    this.busy = true;
    const next = () => {
      this.busy = false;
      if (this.jobs.length > 0) this.schedule();
    };
    // A failed commit resets the object; whatever is queued then dies with it.
    this.durable().then(next, next);
  }

  private schedule(): void {
    this.busy = true;
    // A task, not a microtask: frames already waiting for the object are delivered first and join the batch.
    setTimeout(() => {
      const jobs = this.jobs;
      this.jobs = [];
      this.drain(jobs);
      this.awaitCommit();
    }, 0);
  }
}
