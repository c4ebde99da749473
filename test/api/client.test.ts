import { env, runDurableObjectAlarm, runInDurableObject, SELF } from "cloudflare:test";
import { sign } from "hono/jwt";
import { describe, expect, it } from "vitest";
import { admin, evict, newId, tokenFor } from "../helpers/admin";
import { api } from "../helpers/api";

async function createRoom(host: string, users: string[], extra: Record<string, unknown> = {}) {
  const res = await api("POST", "/chatroom", {
    as: host,
    body: { hostId: host, isOpen: false, users: [host, ...users], ...extra },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.data as Record<string, unknown> & { chatroomId: string };
}

describe("client auth", () => {
  it("answers 401 UNAUTHORIZED without a token or with a bad one, and ACCESS_TOKEN_EXPIRED for an expired one", async () => {
    const none = await api("GET", "/chatrooms");
    expect(none.status).toBe(401);
    expect(none.body).toMatchObject({ status: 401, code: "UNAUTHORIZED", error: "UNAUTHORIZED" });
    expect(Date.parse(String((none.body as { timestamp?: string }).timestamp))).toBeGreaterThan(0);
    const bad = await api("GET", "/chatrooms", { headers: { "access-token": "not.a.token" } });
    expect(bad.body.code).toBe("UNAUTHORIZED");
    const wrongSecret = await sign({ sub: "u", exp: Math.floor(Date.now() / 1000) + 60 }, "other-secret", "HS256");
    expect((await api("GET", "/chatrooms", { headers: { "access-token": wrongSecret } })).body.code).toBe(
      "UNAUTHORIZED",
    );
    const expired = await sign({ sub: "u", exp: Math.floor(Date.now() / 1000) - 10 }, env.TOKEN_SECRET, "HS256");
    const res = await api("GET", "/chatrooms", { headers: { "access-token": expired } });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe("ACCESS_TOKEN_EXPIRED");
    const none256 = `${btoa('{"alg":"none","typ":"JWT"}')}.${btoa('{"sub":"u","exp":9999999999}')}.`;
    expect((await api("GET", "/chatrooms", { headers: { "access-token": none256 } })).body.code).toBe("UNAUTHORIZED");
  });

  it("accepts Authorization: Bearer as well as ACCESS-TOKEN, and tokens from the admin API", async () => {
    const minted = await admin<{ token: string }>("/user/get_token", { userId: "bearer-user" });
    const res = await api("GET", "/chatrooms", { headers: { authorization: `Bearer ${minted.result?.token}` } });
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ count: 0, ongoing: [], scheduled: [], nextCursor: null });
  });
});

describe("FlameTalk create", () => {
  it("creates a room with the documented response fields", async () => {
    const host = newId("h");
    await api("PUT", "/users/me/profile", {
      as: `${host}-a`,
      body: { nickname: "Ann", imageUrl: "https://img/a.png" },
    });
    const data = await createRoom(host, [`${host}-a`, `${host}-b`, `${host}-a`], { title: "Trip" });
    expect(data.chatroomId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(data).toMatchObject({
      hostId: host,
      count: 3,
      isOpen: false,
      url: null,
      title: "Trip",
      thumbnails: ["https://img/a.png"],
    });
    expect(Number.isInteger(data.userChatroomId)).toBe(true);
  });

  it("shows the host's own profile image when no open profile is given", async () => {
    const host = newId("h");
    await api("PUT", "/users/me/profile", { as: host, body: { nickname: "Hal", imageUrl: "https://img/h.png" } });
    const data = await createRoom(host, [`${host}-plain`]);
    // The face each member joined with, as the room stored it (thumbnails and host handover use it).
    const stored = await runInDurableObject(env.ROOMS.getByName(data.chatroomId), (_room, state) =>
      state.storage.sql.exec("SELECT user_id, image_url FROM members ORDER BY rowid").toArray(),
    );
    expect(stored).toEqual([
      { user_id: host, image_url: "https://img/h.png" },
      { user_id: `${host}-plain`, image_url: null },
    ]);
  });

  it("gives open rooms an invite URL and uses the given thumbnail and the host's open profile", async () => {
    const host = newId("h");
    const profile = await api("POST", "/users/me/open-profiles", {
      as: host,
      body: { nickname: "Anon", imageUrl: "https://img/o.png" },
    });
    expect(profile.status).toBe(201);
    const data = await createRoom(host, [], {
      isOpen: true,
      thumbnail: "https://img/t.png",
      hostOpenProfileId: profile.body.data?.id,
    });
    expect(data.url).toBe(`https://edgeroom.test/?join=${data.chatroomId}`);
    expect(data.thumbnails).toEqual(["https://img/t.png"]);
  });

  it("refuses a hostId that is not the caller, users without the host, someone else's open profile and bad fields", async () => {
    const host = newId("h");
    const cases: [Record<string, unknown>, number, string][] = [
      [{ hostId: "someone", isOpen: false, users: ["someone"] }, 403, "hostId"],
      [{ hostId: host, isOpen: false, users: ["x"] }, 400, "users"],
      [{ hostId: host, isOpen: "no", users: [host] }, 400, "isOpen"],
      [{ hostId: host, isOpen: false, users: [host, "bad id"] }, 400, "users.1"],
      [{ hostId: host, isOpen: false, users: [host], title: "t".repeat(101) }, 400, "title"],
      [{ hostId: host, isOpen: false, users: Array.from({ length: 1001 }, (_, i) => `u${i}`) }, 400, "users"],
      [{ hostId: host, isOpen: false, users: [host], hostOpenProfileId: 999_999 }, 400, "hostOpenProfileId"],
      [{ hostId: host, isOpen: false, users: [host], startAt: Date.now() - 1000 }, 400, "startAt"],
    ];
    for (const [body, status, field] of cases) {
      const res = await api("POST", "/chatroom", { as: host, body });
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(status);
      expect(res.body.message).toContain(field);
    }
    const notJson = await api("POST", "/chatroom", { as: host, raw: "{oops" });
    expect(notJson.status).toBe(400);
    expect(notJson.body.code).toBe("BAD_REQUEST");
    expect(JSON.stringify(notJson.body)).not.toMatch(/\n\s+at /);
    expect((await api("GET", "/chatrooms", { as: host })).body.data?.count).toBe(0);
  });
});

describe("my chatrooms (Willson list)", () => {
  it("lists ongoing rooms by last activity with unread counts, and pages with a cursor", async () => {
    const me = newId("me");
    const a = await createRoom(me, ["p1"], { title: "A" });
    await createRoom(me, ["p1"], { title: "B" });
    await createRoom(me, ["p1"], { title: "C" });
    const send = (room: string, as: string, id: string) =>
      api("POST", `/chatrooms/${room}/messages`, { as, body: { clientMsgId: id, content: `hello ${id}` } });
    expect((await send(a.chatroomId, "p1", "1")).status).toBe(201);
    expect((await send(a.chatroomId, "p1", "2")).status).toBe(201);
    await runDurableObjectAlarm(env.ROOMS.getByName(a.chatroomId));
    const list = await api("GET", "/chatrooms?limit=2", { as: me });
    expect(list.status).toBe(200);
    const data = list.body.data as { count: number; ongoing: Record<string, unknown>[]; nextCursor: string };
    expect(data.count).toBe(3);
    expect(data.ongoing.map((room) => room.title)).toEqual(["A", "C"]);
    expect(data.ongoing[0]).toMatchObject({
      role: "host",
      count: 2,
      unread: 2,
      lastMessage: { seq: 2, preview: "hello 2" },
    });
    const next = await api("GET", `/chatrooms?limit=2&cursor=${data.nextCursor}`, { as: me });
    expect(((next.body.data?.ongoing ?? []) as { title: string }[]).map((room) => room.title)).toEqual(["B"]);
    expect(next.body.data?.nextCursor).toBeNull();
    expect((await api("POST", `/chatrooms/${a.chatroomId}/read`, { as: me, body: { seq: 2 } })).status).toBe(200);
    await runDurableObjectAlarm(env.ROOMS.getByName(a.chatroomId));
    const after = await api("GET", "/chatrooms?status=ongoing", { as: me });
    expect(((after.body.data?.ongoing ?? []) as { unread: number }[])[0]?.unread).toBe(0);
    expect((await api("GET", "/chatrooms?cursor=zzz", { as: me })).body.message).toContain("cursor");
    expect((await api("GET", "/chatrooms?limit=0", { as: me })).body.message).toContain("limit");
  });

  it("lists a scheduled room until its start, then the alarm opens it and later ends it", async () => {
    const me = newId("me");
    const startAt = Date.now() + 60_000;
    const room = await createRoom(me, [], { title: "Later", startAt, durationMinutes: 1 });
    expect(room.state).toBe(1);
    const scheduled = await api("GET", "/chatrooms?status=scheduled", { as: me });
    expect(scheduled.body.data?.scheduled).toEqual([
      expect.objectContaining({ chatroomId: room.chatroomId, startAt, durationMinutes: 1 }),
    ]);
    const early = await api("POST", `/chatrooms/${room.chatroomId}/messages`, {
      as: me,
      body: { clientMsgId: "x", content: "too early" },
    });
    expect(early.status).toBe(409);
    // Move the start into the past through settings-free means: run the alarm after rescheduling to now.
    const stub = env.ROOMS.getByName(room.chatroomId);
    expect(
      (await api("PUT", `/chatrooms/${room.chatroomId}/settings`, { as: me, body: { startAt: Date.now() + 200 } }))
        .status,
    ).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 250));
    await runDurableObjectAlarm(stub);
    const info = await api("GET", `/chatrooms/${room.chatroomId}`, { as: me });
    expect(info.body.data).toMatchObject({ state: 0, durationMinutes: 1 });
    const ongoing = await api("GET", "/chatrooms", { as: me });
    expect(((ongoing.body.data?.ongoing ?? []) as { chatroomId: string }[]).map((r) => r.chatroomId)).toContain(
      room.chatroomId,
    );
    expect(ongoing.body.data?.scheduled).toEqual([]);
    // Make the time run out: move the start back past the duration, restart the object, run its alarm.
    await runInDurableObject(stub, (_instance, state) => {
      state.storage.sql.exec("UPDATE meta SET started_at = ?", Date.now() - 61_000);
    });
    await evict(env.ROOMS.getByName(room.chatroomId));
    const fresh = env.ROOMS.getByName(room.chatroomId);
    await runDurableObjectAlarm(fresh);
    expect((await admin("/chatroom/info", { chatroomId: room.chatroomId })).result).toMatchObject({ state: 2 });
    const gone = await api("GET", "/chatrooms", { as: me });
    expect(gone.body.data).toMatchObject({ count: 0, ongoing: [], scheduled: [] });
  });
});

describe("membership", () => {
  it("hands the host role to the oldest manager on leave, and ends the room when the last member leaves", async () => {
    const host = newId("h");
    const room = await createRoom(host, [`${host}-1`, `${host}-2`]);
    await api("PUT", `/chatrooms/${room.chatroomId}/managers/${host}-2`, { as: host });
    expect((await api("POST", `/chatrooms/${room.chatroomId}/leave`, { as: host })).status).toBe(200);
    const info = await api("GET", `/chatrooms/${room.chatroomId}`, { as: `${host}-2` });
    expect(info.body.data).toMatchObject({ hostId: `${host}-2`, role: "host", count: 2 });
    expect((await api("POST", `/chatrooms/${room.chatroomId}/leave`, { as: `${host}-2` })).status).toBe(200);
    const solo = await api("GET", `/chatrooms/${room.chatroomId}`, { as: `${host}-1` });
    expect(solo.body.data).toMatchObject({ hostId: `${host}-1`, role: "host" });
    const last = await api("POST", `/chatrooms/${room.chatroomId}/leave`, { as: `${host}-1` });
    expect(last.body.data).toEqual({ ended: true });
    expect((await env.ROOMS.getByName(room.chatroomId).info({ kind: "admin" })).ok && true).toBe(true);
    const ended = await admin("/chatroom/info", { chatroomId: room.chatroomId });
    expect(ended.result).toMatchObject({ state: 2, memberCount: 0 });
  });

  it("joins open rooms with an open profile, refuses closed ones, and kicks", async () => {
    const host = newId("h");
    const open = await createRoom(host, [], { isOpen: true });
    const closed = await createRoom(host, []);
    const joiner = `${host}-j`;
    const profile = await api("POST", "/users/me/open-profiles", {
      as: joiner,
      body: { nickname: "J", imageUrl: "https://img/j.png" },
    });
    const joined = await api("POST", `/chatrooms/${open.chatroomId}/join`, {
      as: joiner,
      body: { openProfileId: profile.body.data?.id },
    });
    expect(joined.status).toBe(200);
    expect(joined.body.data).toMatchObject({ role: "member", count: 2, thumbnails: ["https://img/j.png"] });
    const refused = await api("POST", `/chatrooms/${closed.chatroomId}/join`, { as: joiner, body: {} });
    expect(refused.status).toBe(403);
    const foreign = await api("POST", `/chatrooms/${open.chatroomId}/join`, {
      as: "other",
      body: { openProfileId: profile.body.data?.id },
    });
    expect(foreign.status).toBe(400);
    expect(foreign.body.message).toContain("openProfileId");
    expect((await api("DELETE", `/chatrooms/${open.chatroomId}/members/${joiner}`, { as: host })).status).toBe(200);
    expect((await api("GET", `/chatrooms/${open.chatroomId}/messages`, { as: joiner })).status).toBe(403);
    expect((await api("DELETE", `/chatrooms/${open.chatroomId}/members/nobody`, { as: host })).status).toBe(404);
    expect((await api("GET", `/chatrooms/${newId()}`, { as: host })).status).toBe(404);
  });
});

describe("moderation and messages", () => {
  it("shares state with the admin API: an admin mute blocks the HTTP send and shows in room info", async () => {
    const host = newId("h");
    const room = await createRoom(host, [`${host}-m`]);
    const until = Date.now() + 60_000;
    await admin("/chatroom/set_black_status", {
      chatroomId: room.chatroomId,
      userId: `${host}-m`,
      status: 1,
      expiredTime: until,
    });
    const send = await api("POST", `/chatrooms/${room.chatroomId}/messages`, {
      as: `${host}-m`,
      body: { clientMsgId: "a", content: "hi" },
    });
    expect(send.status).toBe(403);
    expect(send.body.code).toBe("MUTED");
    const info = await api("GET", `/chatrooms/${room.chatroomId}`, { as: `${host}-m` });
    expect(info.body.data?.restriction).toEqual({ status: 1, expiresAt: until, reason: null });
    const history = await api("GET", `/chatrooms/${room.chatroomId}/messages`, { as: host });
    expect(history.body.data).toEqual({ messages: [], hasMore: false });
  });

  it("restricts with durationSeconds or expiresAt, refusing both at once and past times", async () => {
    const host = newId("h");
    const room = await createRoom(host, [`${host}-m`]);
    const path = `/chatrooms/${room.chatroomId}/restrictions/${host}-m`;
    const both = await api("PUT", path, {
      as: host,
      body: { status: 1, durationSeconds: 5, expiresAt: Date.now() + 5000 },
    });
    expect(both.status).toBe(400);
    expect(both.body.message).toContain("expiresAt");
    expect((await api("PUT", path, { as: host, body: { status: 1, expiresAt: Date.now() - 5 } })).status).toBe(400);
    const set = await api("PUT", path, { as: host, body: { status: 1, durationSeconds: 30, reason: "spam" } });
    expect(set.status).toBe(200);
    expect(Number(set.body.data?.expiresAt) - Date.now()).toBeGreaterThan(25_000);
    expect((await api("DELETE", path, { as: host })).status).toBe(200);
    const send = await api("POST", `/chatrooms/${room.chatroomId}/messages`, {
      as: `${host}-m`,
      body: { clientMsgId: "a", content: "free" },
    });
    expect(send.status).toBe(201);
  });

  it("sends with gapless seq, dedupes clientMsgId, and pages history both ways", async () => {
    const host = newId("h");
    const room = await createRoom(host, []);
    const path = `/chatrooms/${room.chatroomId}/messages`;
    for (let i = 1; i <= 5; i++) {
      const res = await api("POST", path, { as: host, body: { clientMsgId: `c${i}`, content: `m${i}` } });
      expect(res.body.data).toMatchObject({ seq: i, duplicate: false });
    }
    const again = await api("POST", path, { as: host, body: { clientMsgId: "c3", content: "changed" } });
    expect(again.status).toBe(200);
    expect(again.body.data).toMatchObject({ seq: 3, duplicate: true });
    const newest = await api("GET", `${path}?limit=2`, { as: host });
    expect(((newest.body.data?.messages ?? []) as { seq: number }[]).map((m) => m.seq)).toEqual([5, 4]);
    expect(newest.body.data?.hasMore).toBe(true);
    const older = await api("GET", `${path}?before=4&limit=10`, { as: host });
    expect(((older.body.data?.messages ?? []) as { seq: number }[]).map((m) => m.seq)).toEqual([3, 2, 1]);
    expect(older.body.data?.hasMore).toBe(false);
    const after = await api("GET", `${path}?after=3`, { as: host });
    expect(((after.body.data?.messages ?? []) as { content: string }[]).map((m) => m.content)).toEqual(["m4", "m5"]);
    expect((await api("GET", `${path}?after=1&before=3`, { as: host })).status).toBe(400);
    const empty = await api("POST", path, { as: host, body: { clientMsgId: "e", content: "" } });
    expect(empty.body.message).toContain("content");
    const long = await api("POST", path, { as: host, body: { clientMsgId: "l", content: "x".repeat(4001) } });
    expect(long.status).toBe(400);
  });

  it("changes settings: mute-all silences plain members, slow mode spaces their messages", async () => {
    const host = newId("h");
    const room = await createRoom(host, [`${host}-m`]);
    const settings = `/chatrooms/${room.chatroomId}/settings`;
    const send = (as: string, id: string) =>
      api("POST", `/chatrooms/${room.chatroomId}/messages`, { as, body: { clientMsgId: id, content: id } });
    expect((await api("PUT", settings, { as: host, body: { muteAll: true } })).body.data).toMatchObject({
      muteAll: true,
    });
    expect((await send(`${host}-m`, "1")).body.code).toBe("MUTED");
    expect((await send(host, "2")).status).toBe(201);
    await api("PUT", settings, { as: host, body: { muteAll: false, slowModeSeconds: 30 } });
    expect((await send(`${host}-m`, "3")).status).toBe(201);
    const slow = await send(`${host}-m`, "4");
    expect(slow.status).toBe(429);
    expect(Number(slow.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await api("PUT", settings, { as: host, body: {} })).status).toBe(400);
    expect((await api("PUT", settings, { as: host, body: { slowModeSeconds: -1 } })).body.message).toContain(
      "slowModeSeconds",
    );
  });
});

describe("routes and errors", () => {
  it("answers unknown client routes with 404 in the envelope", async () => {
    const res = await SELF.fetch("https://edgeroom.test/api/nope", {
      headers: { "access-token": await tokenFor("u") },
    });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ status: 404, code: "NOT_FOUND" });
  });
});
