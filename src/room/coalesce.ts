/**
 * @module coalesce
 * How long the room lets outgoing frames gather before it writes them (SPEC §8.6). Pure.
 *
 * A write costs the runtime about the same per socket whether it carries one frame or a `batch` of
 * twenty, so under load gathering frames per socket divides the work; in a quiet room it only adds
 * latency. The window therefore follows the room's recent delivery rate (socket writes per second):
 * none below COALESCE_FROM_PER_SEC, so a quiet room flushes at once, growing to COALESCE_MAX_MS at
 * COALESCE_FULL_PER_SEC, where a batch per socket per window keeps one object far below its ceiling.
 * And a room that sent nothing during the last window flushes at once whatever the rate.
 */

/** Longest time a frame waits to be coalesced with others. */
export const COALESCE_MAX_MS = 10;
/** Socket writes per second below which frames are never held back. */
export const COALESCE_FROM_PER_SEC = 15_000;
/** Socket writes per second from which frames wait the full window. */
export const COALESCE_FULL_PER_SEC = 60_000;

/** Socket writes counted per whole second: the current second and the one before. */
export interface DeliveryMeter {
  second: number;
  current: number;
  previous: number;
}

/** A meter that has counted nothing. */
export function emptyMeter(): DeliveryMeter {
  return { second: 0, current: 0, previous: 0 };
}

/** Counts `writes` socket writes at `now` (epoch ms). */
export function countWrites(meter: DeliveryMeter, writes: number, now: number): DeliveryMeter {
  const second = Math.floor(now / 1000);
  if (second === meter.second) return { ...meter, current: meter.current + writes };
  const previous = second === meter.second + 1 ? meter.current : 0;
  return { second, current: writes, previous };
}

/** Writes per second over the last second (the current second's count blended with the previous one's). */
export function writesPerSec(meter: DeliveryMeter, now: number): number {
  const second = Math.floor(now / 1000);
  if (second > meter.second + 1) return 0;
  if (second === meter.second + 1) return meter.current * (1 - (now % 1000) / 1000);
  const elapsed = (now % 1000) / 1000;
  return meter.current + meter.previous * (1 - elapsed);
}

/** The coalescing window for the current delivery rate. */
export function windowMs(perSec: number): number {
  if (perSec <= COALESCE_FROM_PER_SEC) return 0;
  const share = (perSec - COALESCE_FROM_PER_SEC) / (COALESCE_FULL_PER_SEC - COALESCE_FROM_PER_SEC);
  return Math.min(COALESCE_MAX_MS, Math.ceil(COALESCE_MAX_MS * share));
}

/** How long to wait before flushing a frame pushed at `now`: 0 (at once) or until the window closes. */
export function flushDelay(meter: DeliveryMeter, lastFlushAt: number, now: number): number {
  const window = windowMs(writesPerSec(meter, now));
  return Math.max(0, lastFlushAt + window - now);
}
