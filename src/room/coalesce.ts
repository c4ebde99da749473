/**
 * @module coalesce
 * How long the room lets outgoing frames gather before it writes them (SPEC §8.6). Pure.
 *
 * A write costs the runtime about the same per socket whether it carries one frame or a `batch` of
 * twenty, so gathering frames per socket divides the work — but only when a window gathers more than
 * one frame. The window therefore follows the rate of frames broadcast to the room, not its socket
 * writes: a big audience hearing 50 messages a second gains nothing from waiting (one frame per
 * window still costs one write per socket) and would only pay the latency. Below
 * COALESCE_FROM_PER_SEC frames a second there is no window, so a quiet or ordinary room flushes at
 * once; it grows to COALESCE_MAX_MS at COALESCE_FULL_PER_SEC, where a window gathers about ten frames.
 * And a room that sent nothing during the last window flushes at once whatever the rate.
 */

/** Longest time a frame waits to be coalesced with others. */
export const COALESCE_MAX_MS = 10;
/** Broadcast frames per second below which frames are never held back (under 2 per full window). */
export const COALESCE_FROM_PER_SEC = 200;
/** Broadcast frames per second from which frames wait the full window. */
export const COALESCE_FULL_PER_SEC = 1_000;

/** Events (broadcast frames, or client frames) counted per whole second: the current second and the one before. */
export interface RateMeter {
  second: number;
  current: number;
  previous: number;
}

/** A meter that has counted nothing. */
export function emptyMeter(): RateMeter {
  return { second: 0, current: 0, previous: 0 };
}

/** Counts `events` at `now` (epoch ms). */
export function countEvents(meter: RateMeter, events: number, now: number): RateMeter {
  const second = Math.floor(now / 1000);
  if (second === meter.second) return { ...meter, current: meter.current + events };
  const previous = second === meter.second + 1 ? meter.current : 0;
  return { second, current: events, previous };
}

/** Events per second over the last second (the current second's count blended with the previous one's). */
export function eventsPerSec(meter: RateMeter, now: number): number {
  const second = Math.floor(now / 1000);
  if (second > meter.second + 1) return 0;
  if (second === meter.second + 1) return meter.current * (1 - (now % 1000) / 1000);
  const elapsed = (now % 1000) / 1000;
  return meter.current + meter.previous * (1 - elapsed);
}

/** The coalescing window for the current rate of broadcast frames. */
export function windowMs(perSec: number): number {
  if (perSec <= COALESCE_FROM_PER_SEC) return 0;
  const share = (perSec - COALESCE_FROM_PER_SEC) / (COALESCE_FULL_PER_SEC - COALESCE_FROM_PER_SEC);
  return Math.min(COALESCE_MAX_MS, Math.ceil(COALESCE_MAX_MS * share));
}

/** How long to wait before flushing a frame pushed at `now`: 0 (at once) or until the window closes. */
export function flushDelay(meter: RateMeter, lastFlushAt: number, now: number): number {
  const window = windowMs(eventsPerSec(meter, now));
  return Math.max(0, lastFlushAt + window - now);
}
