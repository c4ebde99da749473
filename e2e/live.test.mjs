// End-to-end: a live room (SPEC §8.5) against `wrangler dev` at the default limits, with real `ws`
// clients — created through the FlameTalk API, viewers on several shards chatting, a ban closing a
// viewer at once, a resume after a dropped connection, and the strict order of answers to a burst.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { RoomSocket, uid, withTimeout } from "./client.mjs";
import { serverForSuite } from "./suite.mjs";

const SHARDS = 4;

/** The shard a user's sockets go to: FNV-1a of the id modulo the shard count (as the Worker computes it). */
function shardOf(userId, shards) {
  let hash = 0x811c9dc5;
  for (let i = 0; i < userId.length; i++) {
    hash ^= userId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % shards;
}

/** `count` fresh user ids on `count` distinct shards. */
function onDistinctShards(prefix, count) {
  const users = [];
  const used = new Set();
  for (let i = 0; users.length < count; i++) {
    const user = `${prefix}-${i}`;
    if (used.has(shardOf(user, SHARDS))) continue;
    used.add(shardOf(user, SHARDS));
    users.push(user);
  }
  return users;
}

describe("a live room against wrangler dev", () => {
  const suite = serverForSuite();
  const { api, token } = suite;

  /** A live room created by `host` through the FlameTalk API. */
  async function liveRoom(host) {
    const res = await api("POST", "/chatroom", await token(host), {
      hostId: host,
      isOpen: true,
      users: [host],
      title: uid("live"),
      mode: "live",
      shards: SHARDS,
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.data.chatroomId;
  }

  /** A viewer's socket, welcomed as one of a live room. */
  async function connect(chatroomId, userId, options) {
    const socket = await suite.connect(chatroomId, userId, options);
    assert.equal(socket.welcome.mode, "live");
    return socket;
  }

  it("lets viewers on four shards chat without joining: every message to everyone, in seq order, acked to its sender", async () => {
    const host = uid("host");
    const chatroomId = await liveRoom(host);
    const viewers = onDistinctShards(uid("v"), SHARDS);
    const open = [];
    for (const viewer of viewers) open.push(await connect(chatroomId, viewer));
    const acks = [];
    for (const socket of open) {
      const id = socket.say(`hello from ${socket.welcome.userId}`);
      const reply = await socket.reply(id);
      assert.equal(reply.type, "ack", JSON.stringify(reply));
      acks.push(reply.seq);
    }
    assert.deepEqual(acks, [1, 2, 3, 4]);
    for (const socket of open) {
      const seqs = [];
      for (let i = 0; i < 4; i++) seqs.push((await socket.next("message")).seq);
      assert.deepEqual(seqs, [1, 2, 3, 4]);
    }
    const info = await api("GET", `/chatrooms/${chatroomId}`, await token(host));
    assert.equal(info.body.data.mode, "live");
    assert.equal(info.body.data.shards, SHARDS);
  });

  it("closes a banned viewer's socket with 4003 as the ban answers, and refuses them at connect", async () => {
    const host = uid("host");
    const chatroomId = await liveRoom(host);
    const [bad, other] = onDistinctShards(uid("b"), 2);
    const badSocket = await connect(chatroomId, bad);
    const otherSocket = await connect(chatroomId, other);
    const banned = await api("PUT", `/chatrooms/${chatroomId}/restrictions/${bad}`, await token(host), { status: 2 });
    assert.equal(banned.status, 200);
    // The shard was told before the call answered: the close frame is already on its way.
    const closed = await badSocket.closeCode(2000);
    assert.equal(closed.code, 4003);
    const frame = await otherSocket.next("moderation");
    assert.deepEqual([frame.event, frame.userId], ["banned", bad]);
    const refused = await RoomSocket.refusal(suite.server.wsUrl, chatroomId, await token(bad));
    assert.equal(refused.status, 403);
    assert.equal(refused.body.code, "BANNED");
  });

  it("resumes a viewer whose connection dropped: since=<last seq> gives every missed message once, then live traffic", async () => {
    const host = uid("host");
    const chatroomId = await liveRoom(host);
    const [talker, reader] = onDistinctShards(uid("r"), 2);
    const t = await connect(chatroomId, talker);
    const r = await connect(chatroomId, reader);
    const first = t.say("before the drop");
    await t.reply(first);
    const seen = (await r.next("message")).seq;
    r.ws.terminate();
    await withTimeout(r.closed, 2000, "the dropped socket to close");
    for (const content of ["missed 1", "missed 2", "missed 3"]) await t.reply(t.say(content));
    const back = await connect(chatroomId, reader, { since: seen });
    assert.equal(back.welcome.lastSeq, 4);
    await t.reply(t.say("live again"));
    const received = [];
    for (let i = 0; i < 4; i++) received.push(await back.next("message"));
    assert.deepEqual(
      received.map((message) => [message.seq, message.content]),
      [
        [2, "missed 1"],
        [3, "missed 2"],
        [4, "missed 3"],
        [5, "live again"],
      ],
    );
    assert.equal(back.log.filter((frame) => frame.type === "message").length, 4, "nothing twice");
  });

  it("answers a burst on one socket strictly in the order its frames were sent: acks, history pages and errors", async () => {
    const host = uid("host");
    const chatroomId = await liveRoom(host);
    const [viewer] = onDistinctShards(uid("o"), 1);
    const socket = await connect(chatroomId, viewer);
    // Six long sends first, so that the room is still busy with them when the shard gets the bad frame
    // it answers itself: that answer must wait for theirs.
    const burst = [
      ...Array.from({ length: 6 }, (_, i) => ({ type: "send", clientMsgId: `p${i}`, content: "x".repeat(4000) })),
      "not json",
      { type: "send", clientMsgId: "o1", content: "one" },
      { type: "history", limit: 5 },
      { type: "send", clientMsgId: "o2", content: "two" },
      "not json",
      { type: "send", clientMsgId: "o3", content: "three" },
      { type: "history", limit: 5 },
      { type: "send", clientMsgId: "o3", content: "three" },
      { type: "send", clientMsgId: "o4", content: "" },
      { type: "send", clientMsgId: "o5", content: "five" },
    ];
    for (const frame of burst) socket.ws.send(typeof frame === "string" ? frame : JSON.stringify(frame));
    const answers = [];
    while (answers.length < burst.length) {
      const frame = await socket.next(null, 5000, (f) => ["ack", "history", "error"].includes(f.type));
      answers.push(frame);
    }
    const shape = (frame) => {
      if (frame.type === "ack") return `ack ${frame.clientMsgId} ${frame.seq}${frame.duplicate ? " dup" : ""}`;
      if (frame.type === "history") return `history ${frame.messages.map((m) => m.seq).join(",")}`;
      return `error ${frame.code}${frame.clientMsgId ? ` ${frame.clientMsgId}` : ""}`;
    };
    // Each history page is answered after the sends before it were stored, and before those after it.
    assert.deepEqual(answers.map(shape), [
      ...[1, 2, 3, 4, 5, 6].map((seq) => `ack p${seq - 1} ${seq}`),
      "error BAD_REQUEST",
      "ack o1 7",
      "history 7,6,5,4,3",
      "ack o2 8",
      "error BAD_REQUEST",
      "ack o3 9",
      "history 9,8,7,6,5",
      "ack o3 9 dup",
      "error BAD_REQUEST o4",
      "ack o5 10",
    ]);
  });
});
