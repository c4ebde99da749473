// The bundled client (public/client.js) in Node against a real `wrangler dev`, with the `ws` package as
// the WebSocket: typed API errors, send/ack, batch unpacking, reconnect-and-resume without loss,
// re-sending unacked messages, final closes (4003), refusals before the upgrade, and the room's abuse
// limits (SPEC §8.1) as the client meets them: RATE_LIMITED, 429 for a sixth socket, 4008.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import WebSocket from "ws";
import { ApiError, EdgeroomApi, RoomSocket, SocketError } from "../public/client.js";
import { nextEvent, WAIT_MS } from "./client.mjs";
import { startServer } from "./harness.mjs";

/** A WebSocket constructor that remembers every socket it made (and the raw text received), so a test can cut one. */
function trackedWebSocket() {
  const made = [];
  const raw = [];
  class Tracked extends WebSocket {
    constructor(url) {
      super(url, { closeTimeout: 500 });
      made.push(this);
      this.on("message", (data) => raw.push(String(data)));
    }
  }
  return { Tracked, made, raw };
}

/** A `ws` WebSocket that gives up on the TCP teardown quickly (see docs/decisions.md, local wrangler dev). */
class QuickClose extends WebSocket {
  constructor(url) {
    super(url, { closeTimeout: 500 });
  }
}

/** Polls until `check()` is truthy. */
async function until(check, what, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** `nextEvent` with twice the usual wait: many of these events follow a reconnect, which waits out a backoff first. */
const next = (socket, event, test, timeoutMs = 2 * WAIT_MS) => nextEvent(socket, event, test, timeoutMs);

describe("client library in Node (ws)", () => {
  let server;
  const api = {};
  let chatroomId;

  before(async () => {
    // A flood is closed with 4008 after 2 s instead of 10 s, so the test is short.
    server = await startServer({ DEV_MODE: "true", OVER_BUDGET_CLOSE_MS: "2000" });
    for (const user of ["alice", "bob", "carol"]) {
      api[user] = new EdgeroomApi({ baseUrl: server.url });
      await api[user].devToken(user);
    }
    const room = await api.alice.createChatroom({
      hostId: "alice",
      isOpen: false,
      users: ["alice", "bob"],
      title: "Node",
    });
    chatroomId = room.chatroomId;
  });
  after(async () => {
    await server?.stop();
  });

  it("throws ApiError with the envelope's status and code", async () => {
    await assert.rejects(api.carol.getChatroom(chatroomId), (error) => {
      assert.ok(error instanceof ApiError);
      assert.equal(error.status, 403);
      assert.equal(error.code, "FORBIDDEN");
      assert.equal(typeof error.message, "string");
      return true;
    });
    const anonymous = new EdgeroomApi({ baseUrl: server.url, token: "not-a-token" });
    await assert.rejects(anonymous.listChatrooms(), { name: "ApiError", status: 401, code: "UNAUTHORIZED" });
    await assert.rejects(api.alice.createChatroom({ hostId: "alice", isOpen: false, users: ["bob"] }), {
      status: 400,
      code: "BAD_REQUEST",
    });
    const unreachable = new EdgeroomApi({ baseUrl: "http://127.0.0.1:9", token: "x" });
    await assert.rejects(unreachable.listChatrooms(), { status: 0, code: "NETWORK_ERROR" });
  });

  it("sends, acks, resumes after a dropped connection and re-sends unacked messages", async () => {
    const alice = api.alice.socket(chatroomId, { WebSocket });
    const tracked = trackedWebSocket();
    const bob = new RoomSocket({
      baseUrl: server.url,
      chatroomId,
      token: api.bob.token,
      WebSocket: tracked.Tracked,
      minReconnectDelayMs: 300,
    });
    const seen = [];
    bob.on("message", (frame) => seen.push(frame.content));
    const aliceSeen = [];
    alice.on("message", (frame) => aliceSeen.push(frame.clientMsgId));
    const aliceWelcome = next(alice, "welcome");
    const bobWelcome = next(bob, "welcome");
    alice.connect();
    bob.connect();
    assert.equal((await aliceWelcome).role, "host");
    assert.equal((await bobWelcome).lastSeq, 0);

    const ack = await alice.send("one");
    assert.equal(ack.seq, 1);
    assert.equal(ack.duplicate, false);
    await until(() => seen.length === 1, "bob to get message 1");

    // Cut bob's connection, then alice talks while he is away.
    const reconnecting = next(bob, "status", (s) => s.status === "reconnecting");
    tracked.made[0].terminate();
    await reconnecting;
    // bob writes while disconnected: queued, sent after the reconnect.
    const queued = bob.send("sent while away");
    for (const text of ["two", "three", "four"]) await alice.send(text);

    // On reconnect the server replays 2..4 (welcome + messages arrive as one batch frame) before live traffic.
    const resumed = await next(bob, "welcome");
    assert.equal(resumed.lastSeq >= 4, true);
    const bobAck = await queued;
    assert.equal(bobAck.duplicate, false);
    await until(() => aliceSeen.includes(bobAck.clientMsgId), "alice to get bob's queued message");
    assert.equal(tracked.made.length, 2);
    assert.match(tracked.made[1].url, /since=1(&|$)/);
    assert.ok(
      tracked.raw.some((text) => text.startsWith('{"type":"batch"')),
      "the resume arrived as a batch frame and was unpacked",
    );
    await alice.send("five");
    await until(() => seen.includes("five"), "bob to get five");
    assert.deepEqual(seen, ["one", "two", "three", "four", "sent while away", "five"]);
    assert.equal(bob.lastSeq, 6);
    alice.close();
    bob.close();
  });

  it("rejects a refused send with the room's error, and stays connected", async () => {
    const bob = api.bob.socket(chatroomId, { WebSocket });
    bob.connect();
    await next(bob, "welcome");
    await api.alice.updateSettings(chatroomId, { muteAll: true });
    await assert.rejects(bob.send("hello?"), (error) => {
      assert.ok(error instanceof SocketError);
      assert.equal(error.code, "MUTED");
      return true;
    });
    await api.alice.updateSettings(chatroomId, { muteAll: false });
    assert.equal(bob.status, "open");
    bob.close();
    await assert.rejects(bob.send("after close"), { name: "SocketError", code: "CLOSED" });
  });

  it("answers pings without reconnecting", async () => {
    const tracked = trackedWebSocket();
    const bob = api.bob.socket(chatroomId, { WebSocket: tracked.Tracked, pingIntervalMs: 100, pongTimeoutMs: 500 });
    bob.connect();
    await next(bob, "welcome");
    await new Promise((resolve) => setTimeout(resolve, 1200));
    assert.equal(bob.status, "open");
    assert.equal(tracked.made.length, 1);
    bob.close();
  });

  it("stays closed after a ban (4003) and explains a refusal before the upgrade", async () => {
    const tracked = trackedWebSocket();
    const bob = api.bob.socket(chatroomId, { WebSocket: tracked.Tracked, minReconnectDelayMs: 100 });
    bob.connect();
    await next(bob, "welcome");
    const closed = next(bob, "close", (info) => info.final);
    await api.alice.restrict(chatroomId, "bob", { status: 2, durationSeconds: 600 });
    const info = await closed;
    assert.equal(info.code, 4003);
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(bob.status, "closed");
    assert.equal(tracked.made.length, 1, "no reconnect after 4003");

    // A new socket for the banned user is refused (403) before the upgrade: final, with the reason.
    const again = api.bob.socket(chatroomId, { WebSocket });
    const refused = next(again, "close");
    again.connect();
    const refusal = await refused;
    assert.equal(refusal.final, true);
    assert.equal(refusal.error.code, "BANNED");
  });

  it("edits, reacts, searches, lists members and recalls; a reconnect replays the updates it missed", async () => {
    const room = await api.alice.createChatroom({ hostId: "alice", isOpen: false, users: ["alice", "carol"] });
    const id = room.chatroomId;
    const tracked = trackedWebSocket();
    // The reconnect waits ~1 s, so the recall below happens while carol is away.
    const carol = api.carol.socket(id, { WebSocket: tracked.Tracked, minReconnectDelayMs: 1000 });
    carol.connect();
    await next(carol, "welcome");
    const { seq } = await carol.send("zebra crossing at noon");
    const edited = await api.carol.edit(id, seq, "zebra crossing at one");
    assert.equal(edited.content, "zebra crossing at one");
    const reacted = await api.alice.react(id, seq, "👍", true);
    assert.deepEqual(reacted.reactions, [{ emoji: "👍", count: 1, mine: true }]);
    const found = await api.alice.search(id, { q: "zebra" });
    assert.deepEqual(
      found.messages.map((m) => m.seq),
      [seq],
    );
    const members = await api.alice.members(id);
    assert.deepEqual(members.members.map((m) => [m.userId, m.role]).sort(), [
      ["alice", "host"],
      ["carol", "member"],
    ]);
    // carol is away while alice recalls: the resume brings the recall (updatesSince), not only new seqs.
    await until(
      () => carol.lastUpdateSeq !== null && carol.lastUpdateSeq >= 2,
      "carol to see the edit and the reaction",
    );
    const reopened = next(carol, "welcome");
    tracked.made[0].terminate();
    await api.alice.recall(id, seq);
    const update = next(carol, "message_update", (f) => f.seq === seq && f.deleted === true);
    await reopened;
    await update;
    assert.match(tracked.made[1].url, /updatesSince=\d+/);
    carol.close();
  });

  it("a revoked token closes the socket with 4001: the client asks for a new token and resumes with it", async () => {
    const room = await api.alice.createChatroom({ hostId: "alice", isOpen: false, users: ["alice", "carol"] });
    const carolApi = new EdgeroomApi({ baseUrl: server.url });
    await carolApi.devToken("carol");
    let asked = 0;
    const carol = carolApi.socket(room.chatroomId, {
      WebSocket: QuickClose,
      getToken: async () => {
        asked += 1;
        return (await carolApi.devToken("carol")).token;
      },
    });
    const expired = next(carol, "tokenExpired", () => true, 10_000);
    carol.connect();
    await next(carol, "welcome");
    const revoked = await server.admin("/user/revoke_tokens", { userId: "carol" });
    assert.equal(revoked.code, 0);
    assert.equal((await expired).code, 4001);
    // A token minted in the second of the revocation is refused too; the client spaces its refreshes.
    await next(carol, "welcome", () => true, 15_000);
    assert.ok(asked >= 1 && asked <= 3, `asked for ${asked} tokens`);
    assert.equal((await carol.send("back with a new token")).duplicate, false);
    carol.close();
    // The api client shares the renewed token.
    await api.carol.devToken("carol");
  });

  it("a send flood meets RATE_LIMITED: a throttled event, in-flight sends reject with the retry hint", async () => {
    const carolRoom = await api.alice.createChatroom({ hostId: "alice", isOpen: false, users: ["alice", "carol"] });
    const carol = api.carol.socket(carolRoom.chatroomId, { WebSocket: QuickClose });
    carol.connect();
    await next(carol, "welcome");
    const throttled = next(carol, "throttled");
    // SEND_BURST is 10 at the SPEC default: the rest of 20 sends at once are refused.
    const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => carol.send(`burst ${i}`)));
    const info = await throttled;
    assert.equal(info.code, "RATE_LIMITED");
    assert.ok(info.retryAfterSec >= 1 && info.until > Date.now() - 100);
    const refused = results.filter((r) => r.status === "rejected");
    assert.ok(refused.length >= 5, `refused: ${refused.length}`);
    for (const r of refused) {
      assert.equal(r.reason.code, "RATE_LIMITED");
      assert.ok(r.reason.retryAfterSec >= 1);
    }
    assert.equal(results.filter((r) => r.status === "fulfilled").length + refused.length, 20, "no send left hanging");
    await assert.rejects(carol.send("during the wait"), { code: "RATE_LIMITED" });
    assert.equal(carol.status, "open");
    carol.close();
  });

  it("a sixth socket of one user is refused with 429 and waits before retrying, never final", async () => {
    const five = [];
    for (let i = 0; i < 5; i++) {
      const socket = api.alice.socket(chatroomId, { WebSocket: QuickClose });
      socket.connect();
      await next(socket, "welcome");
      five.push(socket);
    }
    const sixth = api.alice.socket(chatroomId, { WebSocket: QuickClose });
    const waiting = next(sixth, "status", (s) => s.status === "reconnecting" && s.retryInMs !== undefined);
    sixth.connect();
    const status = await waiting;
    assert.ok(status.retryInMs >= 5000, `waits out the refusal, got ${status.retryInMs} ms`);
    assert.equal(status.close.final, false);
    sixth.close();
    for (const socket of five) socket.close();
  });

  it("a socket that keeps flooding is closed with 4008, final, and does not reconnect", async () => {
    const room = await api.alice.createChatroom({ hostId: "alice", isOpen: false, users: ["alice", "carol"] });
    const tracked = trackedWebSocket();
    const carol = api.carol.socket(room.chatroomId, { WebSocket: tracked.Tracked, minReconnectDelayMs: 50 });
    carol.connect();
    await next(carol, "welcome");
    const closed = next(carol, "close", (info) => info.final, 15_000);
    let throttles = 0;
    carol.on("throttled", () => throttles++);
    // Raw frames past the client's own pacing: the room counts every frame against the socket's budget.
    const flood = setInterval(() => {
      for (let i = 0; i < 20; i++) tracked.made[0]?.send('{"type":"typing"}');
    }, 50);
    const info = await closed;
    clearInterval(flood);
    assert.equal(info.code, 4008);
    assert.match(info.reason, /frame budget/);
    assert.ok(throttles >= 1, "RATE_LIMITED was announced first");
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(carol.status, "closed");
    assert.equal(tracked.made.length, 1, "no reconnect after 4008");
  });
});
