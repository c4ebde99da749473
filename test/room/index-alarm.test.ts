/**
 * The room's alarm and its directory flush (SPEC §1, STYLE rule 8): a command that pushes its own
 * index changes arms no alarm for them; a failed push arms the retry; rows left pending by an eviction
 * between the commit and the push reach D1 after the object starts again. D1 refuses one room's
 * writes for real (a trigger, test/helpers/outage.ts) where a test needs it to.
 */
import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { roomMembers } from "../../src/directory/store";
import { adminRoom, evict, newId } from "../helpers/admin";
import { failIndexOf, outboxCount, type RoomStub, scheduledAlarm } from "../helpers/outage";

const ADMIN = { kind: "admin" } as const;
const FACE = { imageUrl: null, openProfileId: null };

function mustOk<T>(result: { ok: true; value: T } | { ok: false; kind: string; message: string }): T {
  if (!result.ok) throw new Error(`${result.kind}: ${result.message}`);
  return result.value;
}

/**
 * Leaves the room as an eviction right after a commit would: changes in the outbox, no retry recorded
 * and no alarm armed, and the object gone. Inside the object D1 refuses the push, then the failure's
 * traces are wiped before any retry can run; D1 is healthy again once the object is gone.
 */
async function pendingAfterEviction(chatroomId: string, userId: string): Promise<RoomStub> {
  const restore = await failIndexOf(chatroomId);
  await runInDurableObject(env.ROOMS.getByName(chatroomId), async (room, state) => {
    mustOk(await room.join(userId, FACE));
    state.storage.sql.exec("UPDATE meta SET outbox_failures = 0, outbox_retry_at = NULL");
    await state.storage.deleteAlarm();
  });
  await evict(env.ROOMS.getByName(chatroomId));
  await restore();
  const stub = env.ROOMS.getByName(chatroomId);
  expect(await outboxCount(stub)).toBeGreaterThan(0);
  expect(await scheduledAlarm(stub)).toBeNull();
  expect(await roomMembers(env.DB, chatroomId)).toEqual([]);
  return stub;
}

describe("room alarm and directory flush", () => {
  it("arms no alarm for a command that pushed its own changes, and keeps real deadlines", async () => {
    const chatroomId = await adminRoom();
    const stub = env.ROOMS.getByName(chatroomId);
    const [a, b] = [newId("a"), newId("b")];
    const expiresAt = Date.now() + 60_000;
    await runInDurableObject(stub, async (room, state) => {
      // Watched, not replaced: every call still reaches storage.
      const setAlarm = vi.spyOn(state.storage, "setAlarm");
      mustOk(await room.join(a, FACE));
      mustOk(await room.join(b, FACE));
      mustOk(await room.setManager(ADMIN, a, true));
      mustOk(await room.setRestriction(ADMIN, b, 1, 0, null));
      expect(setAlarm).not.toHaveBeenCalled();
      // A timed mute is a deadline of its own: that one still arms the alarm.
      mustOk(await room.setRestriction(ADMIN, b, 1, expiresAt, null));
      expect(setAlarm.mock.calls.map((call) => call[0])).toEqual([expiresAt]);
      setAlarm.mockRestore();
    });
    expect(await roomMembers(env.DB, chatroomId)).toEqual([
      { userId: a, role: "manager" },
      { userId: b, role: "member" },
    ]);
    expect(await outboxCount(stub)).toBe(0);
    expect(await scheduledAlarm(stub)).toBe(expiresAt);
  });

  it("arms the retry when D1 refuses the push, and the retry lands the change", async () => {
    const chatroomId = await adminRoom();
    const stub = env.ROOMS.getByName(chatroomId);
    const userId = newId("u");
    const restore = await failIndexOf(chatroomId);
    const before = Date.now();
    mustOk(await stub.join(userId, FACE));
    expect(await outboxCount(stub)).toBeGreaterThan(0);
    expect(await scheduledAlarm(stub)).toBeGreaterThan(before);
    expect(await roomMembers(env.DB, chatroomId)).toEqual([]);
    await restore();
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await roomMembers(env.DB, chatroomId)).toEqual([{ userId, role: "member" }]);
    expect(await outboxCount(stub)).toBe(0);
  });

  it("arms the alarm at the first read after a restart that found the outbox pending, and the alarm lands it", async () => {
    const chatroomId = await adminRoom();
    const userId = newId("u");
    const stub = await pendingAfterEviction(chatroomId, userId);
    // Inside the object, so the runtime cannot fire the alarm (due at once) before it is seen.
    await runInDurableObject(stub, async (room, state) => {
      expect(mustOk(await room.members(0, 10)).list).toEqual([userId]);
      expect(await state.storage.getAlarm()).not.toBeNull();
      await state.storage.deleteAlarm();
      await room.alarm();
    });
    expect(await roomMembers(env.DB, chatroomId)).toEqual([{ userId, role: "member" }]);
    expect(await outboxCount(stub)).toBe(0);
    expect(await scheduledAlarm(stub)).toBeNull();
  });

  it("pushes what a restart found pending with the next command, before that command answers", async () => {
    const chatroomId = await adminRoom();
    const [first, second] = [newId("a"), newId("b")];
    const stub = await pendingAfterEviction(chatroomId, first);
    mustOk(await stub.join(second, FACE));
    expect(await roomMembers(env.DB, chatroomId)).toEqual([
      { userId: first, role: "member" },
      { userId: second, role: "member" },
    ]);
    expect(await outboxCount(stub)).toBe(0);
    expect(await scheduledAlarm(stub)).toBeNull();
  });

  it("still pushes what a refused command found pending, and the refusal writes nothing", async () => {
    const chatroomId = await adminRoom();
    const userId = newId("u");
    const stub = await pendingAfterEviction(chatroomId, userId);
    const refused = await stub.kick({ kind: "user", userId: newId("stranger") }, userId);
    expect(refused).toMatchObject({ ok: false, kind: "not_in_room" });
    expect(mustOk(await stub.members(0, 10)).list).toEqual([userId]);
    expect(await roomMembers(env.DB, chatroomId)).toEqual([{ userId, role: "member" }]);
    expect(await outboxCount(stub)).toBe(0);
  });
});
