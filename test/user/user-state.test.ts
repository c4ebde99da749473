/**
 * The per-user object through the Worker (SPEC §8.1, §8.2): token revocation, the record of open
 * rooms behind /admin/chatroom/user_chatroom, and that reads store nothing.
 */
import { env, runDurableObjectAlarm, runInDurableObject, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { mintToken } from "../../src/api/tokens";
import { roomMembers } from "../../src/directory/store";
import { admin, adminRoom, evict, newId, tokenFor } from "../helpers/admin";
import { connect } from "../helpers/socket";

type Reply = { status: number; body: { code?: string; message?: string; data?: Record<string, unknown> } };

async function withToken(token: string, method: string, path: string, body?: unknown): Promise<Reply> {
  const res = await SELF.fetch(`https://edgeroom.test/api${path}`, {
    method,
    headers: { "access-token": token, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Reply["body"] };
}

async function revoke(userId: string): Promise<number> {
  const reply = await admin<{ userId: string; revokedAt: number }>("/user/revoke_tokens", { userId });
  expect(reply).toEqual({ code: 0, msg: "success", result: { userId, revokedAt: expect.any(Number) } });
  return reply.result?.revokedAt ?? 0;
}

/** A closed room with `host` and `member`. */
async function roomOf(host: string, member: string): Promise<string> {
  const created = await withToken(await tokenFor(host), "POST", "/chatroom", {
    hostId: host,
    isOpen: false,
    users: [host, member],
  });
  expect(created.status).toBe(201);
  return String(created.body.data?.chatroomId);
}

describe("token revocation", () => {
  it("refuses every earlier token with 401 naming the revocation, and changes nothing", async () => {
    const [user, other] = [newId("rv"), newId("ok")];
    const [old, otherToken] = [await tokenFor(user), await tokenFor(other)];
    const chatroomId = await roomOf(user, other);
    expect((await withToken(old, "GET", "/chatrooms")).status).toBe(200);
    await revoke(user);
    for (const [method, path, body] of [
      ["GET", "/chatrooms", undefined],
      ["GET", `/chatrooms/${chatroomId}`, undefined],
      ["POST", `/chatrooms/${chatroomId}/messages`, { clientMsgId: "late", content: "after revoke" }],
      ["POST", `/chatrooms/${chatroomId}/leave`, undefined],
    ] as const) {
      const reply = await withToken(old, method, path, body);
      expect(reply.status, path).toBe(401);
      expect(reply.body).toMatchObject({ code: "UNAUTHORIZED", message: expect.stringContaining("revoked") });
    }
    // Nothing happened: no message, still a member; the other user is untouched.
    const history = await withToken(otherToken, "GET", `/chatrooms/${chatroomId}/messages`);
    expect(history.body.data?.messages).toEqual([]);
    expect((await roomMembers(env.DB, chatroomId)).map((row) => row.userId).sort()).toEqual([user, other].sort());
    const socket = await SELF.fetch(`https://edgeroom.test/api/chatrooms/${chatroomId}/ws?token=${old}`, {
      headers: { upgrade: "websocket" },
    });
    expect(socket.status).toBe(401);
    expect(socket.webSocket).toBeNull();
  });

  it("refuses a token minted in the revocation's second, even after the revocation", async () => {
    const user = newId("rv");
    const revokedAt = await revoke(user);
    const same = await mintToken(user, env.TOKEN_SECRET, 3600, revokedAt);
    const sameSecondLater = await mintToken(user, env.TOKEN_SECRET, 3600, Math.floor(revokedAt / 1000) * 1000 + 999);
    expect((await withToken(same.token, "GET", "/chatrooms")).status).toBe(401);
    expect((await withToken(sameSecondLater.token, "GET", "/chatrooms")).status).toBe(401);
  });

  it("hands out only live tokens after a revocation: get_token right after revoke_tokens works", async () => {
    const user = newId("rv");
    await revoke(user);
    const minted = await admin<{ token: string }>("/user/get_token", { userId: user });
    expect(minted.code).toBe(0);
    expect((await withToken(String(minted.result?.token), "GET", "/chatrooms")).status).toBe(200);
    // A second revocation refuses that one too.
    await revoke(user);
    expect((await withToken(String(minted.result?.token), "GET", "/chatrooms")).status).toBe(401);
  });

  it("refuses revoke_tokens without a valid signature and revokes nothing", async () => {
    const user = newId("rv");
    const token = await tokenFor(user);
    for (const options of [{ secret: "guessed-secret" }, { headers: { sign: "" } }]) {
      expect((await admin("/user/revoke_tokens", { userId: user }, options)).code).not.toBe(0);
    }
    expect((await admin("/user/revoke_tokens", { userId: "bad id!" })).code).toBe(251);
    expect((await withToken(token, "GET", "/chatrooms")).status).toBe(200);
    expect(await env.USERS.getByName(user).revokedAt()).toBeNull();
  });

  it("keeps a revocation across an eviction of the user's object", async () => {
    const user = newId("rv");
    const old = await tokenFor(user);
    const revokedAt = await revoke(user);
    await evict(env.USERS.getByName(user));
    expect(await env.USERS.getByName(user).revokedAt()).toBe(revokedAt);
    expect((await withToken(old, "GET", "/chatrooms")).status).toBe(401);
  });

  it("stores every room creation it counts, and keeps counting from storage after an eviction", async () => {
    const user = newId("cr");
    const stored = () =>
      runInDurableObject(env.USERS.getByName(user), (_instance, state) => state.storage.get<number[]>("roomCreations"));
    for (let i = 0; i < 3; i++)
      expect(await env.USERS.getByName(user).spendRoomCreation()).toEqual({ ok: true, value: null });
    expect(await stored()).toHaveLength(3);
    await evict(env.USERS.getByName(user));
    expect(await env.USERS.getByName(user).spendRoomCreation()).toEqual({ ok: true, value: null });
    expect(await stored()).toHaveLength(4);
  });

  it("lists the rooms where the user has a socket open, to close the revoked ones there", async () => {
    const user = newId("rv");
    const stub = env.USERS.getByName(user);
    await stub.socketsChanged("room-a", { open: true, clientId: "c1", platform: 1, at: Date.now() - 10 });
    await stub.socketsChanged("room-b", { open: true, clientId: "c2", platform: 2, at: Date.now() - 5 });
    await stub.socketsChanged("room-a", { open: false, clientId: "c1", platform: 1, at: Date.now() });
    const revocation = await stub.revoke();
    expect(revocation).toEqual({
      revokedAt: expect.any(Number),
      iatAtMost: Math.floor(revocation.revokedAt / 1000),
      rooms: ["room-b"],
    });
  });
});

describe("revocation closes open sockets", () => {
  it("closes the user's sockets in every room it knows with 4001, and no one else's", async () => {
    const [user, other] = [newId("rv"), newId("ok")];
    const [a, b] = [await roomOf(user, other), await roomOf(user, other)];
    const sockets = [await connect(a, user), await connect(b, user)];
    const bystander = await connect(a, other);
    const stub = env.USERS.getByName(user);
    for (const id of [a, b]) await stub.socketsChanged(id, { open: true, clientId: "c", platform: 1, at: Date.now() });
    await revoke(user);
    for (const socket of sockets) expect((await socket.closed).code).toBe(4001);
    bystander.send({ type: "send", clientMsgId: "still-here", content: "hi" });
    expect(await bystander.next("ack")).toMatchObject({ clientMsgId: "still-here" });
    // A token minted after the revocation opens a socket again.
    const minted = await admin<{ token: string }>("/user/get_token", { userId: user });
    const again = await SELF.fetch(`https://edgeroom.test/api/chatrooms/${a}/ws?token=${minted.result?.token}`, {
      headers: { upgrade: "websocket" },
    });
    expect(again.status).toBe(101);
    again.webSocket?.accept();
    again.webSocket?.close(1000, "done");
    bystander.ws.close(1000, "done");
  });

  it("closes a socket admitted just before the revocation whose room reports it just after", async () => {
    // The room reports a connect REPORT_DELAY_MS later; revoke inside that gap, so the fan-out cannot
    // know the room (on a stalled machine the report may win: then try again with a new user).
    for (let attempt = 0; attempt < 5; attempt++) {
      const [user, other] = [newId("rv"), newId("ok")];
      const a = await roomOf(user, other);
      const socket = await connect(a, user);
      const stub = env.USERS.getByName(user);
      const revocation = await stub.revoke();
      if (revocation.rooms.length > 0) continue;
      await stub.socketsChanged(a, { open: true, clientId: "c", platform: 1, at: Date.now() });
      expect((await socket.closed).code).toBe(4001);
      return;
    }
    throw new Error("the room's report always arrived before the revocation");
  });

  it("retries a room whose close failed from the alarm", async () => {
    const [user, other] = [newId("rv"), newId("ok")];
    const a = await roomOf(user, other);
    const socket = await connect(a, user);
    const stub = env.USERS.getByName(user);
    const iatAtMost = Math.floor(Date.now() / 1000) + 1;
    await runInDurableObject(stub, async (_instance, state) => {
      await state.storage.put("pendingCloses", { iatAtMost, rooms: [a], attempt: 1 });
      await state.storage.setAlarm(Date.now() + 60_000);
    });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect((await socket.closed).code).toBe(4001);
    await runInDurableObject(stub, async (_instance, state) => {
      expect(await state.storage.get("pendingCloses")).toBeUndefined();
    });
  });
});

describe("the room a user is in (user_chatroom)", () => {
  it("answers the room most recently opened with a socket still open, then 253 once all are closed", async () => {
    const user = newId("uc");
    const [a, b] = [await adminRoom(), await adminRoom()];
    let stub = env.USERS.getByName(user);
    const t = Date.now();
    expect(await admin("/chatroom/user_chatroom", { userId: user })).toEqual({ code: 253, msg: expect.any(String) });
    await stub.socketsChanged(a, { open: true, clientId: "web-1", platform: 5, at: t });
    await stub.socketsChanged(b, { open: true, clientId: "ios-1", platform: 1, at: t + 1 });
    expect(await admin("/chatroom/user_chatroom", { userId: user })).toEqual({
      code: 0,
      msg: "success",
      result: { userId: user, chatroomId: b, clientId: "ios-1", platform: 1 },
    });
    await evict(stub);
    stub = env.USERS.getByName(user);
    await stub.socketsChanged(b, { open: false, clientId: "ios-1", platform: 1, at: t + 2 });
    expect((await admin("/chatroom/user_chatroom", { userId: user })).result).toEqual({
      userId: user,
      chatroomId: a,
      clientId: "web-1",
      platform: 5,
    });
    await stub.socketsChanged(a, { open: false, clientId: "web-1", platform: 5, at: t + 3 });
    expect((await admin("/chatroom/user_chatroom", { userId: user })).code).toBe(253);
  });

  it("refuses a bad userId with 251 and an unsigned call with 239", async () => {
    expect(await admin("/chatroom/user_chatroom", { userId: "" })).toEqual({
      code: 251,
      msg: expect.stringContaining("userId"),
    });
    const unsigned = await SELF.fetch("https://edgeroom.test/admin/chatroom/user_chatroom", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ userId: "u" }),
    });
    expect(await unsigned.json()).toMatchObject({ code: 239 });
  });
});

describe("storage", () => {
  it("stores nothing for a user who is only read: admitted calls, user_chatroom, get_token", async () => {
    const user = newId("ro");
    expect((await withToken(await tokenFor(user), "GET", "/chatrooms")).status).toBe(200);
    expect((await admin("/chatroom/user_chatroom", { userId: user })).code).toBe(253);
    expect((await admin("/user/get_token", { userId: user })).code).toBe(0);
    await runInDurableObject(env.USERS.getByName(user), async (_instance, state) => {
      expect(state.storage.sql.exec("SELECT name FROM sqlite_master").toArray()).toEqual([]);
      expect((await state.storage.list()).size).toBe(0);
    });
  });
});
