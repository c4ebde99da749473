/**
 * @module client/socket
 * `RoomSocket`: one room's real-time connection (SPEC §4) over the standard WebSocket API, so the same
 * code runs in browsers (global WebSocket) and in Node (pass `WebSocket` from the `ws` package).
 *
 * - unpacks `batch` frames and emits every server frame, in order, to typed listeners;
 * - tracks the last message seq seen and reconnects with backoff after an unexpected close, resuming
 *   with `?since=<lastSeq>` so no message is lost;
 * - stays closed after 4003 (kicked or banned), 4004 (room ended), 1000 (left) or `close()`;
 * - pings every ~25 s and reconnects when the pong does not come back;
 * - `send()` resolves on the matching `ack` (or rejects on the matching `error` frame) and re-sends
 *   unacknowledged messages after a reconnect (the server's clientMsgId dedupe makes that safe).
 */
import { ApiError, SocketError } from "./errors";
import type { FrameOf, RoomInfo, SendResult, ServerFrame, ServerFrameType } from "./types";

/** What the socket needs from an event: the standard MessageEvent / CloseEvent fields. */
export interface SocketEventLike {
  type?: string;
  data?: unknown;
  code?: number;
  reason?: string;
}

/** The subset of the standard WebSocket API that RoomSocket uses (browser WebSocket and `ws` both fit). */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: "open" | "message" | "close" | "error", listener: (event: SocketEventLike) => void): void;
}

/** A WebSocket constructor: the global `WebSocket`, or `WebSocket` from the `ws` package. */
export type WebSocketConstructor = new (url: string) => WebSocketLike;

/** Connection status: `open` once the room's welcome arrived; `closed` is final. */
export type SocketStatus = "idle" | "connecting" | "open" | "reconnecting" | "closed";

/** Why the socket closed. `final` means it will not reconnect. */
export interface CloseInfo {
  code: number;
  reason: string;
  final: boolean;
  /** When the server refused the connection before the upgrade: why (UNAUTHORIZED, BANNED, …). */
  error?: ApiError;
}

/** A status change. */
export interface StatusInfo {
  status: SocketStatus;
  /** Reconnect attempt number (0 for the first connection). */
  attempt: number;
  /** Delay before the next attempt, when reconnecting. */
  retryInMs?: number;
  /** The close that caused this status, if any. */
  close?: CloseInfo;
}

/** Events: one per server frame type, plus `frame` (every frame), `status` and `close`. */
export type RoomSocketEvents = { [K in ServerFrameType]: FrameOf<K> } & {
  frame: ServerFrame;
  status: StatusInfo;
  close: CloseInfo;
};

/** Options of {@link RoomSocket}. */
export interface RoomSocketOptions {
  /** Origin of the server (`http(s)://` or `ws(s)://`); empty for the page's own origin (browser). */
  baseUrl?: string;
  chatroomId: string;
  /** Client access token. */
  token: string;
  /** Last message seq already seen: the first connection resumes after it. */
  since?: number | null;
  /** WebSocket constructor; defaults to the global `WebSocket`. In Node pass `WebSocket` from `ws`. */
  WebSocket?: WebSocketConstructor;
  /** fetch, used to ask the server why a connection was refused; defaults to the global one. */
  fetch?: typeof fetch;
  /** Ping period (default 25 s). */
  pingIntervalMs?: number;
  /** Reconnect when no pong comes back within this time (default 10 s). */
  pongTimeoutMs?: number;
  /** First reconnect delay (default 500 ms), doubled per failed attempt up to maxReconnectDelayMs. */
  minReconnectDelayMs?: number;
  /** Longest reconnect delay (default 15 s). */
  maxReconnectDelayMs?: number;
}

/** Codes after which the socket stays closed: left (1000), kicked or banned (4003), room ended (4004). */
export const FINAL_CLOSE_CODES: readonly number[] = [1000, 4003, 4004];

const OPEN = 1;
const PING = '{"type":"ping"}';

interface Pending {
  text: string;
  resolve: (ack: SendResult & { clientMsgId: string }) => void;
  reject: (error: SocketError) => void;
}

type Listener<K extends keyof RoomSocketEvents> = (payload: RoomSocketEvents[K]) => void;

/** A fresh client message id (crypto.randomUUID where available, e.g. not on plain-http LAN pages). */
export function newClientMsgId(): string {
  const c = (globalThis as { crypto?: Crypto }).crypto;
  if (c && typeof c.randomUUID === "function") return c.randomUUID();
  const bytes = new Uint8Array(16);
  if (c) c.getRandomValues(bytes);
  else for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function isFrame(value: unknown): value is { type: string } {
  return typeof value === "object" && value !== null && typeof (value as { type?: unknown }).type === "string";
}

/** One room's live connection. Call {@link RoomSocket.connect} to start. */
export class RoomSocket {
  private readonly options: RoomSocketOptions;
  private readonly Ctor: WebSocketConstructor;
  private readonly fetcher: typeof fetch | null;
  private readonly listeners = new Map<keyof RoomSocketEvents, Set<(payload: never) => void>>();
  private readonly pending = new Map<string, Pending>();
  private ws: WebSocketLike | null = null;
  private upgraded = false;
  private userId: string | null = null;
  private seq: number | null;
  private currentStatus: SocketStatus = "idle";
  private attempt = 0;
  private stopped = false;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private pingTimer: ReturnType<typeof setInterval> | null = null;
  private pongTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(options: RoomSocketOptions) {
    this.options = options;
    this.seq = options.since ?? null;
    const Ctor = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
    if (!Ctor) throw new TypeError("no WebSocket implementation: pass options.WebSocket (e.g. from the ws package)");
    this.Ctor = Ctor;
    const globalFetch = (globalThis as { fetch?: typeof fetch }).fetch;
    this.fetcher = options.fetch ?? (globalFetch ? (input, init) => globalFetch(input, init) : null);
  }

  /** The room this socket belongs to. */
  get chatroomId(): string {
    return this.options.chatroomId;
  }

  /** Current status. */
  get status(): SocketStatus {
    return this.currentStatus;
  }

  /** The highest message seq seen (null before the first welcome when no `since` was given). */
  get lastSeq(): number | null {
    return this.seq;
  }

  /** Messages not yet acknowledged, by clientMsgId. */
  get unacked(): string[] {
    return [...this.pending.keys()];
  }

  /** Records messages fetched over HTTP (e.g. after `resync`) so a resume starts after them. */
  markSeen(seq: number): void {
    if (this.seq === null || seq > this.seq) this.seq = seq;
  }

  /** Adds a listener; returns a function that removes it. */
  on<K extends keyof RoomSocketEvents>(event: K, listener: Listener<K>): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener as (payload: never) => void);
    return () => this.off(event, listener);
  }

  /** Removes a listener. */
  off<K extends keyof RoomSocketEvents>(event: K, listener: Listener<K>): void {
    this.listeners.get(event)?.delete(listener as (payload: never) => void);
  }

  /** Opens the connection (no-op when already connecting or open). */
  connect(): this {
    if (this.stopped) throw new SocketError("CLOSED", "this socket was closed; create a new one");
    if (this.ws || this.reconnectTimer) return this;
    this.open();
    return this;
  }

  /** Closes for good (code 1000) and rejects unacknowledged sends. */
  close(reason = "client closed"): void {
    if (this.stopped) return;
    this.stopped = true;
    const ws = this.ws;
    this.ws = null;
    this.clearTimers();
    try {
      ws?.close(1000, reason);
    } catch {
      // Already closed.
    }
    this.finish({ code: 1000, reason, final: true });
  }

  /**
   * Sends a chat message. Resolves with the ack (seq, ts, duplicate) or rejects with a SocketError
   * (MUTED, RATE_LIMITED, … from the room, or CLOSED when the socket closed for good first). Queued
   * while disconnected and re-sent after every reconnect until acknowledged.
   */
  send(
    content: string,
    options: { contentType?: string; clientMsgId?: string } = {},
  ): Promise<SendResult & { clientMsgId: string }> {
    if (this.stopped) return Promise.reject(new SocketError("CLOSED", "the connection is closed"));
    const clientMsgId = options.clientMsgId ?? newClientMsgId();
    const existing = this.pending.get(clientMsgId);
    if (existing) existing.reject(new SocketError("SUPERSEDED", "sent again with the same clientMsgId"));
    const frame: Record<string, string> = { type: "send", clientMsgId, content };
    if (options.contentType) frame.contentType = options.contentType;
    const text = JSON.stringify(frame);
    return new Promise((resolve, reject) => {
      this.pending.set(clientMsgId, { text, resolve, reject });
      if (this.currentStatus === "open") this.write(text);
    });
  }

  /** Moves the read marker (dropped while disconnected; returns whether it was sent). */
  read(seq: number): boolean {
    return this.currentStatus === "open" && this.write(JSON.stringify({ type: "read", seq }));
  }

  /** Tells the others you are typing. */
  typing(): boolean {
    return this.currentStatus === "open" && this.write('{"type":"typing"}');
  }

  /** Asks for a page of history; the answer arrives as a `history` frame. */
  requestHistory(query: { before?: number; limit?: number } = {}): boolean {
    return this.currentStatus === "open" && this.write(JSON.stringify({ type: "history", ...query }));
  }

  // ── connection ───────────────────────────────────────────────────────

  private httpBase(): string {
    const base = this.options.baseUrl || (globalThis as { location?: { origin: string } }).location?.origin || "";
    return base.replace(/\/+$/, "").replace(/^ws/i, "http");
  }

  private url(): string {
    const id = encodeURIComponent(this.options.chatroomId);
    let url = `${this.httpBase().replace(/^http/i, "ws")}/api/chatrooms/${id}/ws?token=${encodeURIComponent(this.options.token)}`;
    if (this.seq !== null) url += `&since=${this.seq}`;
    return url;
  }

  private open(): void {
    this.reconnectTimer = null;
    this.upgraded = false;
    this.setStatus({ status: this.attempt === 0 ? "connecting" : "reconnecting", attempt: this.attempt });
    let ws: WebSocketLike;
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
    ws.addEventListener("error", () => {
      // A close event always follows.
    });
  }

  private write(text: string): boolean {
    const ws = this.ws;
    if (!ws || ws.readyState !== OPEN) return false;
    try {
      ws.send(text);
      return true;
    } catch {
      return false;
    }
  }

  private onData(data: unknown): void {
    this.clearPongTimer();
    if (typeof data !== "string") return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(data);
    } catch {
      return;
    }
    if (!isFrame(parsed)) return;
    if (parsed.type === "batch") {
      const frames = (parsed as { frames?: unknown }).frames;
      if (Array.isArray(frames)) for (const frame of frames) if (isFrame(frame)) this.onFrame(frame);
      return;
    }
    this.onFrame(parsed);
  }

  private onFrame(raw: { type: string }): void {
    if (raw.type === "pong") return;
    const frame = raw as ServerFrame;
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
        const pending = frame.clientMsgId === undefined ? undefined : this.pending.get(frame.clientMsgId);
        if (pending && frame.clientMsgId !== undefined) {
          this.pending.delete(frame.clientMsgId);
          pending.reject(new SocketError(frame.code, frame.message, frame.retryAfterSec));
        }
        break;
      }
    }
    this.emit(frame.type, frame as never);
    this.emit("frame", frame);
    // After the welcome (and whatever the server queued with it), re-send what is still unacknowledged.
    if (frame.type === "welcome") for (const pending of this.pending.values()) this.write(pending.text);
    const ending = this.sessionEnd(frame);
    if (ending) this.endedByServer(ending.code, ending.reason);
  }

  /**
   * The frames that announce the server is about to close this socket for good: the close code that
   * follows them. Acting on the frame does not depend on the transport reporting the close promptly
   * (after a server-initiated close some stacks wait for the TCP connection to drop).
   */
  private sessionEnd(frame: ServerFrame): { code: number; reason: string } | null {
    const me = this.userId;
    if (frame.type === "room" && frame.event === "ended") return { code: 4004, reason: "room ended" };
    if (me === null || !("userId" in frame) || frame.userId !== me) return null;
    if (frame.type === "member" && frame.event === "kicked") return { code: 4003, reason: "kicked" };
    if (frame.type === "member" && frame.event === "left") return { code: 1000, reason: "left the room" };
    if (frame.type === "moderation" && frame.event === "banned") return { code: 4003, reason: "banned" };
    return null;
  }

  private endedByServer(code: number, reason: string): void {
    if (this.stopped) return;
    this.stopped = true;
    const ws = this.ws;
    this.ws = null;
    try {
      ws?.close(1000, reason);
    } catch {
      // Already closing.
    }
    this.finish({ code, reason, final: true });
  }

  private async onClose(ws: WebSocketLike | null, info: CloseInfo): Promise<void> {
    if (ws) this.ws = null;
    this.clearTimers();
    if (this.stopped) return;
    if (FINAL_CLOSE_CODES.includes(info.code)) {
      this.stopped = true;
      this.finish({ ...info, final: true });
      return;
    }
    if (!this.upgraded) {
      // Refused before the upgrade (401/403/409): the browser only says 1006, so ask over HTTP why.
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
    const max = this.options.maxReconnectDelayMs ?? 15_000;
    const delay = Math.min(max, base * 2 ** Math.min(this.attempt - 1, 16));
    const retryInMs = Math.round(delay * (0.8 + Math.random() * 0.4));
    this.emit("close", info);
    this.setStatus({ status: "reconnecting", attempt: this.attempt, retryInMs, close: info });
    this.reconnectTimer = setTimeout(() => this.open(), retryInMs);
  }

  /** Why the server would refuse this connection for good, or null when a retry may work. */
  private async refusal(): Promise<ApiError | null> {
    if (!this.fetcher) return null;
    try {
      const response = await this.fetcher(`${this.httpBase()}/api/chatrooms/${encodeURIComponent(this.chatroomId)}`, {
        headers: { "ACCESS-TOKEN": this.options.token, accept: "application/json" },
      });
      const body = (await response.json().catch(() => null)) as {
        data?: RoomInfo;
        code?: string;
        message?: string;
      } | null;
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

  private finish(info: CloseInfo): void {
    this.clearTimers();
    const error = new SocketError("CLOSED", `the connection closed: ${info.reason || info.code}`);
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
    this.emit("close", info);
    this.setStatus({ status: "closed", attempt: this.attempt, close: info });
  }

  // ── heartbeat ────────────────────────────────────────────────────────

  private startPing(): void {
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.pingTimer = setInterval(() => {
      if (!this.write(PING) || this.pongTimer) return;
      this.pongTimer = setTimeout(() => {
        // No answer: the connection is dead. Drop it and reconnect.
        this.pongTimer = null;
        const ws = this.ws;
        if (!ws) return;
        try {
          ws.close(4000, "heartbeat timeout");
        } catch {
          // Ignore.
        }
        void this.onClose(ws, { code: 1006, reason: "heartbeat timeout", final: false });
      }, this.options.pongTimeoutMs ?? 10_000);
    }, this.options.pingIntervalMs ?? 25_000);
  }

  private clearPongTimer(): void {
    if (this.pongTimer) clearTimeout(this.pongTimer);
    this.pongTimer = null;
  }

  private clearTimers(): void {
    this.clearPongTimer();
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.pingTimer = null;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
  }

  // ── events ───────────────────────────────────────────────────────────

  private setStatus(info: StatusInfo): void {
    this.currentStatus = info.status;
    this.emit("status", info);
  }

  private emit<K extends keyof RoomSocketEvents>(event: K, payload: RoomSocketEvents[K]): void {
    const set = this.listeners.get(event);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        (listener as Listener<K>)(payload);
      } catch (error) {
        // A listener's bug must not break the connection.
        console.error(error);
      }
    }
  }
}
