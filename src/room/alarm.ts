/**
 * @module room/alarm
 * The single-alarm plan (SPEC §1, STYLE rule 8). A room has one alarm and many deadlines: schedule
 * transitions, restriction expiries, directory retries and coalesced activity, socket token expiries, webhook retries.
 * Each owner reports its next deadline; this module picks the earliest and decides whether the armed
 * alarm must move. Pure: the room object does the storage calls.
 */
import { earliest } from "./lifecycle";

/** The next deadline of each owner, or null when it has none. */
export interface Deadlines {
  /** Scheduled start, the "ending" notice or the end of a timed room. */
  schedule: number | null;
  /** The earliest expiry of a timed mute or ban. */
  restrictions: number | null;
  /** A directory flush: retry after a failure, or the coalesced activity push. */
  index: number | null;
  /** The earliest token expiry of an open socket (closed with 4001 then, SPEC §8.1). */
  sockets: number | null;
  /** Webhook events to send: a retry after a failed `sendBatch`, or events waiting unscheduled. */
  webhooks: number | null;
  /** Attachment objects to delete from R2, or the expiry of an upload never sent. */
  attachments: number | null;
}

/** When the alarm must next fire, or null when nothing is due. */
export function nextAlarm(deadlines: Deadlines): number | null {
  return earliest(
    deadlines.schedule,
    deadlines.restrictions,
    deadlines.index,
    deadlines.sockets,
    deadlines.webhooks,
    deadlines.attachments,
  );
}

/** What to do with the armed alarm. */
export type AlarmAction = { op: "keep" } | { op: "set"; at: number } | { op: "delete" };

/**
 * Moves the alarm only when needed: setting it is a storage write, so an alarm that is already armed
 * earlier than the next deadline stays (when it fires, the room catches up and plans again), and an
 * alarm in the past is always re-armed.
 */
export function alarmAction(armed: number | null, next: number | null, now: number): AlarmAction {
  if (next === armed) return { op: "keep" };
  if (next === null) return armed === null ? { op: "keep" } : { op: "delete" };
  if (armed === null || next < armed || armed <= now) return { op: "set", at: next };
  return { op: "keep" };
}
