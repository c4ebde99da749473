/**
 * Real D1 failures for room tests (SPEC §1). breakD1 renames a table, so every directory write fails
 * until restoreD1; test files share D1 when they run in parallel, so only one file may do that.
 * failIndexOf makes D1 refuse one room's writes alone, which any file may use.
 */
import { env, runInDurableObject } from "cloudflare:test";

/** A room object's stub. */
export type RoomStub = ReturnType<typeof env.ROOMS.getByName>;

/** Breaks D1 for directory writes. */
export async function breakD1(): Promise<void> {
  await env.DB.exec("ALTER TABLE user_rooms RENAME TO user_rooms_off");
}

async function d1IsBroken(): Promise<boolean> {
  const row = await env.DB.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = ?1")
    .bind("user_rooms_off")
    .first<{ n: number }>();
  return (row?.n ?? 0) > 0;
}

/** Ends the outage (safe to call when D1 is healthy). */
export async function restoreD1(): Promise<void> {
  if (await d1IsBroken()) await env.DB.exec("ALTER TABLE user_rooms_off RENAME TO user_rooms");
}

/** D1 refuses every directory write of one room (a trigger aborts them) until the returned function runs. */
export async function failIndexOf(chatroomId: string): Promise<() => Promise<void>> {
  const trigger = `fail_${chatroomId.replace(/[^A-Za-z0-9]/g, "_")}`;
  await env.DB.exec(
    `CREATE TRIGGER ${trigger} BEFORE INSERT ON rooms WHEN NEW.chatroom_id = '${chatroomId}' BEGIN SELECT RAISE(ABORT, 'outage'); END`,
  );
  return async () => {
    await env.DB.exec(`DROP TRIGGER IF EXISTS ${trigger}`);
  };
}

/** The number of index changes waiting in the room's outbox. */
export function outboxCount(stub: RoomStub): Promise<number> {
  return runInDurableObject(stub, (_instance, state) =>
    Number(state.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM outbox").one().n),
  );
}

/** When the room's alarm is armed, or null. */
export function scheduledAlarm(stub: RoomStub): Promise<number | null> {
  return runInDurableObject(stub, (_instance, state) => state.storage.getAlarm());
}
