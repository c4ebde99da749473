/**
 * @module socket-budget
 * Per-socket abuse limits (SPEC §8.1), pure: every client frame takes a frame token
 * (FRAME_RATE_PER_SEC / FRAME_BURST), a `history` frame also a history token (HISTORY_FRAMES_PER_SEC);
 * a refused frame is answered with at most one RATE_LIMITED error frame per socket per second; and a
 * socket refused in every 1-s interval for OVER_BUDGET_CLOSE_MS is closed with 4008. The room keeps a
 * budget per socket in memory and copies it into the socket's attachment when it refuses, so a flood
 * cannot reset its budget by waiting out an eviction.
 */
import type { Result } from "../errors";
import type { ClientFrame } from "./protocol";
import { type Bucket, takeToken } from "./rate-limit";

/** One socket's frame budget. */
export interface FrameBudget {
  frames: Bucket | null;
  history: Bucket | null;
  /** When the last RATE_LIMITED error frame went to this socket. */
  notifiedAt: number | null;
  /** Start and latest refusal of the current run of refusals no more than 1 s apart. */
  refusedSince: number | null;
  refusedAt: number | null;
}

/** The limits a budget applies (from `[vars]`). */
export interface FrameLimits {
  frameRatePerSec: number;
  frameBurst: number;
  historyFramesPerSec: number;
  overBudgetCloseMs: number;
}

/** What to do with a frame. */
export type FrameVerdict =
  | { ok: true; budget: FrameBudget }
  | { ok: false; budget: FrameBudget; retryAfterSec: number; notify: boolean; close: boolean };

/** A refusal streak continues while refusals come no more than this far apart. */
const STREAK_GAP_MS = 1000;
/** At most one RATE_LIMITED error frame per socket per this interval. */
const NOTIFY_INTERVAL_MS = 1000;

/** A fresh budget for a new socket. */
export function freshBudget(): FrameBudget {
  return { frames: null, history: null, notifiedAt: null, refusedSince: null, refusedAt: null };
}

/** Takes the tokens one frame of `kind` costs, or refuses it. */
export function admitFrame(
  budget: FrameBudget,
  kind: "frame" | "history",
  now: number,
  limits: FrameLimits,
): FrameVerdict {
  const frame = takeToken(budget.frames, now, limits.frameRatePerSec, limits.frameBurst);
  if (!frame.allowed) return refuse(budget, now, frame.retryAfterMs, limits);
  if (kind === "history") {
    const rate = limits.historyFramesPerSec;
    const history = takeToken(budget.history, now, rate, Math.max(1, rate));
    if (!history.allowed) return refuse({ ...budget, frames: frame.bucket }, now, history.retryAfterMs, limits);
    return { ok: true, budget: { ...budget, frames: frame.bucket, history: history.bucket } };
  }
  return { ok: true, budget: { ...budget, frames: frame.bucket } };
}

/**
 * Admits one client frame as it arrived (parsed, or the reason it could not be: a malformed frame
 * costs a frame token too) against a socket's budget (none yet: a fresh one); a refusal names the
 * send it refuses, so the client can match the error to its message.
 */
export function admitClientFrame(
  budget: FrameBudget | null | undefined,
  frame: Result<ClientFrame>,
  now: number,
  limits: FrameLimits,
): FrameVerdict & { clientMsgId?: string } {
  const kind = frame.ok && frame.value.type === "history" ? "history" : "frame";
  const verdict = admitFrame(budget ?? freshBudget(), kind, now, limits);
  if (verdict.ok || !frame.ok || frame.value.type !== "send") return verdict;
  return { ...verdict, clientMsgId: frame.value.clientMsgId };
}

/**
 * Records a refusal for a rate reason (a spent frame token, or a send refused by the send bucket or
 * slow mode): whether to send the one RATE_LIMITED frame of this second, and whether the socket has
 * now been over budget long enough to be closed.
 */
export function refuse(
  budget: FrameBudget,
  now: number,
  retryAfterMs: number,
  limits: Pick<FrameLimits, "overBudgetCloseMs">,
): Extract<FrameVerdict, { ok: false }> {
  const continues = budget.refusedAt !== null && now - budget.refusedAt <= STREAK_GAP_MS;
  const refusedSince = continues ? (budget.refusedSince ?? now) : now;
  const notify = budget.notifiedAt === null || now - budget.notifiedAt >= NOTIFY_INTERVAL_MS;
  return {
    ok: false,
    budget: { ...budget, refusedSince, refusedAt: now, notifiedAt: notify ? now : budget.notifiedAt },
    retryAfterSec: Math.max(1, Math.ceil(retryAfterMs / 1000)),
    notify,
    close: now - refusedSince >= limits.overBudgetCloseMs,
  };
}

/** Whether a `typing` frame from a user goes out: at most one per TYPING_INTERVAL_MS (extra ones are dropped). */
export function typingDue(lastSentAt: number | undefined, now: number, intervalMs: number): boolean {
  return lastSentAt === undefined || now - lastSentAt >= intervalMs;
}

/**
 * Connects per user per room in a sliding window (CONNECTS_PER_10S): the connect times still inside
 * the window, and either the new list or how long to wait.
 */
export function admitConnect(
  recent: readonly number[],
  now: number,
  limit: number,
  windowMs = 10_000,
): { ok: true; recent: number[] } | { ok: false; recent: number[]; retryAfterSec: number } {
  const inside = recent.filter((at) => now - at < windowMs);
  if (inside.length >= limit) {
    const oldest = Math.min(...inside);
    return { ok: false, recent: inside, retryAfterSec: Math.max(1, Math.ceil((oldest + windowMs - now) / 1000)) };
  }
  return { ok: true, recent: [...inside, now] };
}
