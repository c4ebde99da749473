// One clock for every thread of the generator: CLOCK_MONOTONIC in milliseconds (process.hrtime), read
// through performance.now() plus a per-thread offset, so a send time written by one worker thread can be
// subtracted from a receive time read in another.
import { performance } from "node:perf_hooks";

const offset = Number(process.hrtime.bigint()) / 1e6 - performance.now();

/** Milliseconds on the machine's monotonic clock (shared by all threads and processes). */
export function clock() {
  return performance.now() + offset;
}

/** Resolves after `ms`. */
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
