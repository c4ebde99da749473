import { describe, expect, it } from "vitest";
import {
  activeOrNull,
  isActive,
  isBanned,
  isMuted,
  mayChangeRestriction,
  nextExpiry,
  type Restriction,
  resolveExpiry,
} from "../../src/room/restrictions";

const NOW = 1_700_000_000_000;

function mute(expiresAt: number, userId = "u1"): Restriction {
  return { userId, status: 1, expiresAt, reason: null, setBy: 2 };
}

describe("isActive", () => {
  it("counts a restriction with expiry 0 as forever", () => {
    expect(isActive({ expiresAt: 0 }, NOW)).toBe(true);
    expect(isActive({ expiresAt: 0 }, Number.MAX_SAFE_INTEGER)).toBe(true);
  });

  it("counts a restriction as active until the millisecond before its expiry", () => {
    expect(isActive({ expiresAt: NOW + 1 }, NOW)).toBe(true);
    expect(isActive({ expiresAt: NOW + 60_000 }, NOW)).toBe(true);
  });

  it("counts a restriction expiring exactly at now as expired", () => {
    expect(isActive({ expiresAt: NOW }, NOW)).toBe(false);
  });

  it("counts a restriction whose expiry has passed as expired", () => {
    expect(isActive({ expiresAt: NOW - 1 }, NOW)).toBe(false);
    expect(isActive({ expiresAt: 1 }, NOW)).toBe(false);
  });
});

describe("activeOrNull", () => {
  it("returns the same restriction object while it is active", () => {
    const forever = mute(0);
    const later = mute(NOW + 1000);
    expect(activeOrNull(forever, NOW)).toBe(forever);
    expect(activeOrNull(later, NOW)).toBe(later);
  });

  it("returns null once the restriction expired, including exactly at now", () => {
    expect(activeOrNull(mute(NOW), NOW)).toBeNull();
    expect(activeOrNull(mute(NOW - 5), NOW)).toBeNull();
  });

  it("returns null for a missing restriction", () => {
    expect(activeOrNull(null, NOW)).toBeNull();
    expect(activeOrNull(undefined, NOW)).toBeNull();
  });
});

describe("nextExpiry", () => {
  it("returns null when there are no restrictions", () => {
    expect(nextExpiry([])).toBeNull();
  });

  it("returns null when every restriction is forever", () => {
    expect(nextExpiry([mute(0), mute(0, "u2")])).toBeNull();
  });

  it("returns the earliest timed expiry, ignoring forever ones wherever they sit", () => {
    expect(nextExpiry([mute(0), mute(NOW + 3000), mute(NOW + 1000), mute(0), mute(NOW + 2000)])).toBe(NOW + 1000);
    expect(nextExpiry([mute(NOW + 1000), mute(0)])).toBe(NOW + 1000);
  });

  it("accepts any iterable, such as a generator", () => {
    function* rows(): Generator<{ expiresAt: number }> {
      yield { expiresAt: NOW + 9 };
      yield { expiresAt: NOW + 4 };
    }
    expect(nextExpiry(rows())).toBe(NOW + 4);
  });
});

describe("resolveExpiry", () => {
  it("means forever when neither expiresAt nor durationSeconds is given", () => {
    expect(resolveExpiry({}, NOW)).toEqual({ expiresAt: 0 });
  });

  it("means forever for expiresAt 0 and for durationSeconds 0", () => {
    expect(resolveExpiry({ expiresAt: 0 }, NOW)).toEqual({ expiresAt: 0 });
    expect(resolveExpiry({ durationSeconds: 0 }, NOW)).toEqual({ expiresAt: 0 });
  });

  it("turns a duration into an absolute expiry in epoch ms", () => {
    expect(resolveExpiry({ durationSeconds: 1 }, NOW)).toEqual({ expiresAt: NOW + 1000 });
    expect(resolveExpiry({ durationSeconds: 3600 }, NOW)).toEqual({ expiresAt: NOW + 3_600_000 });
  });

  it("keeps a future absolute expiry as given", () => {
    expect(resolveExpiry({ expiresAt: NOW + 1 }, NOW)).toEqual({ expiresAt: NOW + 1 });
  });

  it("refuses both expiresAt and durationSeconds, naming expiresAt", () => {
    const both = resolveExpiry({ expiresAt: NOW + 1000, durationSeconds: 10 }, NOW);
    expect(both).toEqual({ field: "expiresAt", problem: expect.stringContaining("durationSeconds") });
    expect(resolveExpiry({ expiresAt: 0, durationSeconds: 0 }, NOW)).toMatchObject({ field: "expiresAt" });
  });

  it("refuses an expiresAt in the past or exactly at now, naming expiresAt", () => {
    expect(resolveExpiry({ expiresAt: NOW }, NOW)).toEqual({
      field: "expiresAt",
      problem: expect.stringContaining("future"),
    });
    expect(resolveExpiry({ expiresAt: NOW - 1 }, NOW)).toMatchObject({ field: "expiresAt" });
    expect(resolveExpiry({ expiresAt: 1 }, NOW)).toMatchObject({ field: "expiresAt" });
  });

  it("gives an expiry that is active now and expired at its own instant", () => {
    const resolved = resolveExpiry({ durationSeconds: 30 }, NOW);
    if (!("expiresAt" in resolved)) throw new Error(`unexpected refusal: ${resolved.problem}`);
    expect(isActive(resolved, NOW)).toBe(true);
    expect(isActive(resolved, NOW + 29_999)).toBe(true);
    expect(isActive(resolved, NOW + 30_000)).toBe(false);
  });
});

describe("isBanned and isMuted", () => {
  it("apply while the restriction is active and stop at its expiry", () => {
    const ban = { status: 2 as const, expiresAt: NOW + 1000 };
    expect(isBanned(ban, NOW)).toBe(true);
    expect(isBanned(ban, NOW + 1000)).toBe(false);
    expect(isMuted(ban, NOW)).toBe(false);
    expect(isMuted({ status: 1, expiresAt: 0 }, NOW)).toBe(true);
    expect(isBanned(null, NOW)).toBe(false);
  });
});

describe("mayChangeRestriction", () => {
  const byHost: Restriction = { userId: "u", status: 2, expiresAt: NOW + 60_000, reason: null, setBy: 2 };
  it("lets the setter's rank or higher lift, shorten or soften it", () => {
    expect(mayChangeRestriction(byHost, 2, null, NOW)).toBe(true);
    expect(mayChangeRestriction(byHost, 3, { status: 1, expiresAt: NOW + 1 }, NOW)).toBe(true);
  });
  it("lets a lower rank only lengthen or harden it", () => {
    expect(mayChangeRestriction(byHost, 1, null, NOW)).toBe(false);
    expect(mayChangeRestriction(byHost, 1, { status: 1, expiresAt: 0 }, NOW)).toBe(false);
    expect(mayChangeRestriction(byHost, 1, { status: 2, expiresAt: NOW + 30_000 }, NOW)).toBe(false);
    expect(mayChangeRestriction(byHost, 1, { status: 2, expiresAt: NOW + 90_000 }, NOW)).toBe(true);
    expect(mayChangeRestriction(byHost, 1, { status: 2, expiresAt: 0 }, NOW)).toBe(true);
    const forever = { ...byHost, expiresAt: 0 };
    expect(mayChangeRestriction(forever, 1, { status: 2, expiresAt: NOW + 90_000 }, NOW)).toBe(false);
  });
  it("places no limit once the restriction has expired or when there is none", () => {
    expect(mayChangeRestriction(byHost, 1, null, NOW + 60_000)).toBe(true);
    expect(mayChangeRestriction(null, 1, { status: 1, expiresAt: 0 }, NOW)).toBe(true);
  });
});
