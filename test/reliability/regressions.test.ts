import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { admin, adminRaw, newId, tokenFor } from "../helpers/admin";
import { api } from "../helpers/api";
import { connect } from "../helpers/socket";

/** One test per failure the reliability suites found (docs/reliability.md, "Failures found"). */
describe("regressions found by the reliability suites", () => {
  it("1: a body that is not labelled JSON is a 400 / 251 naming body, not a server error", async () => {
    const host = newId("h");
    const res = await SELF.fetch("https://edgeroom.test/api/chatroom", {
      method: "POST",
      headers: { "content-type": "text/plain", "access-token": await tokenFor(host) },
      body: JSON.stringify({ hostId: host, isOpen: false, users: [host] }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("body") });
    const signed = await adminRaw("/chatroom/create", { title: "x" }, { headers: { "content-type": "text/plain" } });
    expect(await signed.json()).toMatchObject({ code: 251, msg: expect.stringContaining("body") });
    expect((await api("GET", "/chatrooms", { as: host })).body.data?.count).toBe(0);
  });

  it("2: a body above the limit is 413 PAYLOAD_TOO_LARGE / 251 and is not acted on", async () => {
    const host = newId("h");
    const created = await api("POST", "/chatroom", { as: host, body: { hostId: host, isOpen: false, users: [host] } });
    const id = String(created.body.data?.chatroomId);
    const big = await api("POST", `/chatrooms/${id}/messages`, {
      as: host,
      body: { clientMsgId: "a", content: "ok", pad: "x".repeat(300_000) },
    });
    expect(big.status).toBe(413);
    expect(big.body.code).toBe("PAYLOAD_TOO_LARGE");
    const adminBig = await admin("/chatroom/create", { title: "t", pad: "x".repeat(300_000) });
    expect(adminBig.code).toBe(251);
    expect((await api("GET", `/chatrooms/${id}/messages`, { as: host })).body.data?.messages).toEqual([]);
  });

  it("3: a socket opened right after sends gets welcome first and each missed message once", async () => {
    const host = newId("h");
    const created = await api("POST", "/chatroom", { as: host, body: { hostId: host, isOpen: false, users: [host] } });
    const id = String(created.body.data?.chatroomId);
    const watcher = await connect(id, host);
    await watcher.next("welcome");
    // Sends and the connect race inside one coalescing window.
    const sends = ["1", "2", "3"].map((clientMsgId) =>
      api("POST", `/chatrooms/${id}/messages`, { as: host, body: { clientMsgId, content: clientMsgId } }),
    );
    await Promise.all(sends);
    const late = await connect(id, host, "&since=1");
    expect((await late.next()).type).toBe("welcome");
    expect([(await late.next()).seq, (await late.next()).seq]).toEqual([2, 3]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(late.pending.filter((frame) => frame.type === "message")).toEqual([]);
  });

  it("4: creating a room while D1 fails answers 201 with userChatroomId null, once", async () => {
    const host = newId("h");
    await env.DB.exec("ALTER TABLE user_rooms RENAME TO user_rooms_off");
    try {
      const res = await api("POST", "/chatroom", { as: host, body: { hostId: host, isOpen: false, users: [host] } });
      expect(res.status).toBe(201);
      expect(res.body.data?.userChatroomId).toBeNull();
    } finally {
      await env.DB.exec("ALTER TABLE user_rooms_off RENAME TO user_rooms");
    }
  });

  it("5: ill-formed text is refused naming the field, over HTTP and over the socket", async () => {
    const host = newId("h");
    const res = await api("POST", "/chatroom", {
      as: host,
      raw: `{"hostId":"${host}","isOpen":false,"users":["${host}"],"title":"a\\ud800b"}`,
    });
    expect(res.status).toBe(400);
    expect(res.body.message).toContain("title");
    const created = await api("POST", "/chatroom", { as: host, body: { hostId: host, isOpen: false, users: [host] } });
    const socket = await connect(String(created.body.data?.chatroomId), host);
    await socket.next("welcome");
    socket.send('{"type":"send","clientMsgId":"x","content":"a\\udc00"}');
    expect(await socket.next("error")).toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringContaining("content"),
    });
    const reply = await admin("/chatroom/create", { title: "a\ud800" });
    expect(reply).toMatchObject({ code: 251, msg: expect.stringContaining("title") });
  });

  it("6: the admin send counts 4000 characters like the other send paths", async () => {
    const chatroomId = newId("room");
    await admin("/chatroom/create", { chatroomId, title: "t" });
    await env.ROOMS.getByName(chatroomId).join("emoji", { imageUrl: null, openProfileId: null });
    const send = (content: string) =>
      admin("/message/send", {
        sender: "emoji",
        conv: { type: 2, target: chatroomId, line: 0 },
        payload: { type: 1, searchableContent: content },
      });
    const ok = "😀".repeat(3000);
    expect((await send(ok)).code).toBe(0);
    const viaHttp = await api("POST", `/chatrooms/${chatroomId}/messages`, {
      as: "emoji",
      body: { clientMsgId: "e", content: ok },
    });
    expect(viaHttp.status).toBe(201);
    expect((await send("x".repeat(4001))).code).toBe(251);
  });

  it("7: '.' and '..' are not ids", async () => {
    for (const chatroomId of [".", ".."]) {
      const reply = await admin("/chatroom/create", { chatroomId, title: "t" });
      expect(reply).toMatchObject({ code: 251, msg: expect.stringContaining("chatroomId") });
    }
    expect((await admin("/chatroom/create", { chatroomId: "...", title: "t" })).code).toBe(0);
  });
});
