// The room-side abuse findings of the hardening review (SPEC §8.1) against a real `wrangler dev` at the
// SPEC defaults (only OVER_BUDGET_CLOSE_MS is shortened, so the 4008 close shows within the test): a
// typing or history flood from one member, too many sockets or connects from one user, the manager
// lifecycle and restriction ranks, reserved content types, probes of rooms that do not exist, the batch
// size cap on a large resume, and a retried send answered as a duplicate even when over the rate limit.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { openRoomSocket, RoomSocket, roomSocketUrl, uid, unpackFrames, WAIT_MS, withTimeout } from "./client.mjs";
import { serverForSuite } from "./suite.mjs";

const OVER_BUDGET_CLOSE_MS = 3000;
/** SPEC defaults these tests rely on. */
const TYPING_INTERVAL_MS = 2000;
const MAX_SOCKETS_PER_USER = 5;
const CONNECTS_PER_10S = 10;
const BATCH_MAX_BYTES = 512 * 1024;

/** A Wildfire admin send body: `sender` says `content` in `room` (payload type 1 is text). */
const adminSend = (room, sender, content, { type = 1, clientMsgId } = {}) => ({
  sender,
  conv: { type: 2, target: room, line: 0 },
  payload: { type, searchableContent: content },
  ...(clientMsgId ? { clientMsgId } : {}),
});

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

describe("room-side abuse limits against wrangler dev", () => {
  const suite = serverForSuite({ OVER_BUDGET_CLOSE_MS: String(OVER_BUDGET_CLOSE_MS) });
  const { api, token } = suite;
  /** A room created by `host` over the client API with `members` in it; returns its id. */
  const roomWith = async (host, members) => {
    const res = await api("POST", "/chatrooms", await token(host), {
      hostId: host,
      isOpen: true,
      users: [host, ...members],
      title: "hardening",
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.data.chatroomId;
  };

  it("lets one member's typing flood reach others at most once per interval; another member's message is not held up", async (t) => {
    const [host, flooder, watcher] = [uid("host"), uid("flood"), uid("watch")];
    const room = await roomWith(host, [flooder, watcher]);
    const flood = await RoomSocket.open(suite.server.wsUrl, room, await token(flooder));
    const watch = await RoomSocket.open(suite.server.wsUrl, room, await token(watcher));
    const speaker = await RoomSocket.open(suite.server.wsUrl, room, await token(host));
    for (const socket of [flood, watch, speaker]) await socket.next("welcome");
    const started = Date.now();
    for (let i = 0; i < 300; i++) flood.send({ type: "typing" });
    const said = speaker.say("through the flood");
    const sentAt = Date.now();
    await watch.message(said);
    const delivered = Date.now() - sentAt;
    t.diagnostic(`a message sent during a 300-frame typing flood reached another member in ${delivered} ms`);
    assert.ok(delivered < 1000, `delivered in ${delivered} ms`);
    await sleep(TYPING_INTERVAL_MS + 500 - (Date.now() - started));
    const typings = watch.takeAll("typing").filter((frame) => frame.userId === flooder);
    assert.ok(typings.length >= 1 && typings.length <= 2, `${typings.length} typing frames reached the watcher`);
    // The flooder is told, at most once per second, and stays connected (it stopped in time).
    const notices = flood.log.filter((frame) => frame.type === "error" && frame.code === "RATE_LIMITED");
    assert.ok(notices.length >= 1 && notices.length <= 3, `${notices.length} RATE_LIMITED notices`);
    assert.equal(flood.closeInfo, null);
    await Promise.all([flood, watch, speaker].map((socket) => socket.close()));
  });

  it("answers at most HISTORY_FRAMES_PER_SEC history frames a second, then one RATE_LIMITED a second", async () => {
    const [host, reader] = [uid("host"), uid("reader")];
    const room = await roomWith(host, [reader]);
    const socket = await RoomSocket.open(suite.server.wsUrl, room, await token(reader));
    await socket.next("welcome");
    for (let i = 0; i < 50; i++) socket.send({ type: "history", limit: 100 });
    await sleep(1500);
    const pages = socket.log.filter((frame) => frame.type === "history");
    const notices = socket.log.filter((frame) => frame.type === "error" && frame.code === "RATE_LIMITED");
    // Two a second, with whatever the bucket refilled over the 1.5 s of waiting.
    assert.ok(pages.length >= 2 && pages.length <= 5, `${pages.length} history pages answered`);
    assert.ok(notices.length >= 1 && notices.length <= 2, `${notices.length} RATE_LIMITED notices`);
    assert.equal(socket.closeInfo, null);
    await socket.close();
  });

  it("closes a socket over budget for OVER_BUDGET_CLOSE_MS with 4008; the room keeps serving the others", async () => {
    const [host, flooder] = [uid("host"), uid("flood")];
    const room = await roomWith(host, [flooder]);
    const flood = await RoomSocket.open(suite.server.wsUrl, room, await token(flooder));
    const other = await RoomSocket.open(suite.server.wsUrl, room, await token(host));
    await flood.next("welcome");
    await other.next("welcome");
    const timer = setInterval(() => {
      if (flood.closeInfo) return;
      for (let i = 0; i < 60; i++) flood.send({ type: "typing" });
    }, 100);
    try {
      const closed = await flood.closeCode(OVER_BUDGET_CLOSE_MS + 3000);
      assert.equal(closed.code, 4008);
      assert.match(closed.reason, /./);
    } finally {
      clearInterval(timer);
    }
    const said = other.say("still served");
    assert.equal((await other.reply(said)).type, "ack");
    await other.close();
  });

  it("refuses the socket past MAX_SOCKETS_PER_USER and the connect past CONNECTS_PER_10S with 429", async () => {
    const [host, user] = [uid("host"), uid("many")];
    const room = await roomWith(host, [user]);
    const userToken = await token(user);
    const open = [];
    for (let i = 0; i < MAX_SOCKETS_PER_USER; i++) {
      const socket = await RoomSocket.open(suite.server.wsUrl, room, userToken);
      await socket.next("welcome");
      open.push(socket);
    }
    const extra = await RoomSocket.refusal(suite.server.wsUrl, room, userToken);
    assert.equal(extra.status, 429);
    assert.equal(extra.body.code, "RATE_LIMITED");
    // Closing one makes room for one more, until the connect budget of the 10 s window runs out.
    let connects = MAX_SOCKETS_PER_USER + 1; // the refused one counts
    let refused = null;
    while (connects <= CONNECTS_PER_10S + 1 && refused === null) {
      await open.shift().close();
      const result = await RoomSocket.refusal(suite.server.wsUrl, room, userToken);
      connects++;
      if (result.status !== 101) refused = result;
      open.push(await RoomSocket.open(suite.server.wsUrl, room, userToken).catch(() => null));
    }
    assert.ok(refused, "a connect was refused once the 10 s budget ran out");
    assert.equal(refused.status, 429);
    // Another user is not affected.
    const bystander = await RoomSocket.open(suite.server.wsUrl, room, await token(host));
    await bystander.next("welcome");
    await Promise.all([...open.filter(Boolean), bystander].map((socket) => socket.close()));
  });

  it("clears a manager who leaves or is banned; the host can revoke a manager who is no longer a member", async () => {
    const [host, manager, other, target] = [uid("host"), uid("mgr"), uid("mgr2"), uid("target")];
    const room = await roomWith(host, [manager, other, target]);
    const hostToken = await token(host);
    const roleOf = async (userId) =>
      (await api("GET", `/chatrooms/${room}`, await token(userId))).body.data?.role ?? null;
    for (const userId of [manager, other])
      assert.equal((await api("PUT", `/chatrooms/${room}/managers/${userId}`, hostToken)).status, 200);
    assert.equal(await roleOf(manager), "manager");
    // Leaving clears the designation: back as a plain member after rejoining.
    assert.equal((await api("POST", `/chatrooms/${room}/leave`, await token(manager), {})).status, 200);
    assert.equal((await api("DELETE", `/chatrooms/${room}/managers/${manager}`, hostToken)).status, 200);
    assert.equal((await api("POST", `/chatrooms/${room}/join`, await token(manager), {})).status, 200);
    assert.equal(await roleOf(manager), "member");
    const stillManager = await api("PUT", `/chatrooms/${room}/restrictions/${target}`, await token(manager), {
      status: 1,
    });
    assert.equal(stillManager.status, 403);
    // A ban clears it too.
    assert.equal(
      (await api("PUT", `/chatrooms/${room}/restrictions/${other}`, hostToken, { status: 2, durationSeconds: 60 }))
        .status,
      200,
    );
    assert.equal((await api("DELETE", `/chatrooms/${room}/restrictions/${other}`, hostToken)).status, 200);
    assert.equal((await api("POST", `/chatrooms/${room}/join`, await token(other), {})).status, 200);
    assert.equal(await roleOf(other), "member");
  });

  it("lets only the rank that set a restriction, or a higher one, lift it", async () => {
    const [host, manager, target] = [uid("host"), uid("mgr"), uid("target")];
    const room = await roomWith(host, [manager, target]);
    const hostToken = await token(host);
    const managerToken = await token(manager);
    assert.equal((await api("PUT", `/chatrooms/${room}/managers/${manager}`, hostToken)).status, 200);
    assert.equal((await api("PUT", `/chatrooms/${room}/restrictions/${target}`, hostToken, { status: 1 })).status, 200);
    const lift = await api("DELETE", `/chatrooms/${room}/restrictions/${target}`, managerToken);
    assert.equal(lift.status, 403, JSON.stringify(lift.body));
    const shorten = await api("PUT", `/chatrooms/${room}/restrictions/${target}`, managerToken, {
      status: 1,
      durationSeconds: 1,
    });
    assert.equal(shorten.status, 403);
    const muted = await api("POST", `/chatrooms/${room}/messages`, await token(target), {
      clientMsgId: uid("c"),
      content: "hi",
    });
    assert.equal(muted.status, 403, "still muted");
    // A mute the manager set, the manager (and the host) may lift.
    assert.equal((await api("DELETE", `/chatrooms/${room}/restrictions/${target}`, hostToken)).status, 200);
    assert.equal(
      (await api("PUT", `/chatrooms/${room}/restrictions/${target}`, managerToken, { status: 1 })).status,
      200,
    );
    assert.equal((await api("DELETE", `/chatrooms/${room}/restrictions/${target}`, managerToken)).status, 200);
  });

  it("refuses content types reserved for server messages from users, over HTTP and on the socket", async () => {
    const [host, user] = [uid("host"), uid("user")];
    const room = await roomWith(host, [user]);
    const refused = await api("POST", `/chatrooms/${room}/messages`, await token(user), {
      clientMsgId: uid("c"),
      content: "fake notice",
      contentType: "system/notice",
    });
    assert.equal(refused.status, 400);
    assert.match(refused.body.message, /contentType/);
    const socket = await RoomSocket.open(suite.server.wsUrl, room, await token(user));
    await socket.next("welcome");
    const clientMsgId = uid("c");
    socket.send({ type: "send", clientMsgId, content: "fake", contentType: "wildfire/tip" });
    const reply = await socket.reply(clientMsgId);
    assert.equal(reply.type, "error");
    assert.match(reply.message, /contentType/);
    // The admin API may send one.
    const sent = await suite.server.admin("/message/send", adminSend(room, host, "notice", { type: 90 }));
    assert.equal(sent.code, 0, JSON.stringify(sent));
    assert.equal((await socket.next("message")).contentType, "wildfire/90");
    await socket.close();
  });

  it("answers probes of rooms that do not exist with 404 and leaves no room behind", async () => {
    const user = uid("probe");
    const userToken = await token(user);
    const ghost = uid("ghost");
    for (const path of [`/chatrooms/${ghost}`, `/chatrooms/${ghost}/messages`, `/chatrooms/${ghost}/members`]) {
      const res = await api("GET", path, userToken);
      assert.equal(res.status, 404, `${path}: ${JSON.stringify(res.body)}`);
    }
    assert.equal((await api("POST", `/chatrooms/${ghost}/join`, userToken, {})).status, 404);
    assert.equal((await RoomSocket.refusal(suite.server.wsUrl, ghost, userToken)).status, 404);
    const info = await suite.server.admin("/chatroom/info", { chatroomId: ghost });
    assert.equal(info.code, 253, "the probes created no room");
  });

  it("keeps every frame of a large resume under 512 KiB, in order and complete", async (t) => {
    // 100 messages (one replay batch) of 4,000 three-byte characters: ~1.2 MB to replay. Ten senders
    // send ten each, within every sender's burst.
    const [host, reader] = [uid("host"), uid("reader")];
    const senders = Array.from({ length: 10 }, (_, i) => uid(`s${i}`));
    const room = await roomWith(host, [reader, ...senders]);
    const content = "한".repeat(4000);
    const count = 100;
    for (const sender of senders) {
      for (let i = 0; i < count / senders.length; i++) {
        const sent = await suite.server.admin("/message/send", adminSend(room, sender, content));
        assert.equal(sent.code, 0, JSON.stringify(sent));
      }
    }
    const ws = openRoomSocket(roomSocketUrl(suite.server.wsUrl, room, await token(reader), { since: 0 }));
    const sizes = [];
    const seqs = [];
    await withTimeout(
      new Promise((resolve, reject) => {
        ws.on("error", reject);
        ws.on("message", (data) => {
          sizes.push(data.length);
          for (const frame of unpackFrames(data)) if (frame.type === "message") seqs.push(frame.seq);
          if (seqs.length === count) resolve();
        });
      }),
      WAIT_MS * 2,
      "the whole resume",
    );
    ws.close();
    t.diagnostic(
      `resume of ${count} messages arrived in ${sizes.length} socket messages, largest ${Math.max(...sizes)} bytes`,
    );
    assert.ok(Math.max(...sizes) < BATCH_MAX_BYTES, `largest message ${Math.max(...sizes)} bytes`);
    assert.deepEqual(
      seqs,
      Array.from({ length: count }, (_, i) => i + 1),
    );
  });

  it("answers a retried send as a duplicate even when the sender is over the rate limit", async () => {
    const [host, sender] = [uid("host"), uid("sender")];
    const room = await roomWith(host, [sender]);
    const socket = await RoomSocket.open(suite.server.wsUrl, room, await token(sender));
    await socket.next("welcome");
    const first = socket.say("first");
    const ack = await socket.reply(first);
    assert.equal(ack.type, "ack");
    // Spend the send budget, then retry the first send: a duplicate ack with the same seq, not a refusal.
    for (let i = 0; i < 20; i++) socket.say(`burst ${i}`);
    await socket.next("error", WAIT_MS, (frame) => frame.code === "RATE_LIMITED");
    socket.send({ type: "send", clientMsgId: first, content: "first" });
    const again = await socket.reply(first);
    assert.equal(again.type, "ack");
    assert.equal(again.seq, ack.seq);
    assert.equal(again.duplicate, true);
    await socket.close();
  });

  it("dedupes a retried admin send with the same clientMsgId", async () => {
    const host = uid("host");
    const room = await roomWith(host, []);
    const body = adminSend(room, host, "once", { clientMsgId: uid("adm") });
    const first = await suite.server.admin("/message/send", body);
    const second = await suite.server.admin("/message/send", body);
    assert.equal(first.code, 0, JSON.stringify(first));
    assert.equal(second.code, 0);
    assert.equal(second.result.messageUid, first.result.messageUid);
    const next = await suite.server.admin("/message/send", adminSend(room, host, "twice"));
    assert.equal(next.result.messageUid, first.result.messageUid + 1, "the retry took no seq");
  });
});
