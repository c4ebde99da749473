import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Bucket, slowModeWaitMs, type Take, takeToken } from "../../src/room/rate-limit";

const T0 = 1_700_000_000_000;
const RATE = 5;
const BURST = 10;

/** Takes one token, failing the test when the take is refused. */
function mustTake(bucket: Bucket | null, now: number, rate = RATE, burst = BURST): Bucket {
  const take = takeToken(bucket, now, rate, burst);
  if (!take.allowed) throw new Error(`refused at ${now}: retry after ${take.retryAfterMs} ms`);
  return take.bucket;
}

/** Drains a fresh bucket at `now` and returns it empty. */
function drained(now: number, rate = RATE, burst = BURST): Bucket {
  let bucket: Bucket | null = null;
  for (let i = 0; i < burst; i++) bucket = mustTake(bucket, now, rate, burst);
  if (!bucket) throw new Error("burst must be at least 1");
  return bucket;
}

function retryAfter(take: Take): number {
  if (take.allowed) throw new Error("expected a refusal");
  return take.retryAfterMs;
}

describe("takeToken", () => {
  it("starts a new sender with a full bucket and takes one token", () => {
    expect(takeToken(null, T0, RATE, BURST)).toEqual({ allowed: true, bucket: { tokens: BURST - 1, at: T0 } });
  });

  it("allows exactly burst sends at one instant, then refuses with the time one token takes", () => {
    const empty = drained(T0);
    expect(empty).toEqual({ tokens: 0, at: T0 });
    expect(takeToken(empty, T0, RATE, BURST)).toEqual({ allowed: false, retryAfterMs: 1000 / RATE });
  });

  it("refills at the rate: one token per 1/rate seconds, not earlier", () => {
    const empty = drained(T0);
    expect(takeToken(empty, T0 + 199, RATE, BURST).allowed).toBe(false);
    const next = takeToken(empty, T0 + 200, RATE, BURST);
    expect(next).toEqual({ allowed: true, bucket: { tokens: 0, at: T0 + 200 } });
  });

  it("reports retryAfterMs for the part of a token still missing, rounded up", () => {
    const empty = drained(T0);
    expect(retryAfter(takeToken(empty, T0 + 100, RATE, BURST))).toBe(100);
    expect(retryAfter(takeToken(empty, T0 + 150, RATE, BURST))).toBe(50);
    // 3 per second: a token takes 333.33 ms, so the wait rounds up to 334.
    expect(retryAfter(takeToken({ tokens: 0, at: T0 }, T0, 3, BURST))).toBe(334);
    expect(takeToken({ tokens: 0, at: T0 }, T0 + 333, 3, BURST).allowed).toBe(false);
    expect(takeToken({ tokens: 0, at: T0 }, T0 + 334, 3, BURST).allowed).toBe(true);
  });

  it("never refills beyond burst, however long the sender was quiet", () => {
    const empty = drained(T0);
    const later = mustTake(empty, T0 + 3_600_000);
    expect(later).toEqual({ tokens: BURST - 1, at: T0 + 3_600_000 });
  });

  it("mints no tokens when the clock goes backwards", () => {
    const empty = drained(T0);
    expect(takeToken(empty, T0 - 10_000, RATE, BURST).allowed).toBe(false);
  });

  it("allows a send at exactly now + retryAfterMs after any refusal", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        fc.integer({ min: 1, max: 1000 }),
        fc.integer({ min: 1, max: 50 }),
        (tokens, ratePerSec, burst) => {
          const take = takeToken({ tokens, at: T0 }, T0, ratePerSec, burst);
          expect(take.allowed).toBe(false);
          const wait = retryAfter(take);
          expect(wait).toBeGreaterThan(0);
          expect(takeToken({ tokens, at: T0 }, T0 + wait, ratePerSec, burst).allowed).toBe(true);
        },
      ),
    );
  });

  it("never allows more than burst + rate × window sends in any window, whatever the send times", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 2000 }), { minLength: 1, maxLength: 200 }),
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 1, max: 20 }),
        (gaps, ratePerSec, burst) => {
          let now = T0;
          let bucket: Bucket | null = null;
          const allowed: number[] = [];
          for (const gap of gaps) {
            now += gap;
            const take = takeToken(bucket, now, ratePerSec, burst);
            if (take.allowed) {
              bucket = take.bucket;
              allowed.push(now);
            }
          }
          // Every window that matters starts at an allowed send and ends at a later one.
          for (let i = 0; i < allowed.length; i++) {
            for (let j = i; j < allowed.length; j++) {
              const windowMs = (allowed[j] as number) - (allowed[i] as number);
              const sends = j - i + 1;
              expect(sends).toBeLessThanOrEqual(burst + (ratePerSec * windowMs) / 1000 + 1e-9);
            }
          }
        },
      ),
    );
  });

  it("allows every send of a sender who stays at or under the rate", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 300 }), (ratePerSec, count) => {
        const gap = Math.ceil(1000 / ratePerSec);
        let bucket: Bucket | null = null;
        for (let i = 0; i < count; i++) bucket = mustTake(bucket, T0 + i * gap, ratePerSec, 1);
        expect(bucket?.at).toBe(T0 + (count - 1) * gap);
      }),
    );
  });
});

describe("slowModeWaitMs", () => {
  it("never makes anyone wait when slow mode is off", () => {
    expect(slowModeWaitMs(T0, T0, 0)).toBe(0);
    expect(slowModeWaitMs(T0, T0, -5)).toBe(0);
  });

  it("never makes a first-time sender wait", () => {
    expect(slowModeWaitMs(null, T0, 30)).toBe(0);
  });

  it("makes a sender wait the rest of the gap since their last send", () => {
    expect(slowModeWaitMs(T0, T0, 10)).toBe(10_000);
    expect(slowModeWaitMs(T0, T0 + 2500, 10)).toBe(7500);
    expect(slowModeWaitMs(T0, T0 + 9999, 10)).toBe(1);
  });

  it("lets the sender go exactly when the gap is over, and afterwards", () => {
    expect(slowModeWaitMs(T0, T0 + 10_000, 10)).toBe(0);
    expect(slowModeWaitMs(T0, T0 + 60_000, 10)).toBe(0);
  });
});
