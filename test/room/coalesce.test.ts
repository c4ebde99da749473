import { describe, expect, it } from "vitest";
import {
  COALESCE_FROM_PER_SEC,
  COALESCE_FULL_PER_SEC,
  COALESCE_MAX_MS,
  countWrites,
  emptyMeter,
  flushDelay,
  windowMs,
  writesPerSec,
} from "../../src/room/coalesce";

const T0 = 1_700_000_000_000;

describe("coalescing window", () => {
  it("holds nothing back in a quiet room and grows to the full window under load", () => {
    expect(windowMs(0)).toBe(0);
    expect(windowMs(COALESCE_FROM_PER_SEC)).toBe(0);
    expect(windowMs(COALESCE_FROM_PER_SEC + 1)).toBe(1);
    expect(windowMs((COALESCE_FROM_PER_SEC + COALESCE_FULL_PER_SEC) / 2)).toBe(COALESCE_MAX_MS / 2);
    expect(windowMs(COALESCE_FULL_PER_SEC)).toBe(COALESCE_MAX_MS);
    expect(windowMs(10 * COALESCE_FULL_PER_SEC)).toBe(COALESCE_MAX_MS);
  });

  it("counts socket writes over the last second, forgetting older ones", () => {
    let meter = emptyMeter();
    meter = countWrites(meter, 30_000, T0);
    meter = countWrites(meter, 30_000, T0 + 500);
    expect(writesPerSec(meter, T0 + 500)).toBe(60_000);
    // Half a second into the next second, half of the previous second still counts.
    expect(writesPerSec(meter, T0 + 1500)).toBe(30_000);
    expect(writesPerSec(meter, T0 + 2500)).toBe(0);
  });

  it("flushes at once in a quiet room, or when nothing was sent during the last window", () => {
    const busy = countWrites(emptyMeter(), COALESCE_FULL_PER_SEC, T0);
    expect(flushDelay(emptyMeter(), T0 - 1, T0)).toBe(0);
    expect(flushDelay(busy, T0 - 2, T0)).toBe(COALESCE_MAX_MS - 2);
    expect(flushDelay(busy, T0 - COALESCE_MAX_MS, T0)).toBe(0);
  });
});
