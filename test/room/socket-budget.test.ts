import { describe, expect, it } from "vitest";
import {
  admitConnect,
  admitFrame,
  type FrameBudget,
  freshBudget,
  refuse,
  typingDue,
} from "../../src/room/socket-budget";

const LIMITS = { frameRatePerSec: 20, frameBurst: 40, historyFramesPerSec: 2, overBudgetCloseMs: 10_000 };
const T0 = 1_700_000_000_000;

/** Feeds `count` frames of `kind` at `now`; returns the verdicts and the final budget. */
function feed(budget: FrameBudget, count: number, now: number, kind: "frame" | "history" = "frame") {
  const verdicts = [];
  let current = budget;
  for (let i = 0; i < count; i++) {
    const verdict = admitFrame(current, kind, now, LIMITS);
    verdicts.push(verdict);
    current = verdict.budget;
  }
  return { verdicts, budget: current };
}

describe("admitFrame", () => {
  it("lets FRAME_BURST frames through at once and refuses the next, saying when to retry", () => {
    const { verdicts } = feed(freshBudget(), 41, T0);
    expect(verdicts.slice(0, 40).every((v) => v.ok)).toBe(true);
    const last = verdicts[40];
    expect(last?.ok).toBe(false);
    if (last && !last.ok) expect(last.retryAfterSec).toBe(1);
  });

  it("refills at FRAME_RATE_PER_SEC", () => {
    const spent = feed(freshBudget(), 40, T0).budget;
    expect(feed(spent, 10, T0 + 500).verdicts.every((v) => v.ok)).toBe(true);
    expect(feed(spent, 11, T0 + 500).verdicts.at(-1)?.ok).toBe(false);
  });

  it("charges a history frame a history token as well: two a second", () => {
    const { verdicts } = feed(freshBudget(), 3, T0, "history");
    expect(verdicts.map((v) => v.ok)).toEqual([true, true, false]);
    const after = feed(verdicts[2]?.budget ?? freshBudget(), 1, T0 + 500, "history").verdicts[0];
    expect(after?.ok).toBe(true);
  });
});

describe("refuse", () => {
  it("sends at most one RATE_LIMITED notice per second", () => {
    let budget = freshBudget();
    const notices: boolean[] = [];
    for (const at of [0, 10, 500, 999, 1000, 1500, 2100]) {
      const verdict = refuse(budget, T0 + at, 50, LIMITS);
      notices.push(verdict.notify);
      budget = verdict.budget;
    }
    expect(notices).toEqual([true, false, false, false, true, false, true]);
  });

  it("closes a socket refused in every second for OVER_BUDGET_CLOSE_MS, and not one that paused", () => {
    let budget = freshBudget();
    let closed = false;
    for (let at = 0; at <= 10_000; at += 900) {
      const verdict = refuse(budget, T0 + at, 50, LIMITS);
      budget = verdict.budget;
      closed = verdict.close;
    }
    expect(closed).toBe(false);
    expect(refuse(budget, T0 + 10_800, 50, LIMITS).close).toBe(true);
    // A gap of more than a second starts a new streak.
    const paused = refuse(budget, T0 + 12_500, 50, LIMITS);
    expect(paused.close).toBe(false);
    expect(paused.budget.refusedSince).toBe(T0 + 12_500);
  });
});

describe("typingDue", () => {
  it("lets one typing through per interval", () => {
    expect(typingDue(undefined, T0, 2000)).toBe(true);
    expect(typingDue(T0, T0 + 1999, 2000)).toBe(false);
    expect(typingDue(T0, T0 + 2000, 2000)).toBe(true);
  });
});

describe("admitConnect", () => {
  it("allows CONNECTS_PER_10S connects in a sliding 10 s window and names the wait", () => {
    let recent: number[] = [];
    for (let i = 0; i < 10; i++) {
      const verdict = admitConnect(recent, T0 + i * 100, 10);
      expect(verdict.ok).toBe(true);
      recent = verdict.recent;
    }
    const refused = admitConnect(recent, T0 + 1000, 10);
    expect(refused).toMatchObject({ ok: false, retryAfterSec: 9 });
    expect(admitConnect(recent, T0 + 10_000, 10).ok).toBe(true);
  });
});
