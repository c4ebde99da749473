// End-to-end: the real-time protocol (SPEC §4) with real `ws` clients against `wrangler dev` at the
// default limits — chat, dedupe, resume, moderation with expiry, ban, mute-all, rate limit, room end.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { RoomSocket, uid } from "./client.mjs";
import { serverForSuite } from "./suite.mjs";

describe("real-time protocol against wrangler dev", () => {
  const suite = serverForSuite();
  const { api, token, connect } = suite;

  /** A fresh closed room created by `host` (FlameTalk create) with `members`; returns its id. */
  async function room(host, ...members) {
    const res = await api("POST", "/chatroom", await token(host), {
      hostId: host,
      isOpen: false,
      users: [host, ...members],
      title: uid("room"),
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.data.chatroomId;
  }

  /** Sends and waits for the ack (failing on an error frame). */
  async function sendOk(socket, content, clientMsgId) {
    const id = socket.say(content, clientMsgId);
    const reply = await socket.reply(id);
    assert.equal(reply.type, "ack", `send ${id} acked, got ${JSON.stringify(reply)}`);
    return reply;
  }

  const messagesIn = (socket) => socket.log.filter((frame) => frame.type === "message");

  it("delivers every message to both users with gapless seqs and acks the sender", async () => {
    const [a, b] = [uid("a"), uid("b")];
    const chatroomId = await room(a, b);
    const sa = await connect(chatroomId, a);
    const sb = await connect(chatroomId, b);
    assert.equal(sa.welcome.chatroomId, chatroomId);
    assert.equal(sa.welcome.userId, a);
    assert.equal(sa.welcome.role, "host");
    assert.equal(sa.welcome.lastSeq, 0);
    assert.equal(sb.welcome.role, "member");
    assert.ok(sb.welcome.online.includes(a) && sb.welcome.online.includes(b));
    const presence = await sa.next("presence", undefined, (frame) => frame.userId === b);
    assert.equal(presence.online, true);

    const plan = [
      [sa, a, "hello from a"],
      [sb, b, "hi a, b here"],
      [sa, a, "third"],
    ];
    const acks = [];
    for (const [socket, , content] of plan) acks.push(await sendOk(socket, content));
    assert.deepEqual(
      acks.map((ack) => [ack.seq, ack.duplicate]),
      [
        [1, false],
        [2, false],
        [3, false],
      ],
    );
    for (const socket of [sa, sb]) {
      const received = [];
      for (let i = 0; i < plan.length; i++) received.push(await socket.next("message"));
      assert.deepEqual(
        received.map((m) => [m.seq, m.senderId, m.content, m.contentType]),
        plan.map(([, sender, content], i) => [i + 1, sender, content, "text"]),
      );
      assert.deepEqual(
        received.map((m) => m.clientMsgId),
        acks.map((ack) => ack.clientMsgId),
      );
    }
    // Only the sending socket gets the ack.
    assert.equal(sb.log.filter((frame) => frame.type === "ack").length, 1);
    assert.equal(sa.log.filter((frame) => frame.type === "ack").length, 2);
  });

  it("answers an invalid frame with an error frame and keeps the connection", async () => {
    const [a, b] = [uid("a"), uid("b")];
    const chatroomId = await room(a, b);
    const sa = await connect(chatroomId, a);
    sa.ws.send("this is not json");
    assert.equal((await sa.next("error")).code, "BAD_REQUEST");
    sa.send({ type: "send", clientMsgId: "empty", content: "" });
    const empty = await sa.next("error");
    assert.equal(empty.code, "BAD_REQUEST");
    assert.match(empty.message, /content/);
    assert.equal((await sendOk(sa, "still here")).seq, 1);

    const refused = await RoomSocket.refusal(suite.server.wsUrl, chatroomId, "not-a-token");
    assert.equal(refused.status, 401);
    assert.equal(refused.body.code, "UNAUTHORIZED");
    const stranger = await RoomSocket.refusal(suite.server.wsUrl, chatroomId, await token(uid("stranger")));
    assert.equal(stranger.status, 403);
  });

  it("dedupes a repeated clientMsgId: duplicate ack, delivered once", async () => {
    const [a, b] = [uid("a"), uid("b")];
    const chatroomId = await room(a, b);
    const sa = await connect(chatroomId, a);
    const sb = await connect(chatroomId, b);
    const first = await sendOk(sa, "only once", "dup-1");
    assert.equal(first.duplicate, false);
    const second = await sendOk(sa, "only once", "dup-1");
    assert.equal(second.duplicate, true);
    assert.equal(second.seq, first.seq);
    assert.equal(second.ts, first.ts);
    // A later message proves b has seen everything sent before it.
    const later = await sendOk(sa, "after the duplicate");
    assert.equal(later.seq, first.seq + 1);
    await sb.message(later.clientMsgId);
    assert.deepEqual(
      messagesIn(sb).map((m) => [m.seq, m.clientMsgId]),
      [
        [1, "dup-1"],
        [2, later.clientMsgId],
      ],
    );
    const history = await api("GET", `/chatrooms/${chatroomId}/messages?after=0`, await token(b));
    assert.equal(history.status, 200);
    assert.deepEqual(
      history.body.data.messages.map((m) => m.clientMsgId),
      ["dup-1", later.clientMsgId],
    );
  });

  it("resumes after a disconnect with since=<last seq>: the missed messages, in order, before live traffic", async () => {
    const [a, b] = [uid("a"), uid("b")];
    const chatroomId = await room(a, b);
    const sa = await connect(chatroomId, a);
    const sb = await connect(chatroomId, b);
    await sendOk(sa, "before the drop");
    const seen = (await sb.next("message")).seq;
    assert.equal(seen, 1);
    await sb.close();
    await sa.next("presence", undefined, (frame) => frame.userId === b && frame.online === false);

    const missed = [];
    for (const content of ["missed 1", "missed 2", "missed 3"]) missed.push(await sendOk(sa, content));
    assert.deepEqual(
      missed.map((ack) => ack.seq),
      [2, 3, 4],
    );

    const back = await connect(chatroomId, b, { since: seen });
    assert.equal(back.log[0].type, "welcome", "welcome comes first");
    assert.equal(back.welcome.lastSeq, 4);
    const live = await sendOk(sa, "live again");
    const received = [];
    for (let i = 0; i < 4; i++) received.push(await back.next("message"));
    assert.deepEqual(
      received.map((m) => [m.seq, m.content]),
      [
        [2, "missed 1"],
        [3, "missed 2"],
        [4, "missed 3"],
        [5, "live again"],
      ],
    );
    assert.equal(received[3].clientMsgId, live.clientMsgId);
    assert.equal(messagesIn(back).length, 4, "nothing replayed twice");

    // Reconnecting up to date replays nothing.
    const again = await connect(chatroomId, b, { since: 5 });
    const next = await sendOk(sa, "after catching up");
    assert.equal((await again.next("message")).seq, next.seq);
    assert.equal(messagesIn(again).length, 1);
  });

  it("mutes with an expiry: MUTED error, moderation frames, lifted by the alarm on time", async () => {
    const [host, m] = [uid("host"), uid("m")];
    const chatroomId = await room(host, m);
    const sh = await connect(chatroomId, host);
    const sm = await connect(chatroomId, m);
    const expiredTime = Date.now() + 2000;
    const set = await suite.server.admin("/chatroom/set_black_status", {
      chatroomId,
      userId: m,
      status: 1,
      expiredTime,
    });
    assert.equal(set.code, 0, JSON.stringify(set));
    for (const socket of [sh, sm]) {
      const muted = await socket.next("moderation", undefined, (frame) => frame.event === "muted");
      assert.equal(muted.userId, m);
      assert.equal(muted.until, expiredTime);
    }
    const black = await suite.server.admin("/chatroom/get_black_status", { chatroomId });
    assert.deepEqual(black.result.infos, [{ userId: m, state: 1, expiredTime }]);

    const refusedId = sm.say("while muted");
    const refused = await sm.reply(refusedId);
    assert.equal(refused.type, "error");
    assert.equal(refused.code, "MUTED");
    assert.equal((await sendOk(sh, "host still talks")).seq, 1);

    const unmuted = await sm.next("moderation", 6000, (frame) => frame.event === "unmuted");
    assert.ok(Date.now() >= expiredTime - 50, "lifted no earlier than the expiry");
    assert.equal(unmuted.userId, m);
    await sh.next("moderation", undefined, (frame) => frame.event === "unmuted" && frame.userId === m);
    const ack = await sendOk(sm, "free again");
    assert.equal(ack.seq, 2);
    await sh.message(ack.clientMsgId);
    assert.ok(!messagesIn(sh).some((msg) => msg.clientMsgId === refusedId), "the muted send was never delivered");
    assert.deepEqual((await suite.server.admin("/chatroom/get_black_status", { chatroomId })).result.infos, []);
  });

  it("bans: the banned socket closes with 4003 and reconnecting is refused with 403", async () => {
    const [host, m] = [uid("host"), uid("m")];
    const chatroomId = await room(host, m);
    const sh = await connect(chatroomId, host);
    const sm = await connect(chatroomId, m);
    const set = await suite.server.admin("/chatroom/set_black_status", { chatroomId, userId: m, status: 2 });
    assert.equal(set.code, 0, JSON.stringify(set));
    const closed = await sm.closeCode();
    assert.equal(closed.code, 4003);
    const banned = await sh.next("moderation", undefined, (frame) => frame.event === "banned");
    assert.equal(banned.userId, m);
    await sh.next("member", undefined, (frame) => frame.event === "kicked" && frame.userId === m);

    const refused = await RoomSocket.refusal(suite.server.wsUrl, chatroomId, await token(m));
    assert.equal(refused.status, 403);
    assert.equal(refused.body.code, "BANNED");
    const send = await api("POST", `/chatrooms/${chatroomId}/messages`, await token(m), {
      clientMsgId: "banned-http",
      content: "let me in",
    });
    assert.equal(send.status, 403);
    assert.equal(send.body.code, "BANNED");
    // The host's socket is unaffected.
    assert.equal((await sendOk(sh, "carry on")).seq, 1);
  });

  it("mute-all: a plain member gets MUTED, the host can still send", async () => {
    const [host, m] = [uid("host"), uid("m")];
    const chatroomId = await room(host, m);
    const sh = await connect(chatroomId, host);
    const sm = await connect(chatroomId, m);
    assert.equal(sm.welcome.muteAll, false);
    assert.equal((await suite.server.admin("/chatroom/mute_all", { chatroomId, status: 1 })).code, 0);
    const on = await sm.next("moderation", undefined, (frame) => frame.event === "muteAll");
    assert.equal(on.on, true);

    const refused = await sm.reply(sm.say("can I speak?"));
    assert.equal(refused.type, "error");
    assert.equal(refused.code, "MUTED");
    const hostAck = await sendOk(sh, "only the host speaks");
    assert.equal(hostAck.seq, 1);
    assert.equal((await sm.message(hostAck.clientMsgId)).senderId, host);

    assert.equal((await suite.server.admin("/chatroom/mute_all", { chatroomId, status: 0 })).code, 0);
    await sm.next("moderation", undefined, (frame) => frame.event === "muteAll" && frame.on === false);
    assert.equal((await sendOk(sm, "thanks")).seq, 2);
  });

  it("rate limits a burst of 30 sends without losing or duplicating an accepted message", async () => {
    const [a, b] = [uid("a"), uid("b")];
    const chatroomId = await room(a, b);
    const sa = await connect(chatroomId, a);
    const sb = await connect(chatroomId, b);
    const ids = Array.from({ length: 30 }, (_, i) => `burst-${i}`);
    for (const id of ids) sa.send({ type: "send", clientMsgId: id, content: `message ${id}` });
    // Frames of one socket are handled in order: this answer comes after every send's.
    sa.send({ type: "history", limit: 1 });
    await sa.next("history");
    const replies = sa.log.filter(
      (frame) => (frame.type === "ack" || frame.type === "error") && ids.includes(frame.clientMsgId),
    );

    const accepted = replies.filter((reply) => reply.type === "ack");
    const limited = replies.filter((reply) => reply.type === "error");
    assert.ok(accepted.length >= 10, `the burst of 10 was accepted (got ${accepted.length})`);
    // Refused sends get at most one RATE_LIMITED notice per second, not one each (SPEC §8.1).
    assert.ok(limited.length >= 1 && limited.length <= 3, `one notice a second (got ${limited.length})`);
    for (const error of limited) {
      assert.equal(error.code, "RATE_LIMITED");
      assert.ok(error.retryAfterSec >= 1);
    }
    assert.deepEqual(
      accepted.map((ack) => ack.seq).sort((x, y) => x - y),
      accepted.map((_, i) => i + 1),
      "accepted sends got gapless seqs",
    );
    assert.ok(accepted.every((ack) => ack.duplicate === false));

    // b's own message, sent after the burst, arrives after everything the burst stored.
    const sentinel = await sendOk(sb, "sentinel");
    assert.equal(sentinel.seq, accepted.length + 1);
    for (const socket of [sa, sb]) {
      await socket.message(sentinel.clientMsgId);
      const delivered = messagesIn(socket).filter((m) => m.senderId === a);
      assert.deepEqual(
        delivered.map((m) => m.seq),
        accepted.map((_, i) => i + 1),
        "every accepted message delivered once, in seq order",
      );
      assert.deepEqual(new Set(delivered.map((m) => m.clientMsgId)), new Set(accepted.map((ack) => ack.clientMsgId)));
      const acceptedIds = new Set(accepted.map((ack) => ack.clientMsgId));
      assert.ok(
        delivered.every((m) => acceptedIds.has(m.clientMsgId)),
        "no refused send was delivered",
      );
    }
  });

  it("turns a storm of reactions into a few coalesced frames that every socket hears, with the counts and the actors", async () => {
    const users = [uid("h"), uid("m1"), uid("m2"), uid("m3")];
    const chatroomId = await room(...users);
    const sockets = [];
    for (const user of users) sockets.push(await connect(chatroomId, user));
    const seq = (await sendOk(sockets[0], "storm")).seq;
    // 4 users × 5 emoji: 20 changes in one burst, whatever order the room handles them in.
    for (let round = 0; round < 5; round++) {
      for (const socket of sockets) socket.send({ type: "react", seq, emoji: `e${round}` });
    }
    const final = JSON.stringify([0, 1, 2, 3, 4].map((i) => ({ emoji: `e${i}`, count: 4 })));
    for (const socket of sockets) {
      const frames = [];
      do frames.push(await socket.next("reaction", 10_000));
      while (JSON.stringify(frames.at(-1).reactions) !== final);
      assert.ok(frames.length < 20, `coalesced: ${frames.length} frames for 20 changes`);
      const changes = frames.flatMap((frame) => frame.changes);
      assert.equal(changes.length, 20);
      assert.deepEqual(new Set(changes.map((change) => change.userId)), new Set(users));
      assert.ok(frames.every((frame) => frame.seq === seq));
    }
  });

  it("ends a deleted room: a room ended frame, then every socket closes with 4004", async () => {
    const [host, m, n] = [uid("host"), uid("m"), uid("n")];
    const chatroomId = await room(host, m, n);
    const all = [await connect(chatroomId, host), await connect(chatroomId, m), await connect(chatroomId, n)];
    assert.equal((await suite.server.admin("/chatroom/del", { chatroomId })).code, 0);
    for (const socket of all) {
      const ended = await socket.next("room", undefined, (frame) => frame.event === "ended");
      const closed = await socket.closeCode();
      assert.equal(closed.code, 4004);
      assert.ok(socket.log.indexOf(ended) < closed.framesBefore, "the ended frame came before the close");
    }
    const info = await suite.server.admin("/chatroom/info", { chatroomId });
    assert.equal(info.result.state, 2);
    const refused = await RoomSocket.refusal(suite.server.wsUrl, chatroomId, await token(m));
    assert.ok(refused.status >= 400 && refused.status < 500, `reconnect refused (got ${refused.status})`);
  });
});
