/**
 * @module room/store/schema
 * The room database's versioned schema. A room created at version n runs only the steps after n.
 * A database without the version table is a room that was never created: reading it creates nothing
 * (SPEC §8.1 "Storage": probes of ids that are not rooms leave no stored object).
 */
import type { Sql } from "./sql";

/** DDL per version, in order; never edit a released step, add a new one. */
export const MIGRATIONS: readonly string[] = [
  // 1: the first release.
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
  // 2: a restriction remembers who set it (SPEC §8.1 "Roles"): 3 admin, 2 host, 1 manager.
  //    Rows from version 1 were set by someone unknown: count them as the admin's, the safe side.
  `ALTER TABLE restrictions ADD COLUMN set_by_rank INTEGER NOT NULL DEFAULT 3;
   CREATE INDEX restrictions_by_expiry ON restrictions (expires_at) WHERE expires_at <> 0;`,
  // 3: messaging (SPEC §8.3) — replies, mentions, edits, recalls, reactions, missed updates, search.
  //    `version` is the room's update seq at a message's last recall, edit or reaction (0: never
  //    changed), so a resume can replay what changed; the FTS index follows the messages table through
  //    triggers, inside the same transaction as each change (a recalled message leaves the index).
  `ALTER TABLE meta ADD COLUMN update_seq INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE members ADD COLUMN mention_seq INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE members ADD COLUMN indexed_mention_seq INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE messages ADD COLUMN reply_to INTEGER;
   ALTER TABLE messages ADD COLUMN reply_preview TEXT;
   ALTER TABLE messages ADD COLUMN mentions TEXT;
   ALTER TABLE messages ADD COLUMN edited_at INTEGER;
   ALTER TABLE messages ADD COLUMN deleted INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE messages ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
   CREATE INDEX messages_by_version ON messages (version) WHERE version > 0;
   CREATE INDEX messages_by_reply ON messages (reply_to) WHERE reply_to IS NOT NULL;
   CREATE TABLE reactions (
     seq INTEGER NOT NULL, emoji TEXT NOT NULL, user_id TEXT NOT NULL, at INTEGER NOT NULL,
     PRIMARY KEY (seq, emoji, user_id)) WITHOUT ROWID;
   CREATE VIRTUAL TABLE messages_fts USING fts5(
     content, content = 'messages', content_rowid = 'seq', tokenize = 'trigram');
   CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages WHEN new.deleted = 0 BEGIN
     INSERT INTO messages_fts (rowid, content) VALUES (new.seq, new.content);
   END;
   CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages WHEN old.deleted = 0 BEGIN
     INSERT INTO messages_fts (messages_fts, rowid, content) VALUES ('delete', old.seq, old.content);
   END;
   CREATE TRIGGER messages_fts_update AFTER UPDATE OF content, deleted ON messages BEGIN
     INSERT INTO messages_fts (messages_fts, rowid, content) SELECT 'delete', old.seq, old.content WHERE old.deleted = 0;
     INSERT INTO messages_fts (rowid, content) SELECT new.seq, new.content WHERE new.deleted = 0;
   END;
   INSERT INTO messages_fts (messages_fts) VALUES ('rebuild');`,
  // 4: webhooks and attachments (SPEC §8.4). Events wait in `webhook_outbox`, written in the same
  //    transaction as their change, until the queue accepted them; `event_seq` numbers them gaplessly.
  //    Attachments are registered when uploaded and bound to the message that carries them; objects to
  //    delete from R2 (recall, retention, room end, uploads never sent) wait in `attachment_deletions`.
  `ALTER TABLE meta ADD COLUMN event_seq INTEGER NOT NULL DEFAULT 0;
   CREATE TABLE webhook_outbox (event_seq INTEGER PRIMARY KEY, body TEXT NOT NULL);
   CREATE TABLE attachments (
     id TEXT PRIMARY KEY, uploader_id TEXT NOT NULL, content_type TEXT NOT NULL, size INTEGER NOT NULL,
     width INTEGER, height INTEGER, name TEXT, created_at INTEGER NOT NULL, seq INTEGER);
   CREATE INDEX attachments_by_seq ON attachments (seq) WHERE seq IS NOT NULL;
   CREATE INDEX attachments_unsent ON attachments (created_at) WHERE seq IS NULL;
   CREATE TABLE attachment_deletions (key TEXT PRIMARY KEY);
   ALTER TABLE messages ADD COLUMN attachments TEXT;`,
  // 5: live rooms (SPEC §8.5): the mode and shard count, fixed at creation, and the shards that hold
  //    sockets (told every sequenced batch), so a restart of the room knows whom to push to.
  `ALTER TABLE meta ADD COLUMN mode TEXT NOT NULL DEFAULT 'normal';
   ALTER TABLE meta ADD COLUMN shards INTEGER NOT NULL DEFAULT 0;
   CREATE TABLE live_shards (idx INTEGER PRIMARY KEY, since INTEGER NOT NULL);`,
];

/** The version a fully migrated room has. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/** The schema version stored in the database, or 0 when the room was never created. */
export function storedVersion(sql: Sql): number {
  const table = sql.first("SELECT 1 AS present FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'");
  if (!table) return 0;
  return Number(sql.first("SELECT max(version) AS v FROM schema_version")?.v ?? 0);
}

/** Brings the schema to SCHEMA_VERSION in one transaction; creates it when `create` and none exists. */
export function migrate(sql: Sql, options: { create: boolean }): "absent" | "ready" {
  const current = storedVersion(sql);
  if (current === 0 && !options.create) return "absent";
  if (current >= SCHEMA_VERSION) return "ready";
  sql.transaction(() => {
    sql.run("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
    // exec runs every statement of a multi-statement step.
    for (const step of MIGRATIONS.slice(current)) sql.run(step);
    sql.run("DELETE FROM schema_version");
    sql.run("INSERT INTO schema_version (version) VALUES (?)", SCHEMA_VERSION);
  });
  return "ready";
}
