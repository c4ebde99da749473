/**
 * @module frame-queue
 * Client frames under load are handled in batches (SPEC §8.6): when frames arrive faster than
 * FRAMES_BATCH_FROM_PER_SEC, each one is queued and the queue is drained in the next task, so every
 * frame that arrived meanwhile is handled in one SQLite transaction (one commit instead of one per
 * message) and its frames leave in the same coalesced flush. In a quiet room a frame is handled at
 * once, as before. Once anything is queued, every later frame queues behind it, so one socket's frames
 * are always handled in the order they arrived.
 */
import { countWrites, type DeliveryMeter, emptyMeter, writesPerSec } from "./coalesce";

/** Frames per second into the room above which frames are handled in batches. */
export const FRAMES_BATCH_FROM_PER_SEC = 200;

/** A frame's handling, run with the time it runs at. */
export type FrameJob = (now: number) => void;

/** The room's frame queue. */
export class FrameQueue {
  private jobs: FrameJob[] = [];
  private scheduled = false;
  private meter: DeliveryMeter = emptyMeter();

  /** @param drain runs a batch of jobs, in order, in one transaction. */
  constructor(private readonly drain: (jobs: FrameJob[]) => void) {}

  /** Runs `job` now when the room is quiet and nothing waits; else queues it for the next batch. */
  handle(job: FrameJob, now: number, runNow: (job: FrameJob) => void): void {
    this.meter = countWrites(this.meter, 1, now);
    if (this.jobs.length === 0 && writesPerSec(this.meter, now) < FRAMES_BATCH_FROM_PER_SEC) {
      runNow(job);
      return;
    }
    this.jobs.push(job);
    if (this.scheduled) return;
    this.scheduled = true;
    // A task, not a microtask: frames already waiting for the object are delivered first and join the batch.
    setTimeout(() => {
      this.scheduled = false;
      const jobs = this.jobs;
      this.jobs = [];
      this.drain(jobs);
    }, 0);
  }
}
