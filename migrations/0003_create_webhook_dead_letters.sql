-- Second release (SPEC §8.4): webhook events that exhausted their delivery retries.
-- Written by the dead-letter queue's consumer; listed and redelivered by the admin routes
-- /admin/webhook/dead_letters and /admin/webhook/redeliver. Not derived from the rooms: the only
-- record of an event the integrator never acknowledged.
CREATE TABLE webhook_dead_letters (
  event_id TEXT PRIMARY KEY,
  chatroom_id TEXT NOT NULL,
  event_seq INTEGER NOT NULL,
  type TEXT NOT NULL,
  body TEXT NOT NULL,
  dead_at INTEGER NOT NULL
);
CREATE INDEX webhook_dead_letters_by_time ON webhook_dead_letters (dead_at, event_id);
