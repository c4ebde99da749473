import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { admin, evict, newId } from "../helpers/admin";
import { api } from "../helpers/api";
import { connect, openSocket } from "../helpers/socket";

async function room(host: string, users: string[], isOpen = false) {
  const res = await api("POST", "/chatroom", { as: host, body: { hostId: host, isOpen, users: [host, ...users] } });
  return String(res.body.data?.chatroomId);
}

describe("websocket protocol", () => {
  it("welcomes a member, delivers each message to every socket with its ack to the sender", async () => {
    const host = newId("h");
    const id = await room(host, [`${host}-b`]);
    const a = await connect(id, host);
    const welcome = await a.next("welcome");
    expect(welcome).toMatchObject({
      chatroomId: id,
      userId: host,
      role: "host",
      lastSeq: 0,
      muteAll: false,
      restriction: null,
      online: [host],
    });
    const b = await connect(id, `${host}-b`);
    expect(await a.next("presence")).toMatchObject({ userId: `${host}-b`, online: true, count: 2 });
    a.send({ type: "send", clientMsgId: "c1", content: "hello" });
    expect(await a.next("message")).toMatchObject({
      seq: 1,
      senderId: host,
      clientMsgId: "c1",
      content: "hello",
      contentType: "text",
    });
    expect(await a.next("ack")).toMatchObject({ clientMsgId: "c1", seq: 1, duplicate: false });
    expect(await b.next("message")).toMatchObject({ seq: 1, content: "hello" });
    a.send({ type: "send", clientMsgId: "c1", content: "hello again" });
    expect(await a.next("ack")).toMatchObject({ clientMsgId: "c1", seq: 1, duplicate: true });
    b.send({ type: "send", clientMsgId: "c1", content: "b's own c1" });
    expect(await b.next("ack")).toMatchObject({ seq: 2, duplicate: false });
    expect(await a.next("message")).toMatchObject({ seq: 2, senderId: `${host}-b` });
  });

  it("answers invalid, binary and oversized frames with an error frame and keeps the socket", async () => {
    const host = newId("h");
    const id = await room(host, []);
    const a = await connect(id, host);
    await a.next("welcome");
    a.send("{not json");
    expect(await a.next("error")).toMatchObject({ code: "BAD_REQUEST" });
    a.send({ type: "explode" });
    expect(await a.next("error")).toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("type") });
    a.send({ type: "send", clientMsgId: "x", content: "" });
    expect(await a.next("error")).toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("content") });
    a.ws.send(new Uint8Array([1, 2, 3]));
    expect(await a.next("error")).toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("binary") });
    a.send({ type: "send", clientMsgId: "big", content: "é".repeat(9000) });
    expect(await a.next("error")).toMatchObject({ code: "PAYLOAD_TOO_LARGE" });
    a.send({ type: "send", clientMsgId: "ok", content: "still here" });
    expect(await a.next("ack")).toMatchObject({ seq: 1 });
  });

  it("refuses the upgrade for bad tokens, non-members, banned users and unknown rooms", async () => {
    const host = newId("h");
    const id = await room(host, [`${host}-x`]);
    await admin("/chatroom/set_black_status", { chatroomId: id, userId: `${host}-x`, status: 2 });
    const outsider = await openSocket(id, "outsider");
    expect(outsider instanceof Response && outsider.status).toBe(403);
    const banned = await openSocket(id, `${host}-x`);
    expect(banned instanceof Response && banned.status).toBe(403);
    const unknown = await openSocket(newId(), host);
    expect(unknown instanceof Response && unknown.status).toBe(404);
    const bad = await SELF.fetch(`https://edgeroom.test/api/chatrooms/${id}/ws?token=bad`, {
      headers: { Upgrade: "websocket" },
    });
    expect(bad.status).toBe(401);
    expect(bad.webSocket).toBeNull();
  });

  it("replays missed messages after ?since= before live traffic, and says resync beyond the limit", async () => {
    const host = newId("h");
    const id = await room(host, []);
    const a = await connect(id, host);
    for (let i = 1; i <= 4; i++) a.send({ type: "send", clientMsgId: `m${i}`, content: `m${i}` });
    for (let i = 1; i <= 4; i++) await a.next("ack");
    a.ws.close(1000, "bye");
    const b = await connect(id, host, "&since=2");
    expect((await b.next("welcome")).lastSeq).toBe(4);
    expect((await b.next("message")).seq).toBe(3);
    expect((await b.next("message")).seq).toBe(4);
    await evict(env.ROOMS.getByName(id));
    const c = await connect(id, host, "&since=0");
    await c.next("welcome");
    expect([(await c.next("message")).seq, (await c.next("message")).seq]).toEqual([1, 2]);
  });

  it("mutes live, closes a banned user's sockets with 4003 and ends the room with 4004", async () => {
    const host = newId("h");
    const id = await room(host, [`${host}-m`, `${host}-b`]);
    const h = await connect(id, host);
    const m = await connect(id, `${host}-m`);
    const b = await connect(id, `${host}-b`);
    await admin("/chatroom/set_black_status", {
      chatroomId: id,
      userId: `${host}-m`,
      status: 1,
      expiredTime: Date.now() + 60_000,
    });
    expect(await h.next("moderation")).toMatchObject({ event: "muted", userId: `${host}-m` });
    m.send({ type: "send", clientMsgId: "x", content: "muted?" });
    expect(await m.next("error")).toMatchObject({ code: "MUTED", clientMsgId: "x" });
    await admin("/chatroom/set_black_status", { chatroomId: id, userId: `${host}-b`, status: 2 });
    expect((await b.closed).code).toBe(4003);
    expect(await h.next("member")).toMatchObject({ event: "kicked", userId: `${host}-b` });
    await admin("/chatroom/del", { chatroomId: id });
    expect(await h.next("room")).toMatchObject({ event: "ending" });
    expect((await h.closed).code).toBe(4004);
    expect((await m.closed).code).toBe(4004);
    const after = await openSocket(id, host);
    expect(after instanceof Response && after.status).toBe(409);
    void env;
  });
});
