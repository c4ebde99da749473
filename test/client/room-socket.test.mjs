// RoomSocket (the bundled client, public/client.js) against a loopback WebSocket server that plays the
// room's side of SPEC §8.1 on cue: close 4001 (token expired or revoked) and 4008 (abuse), refusals
// before the upgrade (401, 429 with Retry-After), and RATE_LIMITED / ROOM_BUSY error frames. Real
// sockets and real timers; only the room's decisions are scripted, so each reaction is tested alone.
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { after, before, describe, it } from "node:test";
import WebSocket, { WebSocketServer } from "ws";
import { nextEvent } from "../../e2e/client.mjs";
import { RoomSocket, SocketError } from "../../public/client.js";

/** The scripted room: `onUpgrade(url)` may refuse ({status, headers}); `onSocket(ws, url)` plays the room. */
function scriptedRoom() {
  const state = {
    connects: [],
    probe: () => ({ status: 200, body: { data: { state: 0, role: "member" } } }),
    onUpgrade: () => null,
    onSocket: (ws, url) => welcome(ws, url),
  };
  const wss = new WebSocketServer({ noServer: true });
  const server = createServer((req, res) => {
    const { status, body, headers = {} } = state.probe(req);
    res.writeHead(status, { "content-type": "application/json", ...headers });
    res.end(JSON.stringify(body));
  });
  server.on("upgrade", (req, socket, head) => {
    const url = new URL(req.url, "http://x");
    state.connects.push(url);
    const refusal = state.onUpgrade(url);
    if (refusal) {
      const lines = [`HTTP/1.1 ${refusal.status} Refused`, "content-length: 0", "connection: close"];
      for (const [name, value] of Object.entries(refusal.headers ?? {})) lines.push(`${name}: ${value}`);
      socket.end(`${lines.join("\r\n")}\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => state.onSocket(ws, url));
  });
  return {
    state,
    listen: () => new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server.address().port))),
    stop: () => new Promise((resolve) => server.close(resolve)),
    reset() {
      state.connects = [];
      state.probe = () => ({ status: 200, body: { data: { state: 0, role: "member" } } });
      state.onUpgrade = () => null;
      state.onSocket = (ws, url) => welcome(ws, url);
    },
  };
}

/** Sends the welcome frame; acks every send unless `answer` says otherwise. */
function welcome(
  ws,
  url,
  answer = (frame) => ({ type: "ack", clientMsgId: frame.clientMsgId, seq: 1, ts: 1, duplicate: false }),
) {
  ws.send(
    JSON.stringify({
      type: "welcome",
      chatroomId: "r",
      userId: url.searchParams.get("token"),
      role: "member",
      lastSeq: 0,
      muteAll: false,
      slowModeSeconds: 0,
      restriction: null,
      online: [],
      onlineCount: 1,
      lastUpdateSeq: 3,
    }),
  );
  ws.on("message", (data) => {
    const frame = JSON.parse(String(data));
    if (frame.type !== "send") return;
    const reply = answer(frame);
    if (reply) ws.send(JSON.stringify(reply));
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

describe("RoomSocket reactions to the room's limits (SPEC §8.1)", { timeout: 60_000 }, () => {
  const room = scriptedRoom();
  let baseUrl;
  const open = (options = {}) =>
    new RoomSocket({ baseUrl, chatroomId: "r", token: "t1", WebSocket, minReconnectDelayMs: 50, ...options });

  before(async () => {
    baseUrl = `http://127.0.0.1:${await room.listen()}`;
  });
  after(() => room.stop());

  it("on close 4001 asks for a new token, never reconnects without one, then resumes and delivers queued sends", async () => {
    room.reset();
    room.state.onSocket = (ws, url) => {
      welcome(ws, url);
      if (url.searchParams.get("token") === "t1") setTimeout(() => ws.close(4001, "token revoked"), 50);
    };
    let asked = 0;
    let supply;
    const socket = open({
      getToken: () => {
        asked += 1;
        return new Promise((resolve) => {
          supply = resolve;
        });
      },
    });
    const expired = nextEvent(socket, "tokenExpired");
    socket.connect();
    const info = await expired;
    assert.equal(info.code, 4001);
    assert.equal(info.reason, "token revoked");
    assert.equal(socket.status, "needs-token");
    const queued = socket.send("written while the token is renewed");
    await sleep(300);
    assert.equal(room.state.connects.length, 1, "no reconnect while waiting for a token");
    assert.equal(asked, 1);

    const reopened = nextEvent(socket, "welcome");
    supply("t2");
    assert.equal((await reopened).userId, "t2");
    assert.equal(room.state.connects[1].searchParams.get("token"), "t2");
    assert.equal((await queued).seq, 1, "the queued send went out on the new connection");
    socket.close();
  });

  it("without getToken waits for setToken(); the same refused token is not retried", async () => {
    room.reset();
    room.state.onSocket = (ws, url) => {
      welcome(ws, url);
      if (url.searchParams.get("token") !== "t3") setTimeout(() => ws.close(4001, ""), 50);
    };
    const socket = open({ getToken: () => "t1" });
    const expired = nextEvent(socket, "tokenExpired");
    socket.connect();
    assert.match((await expired).reason, /expired or was revoked/);
    await sleep(300);
    assert.equal(socket.status, "needs-token");
    assert.equal(room.state.connects.length, 1, "getToken gave back the refused token: no reconnect");
    const reopened = nextEvent(socket, "welcome");
    socket.setToken("t3");
    await reopened;
    assert.equal(socket.status, "open");
    socket.close();
  });

  it("gives up with a final close when new tokens keep being refused", { timeout: 15_000 }, async () => {
    room.reset();
    room.state.onSocket = (ws) => setTimeout(() => ws.close(4001, "revoked"), 20);
    let n = 0;
    const socket = open({ getToken: () => `fresh-${++n}` });
    const closed = nextEvent(socket, "close", (c) => c.final, 12_000);
    socket.connect();
    const info = await closed;
    assert.equal(info.code, 4001);
    assert.match(info.reason, /refused too/);
    assert.equal(socket.status, "closed");
    assert.equal(room.state.connects.length, 4, "the first token and three refreshes, then stop");
  });

  it("treats 401 before the upgrade as an expired token", async () => {
    room.reset();
    room.state.onUpgrade = (url) => (url.searchParams.get("token") === "t1" ? { status: 401 } : null);
    room.state.probe = (req) =>
      req.headers["access-token"] === "t1"
        ? { status: 401, body: { status: 401, code: "ACCESS_TOKEN_EXPIRED", message: "Access token expired" } }
        : { status: 200, body: { data: { state: 0, role: "member" } } };
    const socket = open({ getToken: async () => "t2" });
    const expired = nextEvent(socket, "tokenExpired");
    const welcomed = nextEvent(socket, "welcome");
    socket.connect();
    assert.equal((await expired).error.code, "ACCESS_TOKEN_EXPIRED");
    assert.equal((await welcomed).userId, "t2");
    socket.close();
  });

  it("stays closed after 4008 with the server's reason, and rejects what was pending", async () => {
    room.reset();
    room.state.onSocket = (ws, url) => {
      welcome(ws, url, () => null);
      setTimeout(() => ws.close(4008, "too many sockets"), 100);
    };
    const socket = open();
    const closed = nextEvent(socket, "close");
    socket.connect();
    await nextEvent(socket, "welcome");
    const pending = socket.send("never answered");
    const info = await closed;
    assert.deepEqual([info.code, info.reason, info.final], [4008, "too many sockets", true]);
    await assert.rejects(pending, { name: "SocketError", code: "CLOSED" });
    await sleep(300);
    assert.equal(room.state.connects.length, 1, "no reconnect after 4008");
    assert.throws(() => socket.connect(), SocketError);
  });

  for (const code of ["RATE_LIMITED", "ROOM_BUSY"]) {
    it(`${code}: in-flight sends reject with the retry hint, new sends reject until it passes`, async () => {
      room.reset();
      let sends = 0;
      room.state.onSocket = (ws, url) =>
        welcome(ws, url, (frame) => {
          sends += 1;
          // One error frame for the first refused send; the room drops the next ones silently (≤ 1/s).
          if (sends === 2)
            return { type: "error", code, message: "slow", clientMsgId: frame.clientMsgId, retryAfterSec: 1 };
          if (sends === 3) return null;
          return { type: "ack", clientMsgId: frame.clientMsgId, seq: sends, ts: 1, duplicate: false };
        });
      const socket = open();
      socket.connect();
      await nextEvent(socket, "welcome");
      const throttled = nextEvent(socket, "throttled");
      const results = await Promise.allSettled([socket.send("a"), socket.send("b"), socket.send("c")]);
      assert.equal(results[0].status, "fulfilled");
      for (const result of results.slice(1)) {
        assert.equal(result.status, "rejected");
        assert.equal(result.reason.code, code);
        assert.equal(result.reason.retryAfterSec, 1);
      }
      const info = await throttled;
      assert.equal(info.code, code);
      assert.ok(info.until > Date.now() && info.until <= Date.now() + 1000);
      await assert.rejects(socket.send("d"), { code, retryAfterSec: 1 });
      assert.equal(socket.typing(), false, "no typing frames while throttled");
      assert.equal(sends, 3, "the rejected send was never written");
      await sleep(1050);
      assert.equal(socket.throttled, null);
      assert.equal((await socket.send("e")).seq, 4);
      socket.close();
    });
  }

  it("resumes after the last message and the last update it saw (recalls, edits, reactions)", async () => {
    room.reset();
    room.state.onSocket = (ws, url) => {
      welcome(ws, url);
      if (room.state.connects.length > 1) return;
      ws.send(
        JSON.stringify({
          type: "message",
          seq: 5,
          senderId: "a",
          clientMsgId: "m5",
          content: "x",
          contentType: "text",
          ts: 1,
        }),
      );
      ws.send(JSON.stringify({ type: "message_update", seq: 5, updateSeq: 7, content: "y", editedAt: 2 }));
      setTimeout(() => ws.terminate(), 50);
    };
    const socket = open();
    socket.connect();
    await nextEvent(socket, "message_update");
    assert.equal(socket.lastUpdateSeq, 7);
    await nextEvent(socket, "status", (s) => s.status === "open" && room.state.connects.length === 2);
    assert.equal(room.state.connects[0].searchParams.has("since"), false, "nothing seen yet: a plain connect");
    assert.equal(room.state.connects[1].searchParams.get("since"), "5");
    assert.equal(room.state.connects[1].searchParams.get("updatesSince"), "7");
    socket.close();
  });

  it("sends a reply with its quoted seq and mentions", async () => {
    room.reset();
    const got = [];
    room.state.onSocket = (ws, url) =>
      welcome(ws, url, (frame) => {
        got.push(frame);
        return { type: "ack", clientMsgId: frame.clientMsgId, seq: 9, ts: 1, duplicate: false };
      });
    const socket = open();
    socket.connect();
    await nextEvent(socket, "welcome");
    await socket.send("agreed, @bob", { replyTo: 5, mentions: ["bob"] });
    assert.deepEqual(got[0], {
      type: "send",
      clientMsgId: got[0].clientMsgId,
      content: "agreed, @bob",
      replyTo: 5,
      mentions: ["bob"],
    });
    socket.close();
  });

  it("sends the ids of uploaded attachments with a message whose text is empty", async () => {
    room.reset();
    const got = [];
    room.state.onSocket = (ws, url) =>
      welcome(ws, url, (frame) => {
        got.push(frame);
        return { type: "ack", clientMsgId: frame.clientMsgId, seq: 10, ts: 1, duplicate: false };
      });
    const socket = open();
    socket.connect();
    await nextEvent(socket, "welcome");
    const ack = await socket.send("", { attachments: ["a1b2c3d4e5f6a7b8", "0f1e2d3c4b5a6978"], replyTo: 9 });
    assert.equal(ack.seq, 10);
    assert.deepEqual(got[0], {
      type: "send",
      clientMsgId: got[0].clientMsgId,
      content: "",
      attachments: ["a1b2c3d4e5f6a7b8", "0f1e2d3c4b5a6978"],
      replyTo: 9,
    });
    socket.close();
  });

  it("waits the Retry-After of a connect refused with 429", async () => {
    room.reset();
    let refused = 0;
    room.state.onUpgrade = () => (refused++ === 0 ? { status: 429, headers: { "retry-after": "1" } } : null);
    room.state.probe = () =>
      refused === 1
        ? {
            status: 429,
            headers: { "retry-after": "1" },
            body: { status: 429, code: "RATE_LIMITED", message: "too many connects" },
          }
        : { status: 200, body: { data: { state: 0, role: "member" } } };
    const socket = open();
    const waiting = nextEvent(socket, "status", (s) => s.status === "reconnecting" && s.retryInMs !== undefined);
    const started = Date.now();
    socket.connect();
    const status = await waiting;
    assert.ok(status.retryInMs >= 1000, `waits at least Retry-After, got ${status.retryInMs} ms`);
    assert.equal(status.close.error.code, "RATE_LIMITED");
    await nextEvent(socket, "welcome");
    assert.ok(Date.now() - started >= 1000);
    socket.close();
  });

  it("waits a connect window when the transport says 429 and the probe cannot say how long", async () => {
    room.reset();
    room.state.onUpgrade = () => ({ status: 429 });
    const socket = open();
    const waiting = nextEvent(socket, "status", (s) => s.status === "reconnecting" && s.retryInMs !== undefined);
    socket.connect();
    assert.ok((await waiting).retryInMs >= 10_000);
    socket.close();
    assert.equal(room.state.connects.length, 1);
  });
});
