/**
 * The room's outbox to the D1 directory (SPEC §1): nothing is lost while D1 fails, and the index
 * converges once it recovers. D1 is broken for real by renaming a table, so this file runs alone
 * (each test file gets its own runtime) and every test restores the table afterwards.
 */
import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { roomMembers } from "../../src/directory/store";
import type { IndexChange } from "../../src/room/outbox";
import { RETRY_BASE_MS, RETRY_MAX_MS, retryDelayMs } from "../../src/room/outbox";
import { adminRoom, evict, newId } from "../helpers/admin";
import { breakD1, outboxCount, type RoomStub, restoreD1, scheduledAlarm } from "../helpers/outage";

const ADMIN = { kind: "admin" } as const;
const FACE = { imageUrl: null, openProfileId: null };

afterEach(restoreD1);

/** The room's pending index changes, oldest first, read straight from its SQLite storage. */
function pendingChanges(stub: RoomStub): Promise<IndexChange[]> {
  return runInDurableObject(stub, (_instance, state) =>
    state.storage.sql
      .exec<{ change: string }>("SELECT change FROM outbox ORDER BY id")
      .toArray()
      .map((row) => JSON.parse(row.change) as IndexChange),
  );
}

function outboxFailures(stub: RoomStub): Promise<number> {
  return runInDurableObject(stub, (_instance, state) =>
    Number(state.storage.sql.exec<{ n: number }>("SELECT outbox_failures AS n FROM meta").one().n),
  );
}

/** The room's directory row as D1 has it. */
async function indexedRoom(chatroomId: string): Promise<{ member_count: number; state: number } | null> {
  return env.DB.prepare("SELECT member_count, state FROM rooms WHERE chatroom_id = ?1")
    .bind(chatroomId)
    .first<{ member_count: number; state: number }>();
}

/** Index rows of the room in the renamed (unreachable) table: what D1 held during the outage. */
async function rowsWhileBroken(chatroomId: string): Promise<string[]> {
  const { results } = await env.DB.prepare("SELECT user_id FROM user_rooms_off WHERE chatroom_id = ?1 ORDER BY id")
    .bind(chatroomId)
    .all<{ user_id: string }>();
  return results.map((row) => row.user_id);
}

/**
 * Runs the room's alarm until its outbox is empty. The alarm flushes whatever is pending, whatever
 * its retry time; a retry that is never scheduled fails here instead of waiting forever.
 */
async function drainByAlarm(stub: RoomStub, maxRuns = 5): Promise<number> {
  for (let run = 1; run <= maxRuns; run++) {
    const ran = await runDurableObjectAlarm(stub);
    if (!ran) throw new Error(`no alarm was scheduled, ${await outboxCount(stub)} changes still pending`);
    if ((await outboxCount(stub)) === 0) return run;
  }
  throw new Error(`outbox not empty after ${maxRuns} alarm runs`);
}

function mustOk<T>(result: { ok: true; value: T } | { ok: false; kind: string; message: string }): T {
  if (!result.ok) throw new Error(`${result.kind}: ${result.message}`);
  return result.value;
}

describe("retryDelayMs", () => {
  const atMost = (failures: number) => retryDelayMs(failures, 1);
  it("waits the base delay after the first failure and doubles it with each further one", () => {
    expect(RETRY_BASE_MS).toBe(500);
    expect([1, 2, 3, 4, 5].map(atMost)).toEqual([500, 1000, 2000, 4000, 8000]);
  });

  it("caps the delay at RETRY_MAX_MS so the index converges within seconds of recovery", () => {
    expect(RETRY_MAX_MS).toBe(10_000);
    expect(atMost(6)).toBe(RETRY_MAX_MS);
    expect(atMost(50)).toBe(RETRY_MAX_MS);
    expect(atMost(100_000)).toBe(RETRY_MAX_MS);
  });

  it("treats zero or negative failure counts as the first failure", () => {
    expect(atMost(0)).toBe(RETRY_BASE_MS);
    expect(atMost(-3)).toBe(RETRY_BASE_MS);
  });

  it("spreads rooms that failed together over the second half of the delay (jitter)", () => {
    expect(retryDelayMs(5, 0)).toBe(4000);
    expect(retryDelayMs(5, 0.5)).toBe(6000);
    expect(retryDelayMs(5, 0.999)).toBeLessThanOrEqual(8000);
    const spread = new Set(Array.from({ length: 50 }, (_, i) => retryDelayMs(3, i / 50)));
    expect(spread.size).toBeGreaterThan(40);
  });

  it("always stays between half the base and the cap, and its ceiling never shrinks as failures grow", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -10, max: 5000 }),
        fc.integer({ min: 0, max: 100 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (failures, more, random) => {
          const delay = retryDelayMs(failures, random);
          expect(delay).toBeGreaterThanOrEqual(RETRY_BASE_MS / 2);
          expect(delay).toBeLessThanOrEqual(RETRY_MAX_MS);
          expect(atMost(failures + more)).toBeGreaterThanOrEqual(atMost(failures));
        },
      ),
    );
  });
});

describe("outbox under a D1 outage", () => {
  it("keeps every membership change while D1 fails and converges to exactly the room's members after recovery", async () => {
    const chatroomId = await adminRoom();
    const stub = env.ROOMS.getByName(chatroomId);
    expect(await indexedRoom(chatroomId)).toEqual({ member_count: 0, state: 0 });
    const [stays, manager, banned, leaves, rejoins] = ["stays", "mgr", "banned", "leaves", "rejoins"].map((name) =>
      newId(name),
    ) as [string, string, string, string, string];

    await breakD1();
    for (const userId of [stays, manager, banned, leaves, rejoins]) mustOk(await stub.join(userId, FACE));
    mustOk(await stub.setManager(ADMIN, manager, true));
    mustOk(await stub.setRestriction(ADMIN, banned, 2, 0, null));
    mustOk(await stub.leave(leaves));
    mustOk(await stub.leave(rejoins));
    mustOk(await stub.join(rejoins, FACE));

    // The room itself answers from its own state at once.
    expect(mustOk(await stub.members(0, 100)).list).toEqual([stays, manager, rejoins]);
    // D1 has not moved: no membership rows, the room row as it was before the outage.
    expect(await rowsWhileBroken(chatroomId)).toEqual([]);
    expect(await indexedRoom(chatroomId)).toEqual({ member_count: 0, state: 0 });
    // Every change waits in the outbox, in order, and a retry is scheduled.
    const pending = await pendingChanges(stub);
    const memberOps = pending.flatMap((change) =>
      change.op === "member" || change.op === "unmember" ? [`${change.op}:${change.userId}`] : [],
    );
    expect(memberOps).toEqual(
      expect.arrayContaining([
        `member:${stays}`,
        `member:${banned}`,
        `unmember:${banned}`,
        `member:${leaves}`,
        `unmember:${leaves}`,
      ]),
    );
    expect(memberOps.indexOf(`member:${leaves}`)).toBeLessThan(memberOps.indexOf(`unmember:${leaves}`));
    expect(memberOps.lastIndexOf(`member:${rejoins}`)).toBeGreaterThan(memberOps.indexOf(`unmember:${rejoins}`));
    expect(await outboxFailures(stub)).toBeGreaterThan(0);
    expect(await scheduledAlarm(stub)).not.toBeNull();

    await restoreD1();
    await drainByAlarm(stub);

    expect(await roomMembers(env.DB, chatroomId)).toEqual([
      { userId: stays, role: "member" },
      { userId: manager, role: "manager" },
      { userId: rejoins, role: "member" },
    ]);
    expect(await indexedRoom(chatroomId)).toEqual({ member_count: 3, state: 0 });
    expect(await outboxCount(stub)).toBe(0);
    expect(await outboxFailures(stub)).toBe(0);
  });

  it("retries from the alarm for as long as D1 fails, losing nothing and never giving up", async () => {
    const chatroomId = await adminRoom();
    const stub = env.ROOMS.getByName(chatroomId);
    const userId = newId("u");
    await breakD1();
    mustOk(await stub.join(userId, FACE));
    const pendingBefore = await outboxCount(stub);
    expect(pendingBefore).toBeGreaterThan(0);

    let failures = await outboxFailures(stub);
    for (let attempt = 0; attempt < 3; attempt++) {
      expect(await runDurableObjectAlarm(stub)).toBe(true);
      const now = await outboxFailures(stub);
      expect(now).toBeGreaterThan(failures);
      failures = now;
      expect(await outboxCount(stub)).toBe(pendingBefore);
      expect(await scheduledAlarm(stub)).not.toBeNull();
    }
    expect(await rowsWhileBroken(chatroomId)).toEqual([]);

    await restoreD1();
    await drainByAlarm(stub);
    expect(await roomMembers(env.DB, chatroomId)).toEqual([{ userId, role: "member" }]);
    expect(await indexedRoom(chatroomId)).toEqual({ member_count: 1, state: 0 });
    expect(await outboxFailures(stub)).toBe(0);
  });

  it("flushes the whole backlog, in order, with the next change once D1 is back", async () => {
    const chatroomId = await adminRoom();
    const stub = env.ROOMS.getByName(chatroomId);
    const [first, gone, later] = [newId("a"), newId("b"), newId("c")];
    await breakD1();
    mustOk(await stub.join(first, FACE));
    mustOk(await stub.join(gone, FACE));
    mustOk(await stub.leave(gone));
    expect(await outboxCount(stub)).toBeGreaterThan(0);

    await restoreD1();
    // No alarm: the next mutation's own flush carries the older changes with it.
    mustOk(await stub.join(later, FACE));
    expect(await outboxCount(stub)).toBe(0);
    expect(await roomMembers(env.DB, chatroomId)).toEqual([
      { userId: first, role: "member" },
      { userId: later, role: "member" },
    ]);
    expect(await indexedRoom(chatroomId)).toEqual({ member_count: 2, state: 0 });
  });

  it("removes every index row of a room deleted during the outage once D1 recovers", async () => {
    const chatroomId = await adminRoom();
    const stub = env.ROOMS.getByName(chatroomId);
    const users = [newId("a"), newId("b"), newId("c")];
    for (const userId of users) mustOk(await stub.join(userId, FACE));
    mustOk(await stub.setManager(ADMIN, users[0] as string, true));
    expect((await roomMembers(env.DB, chatroomId)).map((row) => row.userId)).toEqual(users);
    expect(await indexedRoom(chatroomId)).toEqual({ member_count: 3, state: 0 });

    await breakD1();
    mustOk(await stub.end());
    expect(mustOk(await stub.info(ADMIN)).state).toBe(2);
    expect(mustOk(await stub.members(0, 100)).list).toEqual([]);
    // D1 still lists everyone and the room as ongoing.
    expect(await rowsWhileBroken(chatroomId)).toEqual(users);
    expect(await indexedRoom(chatroomId)).toEqual({ member_count: 3, state: 0 });
    expect(await outboxCount(stub)).toBeGreaterThan(0);

    await restoreD1();
    await drainByAlarm(stub);
    expect(await roomMembers(env.DB, chatroomId)).toEqual([]);
    expect(await indexedRoom(chatroomId)).toEqual({ member_count: 0, state: 2 });
    expect(await outboxCount(stub)).toBe(0);
  });

  it("keeps pending changes across eviction and flushes them from the new instance's alarm", async () => {
    const chatroomId = await adminRoom();
    const users = [newId("a"), newId("b")];
    await breakD1();
    const before = env.ROOMS.getByName(chatroomId);
    for (const userId of users) mustOk(await before.join(userId, FACE));
    mustOk(await before.setManager(ADMIN, users[1] as string, true));
    const pending = await outboxCount(before);
    expect(pending).toBeGreaterThan(0);

    await evict(env.ROOMS.getByName(chatroomId));
    const stub = env.ROOMS.getByName(chatroomId);
    expect(await outboxCount(stub)).toBe(pending);
    expect(await scheduledAlarm(stub)).not.toBeNull();

    await restoreD1();
    await drainByAlarm(stub);
    expect(await roomMembers(env.DB, chatroomId)).toEqual([
      { userId: users[0], role: "member" },
      { userId: users[1], role: "manager" },
    ]);
    expect(await indexedRoom(chatroomId)).toEqual({ member_count: 2, state: 0 });
  });

  it("brings chat activity and read markers to the index from the alarm once D1 recovers", async () => {
    const chatroomId = await adminRoom();
    const stub = env.ROOMS.getByName(chatroomId);
    const [writer, reader] = [newId("w"), newId("r")];
    mustOk(await stub.join(writer, FACE));
    mustOk(await stub.join(reader, FACE));
    const lastMessage = () =>
      env.DB.prepare("SELECT last_seq, last_preview, last_sender_id FROM rooms WHERE chatroom_id = ?1")
        .bind(chatroomId)
        .first<{ last_seq: number; last_preview: string | null; last_sender_id: string | null }>();

    await breakD1();
    mustOk(await stub.send(writer, { clientMsgId: "c1", content: "first" }, { admin: false }));
    mustOk(await stub.send(writer, { clientMsgId: "c2", content: "second" }, { admin: false }));
    expect(mustOk(await stub.markRead(reader, 1))).toEqual({ seq: 1 });
    // The coalesced activity push fails while D1 is down and is retried, not dropped.
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await outboxFailures(stub)).toBeGreaterThan(0);
    expect(await lastMessage()).toEqual({ last_seq: 0, last_preview: null, last_sender_id: null });
    expect(await scheduledAlarm(stub)).not.toBeNull();

    await restoreD1();
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await lastMessage()).toEqual({ last_seq: 2, last_preview: "second", last_sender_id: writer });
    const { results } = await env.DB.prepare(
      "SELECT user_id, last_read_seq FROM user_rooms WHERE chatroom_id = ?1 ORDER BY id",
    )
      .bind(chatroomId)
      .all<{ user_id: string; last_read_seq: number }>();
    expect(results).toEqual([
      { user_id: writer, last_read_seq: 2 },
      { user_id: reader, last_read_seq: 1 },
    ]);
    expect(await outboxFailures(stub)).toBe(0);
  });

  it("leaves D1 and the outbox alone when D1 is healthy: each change is applied before the call returns", async () => {
    const chatroomId = await adminRoom();
    const stub = env.ROOMS.getByName(chatroomId);
    const userId = newId("u");
    mustOk(await stub.join(userId, FACE));
    expect(await outboxCount(stub)).toBe(0);
    expect(await roomMembers(env.DB, chatroomId)).toEqual([{ userId, role: "member" }]);
    mustOk(await stub.setRestriction(ADMIN, userId, 2, 0, null));
    expect(await outboxCount(stub)).toBe(0);
    expect(await roomMembers(env.DB, chatroomId)).toEqual([]);
    expect(await indexedRoom(chatroomId)).toEqual({ member_count: 0, state: 0 });
  });
});
