/**
 * @module rate-limit
 * Pure token bucket for per-user send rates (SPEC §4: default 5/s, burst 10) and the slow-mode gap.
 */

/** A bucket's persisted state: tokens left as of `at` (epoch ms). */
export interface Bucket {
  tokens: number;
  at: number;
}

/** Outcome of taking one token. */
export type Take = { allowed: true; bucket: Bucket } | { allowed: false; retryAfterMs: number };

/** Refills the bucket for the time elapsed since it was last used, then takes one token. */
export function takeToken(bucket: Bucket | null, now: number, ratePerSec: number, burst: number): Take {
  const elapsedSec = bucket ? Math.max(0, now - bucket.at) / 1000 : 0;
  const tokens = bucket ? Math.min(burst, bucket.tokens + elapsedSec * ratePerSec) : burst;
  // Never move the bucket's clock back: a clock that steps back and forth must not refill twice.
  const at = bucket ? Math.max(bucket.at, now) : now;
  if (tokens >= 1) return { allowed: true, bucket: { tokens: tokens - 1, at } };
  return { allowed: false, retryAfterMs: Math.ceil(((1 - tokens) / ratePerSec) * 1000) };
}

/** Milliseconds the user must still wait under slow mode, or 0 when they may send now. */
export function slowModeWaitMs(lastSentAt: number | null, now: number, slowModeSeconds: number): number {
  if (slowModeSeconds <= 0 || lastSentAt === null) return 0;
  return Math.max(0, lastSentAt + slowModeSeconds * 1000 - now);
}
