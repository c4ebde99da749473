-- The directory: a derived index of which rooms each user is in (SPEC §1). Room objects are the
-- source of truth and write here only through their outbox, with idempotent upserts.

CREATE TABLE rooms (
  chatroom_id      TEXT PRIMARY KEY,
  title            TEXT NOT NULL DEFAULT '',
  is_open          INTEGER NOT NULL DEFAULT 0,
  state            INTEGER NOT NULL DEFAULT 0,      -- 0 ongoing, 1 scheduled, 2 ended
  host_id          TEXT,
  member_count     INTEGER NOT NULL DEFAULT 0,
  thumbnails       TEXT NOT NULL DEFAULT '[]',      -- JSON array of URLs
  start_at         INTEGER,                         -- epoch ms, scheduled rooms
  duration_minutes INTEGER,
  started_at       INTEGER,
  last_seq         INTEGER NOT NULL DEFAULT 0,
  last_preview     TEXT,
  last_sender_id   TEXT,
  last_at          INTEGER,                         -- last activity, epoch ms (sort key of "ongoing")
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL
);

-- id is FlameTalk's userChatroomId: stable for as long as the user stays in the room.
CREATE TABLE user_rooms (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id       TEXT NOT NULL,
  chatroom_id   TEXT NOT NULL,
  role          TEXT NOT NULL,
  joined_at     INTEGER NOT NULL,
  last_read_seq INTEGER NOT NULL DEFAULT 0,
  UNIQUE (user_id, chatroom_id)
);
CREATE INDEX user_rooms_by_room ON user_rooms (chatroom_id);

CREATE TABLE profiles (
  user_id      TEXT PRIMARY KEY,
  name         TEXT,
  display_name TEXT,
  portrait     TEXT,
  updated_at   INTEGER NOT NULL
);

-- Open profiles (FlameTalk): an alternative face a user can join rooms with; id is the Long of the API.
CREATE TABLE open_profiles (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id    TEXT NOT NULL,
  nickname   TEXT NOT NULL,
  image_url  TEXT,
  created_at INTEGER NOT NULL
);
CREATE INDEX open_profiles_by_user ON open_profiles (user_id);
