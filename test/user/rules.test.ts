import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  applySocketChange,
  CLOSED_KEPT_MS,
  currentRoomOf,
  DAY_MS,
  HOUR_MS,
  isRevoked,
  mintDelayMs,
  type OpenRooms,
  openRoomIds,
  refundDaily,
  type SocketChange,
  spendDaily,
  spendHourly,
} from "../../src/user/rules";

const T = 1_800_000_000_000;
const opened = (at: number, clientId = "c", platform = 1): SocketChange => ({ open: true, clientId, platform, at });
const closed = (at: number): SocketChange => ({ open: false, clientId: "c", platform: 1, at });

describe("token revocation", () => {
  it("refuses tokens issued up to and including the revocation's second, and none after it", () => {
    const revokedAt = T + 400; // 400 ms into second T/1000
    expect(isRevoked(T / 1000 - 1, revokedAt)).toBe(true);
    expect(isRevoked(T / 1000, revokedAt)).toBe(true); // minted in the same second, before or after
    expect(isRevoked(T / 1000 + 1, revokedAt)).toBe(false);
    expect(isRevoked(0, null)).toBe(false);
  });

  it("makes a mint wait exactly until the revocation's second has passed", () => {
    expect(mintDelayMs(null, T)).toBe(0);
    expect(mintDelayMs(T + 400, T + 400)).toBe(600);
    expect(mintDelayMs(T + 400, T + 999)).toBe(1);
    expect(mintDelayMs(T + 400, T + 1000)).toBe(0);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: 5000 }), (offset, later) => {
        const revokedAt = T + offset;
        const now = revokedAt + later;
        const iat = Math.floor((now + mintDelayMs(revokedAt, now)) / 1000);
        expect(isRevoked(iat, revokedAt)).toBe(false);
      }),
    );
  });
});

describe("room creations per hour", () => {
  it("allows exactly `limit` creations in any hour and names when the next slot frees", () => {
    let log: number[] = [];
    for (let i = 0; i < 60; i++) {
      const spent = spendHourly(log, T + i * 1000, 60);
      if (!spent.ok) throw new Error(`creation ${i} refused`);
      log = spent.log;
    }
    expect(spendHourly(log, T + 60_000, 60)).toEqual({ ok: false, retryAfterSec: 3540 });
    expect(spendHourly(log, T + HOUR_MS - 1, 60)).toEqual({ ok: false, retryAfterSec: 1 });
    expect(spendHourly(log, T + HOUR_MS, 60).ok).toBe(true);
  });

  it("never admits more than `limit` in any sliding hour, whatever the timing", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 2 * HOUR_MS }), { maxLength: 80 }),
        fc.integer({ min: 1, max: 10 }),
        (offsets, limit) => {
          let log: number[] = [];
          const admitted: number[] = [];
          for (const offset of [...offsets].sort((a, b) => a - b)) {
            const spent = spendHourly(log, T + offset, limit);
            if (spent.ok) {
              log = spent.log;
              admitted.push(T + offset);
            } else expect(spent.retryAfterSec).toBeGreaterThanOrEqual(1);
          }
          for (const start of admitted) {
            expect(admitted.filter((at) => at >= start && at < start + HOUR_MS).length).toBeLessThanOrEqual(limit);
          }
        },
      ),
    );
  });
});

describe("open rooms record", () => {
  it("answers the room most recently opened that still has a socket", () => {
    let rooms: OpenRooms = new Map();
    expect(currentRoomOf(rooms)).toBeNull();
    rooms = applySocketChange(rooms, "a", opened(T + 1, "web-1", 5), T);
    rooms = applySocketChange(rooms, "b", opened(T + 2, "ios-1", 1), T);
    expect(currentRoomOf(rooms)).toEqual({ chatroomId: "b", clientId: "ios-1", platform: 1 });
    // Another socket in "a" makes it the most recent again.
    rooms = applySocketChange(rooms, "a", opened(T + 3, "web-2", 5), T);
    expect(currentRoomOf(rooms)).toEqual({ chatroomId: "a", clientId: "web-2", platform: 5 });
    rooms = applySocketChange(rooms, "a", closed(T + 4), T);
    expect(currentRoomOf(rooms)).toEqual({ chatroomId: "b", clientId: "ios-1", platform: 1 });
    expect(openRoomIds(rooms)).toEqual(["b"]);
    rooms = applySocketChange(rooms, "b", closed(T + 5), T);
    expect(currentRoomOf(rooms)).toBeNull();
  });

  it("ignores a report that arrives after a newer one for the same room", () => {
    let rooms: OpenRooms = new Map();
    rooms = applySocketChange(rooms, "a", closed(T + 10), T);
    rooms = applySocketChange(rooms, "a", opened(T + 5), T); // overtaken: the socket closed at T+10
    expect(currentRoomOf(rooms)).toBeNull();
    rooms = applySocketChange(rooms, "a", opened(T + 20), T);
    rooms = applySocketChange(rooms, "a", closed(T + 15), T); // an older close
    expect(openRoomIds(rooms)).toEqual(["a"]);
  });

  it("forgets closed rooms after CLOSED_KEPT_MS and keeps open ones", () => {
    let rooms: OpenRooms = new Map();
    rooms = applySocketChange(rooms, "old", closed(T), T);
    rooms = applySocketChange(rooms, "live", opened(T), T);
    rooms = applySocketChange(rooms, "x", opened(T + CLOSED_KEPT_MS + 1), T + CLOSED_KEPT_MS + 1);
    expect([...rooms.keys()].sort()).toEqual(["live", "x"]);
  });

  it("takes any id the API allows as a key, __proto__ included", () => {
    const rooms = applySocketChange(new Map(), "__proto__", opened(T), T);
    expect(currentRoomOf(rooms)).toEqual({ chatroomId: "__proto__", clientId: "c", platform: 1 });
    expect(Object.getPrototypeOf({})).toBe(Object.prototype);
  });
});

describe("the daily upload quota", () => {
  const LIMIT = 1000;
  const T = Date.UTC(2026, 0, 1, 12, 0, 30);

  it("counts bytes per minute and refuses what would exceed the day, until enough bytes leave it", () => {
    const first = spendDaily([], 600, T, LIMIT);
    expect(first).toEqual({ ok: true, log: [[T - 30_000, 600]], slot: T - 30_000 });
    const log = first.ok ? first.log : [];
    const later = T + 3600_000;
    const second = spendDaily(log, 300, later, LIMIT);
    expect(second.ok).toBe(true);
    const full = second.ok ? second.log : [];
    // 900 used: 200 more must wait until the first minute's 600 leave, a day after that minute began.
    expect(spendDaily(full, 200, later, LIMIT)).toEqual({
      ok: false,
      retryAfterSec: (DAY_MS - 3600_000 - 30_000) / 1000,
    });
    expect(spendDaily(full, 100, later, LIMIT).ok).toBe(true);
    expect(spendDaily(full, 200, T - 30_000 + DAY_MS, LIMIT).ok).toBe(true);
    expect(spendDaily([], LIMIT + 1, T, LIMIT)).toEqual({ ok: false, retryAfterSec: DAY_MS / 1000 });
  });

  it("keeps one entry per minute and gives refunds back to their minute", () => {
    let log: [number, number][] = [];
    for (let i = 0; i < 50; i++) {
      const spent = spendDaily(log, 1, T + i * 1000, LIMIT);
      if (spent.ok) log = spent.log;
    }
    expect(log.length).toBeLessThanOrEqual(2);
    expect(log.reduce((sum, [, bytes]) => sum + bytes, 0)).toBe(50);
    const refunded = refundDaily(log, 10, T - 30_000);
    expect(refunded.reduce((sum, [, bytes]) => sum + bytes, 0)).toBe(40);
    expect(refundDaily(log, 1000, T - 30_000).every(([, bytes]) => bytes >= 0)).toBe(true);
  });
});
