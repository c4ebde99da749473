/**
 * Live rooms (SPEC §8.5): any signed-in, unbanned user connects without joining, through the shard
 * their id maps to; the room sequences and stores, and every shard fans out.
 */
import { describe, expect, it } from "vitest";
import { admin, newId } from "../helpers/admin";
import { api } from "../helpers/api";
import { liveRoom, spread, viewer } from "../helpers/live";
import { upgrade } from "../helpers/socket";

describe("live rooms", () => {
  it("lets anyone connect without joining, across shards, and delivers every message to everyone in order", async () => {
    const id = await liveRoom(4);
    const users = spread(newId("v"), 4, 6);
    const sockets = [];
    for (const user of users) sockets.push(await viewer(id, user));
    for (let i = 0; i < 5; i++) {
      sockets[i % sockets.length]?.send({ type: "send", clientMsgId: `m${i}`, content: `hello ${i}` });
      await sockets[i % sockets.length]?.next("ack");
    }
    for (const socket of sockets) {
      const seqs: number[] = [];
      while (seqs.length < 5) seqs.push(Number((await socket.next("message")).seq));
      expect(seqs).toEqual([1, 2, 3, 4, 5]);
    }
    const info = await admin<{ memberCount: number }>("/chatroom/info", { chatroomId: id });
    expect(info.result?.memberCount).toBeGreaterThanOrEqual(0);
  });

  it("counts the audience: memberCount and online frames follow who is connected", async () => {
    const id = await liveRoom(2);
    const users = spread(newId("c"), 2, 3);
    const first = await viewer(id, users[0] as string);
    for (const user of users.slice(1)) await viewer(id, user);
    let count = 0;
    while (count !== 3) count = Number((await first.next("online", 5000)).count);
    const info = await admin<{ memberCount: number }>("/chatroom/info", { chatroomId: id });
    expect(info.result?.memberCount).toBe(3);
  });

  it("closes a banned viewer at once (4003) and refuses them at connect; a muted one cannot send", async () => {
    const id = await liveRoom(4);
    const [bad, loud, other] = spread(newId("m"), 4, 3) as [string, string, string];
    const badSocket = await viewer(id, bad);
    const loudSocket = await viewer(id, loud);
    await viewer(id, other);
    expect((await admin("/chatroom/set_black_status", { chatroomId: id, userId: bad, status: 2 })).code).toBe(0);
    expect((await badSocket.closed).code).toBe(4003);
    const again = await upgrade(id, bad);
    expect(again.status).toBe(403);
    expect((await admin("/chatroom/set_black_status", { chatroomId: id, userId: loud, status: 1 })).code).toBe(0);
    loudSocket.send({ type: "send", clientMsgId: "x", content: "can I?" });
    expect(await loudSocket.next("error")).toMatchObject({ code: "MUTED", clientMsgId: "x" });
  });

  it("resumes a reconnecting viewer from the shard's ring without loss or duplicates", async () => {
    const id = await liveRoom(2);
    const [a, b] = spread(newId("r"), 2, 2) as [string, string];
    const talker = await viewer(id, a);
    const listener = await viewer(id, b);
    talker.send({ type: "send", clientMsgId: "1", content: "one" });
    expect((await listener.next("message")).seq).toBe(1);
    listener.ws.close(1000, "bye");
    for (const n of [2, 3]) {
      talker.send({ type: "send", clientMsgId: String(n), content: String(n) });
      await talker.next("ack");
    }
    const back = await viewer(id, b, "&since=1");
    expect([(await back.next("message")).seq, (await back.next("message")).seq]).toEqual([2, 3]);
    talker.send({ type: "send", clientMsgId: "4", content: "four" });
    expect((await back.next("message")).seq).toBe(4);
  });

  it("keeps the mode fixed: an update asking for another mode is refused, naming it", async () => {
    const id = await liveRoom(2);
    const reply = await admin("/chatroom/create", { chatroomId: id, title: "x", mode: "normal" });
    expect(reply).toMatchObject({ code: 251, msg: "mode: fixed at creation (this room is live)" });
    const created = await api("POST", "/chatroom", {
      as: "host-live-1",
      body: { hostId: "host-live-1", isOpen: true, users: ["host-live-1"], mode: "live", shards: 3 },
    });
    expect(created.status).toBe(201);
    const info = await api("GET", `/chatrooms/${created.body.data?.chatroomId}`, { as: "someone-else-1" });
    expect(info.body.data).toMatchObject({ mode: "live", shards: 3 });
  });
});
