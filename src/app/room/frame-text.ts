/**
 * @module app/room/frame-text
 * The sentence a membership, moderation or room frame adds to the timeline, from the reader's point
 * of view ("You were muted for 3 s", "bob joined the room"). Pure: the clock is a parameter.
 */
import type { FrameOf } from "../../client";
import { duration, timeOf } from "../lib/format";

/** The sentence for a `member` frame. */
export function memberText(frame: FrameOf<"member">, me: string): string | null {
  const self = frame.userId === me;
  const who = self ? "You" : frame.userId;
  switch (frame.event) {
    case "joined":
      return `${who} joined the room.`;
    case "left":
      return `${who} left the room.`;
    case "kicked":
      return `${who} ${self ? "were" : "was"} removed from the room.`;
    case "role":
      if (frame.role === "manager") return `${who} ${self ? "are" : "is"} now a manager.`;
      if (frame.role === "host") return `${who} ${self ? "are" : "is"} now the host.`;
      return `${who} ${self ? "are" : "is"} no longer a manager.`;
  }
}

/** The sentence for a `moderation` frame. */
export function moderationText(frame: FrameOf<"moderation">, me: string, now: number): string {
  if (frame.event === "muteAll") {
    return frame.on ? "Mute-all is on: only the host and managers can talk." : "Mute-all is off.";
  }
  const self = frame.userId === me;
  const who = self ? "You" : frame.userId;
  switch (frame.event) {
    case "muted":
    case "banned": {
      const span = frame.until ? `for ${duration(frame.until - now)}` : "until lifted";
      return `${who} ${self ? "were" : "was"} ${frame.event} ${span}.`;
    }
    case "unmuted":
      return `${who} can speak again.`;
    case "unbanned":
      return `${who} ${self ? "are" : "is"} no longer banned.`;
  }
}

/** The sentence for a `room` frame (null for quiet updates). */
export function roomText(frame: FrameOf<"room">): string | null {
  switch (frame.event) {
    case "started":
      return "The room has started.";
    case "ending":
      return typeof frame.endsAt === "number" ? `The room ends at ${timeOf(frame.endsAt)}.` : "The room ends soon.";
    case "ended":
      if (frame.reason === "timeUp") return "Time is up: the room has ended.";
      if (frame.reason === "deleted") return "The room was closed.";
      return "The room has ended.";
    case "updated":
      return null;
  }
}
