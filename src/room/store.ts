/**
 * @module store
 * All SQL of the room object: the versioned schema, row mappers and writes. Values are always
 * bound; a failing statement is rethrown with its query text.
 */
import type { IndexChange } from "./outbox";
import type { Bucket } from "./rate-limit";
import type { Restriction, RestrictionStatus } from "./restrictions";
import type { RoomState } from "./send-rules";

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
}

/** A member row. `order` is the join order (rowid) used for handover and thumbnails. */
export interface MemberRow {
  userId: string;
  order: number;
  joinedAt: number;
  imageUrl: string | null;
  openProfileId: number | null;
  lastReadSeq: number;
  lastSentAt: number | null;
  bucket: Bucket | null;
}

/** A stored chat message. */
export interface MessageRow {
  seq: number;
  senderId: string;
  clientMsgId: string;
  content: string;
  contentType: string;
  ts: number;
}

/** Raised when a statement fails; carries the query so the log says which one. */
export class SqlError extends Error {
  override readonly name = "SqlError";
  constructor(
    readonly query: string,
    cause: unknown,
  ) {
    super(`SQL failed: ${cause instanceof Error ? cause.message : String(cause)} — ${query}`, { cause });
  }
}

type Row = Record<string, SqlStorageValue>;

const SCHEMA_VERSION = 1;

/** DDL per version; a room created at version n runs only the steps after n. */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE meta (
     id INTEGER PRIMARY KEY CHECK (id = 1),
     chatroom_id TEXT NOT NULL, title TEXT NOT NULL, desc TEXT NOT NULL DEFAULT '',
     portrait TEXT NOT NULL DEFAULT '', extra TEXT NOT NULL DEFAULT '', thumbnail TEXT,
     is_open INTEGER NOT NULL, state INTEGER NOT NULL, host_id TEXT,
     mute_all INTEGER NOT NULL DEFAULT 0, slow_mode_seconds INTEGER NOT NULL DEFAULT 0,
     start_at INTEGER, duration_minutes INTEGER, started_at INTEGER,
     ending_notified INTEGER NOT NULL DEFAULT 0,
     created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
     indexed_seq INTEGER NOT NULL DEFAULT 0,
     outbox_failures INTEGER NOT NULL DEFAULT 0, outbox_retry_at INTEGER);
   CREATE TABLE members (
     user_id TEXT PRIMARY KEY, joined_at INTEGER NOT NULL, image_url TEXT, open_profile_id INTEGER,
     last_read_seq INTEGER NOT NULL DEFAULT 0, indexed_read_seq INTEGER NOT NULL DEFAULT 0,
     last_sent_at INTEGER, bucket_tokens REAL, bucket_at INTEGER);
   CREATE TABLE managers (user_id TEXT PRIMARY KEY, since INTEGER NOT NULL);
   CREATE TABLE restrictions (
     user_id TEXT PRIMARY KEY, status INTEGER NOT NULL, expires_at INTEGER NOT NULL,
     reason TEXT, set_at INTEGER NOT NULL);
   CREATE TABLE messages (
     seq INTEGER PRIMARY KEY, sender_id TEXT NOT NULL, client_msg_id TEXT NOT NULL,
     content TEXT NOT NULL, content_type TEXT NOT NULL, ts INTEGER NOT NULL);
   CREATE UNIQUE INDEX messages_dedupe ON messages (sender_id, client_msg_id);
   CREATE TABLE outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, change TEXT NOT NULL);`,
];

function toMeta(row: Row): RoomMeta {
  return {
    chatroomId: String(row.chatroom_id),
    title: String(row.title),
    desc: String(row.desc),
    portrait: String(row.portrait),
    extra: String(row.extra),
    thumbnail: row.thumbnail === null ? null : String(row.thumbnail),
    isOpen: row.is_open === 1,
    state: Number(row.state) as RoomState,
    hostId: row.host_id === null ? null : String(row.host_id),
    muteAll: row.mute_all === 1,
    slowModeSeconds: Number(row.slow_mode_seconds),
    startAt: row.start_at === null ? null : Number(row.start_at),
    durationMinutes: row.duration_minutes === null ? null : Number(row.duration_minutes),
    startedAt: row.started_at === null ? null : Number(row.started_at),
    endingNotified: row.ending_notified === 1,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    indexedSeq: Number(row.indexed_seq),
    outboxFailures: Number(row.outbox_failures),
    outboxRetryAt: row.outbox_retry_at === null ? null : Number(row.outbox_retry_at),
  };
}

function toMember(row: Row): MemberRow {
  return {
    userId: String(row.user_id),
    order: Number(row.ord),
    joinedAt: Number(row.joined_at),
    imageUrl: row.image_url === null ? null : String(row.image_url),
    openProfileId: row.open_profile_id === null ? null : Number(row.open_profile_id),
    lastReadSeq: Number(row.last_read_seq),
    lastSentAt: row.last_sent_at === null ? null : Number(row.last_sent_at),
    bucket: row.bucket_tokens === null ? null : { tokens: Number(row.bucket_tokens), at: Number(row.bucket_at) },
  };
}

function toRestriction(row: Row): Restriction {
  return {
    userId: String(row.user_id),
    status: Number(row.status) as RestrictionStatus,
    expiresAt: Number(row.expires_at),
    reason: row.reason === null ? null : String(row.reason),
  };
}

function toMessage(row: Row): MessageRow {
  return {
    seq: Number(row.seq),
    senderId: String(row.sender_id),
    clientMsgId: String(row.client_msg_id),
    content: String(row.content),
    contentType: String(row.content_type),
    ts: Number(row.ts),
  };
}

const MEMBER_COLUMNS = "rowid AS ord, *";

/** Typed access to one room's SQLite database. */
export class RoomStore {
  constructor(private readonly storage: DurableObjectStorage) {}

  private rows(query: string, ...bindings: SqlStorageValue[]): Row[] {
    try {
      return this.storage.sql.exec<Row>(query, ...bindings).toArray();
    } catch (error) {
      throw new SqlError(query, error);
    }
  }

  private run(query: string, ...bindings: SqlStorageValue[]): number {
    try {
      return this.storage.sql.exec(query, ...bindings).rowsWritten;
    } catch (error) {
      throw new SqlError(query, error);
    }
  }

  /** Creates or upgrades the schema; runs once per object start. */
  migrate(): void {
    this.run("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
    const current = Number(this.rows("SELECT max(version) AS v FROM schema_version")[0]?.v ?? 0);
    if (current >= SCHEMA_VERSION) return;
    this.storage.transactionSync(() => {
      for (const step of MIGRATIONS.slice(current)) this.storage.sql.exec(step);
      this.run("DELETE FROM schema_version");
      this.run("INSERT INTO schema_version (version) VALUES (?)", SCHEMA_VERSION);
    });
  }

  /** Runs `write` atomically: every statement in it lands, or none. */
  transaction<T>(write: () => T): T {
    return this.storage.transactionSync(write);
  }

  // ── meta ──────────────────────────────────────────────────────────────

  meta(): RoomMeta | null {
    const row = this.rows("SELECT * FROM meta WHERE id = 1")[0];
    return row ? toMeta(row) : null;
  }

  saveMeta(meta: RoomMeta): void {
    this.run(
      `INSERT INTO meta (id, chatroom_id, title, desc, portrait, extra, thumbnail, is_open, state, host_id,
         mute_all, slow_mode_seconds, start_at, duration_minutes, started_at, ending_notified,
         created_at, updated_at, indexed_seq, outbox_failures, outbox_retry_at)
       VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET chatroom_id = excluded.chatroom_id, title = excluded.title,
         desc = excluded.desc, portrait = excluded.portrait, extra = excluded.extra,
         thumbnail = excluded.thumbnail, is_open = excluded.is_open, state = excluded.state,
         host_id = excluded.host_id, mute_all = excluded.mute_all,
         slow_mode_seconds = excluded.slow_mode_seconds, start_at = excluded.start_at,
         duration_minutes = excluded.duration_minutes, started_at = excluded.started_at,
         ending_notified = excluded.ending_notified, created_at = excluded.created_at,
         updated_at = excluded.updated_at, indexed_seq = excluded.indexed_seq,
         outbox_failures = excluded.outbox_failures, outbox_retry_at = excluded.outbox_retry_at`,
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
    );
  }

  // ── members and managers ─────────────────────────────────────────────

  member(userId: string): MemberRow | null {
    const row = this.rows(`SELECT ${MEMBER_COLUMNS} FROM members WHERE user_id = ?`, userId)[0];
    return row ? toMember(row) : null;
  }

  /** Members in join order; `limit` < 0 means all. */
  members(offset = 0, limit = -1): MemberRow[] {
    return this.rows(`SELECT ${MEMBER_COLUMNS} FROM members ORDER BY rowid LIMIT ? OFFSET ?`, limit, offset).map(
      toMember,
    );
  }

  memberCount(): number {
    return Number(this.rows("SELECT count(*) AS n FROM members")[0]?.n ?? 0);
  }

  /** The first `limit` members in join order that have an image (thumbnail candidates). */
  membersWithImages(limit: number): MemberRow[] {
    return this.rows(
      `SELECT ${MEMBER_COLUMNS} FROM members WHERE image_url IS NOT NULL ORDER BY rowid LIMIT ?`,
      limit,
    ).map(toMember);
  }

  addMember(member: { userId: string; joinedAt: number; imageUrl: string | null; openProfileId: number | null }): void {
    this.run(
      `INSERT INTO members (user_id, joined_at, image_url, open_profile_id) VALUES (?, ?, ?, ?)
       ON CONFLICT (user_id) DO NOTHING`,
      member.userId,
      member.joinedAt,
      member.imageUrl,
      member.openProfileId,
    );
  }

  removeMember(userId: string): void {
    this.run("DELETE FROM members WHERE user_id = ?", userId);
  }

  removeAllMembers(): void {
    this.run("DELETE FROM members");
  }

  managers(): string[] {
    return this.rows("SELECT user_id FROM managers ORDER BY since, user_id").map((row) => String(row.user_id));
  }

  isManager(userId: string): boolean {
    return this.rows("SELECT 1 FROM managers WHERE user_id = ?", userId).length > 0;
  }

  setManager(userId: string, on: boolean, now: number): void {
    if (on) this.run("INSERT INTO managers (user_id, since) VALUES (?, ?) ON CONFLICT DO NOTHING", userId, now);
    else this.run("DELETE FROM managers WHERE user_id = ?", userId);
  }

  /** Persists what a send changes for its sender: slow-mode clock, bucket, own read marker. */
  recordSend(userId: string, now: number, bucket: Bucket, seq: number): void {
    this.run(
      `UPDATE members SET last_sent_at = ?, bucket_tokens = ?, bucket_at = ?,
         last_read_seq = max(last_read_seq, ?) WHERE user_id = ?`,
      now,
      bucket.tokens,
      bucket.at,
      seq,
      userId,
    );
  }

  /** Moves a member's read marker forward (never back). */
  setRead(userId: string, seq: number): void {
    this.run("UPDATE members SET last_read_seq = max(last_read_seq, ?) WHERE user_id = ?", seq, userId);
  }

  /** Read markers not yet in the directory. */
  unindexedReads(): { userId: string; seq: number }[] {
    return this.rows("SELECT user_id, last_read_seq FROM members WHERE last_read_seq > indexed_read_seq").map(
      (row) => ({ userId: String(row.user_id), seq: Number(row.last_read_seq) }),
    );
  }

  markReadsIndexed(reads: readonly { userId: string; seq: number }[]): void {
    for (const read of reads) {
      this.run(
        "UPDATE members SET indexed_read_seq = max(indexed_read_seq, ?) WHERE user_id = ?",
        read.seq,
        read.userId,
      );
    }
  }

  // ── restrictions ──────────────────────────────────────────────────────

  restriction(userId: string): Restriction | null {
    const row = this.rows("SELECT * FROM restrictions WHERE user_id = ?", userId)[0];
    return row ? toRestriction(row) : null;
  }

  restrictions(): Restriction[] {
    return this.rows("SELECT * FROM restrictions ORDER BY set_at, user_id").map(toRestriction);
  }

  setRestriction(restriction: Restriction, now: number): void {
    this.run(
      `INSERT INTO restrictions (user_id, status, expires_at, reason, set_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (user_id) DO UPDATE SET status = excluded.status, expires_at = excluded.expires_at,
         reason = excluded.reason, set_at = excluded.set_at`,
      restriction.userId,
      restriction.status,
      restriction.expiresAt,
      restriction.reason,
      now,
    );
  }

  clearRestriction(userId: string): void {
    this.run("DELETE FROM restrictions WHERE user_id = ?", userId);
  }

  /** Restrictions whose expiry has passed at `now` (forever ones never do). */
  expiredRestrictions(now: number): Restriction[] {
    return this.rows("SELECT * FROM restrictions WHERE expires_at <> 0 AND expires_at <= ?", now).map(toRestriction);
  }

  nextRestrictionExpiry(): number | null {
    const value = this.rows("SELECT min(expires_at) AS t FROM restrictions WHERE expires_at <> 0")[0]?.t;
    return value === null || value === undefined ? null : Number(value);
  }

  // ── messages ─────────────────────────────────────────────────────────

  lastSeq(): number {
    return Number(this.rows("SELECT max(seq) AS s FROM messages")[0]?.s ?? 0);
  }

  messageByClientId(senderId: string, clientMsgId: string): MessageRow | null {
    const row = this.rows("SELECT * FROM messages WHERE sender_id = ? AND client_msg_id = ?", senderId, clientMsgId)[0];
    return row ? toMessage(row) : null;
  }

  insertMessage(message: MessageRow): void {
    this.run(
      "INSERT INTO messages (seq, sender_id, client_msg_id, content, content_type, ts) VALUES (?, ?, ?, ?, ?, ?)",
      message.seq,
      message.senderId,
      message.clientMsgId,
      message.content,
      message.contentType,
      message.ts,
    );
  }

  message(seq: number): MessageRow | null {
    const row = this.rows("SELECT * FROM messages WHERE seq = ?", seq)[0];
    return row ? toMessage(row) : null;
  }

  /** Up to `limit` messages with seq > `after`, oldest first. */
  messagesAfter(after: number, limit: number): MessageRow[] {
    return this.rows("SELECT * FROM messages WHERE seq > ? ORDER BY seq LIMIT ?", after, limit).map(toMessage);
  }

  /** Up to `limit` messages with seq < `before`, newest first. */
  messagesBefore(before: number, limit: number): MessageRow[] {
    return this.rows("SELECT * FROM messages WHERE seq < ? ORDER BY seq DESC LIMIT ?", before, limit).map(toMessage);
  }

  /** Deletes all but the newest `keep` messages; returns how many went. */
  pruneMessages(keep: number): number {
    return this.run("DELETE FROM messages WHERE seq <= (SELECT max(seq) FROM messages) - ?", keep);
  }

  // ── outbox ───────────────────────────────────────────────────────────

  enqueue(changes: readonly IndexChange[]): void {
    for (const change of changes) this.run("INSERT INTO outbox (change) VALUES (?)", JSON.stringify(change));
  }

  /** Pending index changes in the order they were made. */
  pendingChanges(limit: number): { id: number; change: IndexChange }[] {
    return this.rows("SELECT id, change FROM outbox ORDER BY id LIMIT ?", limit).map((row) => ({
      id: Number(row.id),
      change: JSON.parse(String(row.change)) as IndexChange,
    }));
  }

  /** Drops applied changes, up to and including `lastId`. */
  dropChanges(lastId: number): void {
    this.run("DELETE FROM outbox WHERE id <= ?", lastId);
  }

  hasPendingChanges(): boolean {
    return this.rows("SELECT 1 FROM outbox LIMIT 1").length > 0;
  }
}
