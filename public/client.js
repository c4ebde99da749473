// Generated from src/client by npm run build:client. Do not edit.

// node_modules/hono/dist/utils/crypto.js
var sha1 = async (data) => {
  return await createHash(data, {
    name: "SHA-1",
    alias: "sha1",
  });
};
var createHash = async (data, algorithm) => {
  let sourceBuffer;
  if (ArrayBuffer.isView(data) || data instanceof ArrayBuffer) sourceBuffer = data;
  else {
    if (typeof data === "object") data = JSON.stringify(data);
    sourceBuffer = new TextEncoder().encode(String(data));
  }
  if (crypto && crypto.subtle) {
    const buffer = await crypto.subtle.digest({ name: algorithm.name }, sourceBuffer);
    return Array.prototype.map.call(new Uint8Array(buffer), (x) => ("00" + x.toString(16)).slice(-2)).join("");
  }
  return null;
};

// src/admin/sign.ts
async function wildfireSign(nonce, secret, timestamp) {
  const digest = await sha1(`${nonce}|${secret}|${timestamp}`);
  if (digest === null) throw new Error("WebCrypto is not available");
  return digest;
}
async function signHeaders(secret, now, nonce = crypto.randomUUID()) {
  const timestamp = String(now);
  return { nonce, timestamp, sign: await wildfireSign(nonce, secret, timestamp) };
}

// src/client/admin.ts
var AdminHttpError = class extends Error {
  constructor(status, text) {
    super(`HTTP ${status}: ${text.slice(0, 200)}`);
    this.status = status;
    this.text = text;
  }
  name = "AdminHttpError";
};
function isEnvelope(value) {
  return typeof value === "object" && value !== null && typeof value.code === "number";
}
var AdminClient = class {
  baseUrl;
  secret;
  fetcher;
  constructor(options) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
    this.secret = options.secret;
    this.fetcher = options.fetch ?? ((input, init) => fetch(input, init));
  }
  /** One signed POST; resolves to the raw Response. `path` is relative to /admin, e.g. `/chatroom/info`. */
  async request(path, body, options = {}) {
    const signed = await signHeaders(options.secret ?? this.secret, options.timestamp ?? Date.now(), options.nonce);
    return this.fetcher(`${this.baseUrl}/admin${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...signed, ...options.headers },
      body: JSON.stringify(body),
    });
  }
  /** One signed call; resolves to the envelope whatever its code, or throws {@link AdminHttpError}. */
  async call(path, body, options = {}) {
    const response = await this.request(path, body, options);
    const text = await response.text();
    let parsed = null;
    try {
      parsed = JSON.parse(text);
    } catch {}
    if (!response.ok || !isEnvelope(parsed)) throw new AdminHttpError(response.status, text);
    return parsed;
  }
};

// src/client/admin-commands.ts
var isSchema = (value) => typeof value === "object" && value !== null;
var kebab = (name) => name.replace(/[A-Z]/g, (char) => `-${char.toLowerCase()}`).replaceAll("_", "-");
function resolve(doc, schema) {
  if (!isSchema(schema)) return {};
  const ref = schema.$ref;
  if (typeof ref !== "string" || !ref.startsWith("#/")) return schema;
  let target = doc;
  for (const key of ref.slice(2).split("/")) target = isSchema(target) ? target[key] : void 0;
  return resolve(doc, target);
}
var isNullOnly = (schema) => schema.type === "null";
function allowedValues(doc, schema) {
  if (Array.isArray(schema.enum)) return schema.enum.filter((value) => value !== null);
  if ("const" in schema) return [schema.const];
  const options = schema.anyOf ?? schema.oneOf;
  if (!Array.isArray(options)) return null;
  const values = [];
  for (const option of options.map((o) => resolve(doc, o)).filter((o) => !isNullOnly(o))) {
    const allowed = allowedValues(doc, option);
    if (allowed === null) return null;
    values.push(...allowed);
  }
  return values;
}
function typeOf(doc, schema) {
  if (typeof schema.type === "string" && schema.type !== "null") return schema.type;
  if (Array.isArray(schema.type)) {
    const type = schema.type.find((t) => typeof t === "string" && t !== "null");
    if (type !== void 0) return type;
  }
  const options = schema.anyOf ?? schema.oneOf;
  if (!Array.isArray(options)) return null;
  for (const option of options) {
    const type = typeOf(doc, resolve(doc, option));
    if (type !== null) return type;
  }
  return null;
}
function describe(schema, type, allowed) {
  if (typeof schema.description === "string") return schema.description;
  if (allowed !== null) return `one of ${allowed.map((value) => JSON.stringify(value)).join(", ")}`;
  if (type === "integer" || type === "number") {
    const range = [schema.minimum, schema.maximum].map((bound) => (typeof bound === "number" ? bound : "\u2026"));
    return `${type === "integer" ? "an integer" : "a number"}, ${range.join(" to ")}`;
  }
  if (typeof schema.pattern === "string") return "an id: 1-64 of A-Z a-z 0-9 _ . : @ -";
  const max = typeof schema.maxLength === "number" ? `, at most ${schema.maxLength} characters` : "";
  return `text${max}`;
}
function collect(doc, schema, path, required, into) {
  const properties = schema.properties;
  if (schema.type === "object" && isSchema(properties)) {
    const needed = Array.isArray(schema.required) ? schema.required : [];
    for (const [key, child] of Object.entries(properties)) {
      collect(doc, resolve(doc, child), [...path, key], required && needed.includes(key), into);
    }
    return;
  }
  const allowed = allowedValues(doc, schema);
  if (allowed !== null && allowed.length === 1) {
    into.fixed.push({ path, value: allowed[0] });
    return;
  }
  const type = typeOf(doc, schema) ?? "string";
  const kind = type === "integer" || type === "number" ? "number" : type === "boolean" ? "boolean" : "string";
  into.flags.push({
    name: path.map(kebab).join("-"),
    path,
    kind,
    required,
    description: describe(schema, type, allowed),
  });
}
function adminCommands(document) {
  if (!isSchema(document) || !isSchema(document.paths)) return [];
  const commands = [];
  for (const [route, item] of Object.entries(document.paths)) {
    const match = /^\/admin\/([^/]+)\/(.+)$/.exec(route);
    const post = isSchema(item) ? item.post : void 0;
    if (!match || !isSchema(post)) continue;
    const body = isSchema(post.requestBody) ? post.requestBody.content : void 0;
    const json = isSchema(body) ? body["application/json"] : void 0;
    const command = {
      group: match[1] ?? "",
      name: kebab(match[2] ?? ""),
      path: route.slice("/admin".length),
      summary: typeof post.summary === "string" ? post.summary : "",
      flags: [],
      fixed: [],
    };
    if (isSchema(json)) collect(document, resolve(document, json.schema), [], true, command);
    commands.push(command);
  }
  return commands.sort((a, b) => `${a.group} ${a.name}`.localeCompare(`${b.group} ${b.name}`));
}
function adminBody(command, values) {
  const body = {};
  const put = (path, value) => {
    let node = body;
    for (const key of path.slice(0, -1)) {
      if (!isSchema(node[key])) node[key] = {};
      node = node[key];
    }
    node[path[path.length - 1] ?? ""] = value;
  };
  for (const { path, value } of command.fixed) put(path, value);
  for (const flag of command.flags) {
    const raw = values[flag.name];
    if (raw === void 0) {
      if (flag.required) return { ok: false, message: `missing --${flag.name}` };
      continue;
    }
    if (flag.kind === "number") {
      const value = raw.trim() === "" ? Number.NaN : Number(raw);
      if (!Number.isFinite(value)) return { ok: false, message: `--${flag.name} must be a number, got "${raw}"` };
      put(flag.path, value);
    } else if (flag.kind === "boolean") {
      if (raw !== "true" && raw !== "false") return { ok: false, message: `--${flag.name} must be true or false` };
      put(flag.path, raw === "true");
    } else put(flag.path, raw);
  }
  return { ok: true, body };
}

// src/client/errors.ts
var ApiError = class extends Error {
  constructor(status, code, message, retryAfterSec) {
    super(message);
    this.status = status;
    this.code = code;
    this.retryAfterSec = retryAfterSec;
  }
  name = "ApiError";
};
var SocketError = class extends Error {
  constructor(code, message, retryAfterSec) {
    super(message);
    this.code = code;
    this.retryAfterSec = retryAfterSec;
  }
  name = "SocketError";
};

// src/client/close-policy.ts
var CloseCode = {
  /** Left the room, or closed by the client. */
  Normal: 1e3,
  /** The transport dropped, or the upgrade was refused (a browser learns nothing more). */
  Abnormal: 1006,
  /** The token expired or was revoked (§8.1): ask the app for a new one, never reconnect-loop. */
  TokenExpired: 4001,
  /** Kicked or banned. */
  Removed: 4003,
  /** The room ended. */
  RoomEnded: 4004,
  /** Closed for abuse: over the frame budget for too long, or too many sockets (§8.1). */
  Abuse: 4008,
};
var FINAL_CLOSE_CODES = [CloseCode.Normal, CloseCode.Removed, CloseCode.RoomEnded, CloseCode.Abuse];
var THROTTLE_CODES = ["RATE_LIMITED", "ROOM_BUSY"];
var CONNECT_RETRY_FALLBACK_MS = 1e4;
var MAX_TOKEN_REFRESHES = 3;
function closeAction(code) {
  if (code === CloseCode.TokenExpired) return "token";
  return FINAL_CLOSE_CODES.includes(code) ? "final" : "retry";
}
function closeReason(code, reason) {
  if (reason) return reason;
  switch (code) {
    case CloseCode.Normal:
      return "closed";
    case CloseCode.TokenExpired:
      return "the access token expired or was revoked";
    case CloseCode.Removed:
      return "removed from the room";
    case CloseCode.RoomEnded:
      return "the room ended";
    case CloseCode.Abuse:
      return "closed for abuse: too many frames or too many connections";
    default:
      return `connection lost (${code})`;
  }
}
function isThrottleCode(code) {
  return THROTTLE_CODES.includes(code);
}
function reconnectDelay(attempt, options, random = Math.random) {
  const base = Math.min(options.maxMs, options.minMs * 2 ** Math.min(Math.max(attempt - 1, 0), 16));
  const jittered = Math.round(base * (0.8 + random() * 0.4));
  return Math.max(jittered, options.retryAfterMs ?? 0);
}
function retryAfterSeconds(header) {
  if (!header) return void 0;
  const seconds = Number(header);
  return Number.isFinite(seconds) && seconds > 0 ? seconds : void 0;
}
function refusedStatus(message) {
  if (typeof message !== "string") return null;
  const match = /Unexpected server response: (\d{3})/.exec(message);
  return match ? Number(match[1]) : null;
}

// src/client/emitter.ts
var Emitter = class {
  listeners = /* @__PURE__ */ new Map();
  /** Adds a listener; returns a function that removes it. */
  on(event, listener) {
    let set = this.listeners.get(event);
    if (!set) {
      set = /* @__PURE__ */ new Set();
      this.listeners.set(event, set);
    }
    set.add(listener);
    return () => this.off(event, listener);
  }
  /** Removes a listener. */
  off(event, listener) {
    this.listeners.get(event)?.delete(listener);
  }
  /** Calls every listener of `event` with `payload`, in the order they were added. */
  emit(event, payload) {
    const set = this.listeners.get(event);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        listener(payload);
      } catch (error) {
        console.error(error);
      }
    }
  }
};

// src/client/frames.ts
function isFrame(value) {
  return typeof value === "object" && value !== null && typeof value.type === "string";
}
function parseFrames(data) {
  if (typeof data !== "string") return [];
  let parsed;
  try {
    parsed = JSON.parse(data);
  } catch {
    return [];
  }
  if (!isFrame(parsed)) return [];
  const list = parsed.type === "batch" ? parsed.frames : [parsed];
  if (!Array.isArray(list)) return [];
  return list.filter((frame) => isFrame(frame) && frame.type !== "pong");
}
function sessionEnd(frame, me) {
  if (frame.type === "room" && frame.event === "ended") return { code: CloseCode.RoomEnded, reason: "room ended" };
  if (me === null || !("userId" in frame) || frame.userId !== me) return null;
  if (frame.type === "member" && frame.event === "kicked") return { code: CloseCode.Removed, reason: "kicked" };
  if (frame.type === "member" && frame.event === "left") return { code: CloseCode.Normal, reason: "left the room" };
  if (frame.type === "moderation" && frame.event === "banned") return { code: CloseCode.Removed, reason: "banned" };
  return null;
}

// src/client/refusal.ts
async function probeRefusal(fetcher, httpBase2, chatroomId, token) {
  try {
    const response = await fetcher(`${httpBase2}/api/chatrooms/${encodeURIComponent(chatroomId)}`, {
      headers: { "ACCESS-TOKEN": token, accept: "application/json" },
    });
    const body = await response.json().catch(() => null);
    const error = (fallback) =>
      new ApiError(
        response.status,
        body?.code ?? `HTTP_${response.status}`,
        body?.message ?? fallback,
        retryAfterSeconds(response.headers.get("retry-after")),
      );
    if (response.status === 401) return { kind: "token", error: error("the access token was refused") };
    if (response.status === 429) {
      const refused = error("too many requests");
      return { kind: "wait", ms: (refused.retryAfterSec ?? 1) * 1e3, error: refused };
    }
    if (response.status === 403 || response.status === 404) return { kind: "final", error: error("refused") };
    if (response.ok && body?.data?.state === 2) {
      return { kind: "final", error: new ApiError(409, "CONFLICT", "the room has ended") };
    }
    if (response.ok && body?.data && body.data.role === null && body.data.mode !== "live") {
      return { kind: "final", error: new ApiError(403, "FORBIDDEN", "you are not a member of this room") };
    }
    return null;
  } catch {
    return null;
  }
}

// src/client/resume.ts
var ResumePoint = class {
  constructor(seq = null, updateSeq = null) {
    this.seq = seq;
    this.updateSeq = updateSeq;
  }
  /** Records a message seq (also for messages fetched over HTTP). */
  markSeen(seq) {
    if (this.seq === null || seq > this.seq) this.seq = seq;
  }
  /** Records an update seq. */
  markUpdate(updateSeq) {
    if (this.updateSeq === null || updateSeq > this.updateSeq) this.updateSeq = updateSeq;
  }
  /** Follows the frames that move the resume point. */
  follow(frame) {
    if (frame.type === "welcome") {
      if (this.seq === null) this.seq = frame.lastSeq;
      if (this.updateSeq === null) this.updateSeq = frame.lastUpdateSeq;
    } else if (frame.type === "message") this.markSeen(frame.seq);
    else if (frame.type === "message_update" || frame.type === "reaction") this.markUpdate(frame.updateSeq);
  }
  /** `&since=…&updatesSince=…` for the socket URL (empty before anything was seen). */
  query() {
    if (this.seq === null) return "";
    return this.updateSeq === null ? `&since=${this.seq}` : `&since=${this.seq}&updatesSince=${this.updateSeq}`;
  }
};
function httpBase(baseUrl) {
  const base = baseUrl || globalThis.location?.origin || "";
  return base.replace(/\/+$/, "").replace(/^ws/i, "http");
}
function socketUrl(base, chatroomId, token, resume) {
  const path = `/api/chatrooms/${encodeURIComponent(chatroomId)}/ws?token=${encodeURIComponent(token)}`;
  return `${base.replace(/^http/i, "ws")}${path}${resume.query()}`;
}

// src/client/send-queue.ts
var SendQueue = class {
  entries = /* @__PURE__ */ new Map();
  /** The clientMsgIds still waiting for an answer. */
  get ids() {
    return [...this.entries.keys()];
  }
  /** Adds a send (superseding one with the same id); `write` says on which connection it went out, or 0. */
  add(clientMsgId, text, write) {
    this.entries.get(clientMsgId)?.reject(new SocketError("SUPERSEDED", "sent again with the same clientMsgId"));
    return new Promise((resolve2, reject) => {
      const entry = { text, generation: 0, resolve: resolve2, reject };
      this.entries.set(clientMsgId, entry);
      entry.generation = write(text);
    });
  }
  /** Writes every pending send again (after a welcome); `write` returns the connection or 0. */
  resend(write) {
    for (const entry of this.entries.values()) {
      const generation = write(entry.text);
      if (generation) entry.generation = generation;
    }
  }
  /** Resolves the matching send with its ack. */
  acked(ack) {
    const entry = this.entries.get(ack.clientMsgId);
    if (!entry) return;
    this.entries.delete(ack.clientMsgId);
    entry.resolve(ack);
  }
  /** Rejects the matching send. */
  refused(clientMsgId, error) {
    const entry = this.entries.get(clientMsgId);
    if (!entry) return;
    this.entries.delete(clientMsgId);
    entry.reject(error);
  }
  /** Rejects every send written on connection `generation` (and still unanswered). */
  refuseWritten(generation, error) {
    for (const [id, entry] of this.entries) if (entry.generation === generation) this.refused(id, error);
  }
  /** Rejects everything (the socket closed for good). */
  refuseAll(error) {
    const all = [...this.entries.values()];
    this.entries.clear();
    for (const entry of all) entry.reject(error);
  }
};
function newClientMsgId() {
  const c = globalThis.crypto;
  if (c && typeof c.randomUUID === "function") return c.randomUUID();
  const bytes = new Uint8Array(16);
  if (c) c.getRandomValues(bytes);
  else for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

// src/client/heartbeat.ts
var Heartbeat = class {
  constructor(ping, onTimeout, intervalMs, timeoutMs) {
    this.ping = ping;
    this.onTimeout = onTimeout;
    this.intervalMs = intervalMs;
    this.timeoutMs = timeoutMs;
  }
  interval = null;
  deadline = null;
  /** Starts (or restarts) pinging. */
  start() {
    this.stop();
    this.interval = setInterval(() => {
      if (this.deadline || !this.ping()) return;
      this.deadline = setTimeout(() => {
        this.deadline = null;
        this.onTimeout();
      }, this.timeoutMs);
    }, this.intervalMs);
  }
  /** Something arrived: the connection is alive. */
  alive() {
    if (this.deadline) clearTimeout(this.deadline);
    this.deadline = null;
  }
  /** Stops pinging. */
  stop() {
    this.alive();
    if (this.interval) clearInterval(this.interval);
    this.interval = null;
  }
};

// src/client/transport.ts
var OPEN = 1;
var PING = '{"type":"ping"}';
var Transport = class {
  constructor(Ctor, handlers, timing) {
    this.Ctor = Ctor;
    this.handlers = handlers;
    this.heartbeat = new Heartbeat(
      () => this.write(PING),
      () => this.dropDead(),
      timing.pingIntervalMs,
      timing.pongTimeoutMs,
    );
  }
  ws = null;
  current = 0;
  heartbeat;
  /** Whether a connection is open or being opened. */
  get active() {
    return this.ws !== null;
  }
  /** The current connection's number (frames written on it can be told apart from older ones). */
  get generation() {
    return this.current;
  }
  /** Opens a new connection to `url`. */
  open(url) {
    this.current += 1;
    let upgraded = false;
    let status = null;
    let ws;
    try {
      ws = new this.Ctor(url);
    } catch (error) {
      this.handlers.closed({ code: CloseCode.Abnormal, reason: String(error), upgraded, refusedStatus: null });
      return;
    }
    this.ws = ws;
    ws.addEventListener("open", () => {
      if (ws !== this.ws) return;
      upgraded = true;
      this.heartbeat.start();
    });
    ws.addEventListener("message", (event) => {
      if (ws !== this.ws) return;
      this.heartbeat.alive();
      this.handlers.data(event.data);
    });
    ws.addEventListener("error", (event) => {
      status = refusedStatus(event.message) ?? status;
    });
    ws.addEventListener("close", (event) => {
      if (ws !== this.ws) return;
      this.forget();
      const code = event.code ?? CloseCode.Abnormal;
      this.handlers.closed({ code, reason: event.reason ?? "", upgraded, refusedStatus: status });
    });
  }
  /** Writes a text frame; false when not open. */
  write(text) {
    const ws = this.ws;
    if (!ws || ws.readyState !== OPEN) return false;
    try {
      ws.send(text);
      return true;
    } catch {
      return false;
    }
  }
  /** Closes the current connection without reporting it (the caller already knows why). */
  close(code, reason) {
    const ws = this.ws;
    this.forget();
    try {
      ws?.close(code, reason);
    } catch {}
  }
  forget() {
    this.ws = null;
    this.heartbeat.stop();
  }
  /** A ping went unanswered: the connection is dead; close it and report it. */
  dropDead() {
    if (!this.ws) return;
    this.close(4e3, "heartbeat timeout");
    this.handlers.closed({
      code: CloseCode.Abnormal,
      reason: "heartbeat timeout",
      upgraded: true,
      refusedStatus: null,
    });
  }
};

// src/client/socket.ts
var RoomSocket = class extends Emitter {
  options;
  fetcher;
  pending = new SendQueue();
  transport;
  token;
  userId = null;
  resume;
  currentStatus = "idle";
  attempt = 0;
  tokenRefreshes = 0;
  stopped = false;
  throttle = null;
  timer = null;
  constructor(options) {
    super();
    this.options = options;
    this.token = options.token;
    this.resume = new ResumePoint(options.since ?? null, options.updatesSince ?? null);
    const Ctor = options.WebSocket ?? globalThis.WebSocket;
    if (!Ctor) throw new TypeError("no WebSocket implementation: pass options.WebSocket (e.g. from the ws package)");
    const globalFetch = globalThis.fetch;
    this.fetcher = options.fetch ?? (globalFetch ? (input, init) => globalFetch(input, init) : null);
    this.transport = new Transport(
      Ctor,
      { data: (data) => this.onData(data), closed: (close) => void this.onClose(close) },
      { pingIntervalMs: options.pingIntervalMs ?? 25e3, pongTimeoutMs: options.pongTimeoutMs ?? 1e4 },
    );
  }
  /** The room this socket belongs to. */
  get chatroomId() {
    return this.options.chatroomId;
  }
  /** Current status. */
  get status() {
    return this.currentStatus;
  }
  /** The highest message seq seen (null before the first welcome when no `since` was given). */
  get lastSeq() {
    return this.resume.seq;
  }
  /** The highest update seq seen (recalls, edits, reactions; null before the first welcome). */
  get lastUpdateSeq() {
    return this.resume.updateSeq;
  }
  /** Messages not yet acknowledged, by clientMsgId. */
  get unacked() {
    return this.pending.ids;
  }
  /** The current throttle (RATE_LIMITED / ROOM_BUSY) while it lasts, else null. */
  get throttled() {
    if (this.throttle && this.throttle.until <= Date.now()) this.throttle = null;
    return this.throttle;
  }
  /** Records messages fetched over HTTP (e.g. after `resync`) so a resume starts after them. */
  markSeen(seq) {
    this.resume.markSeen(seq);
  }
  /** Opens the connection (no-op when already connecting, open, or waiting for a token). */
  connect() {
    if (this.stopped) throw new SocketError("CLOSED", "this socket was closed; create a new one");
    if (this.transport.active || this.timer || this.currentStatus === "needs-token") return this;
    this.open();
    return this;
  }
  /** Supplies a new access token: used from the next connection on, at once when one is awaited. */
  setToken(token) {
    this.token = token;
    if (this.stopped || this.currentStatus !== "needs-token") return;
    this.clearTimer();
    this.open();
  }
  /** Closes for good (code 1000) and rejects unacknowledged sends. */
  close(reason = "client closed") {
    if (this.stopped) return;
    this.stopped = true;
    this.transport.close(CloseCode.Normal, reason);
    this.finish({ code: CloseCode.Normal, reason, final: true });
  }
  /**
   * Sends a chat message. Resolves with the ack (seq, ts, duplicate) or rejects with a SocketError:
   * the room's refusal (MUTED, RATE_LIMITED + retryAfterSec, …), or CLOSED when the socket closed for
   * good first. Queued while disconnected and re-sent after every reconnect until acknowledged.
   * `options.attachments` carries ids from `EdgeroomApi.upload` (the text may then be empty).
   */
  send(content, options = {}) {
    if (this.stopped) return Promise.reject(new SocketError("CLOSED", "the connection is closed"));
    const throttle = this.throttled;
    if (throttle) {
      const left = Math.max(1, Math.ceil((throttle.until - Date.now()) / 1e3));
      return Promise.reject(new SocketError(throttle.code, throttle.message, left));
    }
    const { clientMsgId = newClientMsgId(), ...extra } = options;
    const frame = { type: "send", clientMsgId, content, ...extra };
    return this.pending.add(clientMsgId, JSON.stringify(frame), (text) => this.writeSend(text));
  }
  /** Moves the read marker (dropped while disconnected; returns whether it was sent). */
  read(seq) {
    return this.currentStatus === "open" && this.transport.write(JSON.stringify({ type: "read", seq }));
  }
  /** Tells the others you are typing (not sent while throttled: every frame spends the socket's budget). */
  typing() {
    return this.currentStatus === "open" && !this.throttled && this.transport.write('{"type":"typing"}');
  }
  /** Asks for a page of history; the answer arrives as a `history` frame. */
  requestHistory(query = {}) {
    return (
      this.currentStatus === "open" &&
      !this.throttled &&
      this.transport.write(JSON.stringify({ type: "history", ...query }))
    );
  }
  // ── connection ───────────────────────────────────────────────────────
  open() {
    this.timer = null;
    this.setStatus({ status: this.attempt === 0 ? "connecting" : "reconnecting", attempt: this.attempt });
    this.transport.open(socketUrl(httpBase(this.options.baseUrl), this.chatroomId, this.token, this.resume));
  }
  /** Writes a send when open: the connection it went out on, or 0. */
  writeSend(text) {
    return this.currentStatus === "open" && this.transport.write(text) ? this.transport.generation : 0;
  }
  onData(data) {
    for (const frame of parseFrames(data)) this.onFrame(frame);
  }
  onFrame(frame) {
    this.resume.follow(frame);
    if (frame.type === "welcome") {
      this.userId = frame.userId;
      this.attempt = 0;
      this.tokenRefreshes = 0;
      this.setStatus({ status: "open", attempt: 0 });
    } else if (frame.type === "ack") {
      const { clientMsgId, seq, ts, duplicate } = frame;
      this.pending.acked({ clientMsgId, seq, ts, duplicate });
    } else if (frame.type === "error") this.onError(frame);
    this.emit(frame.type, frame);
    this.emit("frame", frame);
    if (frame.type === "welcome") this.pending.resend((text) => this.writeSend(text));
    const ending = sessionEnd(frame, this.userId);
    if (ending) this.endedByServer(ending.code, ending.reason);
  }
  onError(frame) {
    const error = new SocketError(frame.code, frame.message, frame.retryAfterSec);
    if (frame.clientMsgId !== void 0) this.pending.refused(frame.clientMsgId, error);
    if (!isThrottleCode(frame.code)) return;
    const retryAfterSec = frame.retryAfterSec ?? 1;
    const until = Date.now() + retryAfterSec * 1e3;
    this.throttle = { code: frame.code, message: frame.message, retryAfterSec, until, clientMsgId: frame.clientMsgId };
    this.pending.refuseWritten(this.transport.generation, error);
    this.emit("throttled", this.throttle);
  }
  endedByServer(code, reason) {
    if (this.stopped) return;
    this.stopped = true;
    this.transport.close(CloseCode.Normal, reason);
    this.finish({ code, reason, final: true });
  }
  async onClose(close) {
    this.clearTimer();
    if (this.stopped) return;
    let info = { code: close.code, reason: closeReason(close.code, close.reason), final: false };
    const action = closeAction(close.code);
    if (action === "final") return this.stop(info);
    if (action === "token") return this.needToken(info);
    let retryAfterMs = close.refusedStatus === 429 ? CONNECT_RETRY_FALLBACK_MS : 0;
    if (!close.upgraded && this.fetcher) {
      const refusal = await probeRefusal(this.fetcher, httpBase(this.options.baseUrl), this.chatroomId, this.token);
      if (this.stopped) return;
      if (refusal) info = { ...info, reason: refusal.error.message, error: refusal.error };
      if (refusal?.kind === "final") return this.stop(info);
      if (refusal?.kind === "token") return this.needToken(info);
      if (refusal?.kind === "wait") retryAfterMs = refusal.ms;
    }
    this.attempt += 1;
    const retryInMs = reconnectDelay(this.attempt, {
      minMs: this.options.minReconnectDelayMs ?? 500,
      maxMs: this.options.maxReconnectDelayMs ?? 15e3,
      retryAfterMs,
    });
    this.emit("close", info);
    this.setStatus({ status: "reconnecting", attempt: this.attempt, retryInMs, close: info });
    this.timer = setTimeout(() => this.open(), retryInMs);
  }
  /** The token was refused: wait for a new one (asking `getToken`), spacing repeated refreshes. */
  needToken(info) {
    this.tokenRefreshes += 1;
    if (this.tokenRefreshes > MAX_TOKEN_REFRESHES) {
      this.stop({ ...info, reason: `${info.reason}; new tokens were refused too` });
      return;
    }
    const refused = this.token;
    this.emit("close", info);
    this.setStatus({ status: "needs-token", attempt: this.attempt, close: info });
    this.emit("tokenExpired", { code: info.code, reason: info.reason, error: info.error });
    const getToken = this.options.getToken;
    if (!getToken || this.currentStatus !== "needs-token") return;
    const delay = this.tokenRefreshes === 1 ? 0 : reconnectDelay(this.tokenRefreshes - 1, { minMs: 1e3, maxMs: 4e3 });
    this.timer = setTimeout(async () => {
      this.timer = null;
      let next = null;
      try {
        next = await getToken();
      } catch (error) {
        console.error(error);
      }
      if (next && next !== refused && this.currentStatus === "needs-token") this.setToken(next);
    }, delay);
  }
  stop(info) {
    this.stopped = true;
    this.finish({ ...info, final: true });
  }
  finish(info) {
    this.clearTimer();
    this.throttle = null;
    const error = new SocketError("CLOSED", `the connection closed: ${info.reason || info.code}`);
    this.pending.refuseAll(error);
    this.emit("close", info);
    this.setStatus({ status: "closed", attempt: this.attempt, close: info });
  }
  clearTimer() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
  setStatus(info) {
    this.currentStatus = info.status;
    this.emit("status", info);
  }
};

// src/client/api.ts
var enc = encodeURIComponent;
var DEFAULT_RETRIES = 2;
var DEFAULT_MAX_WAIT_SEC = 30;
var FALLBACK_WAIT_SEC = 1;
function isErrorEnvelope(body) {
  return typeof body === "object" && body !== null && typeof body.code === "string";
}
var EdgeroomApi = class {
  baseUrl;
  token;
  fetcher;
  retry;
  constructor(options = {}) {
    this.baseUrl = (options.baseUrl ?? "").replace(/\/+$/, "");
    this.token = options.token ?? null;
    this.fetcher = options.fetch ?? ((input, init) => fetch(input, init));
    this.retry = {
      retries: Math.max(0, options.retry?.retries ?? DEFAULT_RETRIES),
      maxWaitSec: options.retry?.maxWaitSec ?? DEFAULT_MAX_WAIT_SEC,
      nonIdempotent: options.retry?.nonIdempotent ?? false,
      sleep: options.retry?.sleep ?? ((ms) => new Promise((resolve2) => setTimeout(resolve2, ms))),
    };
  }
  /** One call: JSON in, envelope out; a 429 is waited out and retried as {@link RetryOptions} allow. */
  async request(method, path, options = {}) {
    const retryable = options.retry ?? (method !== "POST" || this.retry.nonIdempotent);
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.once(method, path, options);
      } catch (error) {
        const wait =
          error instanceof ApiError && error.status === 429 ? (error.retryAfterSec ?? FALLBACK_WAIT_SEC) : null;
        if (wait === null || !retryable || attempt >= this.retry.retries || wait > this.retry.maxWaitSec) throw error;
        await this.retry.sleep(wait * 1e3);
      }
    }
  }
  /** One HTTP exchange, without retries. */
  async once(method, path, options) {
    let url = `${this.baseUrl}${path}`;
    const params = Object.entries(options.query ?? {}).filter((entry) => entry[1] !== void 0);
    if (params.length > 0) url += `?${params.map(([key, value]) => `${enc(key)}=${enc(String(value))}`).join("&")}`;
    const headers = { accept: "application/json" };
    if (this.token) headers["ACCESS-TOKEN"] = this.token;
    if (options.body !== void 0) headers["content-type"] = "application/json";
    if (options.raw) headers["content-type"] = options.raw.contentType;
    const payload = options.raw ? options.raw.body : options.body === void 0 ? void 0 : JSON.stringify(options.body);
    let response;
    try {
      response = await this.fetcher(url, { method, headers, body: payload });
    } catch (error) {
      throw new ApiError(0, "NETWORK_ERROR", `could not reach the server (${String(error)})`);
    }
    let body = null;
    try {
      body = await response.json();
    } catch {}
    if (response.ok && typeof body === "object" && body !== null && "data" in body) {
      return body.data;
    }
    const retryAfter = Number(response.headers.get("retry-after"));
    const retryAfterSec = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : void 0;
    if (isErrorEnvelope(body)) throw new ApiError(response.status, body.code, body.message, retryAfterSec);
    throw new ApiError(
      response.status,
      response.ok ? "BAD_RESPONSE" : `HTTP_${response.status}`,
      response.ok ? "the server sent an unexpected response" : `the server answered ${response.status}`,
      retryAfterSec,
    );
  }
  // ── development ──────────────────────────────────────────────────────
  /** Dev-only sign-in (DEV_MODE=true): a token for any user id. Stores it on this client. */
  async devToken(userId) {
    const data = await this.request("POST", "/dev/token", { body: { userId }, retry: true });
    this.token = data.token;
    return data;
  }
  // ── rooms ────────────────────────────────────────────────────────────
  /** FlameTalk create (POST /api/chatroom). */
  createChatroom(body) {
    return this.request("POST", "/api/chatroom", { body });
  }
  /** My rooms: ongoing (by last activity) and scheduled (by startAt). */
  listChatrooms(query = {}) {
    return this.request("GET", "/api/chatrooms", { query: { ...query } });
  }
  /** Room info, with my role and restriction. */
  getChatroom(chatroomId) {
    return this.request("GET", `/api/chatrooms/${enc(chatroomId)}`);
  }
  /** Joins an open room. */
  join(chatroomId, body = {}) {
    return this.request("POST", `/api/chatrooms/${enc(chatroomId)}/join`, { body, retry: true });
  }
  /** Leaves a room (the host hands over; the last member ends it). */
  leave(chatroomId) {
    return this.request("POST", `/api/chatrooms/${enc(chatroomId)}/leave`);
  }
  /** Invites users. */
  invite(chatroomId, users) {
    return this.request("POST", `/api/chatrooms/${enc(chatroomId)}/members`, { body: { users } });
  }
  /** Kicks a member. */
  kick(chatroomId, userId) {
    return this.request("DELETE", `/api/chatrooms/${enc(chatroomId)}/members/${enc(userId)}`);
  }
  /** Appoints (`on`) or removes a manager; host only. */
  setManager(chatroomId, userId, on) {
    return this.request(on ? "PUT" : "DELETE", `/api/chatrooms/${enc(chatroomId)}/managers/${enc(userId)}`);
  }
  /** Mutes (status 1) or bans (status 2) a user, forever or until expiresAt / for durationSeconds. */
  restrict(chatroomId, userId, body) {
    return this.request("PUT", `/api/chatrooms/${enc(chatroomId)}/restrictions/${enc(userId)}`, { body });
  }
  /** Lifts a mute or ban. */
  lift(chatroomId, userId) {
    return this.request("DELETE", `/api/chatrooms/${enc(chatroomId)}/restrictions/${enc(userId)}`);
  }
  /** Changes room settings (host and managers). */
  updateSettings(chatroomId, body) {
    return this.request("PUT", `/api/chatrooms/${enc(chatroomId)}/settings`, { body });
  }
  // ── messages ─────────────────────────────────────────────────────────
  /** History by seq: newest first with `before` (or neither), oldest first with `after`. */
  history(chatroomId, query = {}) {
    return this.request("GET", `/api/chatrooms/${enc(chatroomId)}/messages`, { query: { ...query } });
  }
  /** Sends a message over HTTP (same rules and dedupe as the socket). */
  sendMessage(chatroomId, body) {
    return this.request("POST", `/api/chatrooms/${enc(chatroomId)}/messages`, { body, retry: true });
  }
  /**
   * Uploads a file (PNG, JPEG, GIF, WebP, PDF or UTF-8 text, at most 10 MiB) for a message of this room;
   * send it with `sendMessage(id, { …, attachments: [attachmentId] })`. The type and name default to
   * the Blob's (a File's). Safe to retry on 429: a refused upload stores nothing.
   */
  upload(chatroomId, file, options = {}) {
    const contentType = options.contentType ?? (file instanceof Blob ? file.type : "");
    const name = options.name ?? (file instanceof Blob && "name" in file ? String(file.name) : void 0);
    return this.request("POST", `/api/chatrooms/${enc(chatroomId)}/attachments`, {
      raw: { body: file, contentType },
      query: { name },
      retry: true,
    });
  }
  /** An absolute URL for a path the server answered (an attachment's signed `url`), e.g. for an `<img>`. */
  resolveUrl(path) {
    return /^[a-z][a-z0-9+.-]*:/i.test(path) ? path : `${this.baseUrl}${path}`;
  }
  /** Moves my read marker. */
  markRead(chatroomId, seq) {
    return this.request("POST", `/api/chatrooms/${enc(chatroomId)}/read`, { body: { seq }, retry: true });
  }
  // ── profiles ─────────────────────────────────────────────────────────
  /** Sets my nickname and image. */
  updateProfile(body) {
    return this.request("PUT", "/api/users/me/profile", { body });
  }
  /** Creates an open profile (an alternative identity for rooms). */
  createOpenProfile(body) {
    return this.request("POST", "/api/users/me/open-profiles", { body });
  }
  // ── messaging (SPEC §8.3) ────────────────────────────────────────────
  /** Recalls a message: the sender within RECALL_WINDOW_MS, the host or a manager for lower ranks. */
  recall(chatroomId, seq) {
    return this.request("DELETE", `/api/chatrooms/${enc(chatroomId)}/messages/${seq}`);
  }
  /** Edits your own message. */
  edit(chatroomId, seq, content) {
    return this.request("PATCH", `/api/chatrooms/${enc(chatroomId)}/messages/${seq}`, { body: { content } });
  }
  /** Adds (`on`) or removes your reaction with `emoji`. */
  react(chatroomId, seq, emoji, on) {
    const path = `/api/chatrooms/${enc(chatroomId)}/messages/${seq}/reactions/${enc(emoji)}`;
    return this.request(on ? "PUT" : "DELETE", path);
  }
  /** Searches the room's messages, newest first (`nextCursor` pages on). */
  search(chatroomId, query) {
    return this.request("GET", `/api/chatrooms/${enc(chatroomId)}/messages/search`, { query: { ...query } });
  }
  /** A page of the room's members with role, chosen face and online state. */
  members(chatroomId, query = {}) {
    return this.request("GET", `/api/chatrooms/${enc(chatroomId)}/members`, { query: { ...query } });
  }
  // ── real time ────────────────────────────────────────────────────────
  /** A {@link RoomSocket} for a room with this client's server and token (not yet connected). */
  socket(chatroomId, options = {}) {
    if (!this.token) throw new ApiError(401, "UNAUTHORIZED", "sign in first: no access token");
    return new RoomSocket({
      ...options,
      baseUrl: this.baseUrl,
      chatroomId,
      token: this.token,
      fetch: options.fetch ?? this.fetcher,
    });
  }
};

export {
  AdminClient,
  AdminHttpError,
  ApiError,
  adminBody,
  adminCommands,
  CloseCode,
  EdgeroomApi,
  FINAL_CLOSE_CODES,
  isThrottleCode,
  newClientMsgId,
  RoomSocket,
  SocketError,
  THROTTLE_CODES,
};
