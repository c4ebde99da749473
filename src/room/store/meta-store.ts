/**
 * @module room/store/meta-store
 * The room's own record: one row holding its settings, schedule and index bookkeeping.
 */
import type { RoomState } from "../send-rules";
import { numberOrNull, type Row, type Sql, textOrNull } from "./sql";

/** The room's own record (one row). */
export interface RoomMeta {
  chatroomId: string;
  title: string;
  desc: string;
  portrait: string;
  extra: string;
  thumbnail: string | null;
  isOpen: boolean;
  state: RoomState;
  hostId: string | null;
  muteAll: boolean;
  slowModeSeconds: number;
  startAt: number | null;
  durationMinutes: number | null;
  startedAt: number | null;
  endingNotified: boolean;
  createdAt: number;
  updatedAt: number;
  /** Highest seq already pushed to the directory (activity is coalesced, SPEC §1). */
  indexedSeq: number;
  /** Consecutive failed directory flushes, and when to try again. */
  outboxFailures: number;
  outboxRetryAt: number | null;
  /** The room's update counter: each recall, edit or reaction change takes the next value (SPEC §8.3). */
  updateSeq: number;
  /** The webhook event counter: each event takes the next value (SPEC §8.4). */
  eventSeq: number;
  /** "live": sockets live in shard objects and the audience is presence (SPEC §8.5); fixed at creation. */
  mode: RoomMode;
  /** Shard objects of a live room (0 for a normal room); fixed at creation. */
  shards: number;
}

/** A room's mode. */
export type RoomMode = "normal" | "live";

function toMeta(row: Row): RoomMeta {
  return {
    chatroomId: String(row.chatroom_id),
    title: String(row.title),
    desc: String(row.desc),
    portrait: String(row.portrait),
    extra: String(row.extra),
    thumbnail: textOrNull(row.thumbnail),
    isOpen: row.is_open === 1,
    state: Number(row.state) as RoomState,
    hostId: textOrNull(row.host_id),
    muteAll: row.mute_all === 1,
    slowModeSeconds: Number(row.slow_mode_seconds),
    startAt: numberOrNull(row.start_at),
    durationMinutes: numberOrNull(row.duration_minutes),
    startedAt: numberOrNull(row.started_at),
    endingNotified: row.ending_notified === 1,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    indexedSeq: Number(row.indexed_seq),
    outboxFailures: Number(row.outbox_failures),
    outboxRetryAt: numberOrNull(row.outbox_retry_at),
    updateSeq: Number(row.update_seq ?? 0),
    eventSeq: Number(row.event_seq ?? 0),
    mode: row.mode === "live" ? "live" : "normal",
    shards: Number(row.shards ?? 0),
  };
}

/** The meta row. */
export class MetaStore {
  constructor(private readonly sql: Sql) {}

  get(): RoomMeta | null {
    const row = this.sql.first("SELECT * FROM meta WHERE id = 1");
    return row ? toMeta(row) : null;
  }

  save(meta: RoomMeta): void {
    this.sql.run(
      `INSERT INTO meta (id, chatroom_id, title, desc, portrait, extra, thumbnail, is_open, state, host_id,
         mute_all, slow_mode_seconds, start_at, duration_minutes, started_at, ending_notified,
         created_at, updated_at, indexed_seq, outbox_failures, outbox_retry_at, update_seq, event_seq, mode, shards)
       VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET chatroom_id = excluded.chatroom_id, title = excluded.title,
         desc = excluded.desc, portrait = excluded.portrait, extra = excluded.extra,
         thumbnail = excluded.thumbnail, is_open = excluded.is_open, state = excluded.state,
         host_id = excluded.host_id, mute_all = excluded.mute_all,
         slow_mode_seconds = excluded.slow_mode_seconds, start_at = excluded.start_at,
         duration_minutes = excluded.duration_minutes, started_at = excluded.started_at,
         ending_notified = excluded.ending_notified, created_at = excluded.created_at,
         updated_at = excluded.updated_at, indexed_seq = excluded.indexed_seq,
         outbox_failures = excluded.outbox_failures, outbox_retry_at = excluded.outbox_retry_at,
         update_seq = excluded.update_seq, event_seq = excluded.event_seq, mode = excluded.mode,
         shards = excluded.shards`,
      meta.chatroomId,
      meta.title,
      meta.desc,
      meta.portrait,
      meta.extra,
      meta.thumbnail,
      meta.isOpen ? 1 : 0,
      meta.state,
      meta.hostId,
      meta.muteAll ? 1 : 0,
      meta.slowModeSeconds,
      meta.startAt,
      meta.durationMinutes,
      meta.startedAt,
      meta.endingNotified ? 1 : 0,
      meta.createdAt,
      meta.updatedAt,
      meta.indexedSeq,
      meta.outboxFailures,
      meta.outboxRetryAt,
      meta.updateSeq,
      meta.eventSeq,
      meta.mode,
      meta.shards,
    );
  }

  /** Moves the two counters alone (a cheaper write than the whole row, on the message path). */
  saveCounters(meta: Pick<RoomMeta, "updateSeq" | "eventSeq">): void {
    this.sql.run("UPDATE meta SET update_seq = ?, event_seq = ? WHERE id = 1", meta.updateSeq, meta.eventSeq);
  }
}
