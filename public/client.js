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

// src/client/socket.ts
var FINAL_CLOSE_CODES = [1e3, 4003, 4004];
var OPEN = 1;
var PING = '{"type":"ping"}';
function newClientMsgId() {
  const c = globalThis.crypto;
  if (c && typeof c.randomUUID === "function") return c.randomUUID();
  const bytes = new Uint8Array(16);
  if (c) c.getRandomValues(bytes);
  else for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
function isFrame(value) {
  return typeof value === "object" && value !== null && typeof value.type === "string";
}
var RoomSocket = class {
  options;
  Ctor;
  fetcher;
  listeners = /* @__PURE__ */ new Map();
  pending = /* @__PURE__ */ new Map();
  ws = null;
  upgraded = false;
  userId = null;
  seq;
  currentStatus = "idle";
  attempt = 0;
  stopped = false;
  reconnectTimer = null;
  pingTimer = null;
  pongTimer = null;
  constructor(options) {
    this.options = options;
    this.seq = options.since ?? null;
    const Ctor = options.WebSocket ?? globalThis.WebSocket;
    if (!Ctor) throw new TypeError("no WebSocket implementation: pass options.WebSocket (e.g. from the ws package)");
    this.Ctor = Ctor;
    const globalFetch = globalThis.fetch;
    this.fetcher = options.fetch ?? (globalFetch ? (input, init) => globalFetch(input, init) : null);
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
    return this.seq;
  }
  /** Messages not yet acknowledged, by clientMsgId. */
  get unacked() {
    return [...this.pending.keys()];
  }
  /** Records messages fetched over HTTP (e.g. after `resync`) so a resume starts after them. */
  markSeen(seq) {
    if (this.seq === null || seq > this.seq) this.seq = seq;
  }
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
  /** Opens the connection (no-op when already connecting or open). */
  connect() {
    if (this.stopped) throw new SocketError("CLOSED", "this socket was closed; create a new one");
    if (this.ws || this.reconnectTimer) return this;
    this.open();
    return this;
  }
  /** Closes for good (code 1000) and rejects unacknowledged sends. */
  close(reason = "client closed") {
    if (this.stopped) return;
    this.stopped = true;
    const ws = this.ws;
    this.ws = null;
    this.clearTimers();
    try {
      ws?.close(1e3, reason);
    } catch {}
    this.finish({ code: 1e3, reason, final: true });
  }
  /**
   * Sends a chat message. Resolves with the ack (seq, ts, duplicate) or rejects with a SocketError
   * (MUTED, RATE_LIMITED, … from the room, or CLOSED when the socket closed for good first). Queued
   * while disconnected and re-sent after every reconnect until acknowledged.
   */
  send(content, options = {}) {
    if (this.stopped) return Promise.reject(new SocketError("CLOSED", "the connection is closed"));
    const clientMsgId = options.clientMsgId ?? newClientMsgId();
    const existing = this.pending.get(clientMsgId);
    if (existing) existing.reject(new SocketError("SUPERSEDED", "sent again with the same clientMsgId"));
    const frame = { type: "send", clientMsgId, content };
    if (options.contentType) frame.contentType = options.contentType;
    const text = JSON.stringify(frame);
    return new Promise((resolve2, reject) => {
      this.pending.set(clientMsgId, { text, resolve: resolve2, reject });
      if (this.currentStatus === "open") this.write(text);
    });
  }
  /** Moves the read marker (dropped while disconnected; returns whether it was sent). */
  read(seq) {
    return this.currentStatus === "open" && this.write(JSON.stringify({ type: "read", seq }));
  }
  /** Tells the others you are typing. */
  typing() {
    return this.currentStatus === "open" && this.write('{"type":"typing"}');
  }
  /** Asks for a page of history; the answer arrives as a `history` frame. */
  requestHistory(query = {}) {
    return this.currentStatus === "open" && this.write(JSON.stringify({ type: "history", ...query }));
  }
  // ── connection ───────────────────────────────────────────────────────
  httpBase() {
    const base = this.options.baseUrl || globalThis.location?.origin || "";
    return base.replace(/\/+$/, "").replace(/^ws/i, "http");
  }
  url() {
    const id = encodeURIComponent(this.options.chatroomId);
    let url = `${this.httpBase().replace(/^http/i, "ws")}/api/chatrooms/${id}/ws?token=${encodeURIComponent(this.options.token)}`;
    if (this.seq !== null) url += `&since=${this.seq}`;
    return url;
  }
  open() {
    this.reconnectTimer = null;
    this.upgraded = false;
    this.setStatus({ status: this.attempt === 0 ? "connecting" : "reconnecting", attempt: this.attempt });
    let ws;
    try {
      ws = new this.Ctor(this.url());
    } catch (error) {
      this.onClose(null, { code: 1006, reason: String(error), final: false });
      return;
    }
    this.ws = ws;
    ws.addEventListener("open", () => {
      if (ws !== this.ws) return;
      this.upgraded = true;
      this.startPing();
    });
    ws.addEventListener("message", (event) => {
      if (ws === this.ws) this.onData(event.data);
    });
    ws.addEventListener("close", (event) => {
      if (ws === this.ws) this.onClose(ws, { code: event.code ?? 1006, reason: event.reason ?? "", final: false });
    });
    ws.addEventListener("error", () => {});
  }
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
  onData(data) {
    this.clearPongTimer();
    if (typeof data !== "string") return;
    let parsed;
    try {
      parsed = JSON.parse(data);
    } catch {
      return;
    }
    if (!isFrame(parsed)) return;
    if (parsed.type === "batch") {
      const frames = parsed.frames;
      if (Array.isArray(frames)) {
        for (const frame of frames) if (isFrame(frame)) this.onFrame(frame);
      }
      return;
    }
    this.onFrame(parsed);
  }
  onFrame(raw) {
    if (raw.type === "pong") return;
    const frame = raw;
    switch (frame.type) {
      case "welcome":
        this.userId = frame.userId;
        if (this.seq === null) this.seq = frame.lastSeq;
        this.attempt = 0;
        this.setStatus({ status: "open", attempt: 0 });
        break;
      case "message":
        this.markSeen(frame.seq);
        break;
      case "ack": {
        const pending = this.pending.get(frame.clientMsgId);
        if (pending) {
          this.pending.delete(frame.clientMsgId);
          pending.resolve({ clientMsgId: frame.clientMsgId, seq: frame.seq, ts: frame.ts, duplicate: frame.duplicate });
        }
        break;
      }
      case "error": {
        const pending = frame.clientMsgId === void 0 ? void 0 : this.pending.get(frame.clientMsgId);
        if (pending && frame.clientMsgId !== void 0) {
          this.pending.delete(frame.clientMsgId);
          pending.reject(new SocketError(frame.code, frame.message, frame.retryAfterSec));
        }
        break;
      }
    }
    this.emit(frame.type, frame);
    this.emit("frame", frame);
    if (frame.type === "welcome") for (const pending of this.pending.values()) this.write(pending.text);
    const ending = this.sessionEnd(frame);
    if (ending) this.endedByServer(ending.code, ending.reason);
  }
  /**
   * The frames that announce the server is about to close this socket for good: the close code that
   * follows them. Acting on the frame does not depend on the transport reporting the close promptly
   * (after a server-initiated close some stacks wait for the TCP connection to drop).
   */
  sessionEnd(frame) {
    const me = this.userId;
    if (frame.type === "room" && frame.event === "ended") return { code: 4004, reason: "room ended" };
    if (me === null || !("userId" in frame) || frame.userId !== me) return null;
    if (frame.type === "member" && frame.event === "kicked") return { code: 4003, reason: "kicked" };
    if (frame.type === "member" && frame.event === "left") return { code: 1e3, reason: "left the room" };
    if (frame.type === "moderation" && frame.event === "banned") return { code: 4003, reason: "banned" };
    return null;
  }
  endedByServer(code, reason) {
    if (this.stopped) return;
    this.stopped = true;
    const ws = this.ws;
    this.ws = null;
    try {
      ws?.close(1e3, reason);
    } catch {}
    this.finish({ code, reason, final: true });
  }
  async onClose(ws, info) {
    if (ws) this.ws = null;
    this.clearTimers();
    if (this.stopped) return;
    if (FINAL_CLOSE_CODES.includes(info.code)) {
      this.stopped = true;
      this.finish({ ...info, final: true });
      return;
    }
    if (!this.upgraded) {
      const refusal = await this.refusal();
      if (this.stopped) return;
      if (refusal) {
        this.stopped = true;
        this.finish({ code: info.code, reason: refusal.message, final: true, error: refusal });
        return;
      }
    }
    this.attempt += 1;
    const base = this.options.minReconnectDelayMs ?? 500;
    const max = this.options.maxReconnectDelayMs ?? 15e3;
    const delay = Math.min(max, base * 2 ** Math.min(this.attempt - 1, 16));
    const retryInMs = Math.round(delay * (0.8 + Math.random() * 0.4));
    this.emit("close", info);
    this.setStatus({ status: "reconnecting", attempt: this.attempt, retryInMs, close: info });
    this.reconnectTimer = setTimeout(() => this.open(), retryInMs);
  }
  /** Why the server would refuse this connection for good, or null when a retry may work. */
  async refusal() {
    if (!this.fetcher) return null;
    try {
      const response = await this.fetcher(`${this.httpBase()}/api/chatrooms/${encodeURIComponent(this.chatroomId)}`, {
        headers: { "ACCESS-TOKEN": this.options.token, accept: "application/json" },
      });
      const body = await response.json().catch(() => null);
      if ([401, 403, 404].includes(response.status)) {
        return new ApiError(response.status, body?.code ?? `HTTP_${response.status}`, body?.message ?? "refused");
      }
      if (response.ok && body?.data?.state === 2) return new ApiError(409, "CONFLICT", "the room has ended");
      if (response.ok && body?.data && body.data.role === null) {
        return new ApiError(403, "FORBIDDEN", "you are not a member of this room");
      }
      return null;
    } catch {
      return null;
    }
  }
  finish(info) {
    this.clearTimers();
    const error = new SocketError("CLOSED", `the connection closed: ${info.reason || info.code}`);
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
    this.emit("close", info);
    this.setStatus({ status: "closed", attempt: this.attempt, close: info });
  }
  // ── heartbeat ────────────────────────────────────────────────────────
  startPing() {
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.pingTimer = setInterval(() => {
      if (!this.write(PING) || this.pongTimer) return;
      this.pongTimer = setTimeout(() => {
        this.pongTimer = null;
        const ws = this.ws;
        if (!ws) return;
        try {
          ws.close(4e3, "heartbeat timeout");
        } catch {}
        void this.onClose(ws, { code: 1006, reason: "heartbeat timeout", final: false });
      }, this.options.pongTimeoutMs ?? 1e4);
    }, this.options.pingIntervalMs ?? 25e3);
  }
  clearPongTimer() {
    if (this.pongTimer) clearTimeout(this.pongTimer);
    this.pongTimer = null;
  }
  clearTimers() {
    this.clearPongTimer();
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.pingTimer = null;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
  }
  // ── events ───────────────────────────────────────────────────────────
  setStatus(info) {
    this.currentStatus = info.status;
    this.emit("status", info);
  }
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
    let response;
    try {
      response = await this.fetcher(url, {
        method,
        headers,
        body: options.body === void 0 ? void 0 : JSON.stringify(options.body),
      });
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
  EdgeroomApi,
  FINAL_CLOSE_CODES,
  newClientMsgId,
  RoomSocket,
  SocketError,
};
