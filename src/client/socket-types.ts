/**
 * @module client/socket-types
 * The public shapes of {@link RoomSocket}: the WebSocket it needs, its options, statuses and events.
 */
import type { ThrottleCode } from "./close-policy";
import type { ApiError } from "./errors";
import type { FrameOf, SendMessageBody, ServerFrame, ServerFrameType } from "./types";

/** What the socket needs from an event: the standard MessageEvent / CloseEvent / ErrorEvent fields. */
export interface SocketEventLike {
  type?: string;
  data?: unknown;
  code?: number;
  reason?: string;
  /** An error event's text (the `ws` package puts the refused upgrade's status here). */
  message?: string;
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

/**
 * Connection status: `open` once the room's welcome arrived; `needs-token` after the server refused
 * the token (4001 or 401) until a new one is supplied; `closed` is final.
 */
export type SocketStatus = "idle" | "connecting" | "open" | "reconnecting" | "needs-token" | "closed";

/** Why the socket closed. `final` means it will not reconnect. */
export interface CloseInfo {
  code: number;
  reason: string;
  final: boolean;
  /** When the server refused the connection before the upgrade: why (UNAUTHORIZED, BANNED, RATE_LIMITED…). */
  error?: ApiError;
}

/** A status change. */
export interface StatusInfo {
  status: SocketStatus;
  /** Reconnect attempt number (0 for the first connection). */
  attempt: number;
  /** Delay before the next attempt, when reconnecting (at least the server's Retry-After). */
  retryInMs?: number;
  /** The close that caused this status, if any. */
  close?: CloseInfo;
}

/** The server refused the token (close 4001, or 401 before the upgrade): the app should supply a new one. */
export interface TokenExpiredInfo {
  code: number;
  reason: string;
  error?: ApiError;
}

/** The room asked this socket to slow down (`error` RATE_LIMITED or ROOM_BUSY). */
export interface ThrottleInfo {
  code: ThrottleCode;
  message: string;
  retryAfterSec: number;
  /** Epoch ms until which `send()` rejects at once and `typing()` / `requestHistory()` are not sent. */
  until: number;
  /** The refused send, when the refused frame was one. */
  clientMsgId?: string;
}

/** Events: one per server frame type, plus `frame` (every frame), `status`, `close`, `tokenExpired`, `throttled`. */
export type RoomSocketEvents = { [K in ServerFrameType]: FrameOf<K> } & {
  frame: ServerFrame;
  status: StatusInfo;
  close: CloseInfo;
  tokenExpired: TokenExpiredInfo;
  throttled: ThrottleInfo;
};

/**
 * Options of one `send()`: a clientMsgId to reuse (a retry), the content type, a reply, mentions (SPEC §8.3),
 * and the ids of uploaded attachments (SPEC §8.4; the text may then be empty).
 */
export type SendOptions = Partial<Omit<SendMessageBody, "content">>;

/** Options of {@link RoomSocket}. */
export interface RoomSocketOptions {
  /** Origin of the server (`http(s)://` or `ws(s)://`); empty for the page's own origin (browser). */
  baseUrl?: string;
  chatroomId: string;
  /** Client access token. */
  token: string;
  /**
   * Called when the server refuses the token (4001 or 401): resolve to a new token to reconnect with
   * it, or to null to wait for {@link RoomSocket.setToken}. Without it the socket waits for setToken.
   */
  getToken?: () => Promise<string | null> | string | null;
  /** Last message seq already seen: the first connection resumes after it. */
  since?: number | null;
  /** Last update seq already seen (welcome's lastUpdateSeq): recalls, edits and reactions after it are replayed. */
  updatesSince?: number | null;
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
