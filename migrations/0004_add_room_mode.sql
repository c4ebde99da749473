-- Live rooms (SPEC §8.5): the Worker routes a socket of a live room to its shard object without asking
-- the room, from these two columns (fixed at creation) cached per isolate.

ALTER TABLE rooms ADD COLUMN mode TEXT NOT NULL DEFAULT 'normal';
ALTER TABLE rooms ADD COLUMN shards INTEGER NOT NULL DEFAULT 0;
