/**
 * @module lifecycle
 * Pure time rules of a room (SPEC §3 scheduled and timed rooms) and the single-alarm plan (SPEC §1):
 * which transition is due at `now`, and when the alarm must next fire.
 */
import { ENDING_NOTICE_MS } from "../limits";
import type { RoomState } from "./send-rules";

/** The schedule fields of a room. */
export interface Schedule {
  state: RoomState;
  startAt: number | null;
  durationMinutes: number | null;
  startedAt: number | null;
  endingNotified: boolean;
}

/** When an ongoing timed room ends, or null. */
export function endAt(schedule: Schedule): number | null {
  if (schedule.durationMinutes === null) return null;
  const base = schedule.startedAt ?? schedule.startAt;
  return base === null ? null : base + schedule.durationMinutes * 60_000;
}

/** The transition due now, if any: start a scheduled room, warn before the end, or end it. */
export function dueTransition(schedule: Schedule, now: number): "start" | "ending" | "end" | null {
  if (schedule.state === 1) return schedule.startAt !== null && schedule.startAt <= now ? "start" : null;
  if (schedule.state !== 0) return null;
  const end = endAt(schedule);
  if (end === null) return null;
  if (end <= now) return "end";
  if (!schedule.endingNotified && end - ENDING_NOTICE_MS <= now) return "ending";
  return null;
}

/** The next moment the schedule needs attention, or null. */
export function nextScheduleDeadline(schedule: Schedule): number | null {
  if (schedule.state === 1) return schedule.startAt;
  if (schedule.state !== 0) return null;
  const end = endAt(schedule);
  if (end === null) return null;
  return schedule.endingNotified ? end : end - ENDING_NOTICE_MS;
}

/** The state a room starts in: scheduled when its start lies in the future. */
export function initialState(startAt: number | null, now: number): RoomState {
  return startAt !== null && startAt > now ? 1 : 0;
}

/** The earliest of several optional deadlines: the one alarm serves them all. */
export function earliest(...deadlines: (number | null | undefined)[]): number | null {
  let min: number | null = null;
  for (const deadline of deadlines) {
    if (deadline !== null && deadline !== undefined && (min === null || deadline < min)) min = deadline;
  }
  return min;
}

/** A member as the handover and thumbnail rules see them; `order` is the join order. */
export interface MemberView {
  userId: string;
  order: number;
  isManager: boolean;
  imageUrl: string | null;
}

/** Who becomes host when the host goes: the oldest manager, else the oldest member (SPEC §3). */
export function nextHost(remaining: readonly MemberView[]): string | null {
  const byAge = [...remaining].sort((a, b) => a.order - b.order);
  return (byAge.find((member) => member.isManager) ?? byAge[0])?.userId ?? null;
}

/** Up to `max` thumbnails: the room's own, else images of the oldest other members (SPEC §3). */
export function thumbnailsFor(
  thumbnail: string | null,
  hostId: string | null,
  members: readonly MemberView[],
  max: number,
): string[] {
  if (thumbnail) return [thumbnail];
  return [...members]
    .sort((a, b) => a.order - b.order)
    .filter((member) => member.userId !== hostId && member.imageUrl)
    .slice(0, max)
    .map((member) => member.imageUrl as string);
}
