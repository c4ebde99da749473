-- Second release (SPEC §8.3): the room list shows `mentioned` until the user reads past the newest
-- message that mentions them, a recalled last message as deleted, and which face (open profile) a
-- member shows in a room, so a profile lookup never reveals the real one behind an open profile.

ALTER TABLE user_rooms ADD COLUMN mention_seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE user_rooms ADD COLUMN open_profile_id INTEGER;
ALTER TABLE rooms ADD COLUMN last_deleted INTEGER NOT NULL DEFAULT 0;
