import { createExecutionContext, env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { roomMembers } from "../../src/directory/store";
import { app } from "../../src/index";
import { admin, adminRaw, adminRoom, evict, newId } from "../helpers/admin";

describe("admin signing", () => {
  it("answers 239 without the signing headers", async () => {
    const res = await SELF.fetch("https://edgeroom.test/admin/chatroom/info", {
      method: "POST",
      body: JSON.stringify({ chatroomId: "x" }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ code: 239, msg: expect.stringContaining("not signed") });
  });

  it("answers 243 for a timestamp outside the window and 244 for a wrong secret", async () => {
    expect((await admin("/chatroom/info", { chatroomId: "x" }, { timestamp: Date.now() - 301_000 })).code).toBe(243);
    expect((await admin("/chatroom/info", { chatroomId: "x" }, { timestamp: Date.now() + 301_000 })).code).toBe(243);
    expect((await admin("/chatroom/info", { chatroomId: "x" }, { secret: "wrong" })).code).toBe(244);
  });

  it("refuses a replayed nonce and timestamp with 244 and leaves the first call's effect alone", async () => {
    const pair = { nonce: crypto.randomUUID(), timestamp: Date.now() };
    const chatroomId = newId("room");
    expect((await admin("/chatroom/create", { chatroomId, title: "A" }, pair)).code).toBe(0);
    const replay = await admin("/chatroom/create", { chatroomId, title: "B" }, pair);
    expect(replay).toEqual({ code: 244, msg: expect.stringContaining("nonce") });
    expect((await admin<{ title: string }>("/chatroom/info", { chatroomId })).result?.title).toBe("A");
  });

  it("answers 254 for an unknown admin path", async () => {
    expect((await admin("/chatroom/explode", {})).code).toBe(254);
    expect((await admin("/nothing", {})).code).toBe(254);
  });
});

describe("admin validation", () => {
  it("answers 251 naming the field for a non-JSON body, wrong types and bad ids, writing nothing", async () => {
    const chatroomId = newId("room");
    const notJson = await admin("/chatroom/create", null, { raw: "{not json" });
    expect(notJson.code).toBe(251);
    expect(notJson.msg).toContain("body");
    const cases: [unknown, string][] = [
      [{ chatroomId, title: 5 }, "title"],
      [{ chatroomId, title: "" }, "title"],
      [{ chatroomId, title: "x".repeat(101) }, "title"],
      [{ chatroomId: "bad id!", title: "t" }, "chatroomId"],
      [{ chatroomId: "x".repeat(65), title: "t" }, "chatroomId"],
      [{ chatroomId, title: "t", state: 3 }, "state"],
      [[], "body"],
    ];
    for (const [body, field] of cases) {
      const reply = await admin("/chatroom/create", body);
      expect(reply.code, JSON.stringify(body)).toBe(251);
      expect(reply.msg).toContain(field);
    }
    expect((await admin("/chatroom/info", { chatroomId })).code).toBe(253);
  });

  it("refuses a past expiredTime with 251 and records no restriction", async () => {
    const chatroomId = await adminRoom();
    const reply = await admin("/chatroom/set_black_status", {
      chatroomId,
      userId: "u1",
      status: 1,
      expiredTime: Date.now() - 1000,
    });
    expect(reply.code).toBe(251);
    expect(reply.msg).toContain("expiredTime");
    expect((await admin("/chatroom/get_black_status", { chatroomId })).result).toEqual({ infos: [] });
  });
});

describe("admin chatroom routes", () => {
  it("creates with an auto id, reads info, and merges non-empty fields on update", async () => {
    const created = await admin<{ chatroomId: string }>("/chatroom/create", { title: "Lobby", desc: "d", extra: "{}" });
    expect(created.code).toBe(0);
    const chatroomId = created.result?.chatroomId as string;
    expect(chatroomId).toMatch(/^[0-9a-f-]{36}$/);
    expect((await admin("/chatroom/create", { chatroomId, title: "Lobby 2", desc: "" })).code).toBe(0);
    const info = await admin("/chatroom/info", { chatroomId });
    expect(info).toMatchObject({
      code: 0,
      result: { chatroomId, title: "Lobby 2", desc: "d", portrait: "", extra: "{}", state: 0, memberCount: 0 },
    });
    expect(info.result?.createDt).toBeTypeOf("number");
    expect(Number(info.result?.updateDt)).toBeGreaterThanOrEqual(Number(info.result?.createDt));
  });

  it("answers 253 for info on an unknown room and 0 for del of one", async () => {
    expect((await admin("/chatroom/info", { chatroomId: newId() })).code).toBe(253);
    expect((await admin("/chatroom/del", { chatroomId: newId() })).code).toBe(0);
  });

  it("round-trips managers", async () => {
    const chatroomId = await adminRoom();
    expect((await admin("/chatroom/set_manager", { chatroomId, userId: "m1", status: 1 })).code).toBe(0);
    expect((await admin("/chatroom/set_manager", { chatroomId, userId: "m2", status: 1 })).code).toBe(0);
    expect((await admin("/chatroom/get_manager_list", { chatroomId })).result).toEqual({ list: ["m1", "m2"] });
    expect((await admin("/chatroom/set_manager", { chatroomId, userId: "m1", status: 0 })).code).toBe(0);
    expect((await admin("/chatroom/get_manager_list", { chatroomId })).result).toEqual({ list: ["m2"] });
  });

  it("lists restrictions until they expire, then drops them (alarm and clock)", async () => {
    const chatroomId = await adminRoom();
    const soon = Date.now() + 2000;
    expect(
      (await admin("/chatroom/set_black_status", { chatroomId, userId: "a", status: 1, expiredTime: soon })).code,
    ).toBe(0);
    expect((await admin("/chatroom/set_black_status", { chatroomId, userId: "b", status: 2 })).code).toBe(0);
    const before = await admin<{ infos: unknown[] }>("/chatroom/get_black_status", { chatroomId });
    expect(before.result?.infos).toEqual([
      { userId: "a", state: 1, expiredTime: soon },
      { userId: "b", state: 2, expiredTime: 0 },
    ]);
    await new Promise((resolve) => setTimeout(resolve, soon - Date.now() + 50));
    const after = await admin<{ infos: unknown[] }>("/chatroom/get_black_status", { chatroomId });
    expect(after.result?.infos).toEqual([{ userId: "b", state: 2, expiredTime: 0 }]);
    expect((await admin("/chatroom/set_black_status", { chatroomId, userId: "b", status: 0 })).code).toBe(0);
    expect((await admin("/chatroom/get_black_status", { chatroomId })).result).toEqual({ infos: [] });
  });

  it("ends a room on del: state 2, members gone from the index", async () => {
    const chatroomId = await adminRoom();
    await admin("/user/create", { userId: "del-u1", displayName: "U1" });
    const stub = env.ROOMS.getByName(chatroomId);
    expect((await stub.join("del-u1", { imageUrl: null, openProfileId: null })).ok).toBe(true);
    expect(await roomMembers(env.DB, chatroomId)).toEqual([{ userId: "del-u1", role: "member" }]);
    expect((await admin("/chatroom/del", { chatroomId })).code).toBe(0);
    expect((await admin("/chatroom/info", { chatroomId })).result).toMatchObject({ state: 2, memberCount: 0 });
    expect(await roomMembers(env.DB, chatroomId)).toEqual([]);
    expect((await admin("/chatroom/members", { chatroomId })).result).toEqual({ list: [] });
  });

  it("mutes all, pages members, and keeps state after the object is evicted", async () => {
    const chatroomId = await adminRoom();
    const stub = env.ROOMS.getByName(chatroomId);
    for (const user of ["p1", "p2", "p3"]) await stub.join(user, { imageUrl: null, openProfileId: null });
    expect((await admin("/chatroom/mute_all", { chatroomId, status: 1 })).code).toBe(0);
    expect((await admin("/chatroom/members", { chatroomId, offset: 1, limit: 1 })).result).toEqual({ list: ["p2"] });
    await evict(env.ROOMS.getByName(chatroomId));
    // A stub to an aborted object is broken; a fresh one reaches the restarted object.
    const fresh = env.ROOMS.getByName(chatroomId);
    const info = await fresh.info({ kind: "user", userId: "p1" });
    expect(info).toMatchObject({ ok: true, value: { muteAll: true, count: 3, role: "member" } });
    expect((await admin("/chatroom/members", { chatroomId })).result).toEqual({ list: ["p1", "p2", "p3"] });
  });
});

describe("admin user and message routes", () => {
  it("creates users with an auto id and mints tokens", async () => {
    const created = await admin<{ userId: string }>("/user/create", { displayName: "Ann" });
    expect(created.code).toBe(0);
    const token = await admin<{ userId: string; token: string; expiresAt: number }>("/user/get_token", {
      userId: created.result?.userId,
      ttlSeconds: 120,
    });
    expect(token.code).toBe(0);
    expect(token.result?.token.split(".")).toHaveLength(3);
    expect(Math.abs(Number(token.result?.expiresAt) - (Date.now() + 120_000))).toBeLessThan(5000);
    expect((await admin("/user/get_token", { userId: "bad id" })).code).toBe(251);
    expect((await admin("/user/get_token", { userId: "ok", ttlSeconds: 1 })).code).toBe(251);
  });

  it("sends a message as a member with gapless seq, 20 for a non-member, 253 for an unknown room", async () => {
    const chatroomId = await adminRoom();
    await env.ROOMS.getByName(chatroomId).join("s1", { imageUrl: null, openProfileId: null });
    const body = (text: string, sender = "s1") => ({
      sender,
      conv: { type: 2, target: chatroomId, line: 0 },
      payload: { type: 1, searchableContent: text },
    });
    const first = await admin<{ messageUid: number; timestamp: number }>("/message/send", body("one"));
    const second = await admin<{ messageUid: number; timestamp: number }>("/message/send", body("two"));
    expect(first.result?.messageUid).toBe(1);
    expect(second.result?.messageUid).toBe(2);
    expect((await admin("/message/send", body("x", "stranger"))).code).toBe(20);
    expect((await admin("/message/send", { ...body("x"), conv: { type: 2, target: newId(), line: 0 } })).code).toBe(
      253,
    );
    const empty = await admin("/message/send", { ...body(""), payload: { type: 1 } });
    expect(empty.code).toBe(251);
    expect(empty.msg).toContain("payload");
    expect((await admin("/message/send", { ...body("x"), conv: { type: 1, target: chatroomId, line: 0 } })).code).toBe(
      251,
    );
  });

  it("answers a retried send with the same clientMsgId with the first messageUid, storing it once", async () => {
    const chatroomId = await adminRoom();
    await env.ROOMS.getByName(chatroomId).join("s1", { imageUrl: null, openProfileId: null });
    const body = (text: string, clientMsgId?: string) => ({
      sender: "s1",
      conv: { type: 2, target: chatroomId, line: 0 },
      payload: { type: 1, searchableContent: text },
      ...(clientMsgId ? { clientMsgId } : {}),
    });
    const first = await admin<{ messageUid: number }>("/message/send", body("once", "job-1"));
    const retry = await admin<{ messageUid: number }>("/message/send", body("once", "job-1"));
    expect(retry.result?.messageUid).toBe(first.result?.messageUid);
    // The same id from the sender's own client is another message: admin ids live apart.
    const own = await env.ROOMS.getByName(chatroomId).send(
      "s1",
      { clientMsgId: "job-1", content: "mine" },
      {
        admin: false,
      },
    );
    expect(own).toMatchObject({ ok: true, value: { duplicate: false, seq: 2 } });
    expect((await admin<{ messageUid: number }>("/message/send", body("next"))).result?.messageUid).toBe(3);
  });

  it("answers 250 when the sender exceeds the send rate", async () => {
    const chatroomId = await adminRoom();
    await env.ROOMS.getByName(chatroomId).join("fast", { imageUrl: null, openProfileId: null });
    // Sent together, so the bucket's refill during the calls cannot cover them all on a slow machine.
    const replies = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        admin("/message/send", {
          sender: "fast",
          conv: { type: 2, target: chatroomId, line: 0 },
          payload: { type: 1, searchableContent: `m${i}` },
        }),
      ),
    );
    const codes = replies.map((reply) => reply.code);
    expect(codes.filter((code) => code === 0).length).toBeGreaterThanOrEqual(10);
    expect(codes).toContain(250);
    expect(codes.every((code) => code === 0 || code === 250)).toBe(true);
  });

  it("answers 248 for a message to an ended room", async () => {
    const chatroomId = await adminRoom();
    await env.ROOMS.getByName(chatroomId).join("s2", { imageUrl: null, openProfileId: null });
    await env.ROOMS.getByName(chatroomId).join("s3", { imageUrl: null, openProfileId: null });
    await admin("/chatroom/create", { chatroomId, title: "Room", state: 1 });
    const reply = await admin("/message/send", {
      sender: "s2",
      conv: { type: 2, target: chatroomId, line: 0 },
      payload: { type: 1, searchableContent: "hi" },
    });
    expect(reply.code).toBe(248);
  });

  it("answers code 4 naming the unset secret, without a stack", async () => {
    const signed = await adminRaw("/chatroom/info", { chatroomId: "x" });
    expect(signed.status).toBe(200);
    const res = await app.fetch(
      new Request("https://edgeroom.test/admin/chatroom/info", { method: "POST", body: "{}" }),
      { ...env, ADMIN_SECRET: "" },
      createExecutionContext(),
    );
    expect(await res.json()).toEqual({
      code: 4,
      msg: expect.stringMatching(/^server not configured: ADMIN_SECRET is unset/),
    });
  });
});
