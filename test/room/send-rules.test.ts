import { describe, expect, it } from "vitest";
import type { Bucket } from "../../src/room/rate-limit";
import { checkSend, type SendContext } from "../../src/room/send-rules";

const NOW = 1_700_000_000_000;

/** A plain member in a normal room with nothing in the way. */
function context(patch: Partial<SendContext> = {}): SendContext {
  return {
    state: 0,
    role: "member",
    restriction: null,
    muteAll: false,
    slowModeSeconds: 0,
    lastSentAt: null,
    bucket: null,
    ratePerSec: 5,
    burst: 10,
    bypassModeration: false,
    ...patch,
  };
}

const EMPTY: Bucket = { tokens: 0, at: NOW };
const mutedForever = { userId: "u1", status: 1 as const, expiresAt: 0, reason: null };
const mutedUntil = (expiresAt: number) => ({ userId: "u1", status: 1 as const, expiresAt, reason: null });
const bannedForever = { userId: "u1", status: 2 as const, expiresAt: 0, reason: null };

describe("checkSend", () => {
  it("allows a member of a normal room and takes one token from a full bucket", () => {
    expect(checkSend(context(), NOW)).toEqual({ ok: true, bucket: { tokens: 9, at: NOW } });
  });

  it("refuses a non-member with not_in_room before anything else", () => {
    const everythingWrong = context({
      role: "none",
      state: 2,
      restriction: mutedForever,
      muteAll: true,
      slowModeSeconds: 60,
      lastSentAt: NOW,
      bucket: EMPTY,
    });
    expect(checkSend(everythingWrong, NOW)).toMatchObject({ ok: false, kind: "not_in_room" });
    expect(checkSend({ ...everythingWrong, bypassModeration: true }, NOW)).toMatchObject({ kind: "not_in_room" });
  });

  it("refuses a room that has not started or has ended with conflict, before mute and rate", () => {
    for (const state of [1, 2] as const) {
      const decision = checkSend(context({ state, restriction: mutedForever, muteAll: true, bucket: EMPTY }), NOW);
      expect(decision, `state ${state}`).toMatchObject({ ok: false, kind: "conflict" });
    }
    expect(checkSend(context({ state: 1 }), NOW)).toMatchObject({ message: expect.stringContaining("not started") });
    expect(checkSend(context({ state: 2 }), NOW)).toMatchObject({ message: expect.stringContaining("ended") });
    expect(checkSend(context({ state: 2, role: "host", bypassModeration: true }), NOW)).toMatchObject({
      kind: "conflict",
    });
  });

  it("refuses an active mute with muted, naming the expiry, before mute-all, slow mode and rate", () => {
    const until = NOW + 60_000;
    const decision = checkSend(
      context({ restriction: mutedUntil(until), muteAll: true, slowModeSeconds: 60, lastSentAt: NOW, bucket: EMPTY }),
      NOW,
    );
    expect(decision).toMatchObject({ ok: false, kind: "muted", message: expect.stringContaining(String(until)) });
    expect(checkSend(context({ restriction: mutedForever }), NOW)).toMatchObject({ kind: "muted" });
  });

  it("mutes hosts and managers too: a personal mute is not lifted by rank", () => {
    expect(checkSend(context({ role: "host", restriction: mutedForever }), NOW)).toMatchObject({ kind: "muted" });
    expect(checkSend(context({ role: "manager", restriction: mutedForever }), NOW)).toMatchObject({ kind: "muted" });
  });

  it("refuses an active ban with banned", () => {
    expect(checkSend(context({ restriction: bannedForever, bucket: EMPTY }), NOW)).toMatchObject({
      ok: false,
      kind: "banned",
    });
  });

  it("allows a sender whose mute expired, including exactly at now", () => {
    expect(checkSend(context({ restriction: mutedUntil(NOW) }), NOW)).toMatchObject({ ok: true });
    expect(checkSend(context({ restriction: mutedUntil(NOW - 1) }), NOW)).toMatchObject({ ok: true });
    expect(checkSend(context({ restriction: mutedUntil(NOW + 1) }), NOW)).toMatchObject({ kind: "muted" });
  });

  it("blocks plain members under mute-all but lets host and managers speak", () => {
    const muteAll = context({ muteAll: true });
    expect(checkSend(muteAll, NOW)).toMatchObject({ ok: false, kind: "muted" });
    expect(checkSend({ ...muteAll, role: "host" }, NOW)).toEqual({ ok: true, bucket: { tokens: 9, at: NOW } });
    expect(checkSend({ ...muteAll, role: "manager" }, NOW)).toEqual({ ok: true, bucket: { tokens: 9, at: NOW } });
  });

  it("checks mute-all before slow mode and the rate limit", () => {
    const decision = checkSend(context({ muteAll: true, slowModeSeconds: 60, lastSentAt: NOW, bucket: EMPTY }), NOW);
    expect(decision).toMatchObject({ kind: "muted", message: expect.stringContaining("muted") });
  });

  it("refuses a plain member inside the slow-mode gap with rate_limited and the seconds left, rounded up", () => {
    const decision = checkSend(context({ slowModeSeconds: 5, lastSentAt: NOW - 1500 }), NOW);
    expect(decision).toMatchObject({ ok: false, kind: "rate_limited", retryAfterSec: 4 });
    expect(checkSend(context({ slowModeSeconds: 5, lastSentAt: NOW - 4999 }), NOW)).toMatchObject({
      kind: "rate_limited",
      retryAfterSec: 1,
    });
  });

  it("checks slow mode before the bucket", () => {
    const decision = checkSend(context({ slowModeSeconds: 30, lastSentAt: NOW, bucket: EMPTY }), NOW);
    expect(decision).toMatchObject({
      kind: "rate_limited",
      retryAfterSec: 30,
      message: expect.stringContaining("slow"),
    });
  });

  it("lets a plain member send again once the slow-mode gap is over", () => {
    expect(checkSend(context({ slowModeSeconds: 5, lastSentAt: NOW - 5000 }), NOW)).toMatchObject({ ok: true });
  });

  it("exempts host and managers from slow mode", () => {
    for (const role of ["host", "manager"] as const) {
      const decision = checkSend(context({ role, slowModeSeconds: 60, lastSentAt: NOW }), NOW);
      expect(decision, role).toEqual({ ok: true, bucket: { tokens: 9, at: NOW } });
    }
  });

  it("refuses an empty bucket with rate_limited and the seconds until the next token", () => {
    const decision = checkSend(context({ bucket: EMPTY }), NOW);
    expect(decision).toMatchObject({ ok: false, kind: "rate_limited", retryAfterSec: 1 });
    expect(decision).toMatchObject({ message: expect.stringContaining("too fast") });
    // At 0.5 per second a token takes two seconds.
    expect(checkSend(context({ bucket: EMPTY, ratePerSec: 0.5 }), NOW)).toMatchObject({ retryAfterSec: 2 });
  });

  it("applies the rate limit to host and managers as well", () => {
    for (const role of ["host", "manager"] as const) {
      expect(checkSend(context({ role, bucket: EMPTY }), NOW), role).toMatchObject({ kind: "rate_limited" });
    }
  });

  it("returns the refilled bucket minus one token to persist with the message", () => {
    const decision = checkSend(context({ bucket: { tokens: 2, at: NOW - 1000 } }), NOW);
    expect(decision).toEqual({ ok: true, bucket: { tokens: 6, at: NOW } });
  });

  it("lets admin sends skip mute, ban, mute-all and slow mode", () => {
    const moderated = context({
      restriction: mutedForever,
      muteAll: true,
      slowModeSeconds: 60,
      lastSentAt: NOW,
      bypassModeration: true,
    });
    expect(checkSend(moderated, NOW)).toEqual({ ok: true, bucket: { tokens: 9, at: NOW } });
    expect(checkSend({ ...moderated, restriction: bannedForever }, NOW)).toMatchObject({ ok: true });
  });

  it("still applies the rate limit to admin sends", () => {
    const decision = checkSend(context({ bypassModeration: true, muteAll: true, bucket: EMPTY }), NOW);
    expect(decision).toMatchObject({ ok: false, kind: "rate_limited", retryAfterSec: 1 });
  });
});
