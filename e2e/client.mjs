// Shared end-to-end client helpers: one JSON-over-HTTP call that keeps the raw status and envelope
// (`requestJson`), one raw room socket (`openRoomSocket` + `unpackFrames`, also the benchmarks' load
// generator), a room socket with a frame queue on top of it (`RoomSocket`), and waits with timeouts (one
// of them, `nextEvent`, for the typed client's events).
// Where a caller needs neither raw answers nor raw frames, the typed client (public/client.js) is the
// one to use.
import { randomUUID } from "node:crypto";
import WebSocket from "ws";

/** Default wait for one frame, close or condition. */
export const WAIT_MS = 5000;

/**
 * How long `ws` waits for the server to drop the TCP connection after the closing handshake. Under
 * `wrangler dev` (workerd 1.20260426), a hibernatable socket that the room closes from another request
 * (an admin ban, a room deletion, a leave) sends its close frame at once, but the connection lingers
 * after the client's reply; `ws` would wait its default 30 s before reporting the close. A client that
 * already has the close code may drop the connection itself, as browsers do after a short grace period.
 */
export const CLOSE_TIMEOUT_MS = 500;

/** Rejects after `ms` with `what` in the message unless `promise` settles first. */
export function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * The first payload of `event` from an emitter of the typed client (public/client.js: `on` returns the
 * function that removes the listener) that passes `test`, waiting up to `timeoutMs`.
 */
export function nextEvent(emitter, event, test = () => true, timeoutMs = WAIT_MS) {
  let off = () => {};
  const payload = new Promise((resolve) => {
    off = emitter.on(event, (value) => {
      if (!test(value)) return;
      off();
      resolve(value);
    });
  });
  return withTimeout(payload, timeoutMs, `a "${event}" event`).finally(off);
}

/** Polls `check` (async, returns a truthy value when done) until it passes or `timeoutMs` elapses. */
export async function eventually(check, { timeoutMs = 3000, intervalMs = 100, what = "condition" } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    last = await check();
    if (last) return last;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/**
 * One HTTP call with an optional JSON body: resolves to { status, body, headers }, where `body` is the
 * parsed JSON (or null when the response is not JSON). Never throws on an HTTP status.
 */
export async function requestJson(url, { method = "GET", headers = {}, body } = {}) {
  const all = { ...headers };
  if (body !== undefined) all["content-type"] = "application/json";
  const res = await fetch(url, { method, headers: all, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let parsed = null;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

/**
 * The client API of the server at `baseUrl`: returns `api(method, path, token, body)`, a call with the
 * `ACCESS-TOKEN` header (path relative to /api) that resolves to { status, body, headers }; `body` is
 * the parsed JSON envelope (or null when the response is not JSON).
 */
export function clientApi(baseUrl) {
  return (method, path, token, body) =>
    requestJson(`${baseUrl}/api${path}`, { method, headers: token ? { "ACCESS-TOKEN": token } : {}, body });
}

/** A client token for `userId` from the signed admin API. */
export async function tokenFor(server, userId) {
  const res = await server.admin("/user/get_token", { userId });
  if (res.code !== 0) throw new Error(`get_token failed for ${userId}: ${JSON.stringify(res)}`);
  return res.result.token;
}

/** A unique id with a readable prefix (ids are 1–64 chars of [A-Za-z0-9_.:@-]). */
export function uid(prefix) {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

/** The socket URL of a room (`wsUrl` is the server's ws:// origin), with the token and an optional resume point. */
export function roomSocketUrl(wsUrl, chatroomId, token, { since } = {}) {
  let url = `${wsUrl}/api/chatrooms/${encodeURIComponent(chatroomId)}/ws?token=${encodeURIComponent(token)}`;
  if (since !== undefined) url += `&since=${since}`;
  return url;
}

/**
 * Opens a raw `ws` socket to `url` with the short close timeout every client here uses. Frames arrive as
 * Buffers on the socket's "message" event; `unpackFrames` turns one into frames. A load generator turns
 * off permessage-deflate (offered by default, as browsers do) and UTF-8 validation to save CPU.
 */
export function openRoomSocket(url, { deflate = true, validateUtf8 = true } = {}) {
  return new WebSocket(url, {
    closeTimeout: CLOSE_TIMEOUT_MS,
    perMessageDeflate: deflate,
    skipUTF8Validation: !validateUtf8,
  });
}

/** The frames of one server message: a `batch` frame unpacked in order, else the frame itself. */
export function unpackFrames(data) {
  const frame = JSON.parse(typeof data === "string" ? data : data.toString());
  return frame.type === "batch" ? frame.frames : [frame];
}

/**
 * A live WebSocket to one room. Every server frame lands in a queue (a `batch` frame is unpacked in
 * order); `next()` takes the first queued frame that matches, waiting for one up to a timeout. `log`
 * keeps every frame ever received, for "exactly once" assertions.
 */
export class RoomSocket {
  /** Connects; resolves once the upgrade succeeded, rejects with `err.status` when it was refused. */
  static open(wsUrl, chatroomId, token, { since } = {}) {
    const socket = new RoomSocket(openRoomSocket(roomSocketUrl(wsUrl, chatroomId, token, { since })));
    return withTimeout(socket.opened, WAIT_MS, `socket open to ${chatroomId}`).then(
      () => socket,
      (error) => {
        socket.ws.terminate();
        throw error;
      },
    );
  }

  /** Tries to connect and resolves to the HTTP status of a refused upgrade (or 101 when it opened). */
  static async refusal(wsUrl, chatroomId, token) {
    try {
      const socket = await RoomSocket.open(wsUrl, chatroomId, token);
      await socket.close();
      return { status: 101, body: null };
    } catch (error) {
      if (error.status === undefined) throw error;
      return { status: error.status, body: error.body };
    }
  }

  constructor(ws) {
    this.ws = ws;
    this.queue = [];
    this.log = [];
    this.waiters = [];
    this.closeInfo = null;
    this.opened = new Promise((resolve, reject) => {
      ws.once("open", resolve);
      ws.once("unexpected-response", (_req, res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk) => {
          text += chunk;
        });
        res.on("end", () => {
          const error = new Error(`upgrade refused with HTTP ${res.statusCode}: ${text}`);
          error.status = res.statusCode;
          try {
            error.body = JSON.parse(text);
          } catch {
            error.body = text;
          }
          reject(error);
        });
      });
      ws.once("error", reject);
    });
    this.opened.catch(() => {});
    this.closed = new Promise((resolve) => {
      ws.on("close", (code, reason) => {
        // framesBefore: how many frames had arrived when the socket closed.
        this.closeInfo = { code, reason: reason.toString(), framesBefore: this.log.length };
        resolve(this.closeInfo);
        this.wake();
      });
    });
    ws.on("error", () => {
      // surfaced through `opened` or `closed`
    });
    ws.on("message", (data) => {
      for (const item of unpackFrames(data)) {
        this.queue.push(item);
        this.log.push(item);
      }
      this.wake();
    });
  }

  wake() {
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter();
  }

  /** Sends one JSON frame. */
  send(frame) {
    this.ws.send(JSON.stringify(frame));
  }

  /** Sends a chat message; returns its clientMsgId. */
  say(content, clientMsgId = uid("c")) {
    this.send({ type: "send", clientMsgId, content });
    return clientMsgId;
  }

  /**
   * Takes the first queued frame of `type` that also passes `match` (other frames stay queued),
   * waiting up to `timeoutMs`.
   */
  next(type, timeoutMs = WAIT_MS, match = () => true) {
    return withTimeout(this.take(type, match), timeoutMs, `a "${type}" frame`);
  }

  /** The ack or error frame answering the send with `clientMsgId`. */
  reply(clientMsgId, timeoutMs = WAIT_MS) {
    return withTimeout(
      this.take(null, (frame) => (frame.type === "ack" || frame.type === "error") && frame.clientMsgId === clientMsgId),
      timeoutMs,
      `an ack or error for ${clientMsgId}`,
    );
  }

  /** The `message` frame carrying `clientMsgId`. */
  message(clientMsgId, timeoutMs = WAIT_MS) {
    return this.next("message", timeoutMs, (frame) => frame.clientMsgId === clientMsgId);
  }

  async take(type, match) {
    for (;;) {
      const index = this.queue.findIndex((frame) => (type === null || frame.type === type) && match(frame));
      if (index >= 0) return this.queue.splice(index, 1)[0];
      if (this.closeInfo) {
        throw new Error(`socket closed (${this.closeInfo.code}) before a matching "${type ?? "frame"}" arrived`);
      }
      await new Promise((resolve) => this.waiters.push(resolve));
    }
  }

  /** Drops every queued frame (the log keeps them). */
  drain() {
    this.queue.length = 0;
  }

  /** Queued frames of `type`, removed from the queue. */
  takeAll(type) {
    const taken = this.queue.filter((frame) => frame.type === type);
    this.queue = this.queue.filter((frame) => frame.type !== type);
    return taken;
  }

  /** Resolves to { code, reason } when the socket closes, or rejects after `timeoutMs`. */
  closeCode(timeoutMs = WAIT_MS) {
    return withTimeout(this.closed, timeoutMs, "the socket to close");
  }

  /** Closes from the client side and waits for the close to complete. */
  async close() {
    if (!this.closeInfo) this.ws.close(1000, "bye");
    await withTimeout(this.closed, WAIT_MS, "the client close to complete").catch(() => this.ws.terminate());
  }
}
