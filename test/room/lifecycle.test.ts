import { describe, expect, it } from "vitest";
import { ENDING_NOTICE_MS } from "../../src/limits";
import {
  dueTransition,
  earliest,
  endAt,
  initialState,
  type MemberView,
  nextHost,
  nextScheduleDeadline,
  type Schedule,
  thumbnailsFor,
} from "../../src/room/lifecycle";

const NOW = 1_700_000_000_000;
const MINUTE = 60_000;

function schedule(patch: Partial<Schedule> = {}): Schedule {
  return { state: 0, startAt: null, durationMinutes: null, startedAt: NOW, endingNotified: false, ...patch };
}

function member(userId: string, order: number, patch: Partial<MemberView> = {}): MemberView {
  return { userId, order, isManager: false, imageUrl: `https://img.test/${userId}.png`, ...patch };
}

describe("endAt", () => {
  it("is null for a room without a duration", () => {
    expect(endAt(schedule())).toBeNull();
    expect(endAt(schedule({ state: 1, startAt: NOW + MINUTE, startedAt: null }))).toBeNull();
  });

  it("counts the duration from when the room actually started", () => {
    expect(endAt(schedule({ startedAt: NOW, startAt: NOW - 5 * MINUTE, durationMinutes: 30 }))).toBe(NOW + 30 * MINUTE);
  });

  it("counts the duration from the planned start while the room has not started", () => {
    expect(endAt(schedule({ state: 1, startAt: NOW + MINUTE, startedAt: null, durationMinutes: 10 }))).toBe(
      NOW + 11 * MINUTE,
    );
  });

  it("is null when a timed room has neither a start nor a planned start", () => {
    expect(endAt(schedule({ startedAt: null, startAt: null, durationMinutes: 10 }))).toBeNull();
  });
});

describe("dueTransition", () => {
  const scheduled = schedule({ state: 1, startAt: NOW + MINUTE, startedAt: null, durationMinutes: 10 });

  it("starts a scheduled room at its start time and not a millisecond before", () => {
    expect(dueTransition(scheduled, NOW + MINUTE - 1)).toBeNull();
    expect(dueTransition(scheduled, NOW + MINUTE)).toBe("start");
    expect(dueTransition(scheduled, NOW + 3 * MINUTE)).toBe("start");
  });

  it("starts an overdue scheduled room before considering its end", () => {
    expect(dueTransition(scheduled, NOW + 60 * MINUTE)).toBe("start");
  });

  it("never starts a scheduled room without a start time", () => {
    expect(dueTransition(schedule({ state: 1, startAt: null, startedAt: null }), NOW + 1e9)).toBeNull();
  });

  it("does nothing for an ongoing room without a duration", () => {
    expect(dueTransition(schedule(), NOW + 1e9)).toBeNull();
  });

  it("does nothing for an ended room, whatever its times", () => {
    expect(dueTransition(schedule({ state: 2, durationMinutes: 1 }), NOW + 1e9)).toBeNull();
    expect(dueTransition(schedule({ state: 2, startAt: NOW - MINUTE, startedAt: null }), NOW)).toBeNull();
  });

  it("warns the room ENDING_NOTICE_MS before the end, once", () => {
    const timed = schedule({ durationMinutes: 10 });
    const end = NOW + 10 * MINUTE;
    expect(dueTransition(timed, end - ENDING_NOTICE_MS - 1)).toBeNull();
    expect(dueTransition(timed, end - ENDING_NOTICE_MS)).toBe("ending");
    expect(dueTransition(timed, end - 1)).toBe("ending");
    expect(dueTransition({ ...timed, endingNotified: true }, end - ENDING_NOTICE_MS)).toBeNull();
    expect(dueTransition({ ...timed, endingNotified: true }, end - 1)).toBeNull();
  });

  it("ends a timed room exactly at its end, notified or not", () => {
    const timed = schedule({ durationMinutes: 10 });
    const end = NOW + 10 * MINUTE;
    expect(dueTransition(timed, end)).toBe("end");
    expect(dueTransition({ ...timed, endingNotified: true }, end)).toBe("end");
    expect(dueTransition(timed, end + 5 * MINUTE)).toBe("end");
  });

  it("warns at once when the whole duration lies inside the notice, and ends at the end", () => {
    const short = schedule({ durationMinutes: 0 });
    expect(dueTransition(short, NOW - 1)).toBe("ending");
    expect(dueTransition(short, NOW)).toBe("end");
  });
});

describe("nextScheduleDeadline", () => {
  it("is the start time of a scheduled room", () => {
    expect(nextScheduleDeadline(schedule({ state: 1, startAt: NOW + MINUTE, startedAt: null }))).toBe(NOW + MINUTE);
    expect(
      nextScheduleDeadline(schedule({ state: 1, startAt: NOW + MINUTE, startedAt: null, durationMinutes: 5 })),
    ).toBe(NOW + MINUTE);
  });

  it("is the ending notice, then the end, of an ongoing timed room", () => {
    const timed = schedule({ durationMinutes: 10 });
    expect(nextScheduleDeadline(timed)).toBe(NOW + 10 * MINUTE - ENDING_NOTICE_MS);
    expect(nextScheduleDeadline({ ...timed, endingNotified: true })).toBe(NOW + 10 * MINUTE);
  });

  it("is null for an untimed ongoing room and for an ended room", () => {
    expect(nextScheduleDeadline(schedule())).toBeNull();
    expect(nextScheduleDeadline(schedule({ state: 2, durationMinutes: 10 }))).toBeNull();
  });

  it("names a deadline at which dueTransition has something to do", () => {
    const cases: Schedule[] = [
      schedule({ state: 1, startAt: NOW + MINUTE, startedAt: null }),
      schedule({ durationMinutes: 10 }),
      schedule({ durationMinutes: 10, endingNotified: true }),
    ];
    for (const item of cases) {
      const deadline = nextScheduleDeadline(item);
      if (deadline === null) throw new Error("expected a deadline");
      expect(dueTransition(item, deadline - 1), JSON.stringify(item)).toBeNull();
      expect(dueTransition(item, deadline), JSON.stringify(item)).not.toBeNull();
    }
  });
});

describe("initialState", () => {
  it("is ongoing without a start time", () => {
    expect(initialState(null, NOW)).toBe(0);
  });

  it("is ongoing when the start time is now or past", () => {
    expect(initialState(NOW, NOW)).toBe(0);
    expect(initialState(NOW - MINUTE, NOW)).toBe(0);
  });

  it("is scheduled when the start time lies in the future", () => {
    expect(initialState(NOW + 1, NOW)).toBe(1);
  });
});

describe("earliest", () => {
  it("is null when no deadline is given", () => {
    expect(earliest()).toBeNull();
    expect(earliest(null, undefined, null)).toBeNull();
  });

  it("is the smallest deadline, skipping missing ones", () => {
    expect(earliest(null, NOW + 3, undefined, NOW + 1, NOW + 2)).toBe(NOW + 1);
    expect(earliest(NOW)).toBe(NOW);
  });

  it("treats 0 as a real deadline, not as missing", () => {
    expect(earliest(NOW, 0, null)).toBe(0);
  });
});

describe("nextHost", () => {
  it("hands over to the oldest manager, even when plain members are older", () => {
    const remaining = [member("m3", 3), member("mgr2", 5, { isManager: true }), member("m1", 1)];
    remaining.push(member("mgr1", 4, { isManager: true }));
    expect(nextHost(remaining)).toBe("mgr1");
  });

  it("hands over to the oldest member when there is no manager, whatever the input order", () => {
    expect(nextHost([member("c", 9), member("a", 2), member("b", 7)])).toBe("a");
  });

  it("is null when nobody is left", () => {
    expect(nextHost([])).toBeNull();
  });

  it("does not reorder the caller's array", () => {
    const remaining = [member("c", 9), member("a", 2)];
    nextHost(remaining);
    expect(remaining.map((view) => view.userId)).toEqual(["c", "a"]);
  });
});

describe("thumbnailsFor", () => {
  const members = [
    member("host", 1),
    member("noimg", 2, { imageUrl: null }),
    member("e", 7),
    member("b", 3),
    member("d", 6),
    member("c", 5),
    member("f", 8),
  ];

  it("shows only the room's own thumbnail when it has one", () => {
    expect(thumbnailsFor("https://img.test/room.png", "host", members, 4)).toEqual(["https://img.test/room.png"]);
  });

  it("shows up to max images of the oldest other members, skipping the host and members without an image", () => {
    expect(thumbnailsFor(null, "host", members, 4)).toEqual([
      "https://img.test/b.png",
      "https://img.test/c.png",
      "https://img.test/d.png",
      "https://img.test/e.png",
    ]);
  });

  it("shows fewer than max when fewer other members have images", () => {
    expect(thumbnailsFor(null, "host", [member("host", 1), member("x", 2)], 4)).toEqual(["https://img.test/x.png"]);
    expect(thumbnailsFor(null, "host", [member("host", 1)], 4)).toEqual([]);
  });

  it("includes every member when the room has no host", () => {
    expect(thumbnailsFor(null, null, members, 2)).toEqual(["https://img.test/host.png", "https://img.test/b.png"]);
  });

  it("treats an empty thumbnail as none", () => {
    expect(thumbnailsFor("", "host", members, 1)).toEqual(["https://img.test/b.png"]);
  });
});
