/**
 * In-memory fields of the room object are caches only (SPEC §1): after eviction a fresh instance
 * built from SQLite storage must give the same answers and keep the same rules.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { adminRoom, evict, newId } from "../helpers/admin";

const ADMIN = { kind: "admin" } as const;
const FACE = { imageUrl: null, openProfileId: null };

type RoomStub = ReturnType<typeof env.ROOMS.getByName>;

function mustOk<T>(result: { ok: true; value: T } | { ok: false; kind: string; message: string }): T {
  if (!result.ok) throw new Error(`${result.kind}: ${result.message}`);
  return result.value;
}

/** Everything an observer can ask the room, for a before/after comparison. */
async function observe(stub: RoomStub, users: readonly string[]) {
  return {
    info: mustOk(await stub.info(ADMIN)),
    members: mustOk(await stub.members(0, 100)),
    managers: mustOk(await stub.managers()),
    restrictions: mustOk(await stub.restrictions()),
    history: mustOk(await stub.history(ADMIN, { limit: 100 })),
    userViews: await Promise.all(
      users.map(async (userId) => {
        const view = await stub.info({ kind: "user", userId });
        return view.ok ? { role: view.value.role, restriction: view.value.restriction } : { refused: view.kind };
      }),
    ),
  };
}

describe("room object after eviction", () => {
  it("keeps members, managers, restrictions, settings and the message sequence", async () => {
    const chatroomId = await adminRoom();
    const [manager, muted, plain, banned] = [newId("mgr"), newId("muted"), newId("plain"), newId("banned")];
    const mutedUntil = Date.now() + 600_000;
    const before = env.ROOMS.getByName(chatroomId);
    for (const userId of [manager, muted, plain]) mustOk(await before.join(userId, FACE));
    mustOk(await before.setManager(ADMIN, manager, true));
    expect(mustOk(await before.send(manager, { clientMsgId: "m1", content: "one" }, { admin: false })).seq).toBe(1);
    expect(mustOk(await before.send(plain, { clientMsgId: "p1", content: "two" }, { admin: false })).seq).toBe(2);
    expect(mustOk(await before.send(muted, { clientMsgId: "u1", content: "three" }, { admin: false })).seq).toBe(3);
    mustOk(await before.setRestriction(ADMIN, muted, 1, mutedUntil, "spam"));
    mustOk(await before.setRestriction(ADMIN, banned, 2, 0, null));
    mustOk(await before.updateSettings(ADMIN, { muteAll: true, slowModeSeconds: 30 }));
    const users = [manager, muted, plain, banned];
    const snapshot = await observe(before, users);

    await evict(env.ROOMS.getByName(chatroomId));
    const stub = env.ROOMS.getByName(chatroomId);

    expect(await observe(stub, users)).toEqual(snapshot);
    expect(snapshot.members.list).toEqual([manager, muted, plain]);
    expect(snapshot.managers).toEqual([manager]);
    expect(snapshot.restrictions).toEqual([
      { userId: muted, status: 1, expiresAt: mutedUntil, reason: "spam", setBy: 3 },
      { userId: banned, status: 2, expiresAt: 0, reason: null, setBy: 3 },
    ]);
    expect(snapshot.info).toMatchObject({ lastSeq: 3, muteAll: true, slowModeSeconds: 30, count: 3, state: 0 });
    expect(snapshot.userViews).toEqual([
      { role: "manager", restriction: null },
      { role: "member", restriction: { status: 1, expiresAt: mutedUntil, reason: "spam" } },
      { role: "member", restriction: null },
      { refused: "banned" },
    ]);

    // The sequence continues without a gap, and an old clientMsgId is still recognised.
    expect(mustOk(await stub.send(manager, { clientMsgId: "m2", content: "four" }, { admin: false }))).toMatchObject({
      seq: 4,
      duplicate: false,
    });
    const original = snapshot.history.messages.find((message) => message.seq === 1);
    expect(mustOk(await stub.send(manager, { clientMsgId: "m1", content: "one" }, { admin: false }))).toEqual({
      seq: 1,
      ts: original?.ts,
      duplicate: true,
    });
    // The rules still hold: mute-all and the personal mute stop members, the ban stops joining.
    expect(await stub.send(plain, { clientMsgId: "p2", content: "x" }, { admin: false })).toMatchObject({
      ok: false,
      kind: "muted",
    });
    expect(await stub.send(muted, { clientMsgId: "u2", content: "x" }, { admin: false })).toMatchObject({
      ok: false,
      kind: "muted",
      message: expect.stringContaining(String(mutedUntil)),
    });
    expect(await stub.join(banned, FACE)).toMatchObject({ ok: false, kind: "banned" });
    expect(mustOk(await stub.info(ADMIN))).toMatchObject({ lastSeq: 4, count: 3 });
    expect(mustOk(await stub.history(ADMIN, { limit: 100 })).messages.map((message) => message.seq)).toEqual([
      4, 3, 2, 1,
    ]);
  });

  it("keeps a sender's rate-limit bucket and slow-mode clock across eviction", async () => {
    const chatroomId = await adminRoom();
    // A manager is exempt from slow mode, so only the bucket can stop them.
    const fast = newId("fast");
    const slow = newId("slow");
    const before = env.ROOMS.getByName(chatroomId);
    mustOk(await before.join(fast, FACE));
    mustOk(await before.join(slow, FACE));
    mustOk(await before.setManager(ADMIN, fast, true));
    mustOk(await before.send(slow, { clientMsgId: "s1", content: "x" }, { admin: false }));
    mustOk(await before.updateSettings(ADMIN, { slowModeSeconds: 60 }));
    // SEND_BURST is 10 in the test pool: a fresh bucket allows 10 sends at once.
    const drainedFrom = Date.now();
    for (let i = 0; i < 10; i++)
      mustOk(await before.send(fast, { clientMsgId: `b${i}`, content: "x" }, { admin: false }));
    const lastSeq = mustOk(await before.info(ADMIN)).lastSeq;

    await evict(env.ROOMS.getByName(chatroomId));
    const stub = env.ROOMS.getByName(chatroomId);

    let accepted = 0;
    for (let i = 0; i < 10; i++) {
      const result = await stub.send(fast, { clientMsgId: `after${i}`, content: "x" }, { admin: false });
      if (result.ok) accepted++;
      else expect(result).toMatchObject({ kind: "rate_limited", message: expect.stringContaining("too fast") });
    }
    // Only what refilled at 5/s since the drain gets through; a bucket forgotten on eviction would allow all 10.
    const refilled = Math.floor(((Date.now() - drainedFrom) / 1000) * 5);
    expect(accepted).toBeLessThan(10);
    expect(accepted).toBeLessThanOrEqual(refilled);
    expect(await stub.send(slow, { clientMsgId: "s2", content: "x" }, { admin: false })).toMatchObject({
      ok: false,
      kind: "rate_limited",
      message: expect.stringContaining("slow"),
    });
    expect(mustOk(await stub.info(ADMIN)).lastSeq).toBe(lastSeq + accepted);
  });
});
