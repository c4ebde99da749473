/**
 * @module directory/store
 * All D1 SQL: applying a room's index changes (idempotent upserts in one batch), the caller's room
 * list, profiles and open profiles. Rows are mapped next to their queries.
 */
import type { IndexChange } from "../room/outbox";
import type { Role } from "../room/permissions";
import type { ListCursor, Position } from "./cursor";

/** Builds the idempotent statement for one index change. */
function statementFor(db: D1Database, change: IndexChange): D1PreparedStatement {
  switch (change.op) {
    case "room": {
      const room = change.room;
      return db
        .prepare(
          `INSERT INTO rooms (chatroom_id, title, is_open, state, host_id, member_count, thumbnails, start_at,
             duration_minutes, started_at, created_at, updated_at, mode, shards)
           VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)
           ON CONFLICT (chatroom_id) DO UPDATE SET title = ?2, is_open = ?3, state = ?4, host_id = ?5,
             member_count = ?6, thumbnails = ?7, start_at = ?8, duration_minutes = ?9, started_at = ?10,
             updated_at = max(updated_at, ?12)`,
        )
        .bind(
          room.chatroomId,
          room.title,
          room.isOpen ? 1 : 0,
          room.state,
          room.hostId,
          room.memberCount,
          JSON.stringify(room.thumbnails),
          room.startAt,
          room.durationMinutes,
          room.startedAt,
          room.createdAt,
          room.updatedAt,
          room.mode ?? "normal",
          room.shards ?? 0,
        );
    }
    case "member":
      return db
        .prepare(
          `INSERT INTO user_rooms (user_id, chatroom_id, role, joined_at, open_profile_id) VALUES (?1, ?2, ?3, ?4, ?5)
           ON CONFLICT (user_id, chatroom_id) DO UPDATE SET role = ?3, open_profile_id = ?5`,
        )
        .bind(change.userId, change.chatroomId, change.role, change.joinedAt, change.openProfileId ?? null);
    case "unmember":
      return db
        .prepare("DELETE FROM user_rooms WHERE user_id = ?1 AND chatroom_id = ?2")
        .bind(change.userId, change.chatroomId);
    case "clearMembers":
      return db.prepare("DELETE FROM user_rooms WHERE chatroom_id = ?1").bind(change.chatroomId);
    case "activity":
      // `<=`: a recall or edit of the newest message pushes the same seq again with a new preview.
      return db
        .prepare(
          `UPDATE rooms SET last_seq = ?2, last_preview = ?3, last_sender_id = ?4, last_at = ?5, last_deleted = ?6
           WHERE chatroom_id = ?1 AND last_seq <= ?2`,
        )
        .bind(change.chatroomId, change.lastSeq, change.preview, change.senderId, change.at, change.deleted ? 1 : 0);
    case "mention":
      return db
        .prepare(
          `UPDATE user_rooms SET mention_seq = max(mention_seq, ?3)
           WHERE user_id = ?1 AND chatroom_id = ?2`,
        )
        .bind(change.userId, change.chatroomId, change.seq);
    case "read":
      return db
        .prepare(
          `UPDATE user_rooms SET last_read_seq = max(last_read_seq, ?3)
           WHERE user_id = ?1 AND chatroom_id = ?2`,
        )
        .bind(change.userId, change.chatroomId, change.seq);
  }
}

/** Applies index changes in order, all in one D1 batch (one implicit transaction). */
export async function applyIndexChanges(db: D1Database, changes: readonly IndexChange[]): Promise<void> {
  if (changes.length === 0) return;
  await db.batch(changes.map((change) => statementFor(db, change)));
}

/** A room as the caller's list shows it. */
export interface ListedRoom {
  userChatroomId: number;
  chatroomId: string;
  title: string;
  isOpen: boolean;
  role: Role;
  count: number;
  thumbnails: string[];
  state: number;
  startedAt: number | null;
  startAt: number | null;
  durationMinutes: number | null;
  lastMessage: { seq: number; preview: string; at: number; deleted?: true } | null;
  unread: number;
  /** A message after the user's read marker mentions them (SPEC §8.3). */
  mentioned: boolean;
  activityAt: number;
}

type ListRow = Record<string, unknown>;

function toListedRoom(row: ListRow): ListedRoom {
  const lastSeq = Number(row.last_seq);
  return {
    userChatroomId: Number(row.user_chatroom_id),
    chatroomId: String(row.chatroom_id),
    title: String(row.title),
    isOpen: row.is_open === 1,
    // The index is written only from the room's own roles.
    role: String(row.role) as Role,
    count: Number(row.member_count),
    thumbnails: JSON.parse(String(row.thumbnails)) as string[],
    state: Number(row.state),
    startedAt: row.started_at === null ? null : Number(row.started_at),
    startAt: row.start_at === null ? null : Number(row.start_at),
    durationMinutes: row.duration_minutes === null ? null : Number(row.duration_minutes),
    lastMessage:
      lastSeq > 0
        ? {
            seq: lastSeq,
            preview: String(row.last_preview ?? ""),
            at: Number(row.last_at),
            ...(row.last_deleted === 1 ? { deleted: true as const } : {}),
          }
        : null,
    unread: Math.max(0, lastSeq - Number(row.last_read_seq)),
    mentioned: Number(row.mention_seq ?? 0) > Number(row.last_read_seq),
    activityAt: Number(row.activity_at),
  };
}

/** What to read: which lists, from where, how many. */
export interface ListQuery {
  ongoing: Position | "start" | null;
  scheduled: Position | "start" | null;
  limit: number;
}

/** One page of each requested list (limit + 1 rows, to tell whether more follow) and the total. */
export interface ListPage {
  total: number;
  ongoing: ListedRoom[];
  scheduled: ListedRoom[];
  next: ListCursor;
}

const MINE = `SELECT ur.id AS user_chatroom_id, ur.role, ur.last_read_seq, ur.mention_seq, r.*,
    coalesce(r.last_at, r.started_at, r.created_at) AS activity_at
  FROM user_rooms ur JOIN rooms r ON r.chatroom_id = ur.chatroom_id
  WHERE ur.user_id = ?1`;

/** Reads the caller's rooms in one D1 round trip (a batch of indexed queries). */
export async function listRooms(db: D1Database, userId: string, query: ListQuery): Promise<ListPage> {
  const take = query.limit + 1;
  const ongoingAfter = Array.isArray(query.ongoing) ? query.ongoing : [Number.MAX_SAFE_INTEGER, "\u{10FFFF}"];
  const scheduledAfter = Array.isArray(query.scheduled) ? query.scheduled : [Number.MIN_SAFE_INTEGER, ""];
  const [ongoing, scheduled, total] = await db.batch<ListRow>([
    db
      .prepare(
        `SELECT * FROM (${MINE} AND r.state = 0) WHERE ?2 AND (activity_at < ?3 OR (activity_at = ?3 AND chatroom_id < ?4))
         ORDER BY activity_at DESC, chatroom_id DESC LIMIT ?5`,
      )
      .bind(userId, query.ongoing ? 1 : 0, ongoingAfter[0], ongoingAfter[1], take),
    db
      .prepare(
        `SELECT * FROM (${MINE} AND r.state = 1) WHERE ?2 AND (start_at > ?3 OR (start_at = ?3 AND chatroom_id > ?4))
         ORDER BY start_at, chatroom_id LIMIT ?5`,
      )
      .bind(userId, query.scheduled ? 1 : 0, scheduledAfter[0], scheduledAfter[1], take),
    db
      .prepare(
        `SELECT count(*) AS n FROM user_rooms ur JOIN rooms r ON r.chatroom_id = ur.chatroom_id
         WHERE ur.user_id = ?1 AND r.state IN (0, 1)`,
      )
      .bind(userId),
  ]);
  const ongoingRows = (ongoing?.results ?? []).map(toListedRoom);
  const scheduledRows = (scheduled?.results ?? []).map(toListedRoom);
  const next: ListCursor = {};
  if (ongoingRows.length > query.limit) {
    ongoingRows.length = query.limit;
    const last = ongoingRows[ongoingRows.length - 1] as ListedRoom;
    next.ongoing = [last.activityAt, last.chatroomId];
  }
  if (scheduledRows.length > query.limit) {
    scheduledRows.length = query.limit;
    const last = scheduledRows[scheduledRows.length - 1] as ListedRoom;
    next.scheduled = [last.startAt ?? 0, last.chatroomId];
  }
  return { total: Number(total?.results[0]?.n ?? 0), ongoing: ongoingRows, scheduled: scheduledRows, next };
}

/** A room's mode and shard count from its index row (fixed at creation), or null when not indexed. */
export async function directoryRoomMode(
  db: D1Database,
  chatroomId: string,
): Promise<{ mode: "normal" | "live"; shards: number } | null> {
  const row = await db
    .prepare("SELECT mode, shards FROM rooms WHERE chatroom_id = ?1")
    .bind(chatroomId)
    .first<{ mode: string; shards: number }>();
  return row ? { mode: row.mode === "live" ? "live" : "normal", shards: Number(row.shards) } : null;
}

/** The caller's index row id for a room (FlameTalk's userChatroomId), or null. */
export async function userChatroomId(db: D1Database, userId: string, chatroomId: string): Promise<number | null> {
  const row = await db
    .prepare("SELECT id FROM user_rooms WHERE user_id = ?1 AND chatroom_id = ?2")
    .bind(userId, chatroomId)
    .first<{ id: number }>();
  return row ? row.id : null;
}

/** Index rows of a room, for checks and tools. */
export async function roomMembers(db: D1Database, chatroomId: string): Promise<{ userId: string; role: string }[]> {
  const { results } = await db
    .prepare("SELECT user_id, role FROM user_rooms WHERE chatroom_id = ?1 ORDER BY id")
    .bind(chatroomId)
    .all<{ user_id: string; role: string }>();
  return results.map((row) => ({ userId: row.user_id, role: row.role }));
}

// ── profiles ────────────────────────────────────────────────────────────

/** A user's profile. */
export interface Profile {
  userId: string;
  name: string | null;
  displayName: string | null;
  portrait: string | null;
}

/** Creates or merges a profile: fields given as undefined keep their stored value. */
export async function upsertProfile(
  db: D1Database,
  profile: { userId: string; name?: string; displayName?: string; portrait?: string },
  now: number,
): Promise<void> {
  await db
    .prepare(
      `INSERT INTO profiles (user_id, name, display_name, portrait, updated_at) VALUES (?1, ?2, ?3, ?4, ?5)
       ON CONFLICT (user_id) DO UPDATE SET name = coalesce(?2, name), display_name = coalesce(?3, display_name),
         portrait = coalesce(?4, portrait), updated_at = ?5`,
    )
    .bind(profile.userId, profile.name ?? null, profile.displayName ?? null, profile.portrait ?? null, now)
    .run();
}

/** Profiles of the given users (missing users are absent from the map). */
export async function profilesOf(db: D1Database, userIds: readonly string[]): Promise<Map<string, Profile>> {
  const { results } = await db
    .prepare(
      "SELECT user_id, name, display_name, portrait FROM profiles WHERE user_id IN (SELECT value FROM json_each(?1))",
    )
    .bind(JSON.stringify(userIds))
    .all<{ user_id: string; name: string | null; display_name: string | null; portrait: string | null }>();
  return new Map(
    results.map((row) => [
      row.user_id,
      { userId: row.user_id, name: row.name, displayName: row.display_name, portrait: row.portrait },
    ]),
  );
}

/** An open profile: an alternative identity a user can show in rooms. */
export interface OpenProfile {
  id: number;
  userId: string;
  nickname: string;
  imageUrl: string | null;
}

/** Creates an open profile and returns it with its Long id. */
export async function createOpenProfile(
  db: D1Database,
  input: { userId: string; nickname: string; imageUrl: string | null },
  now: number,
): Promise<OpenProfile> {
  const row = await db
    .prepare(
      "INSERT INTO open_profiles (user_id, nickname, image_url, created_at) VALUES (?1, ?2, ?3, ?4) RETURNING id",
    )
    .bind(input.userId, input.nickname, input.imageUrl, now)
    .first<{ id: number }>();
  if (!row) throw new Error("open profile insert returned no id");
  return { id: row.id, ...input };
}

/** An open profile by id, or null. */
export async function openProfile(db: D1Database, id: number): Promise<OpenProfile | null> {
  const row = await db
    .prepare("SELECT id, user_id, nickname, image_url FROM open_profiles WHERE id = ?1")
    .bind(id)
    .first<{ id: number; user_id: string; nickname: string; image_url: string | null }>();
  return row ? { id: row.id, userId: row.user_id, nickname: row.nickname, imageUrl: row.image_url } : null;
}
