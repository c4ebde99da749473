/**
 * @module app/room/composer-block
 * Why the composer is closed right now, first reason first, or null when the user can write.
 */
import { dateTimeOf, remaining } from "../lib/format";
import { isModerator, type RoomState } from "./room-state";

/** A reason, and the epoch ms it counts down to when it lifts by itself. */
export interface ComposerBlock {
  text: string;
  until?: number;
}

/** The first reason that stops the user from sending, as the banner shows it at `now`. */
export function composerBlock(state: RoomState, now: number): ComposerBlock | null {
  const own = state.members.get(state.me)?.restriction ?? null;
  const status = state.connection.status;
  if (state.info.state === 1) {
    return {
      text: state.info.startAt
        ? `This room starts ${dateTimeOf(state.info.startAt)}.`
        : "This room has not started yet.",
    };
  }
  if (state.info.state === 2) return { text: "This room has ended." };
  if (own?.status === 2) return { text: "You are banned from this room." };
  if (status === "closed") return { text: "Disconnected from this room." };
  if (status === "needs-token") return { text: "Your session expired: signing you in again…" };
  if (own?.status === 1) return { text: `You are muted · ${remaining(own.until, now)}`, until: own.until || undefined };
  if (state.muteAll && !isModerator(state.role))
    return { text: "Mute-all is on: only the host and managers can talk." };
  const throttle = state.throttle;
  if (throttle && throttle.until > now) {
    const left = Math.max(1, Math.ceil((throttle.until - now) / 1000));
    const text =
      throttle.code === "ROOM_BUSY"
        ? `The room is very busy. You can send again in ${left} s.`
        : `You are sending too fast. You can send again in ${left} s.`;
    return { text, until: throttle.until };
  }
  return null;
}
