/**
 * POST /admin/chatroom/live_stats (edgeroom extension, SPEC §8.5): the room object's work counters and
 * each shard's, behind the admin signature only.
 */
import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { shardOf } from "../../src/live/shard-of";
import { admin, newId, tokenFor } from "../helpers/admin";
import { api } from "../helpers/api";
import { connect, type TestSocket } from "../helpers/socket";

interface Stats {
  chatroomId: string;
  mode: "normal" | "live";
  room: {
    lastSeq: number;
    sockets: number;
    online: number;
    socketWrites: number;
    fanout: {
      broadcasts: number;
      pushes: number;
      reports: number;
      activeShards: number[];
      fromShards: { calls: number; frames: number };
    } | null;
  };
  shards: {
    index: number;
    pushes: number;
    entries: number;
    forwarded: number;
    batches: number;
    sockets: number;
    online: number;
    socketWrites: number;
  }[];
}

const stats = (chatroomId: string) => admin<Stats>("/chatroom/live_stats", { chatroomId });

/** `count` users of a live room with `shards` shards, one per shard. */
function onePerShard(prefix: string, shards: number): string[] {
  const byShard = new Map<number, string>();
  for (let i = 0; byShard.size < shards; i++) {
    const user = `${prefix}-${i}`;
    if (!byShard.has(shardOf(user, shards))) byShard.set(shardOf(user, shards), user);
  }
  return [...byShard.values()];
}

async function messages(socket: TestSocket, count: number): Promise<number[]> {
  const seqs: number[] = [];
  while (seqs.length < count) seqs.push(Number((await socket.next("message")).seq));
  return seqs;
}

describe("admin live_stats", () => {
  it("answers only the signed admin API: 239 unsigned or with a client token, 244 with a wrong secret", async () => {
    const chatroomId = newId("live");
    expect((await admin("/chatroom/create", { chatroomId, title: "Live", mode: "live", shards: 2 })).code).toBe(0);
    const url = "https://edgeroom.test/admin/chatroom/live_stats";
    const body = JSON.stringify({ chatroomId });
    const unsigned = await SELF.fetch(url, { method: "POST", body });
    expect(await unsigned.json()).toEqual({ code: 239, msg: expect.stringContaining("not signed") });
    const asClient = await SELF.fetch(url, {
      method: "POST",
      body,
      headers: { "content-type": "application/json", "access-token": await tokenFor("viewer-1") },
    });
    expect(await asClient.json()).toEqual({ code: 239, msg: expect.stringContaining("not signed") });
    expect(await admin("/chatroom/live_stats", { chatroomId }, { secret: "wrong-secret" })).toEqual({
      code: 244,
      msg: expect.any(String),
    });
  });

  it("answers 253 for an unknown room and 251 naming a bad id, creating nothing", async () => {
    const chatroomId = newId("nothing");
    expect(await stats(chatroomId)).toEqual({ code: 253, msg: expect.stringContaining("not exist") });
    expect((await admin("/chatroom/info", { chatroomId })).code).toBe(253);
    const bad = await admin("/chatroom/live_stats", { chatroomId: "bad id!" });
    expect(bad.code).toBe(251);
    expect(bad.msg).toContain("chatroomId");
  });

  it("shows a normal room's own sockets and socket writes, and no shards", async () => {
    const host = newId("h");
    const created = await api("POST", "/chatroom", {
      as: host,
      body: { hostId: host, isOpen: false, users: [host, `${host}-m`] },
    });
    const id = String(created.body.data?.chatroomId);
    const a = await connect(id, host);
    const b = await connect(id, `${host}-m`);
    a.send({ type: "send", clientMsgId: "1", content: "hello" });
    await messages(b, 1);
    const reply = await stats(id);
    expect(reply.code).toBe(0);
    expect(reply.result).toMatchObject({ chatroomId: id, mode: "normal", shards: [] });
    expect(reply.result?.room).toMatchObject({ lastSeq: 1, sockets: 2, online: 2, fanout: null });
    // Welcomes, presence, the ack and the message: every frame is this object's own socket write.
    expect(reply.result?.room.socketWrites).toBeGreaterThanOrEqual(4);
    a.ws.close();
    b.ws.close();
  });

  it("shows a live room's work in its shards: the room object holds no socket and writes to none", async () => {
    const id = newId("live");
    expect((await admin("/chatroom/create", { chatroomId: id, title: "Live", mode: "live", shards: 2 })).code).toBe(0);
    const users = onePerShard(newId("v"), 2);
    const sockets = [];
    for (const user of users) {
      const socket = await connect(id, user);
      await socket.next("welcome");
      sockets.push(socket);
    }
    const [talker, listener] = sockets as [TestSocket, TestSocket];
    for (let i = 1; i <= 3; i++) talker.send({ type: "send", clientMsgId: String(i), content: `m${i}` });
    expect(await messages(listener, 3)).toEqual([1, 2, 3]);
    expect(await messages(talker, 3)).toEqual([1, 2, 3]);
    const { code, result } = await stats(id);
    expect(code).toBe(0);
    const { room, shards } = result as Stats;
    expect(room).toMatchObject({ lastSeq: 3, sockets: 0, online: 0, socketWrites: 0 });
    expect(room.fanout?.fromShards.frames).toBe(3);
    expect(room.fanout?.activeShards.sort()).toEqual([0, 1]);
    // One push per shard carries a turn's broadcasts: never more pushes than broadcasts × shards.
    expect(room.fanout?.pushes).toBeGreaterThanOrEqual(2);
    expect(room.fanout?.pushes).toBeLessThanOrEqual((room.fanout?.broadcasts ?? 0) * 2);
    expect(shards.map((shard) => shard.index)).toEqual([0, 1]);
    expect(shards.reduce((sum, shard) => sum + shard.forwarded, 0)).toBe(3);
    for (const shard of shards) {
      expect(shard).toMatchObject({ sockets: 1, online: 1 });
      expect(shard.entries).toBeGreaterThanOrEqual(3);
      expect(shard.socketWrites).toBeGreaterThanOrEqual(2);
    }
    for (const socket of sockets) socket.ws.close();
  });
});
