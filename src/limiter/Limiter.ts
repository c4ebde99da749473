/**
 * @module Limiter
 * A small rate limiter object, one per key (SPEC §8.1: per-IP budgets live in limiter objects sharded
 * by key, because the platform's rate-limit binding cannot take `[vars]`, has only 10/60 s periods and
 * gives no Retry-After). Memory only, nothing stored: a probing client leaves no data behind. An
 * object is evicted only after it has been idle longer than any budget here takes to refill, so an
 * eviction gives nothing away.
 */
import { DurableObject } from "cloudflare:workers";
import { type Bucket, takeToken } from "../room/rate-limit";

/** Outcome of one hit. */
export type Hit = { ok: true } | { ok: false; retryAfterSec: number };

/** One key's token bucket. */
export class Limiter extends DurableObject<Env> {
  private bucket: Bucket | null = null;

  /** Takes one token from this key's bucket (rate per second, burst); refused hits take nothing. */
  async hit(ratePerSec: number, burst: number): Promise<Hit> {
    const taken = takeToken(this.bucket, Date.now(), ratePerSec, burst);
    if (!taken.allowed) return { ok: false, retryAfterSec: Math.max(1, Math.ceil(taken.retryAfterMs / 1000)) };
    this.bucket = taken.bucket;
    return { ok: true };
  }
}
