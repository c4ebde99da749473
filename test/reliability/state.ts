/**
 * Whole-state snapshots for "a refused request changes nothing": every table of a room object's
 * SQLite storage and every table of the D1 directory, compared before and after.
 */
import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";

const ROOM_TABLES = ["meta", "members", "managers", "restrictions", "messages", "outbox"] as const;
const DIRECTORY_TABLES = ["rooms", "user_rooms", "profiles", "open_profiles"] as const;

/** Every row of every table of the room object, read inside the object. */
export function roomRows(chatroomId: string): Promise<Record<string, unknown[]>> {
  return runInDurableObject(env.ROOMS.getByName(chatroomId), (_instance, state) =>
    Object.fromEntries(
      ROOM_TABLES.map((table) => [table, state.storage.sql.exec(`SELECT * FROM ${table} ORDER BY 1`).toArray()]),
    ),
  );
}

/** Every row of every directory table in D1. */
export async function directoryRows(): Promise<Record<string, unknown[]>> {
  const results = await env.DB.batch(
    DIRECTORY_TABLES.map((table) => env.DB.prepare(`SELECT * FROM ${table} ORDER BY 1, 2`)),
  );
  return Object.fromEntries(DIRECTORY_TABLES.map((table, i) => [table, results[i]?.results ?? []]));
}

/** Runs the room's pending alarms (outbox and activity flushes) so nothing changes on its own later. */
export async function settle(chatroomId: string): Promise<void> {
  const stub = env.ROOMS.getByName(chatroomId);
  for (let run = 0; run < 5; run++) if (!(await runDurableObjectAlarm(stub))) return;
}

/** Names added to Object.prototype since the test began (prototype pollution). */
export function prototypeKeys(): string[] {
  return Object.getOwnPropertyNames(Object.prototype).sort();
}
