/**
 * @module client/api
 * A small typed wrapper over `fetch` for every client route (SPEC §3). Success envelopes resolve to
 * their `data`; error envelopes (and network failures) throw an {@link ApiError}. A 429 is waited
 * out (Retry-After) and retried a bounded number of times for calls that are safe to repeat.
 */
import { ApiError } from "./errors";
import { RoomSocket, type RoomSocketOptions } from "./socket";
import type {
  CreateChatroomBody,
  CreatedChatroom,
  DevToken,
  ErrorEnvelope,
  HistoryPage,
  HistoryQuery,
  InviteResult,
  JoinBody,
  KickResult,
  LeaveResult,
  ListChatroomsQuery,
  ManagerResult,
  MemberList,
  MembersQuery,
  OpenProfile,
  OpenProfileBody,
  Profile,
  ProfileBody,
  ReactionResult,
  ReadResult,
  RecallResult,
  RestrictionBody,
  RestrictionLifted,
  RestrictionSet,
  RoomInfo,
  RoomList,
  SearchPage,
  SearchQuery,
  SendMessageBody,
  SendResult,
  SettingsBody,
  UploadedAttachment,
  UploadOptions,
  WireMessage,
} from "./types";

export { ApiError };

/** How the client retries a call refused with 429 (rate limited). */
export interface RetryOptions {
  /** Retries after a 429 before throwing (default 2; 0 turns retrying off). */
  retries?: number;
  /** Longest Retry-After the client waits out, in seconds (default 30); a longer one throws at once. */
  maxWaitSec?: number;
  /** Also retry calls that are not idempotent (create, invite, leave, open profile); off by default. */
  nonIdempotent?: boolean;
  /** Waits `ms` milliseconds; replace to schedule waits differently. */
  sleep?: (ms: number) => Promise<void>;
}

/** Options of {@link EdgeroomApi}. */
export interface ApiOptions {
  /** Origin of the server, e.g. `http://127.0.0.1:8787`; empty for the page's own origin (browser). */
  baseUrl?: string;
  /** Client token (`/admin/user/get_token`, or `/dev/token` in development). */
  token?: string | null;
  /** A fetch implementation; defaults to the global one. */
  fetch?: typeof fetch;
  /** Retrying on 429; see {@link RetryOptions}. */
  retry?: RetryOptions;
}

/** Options of one {@link EdgeroomApi.request}. */
export interface RequestOptions {
  body?: unknown;
  /** A raw body instead of JSON (a file upload), with its Content-Type. */
  raw?: { body: Blob | ArrayBuffer | Uint8Array<ArrayBuffer>; contentType: string };
  query?: Query;
  /**
   * Whether a 429 may be retried. Defaults to the method: GET, PUT and DELETE yes, POST no (unless
   * `retry.nonIdempotent`); the client's own POSTs that are safe to repeat (send with its clientMsgId,
   * read marker, join) pass true.
   */
  retry?: boolean;
}

type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
type Query = Record<string, string | number | undefined>;

const enc = encodeURIComponent;
const DEFAULT_RETRIES = 2;
const DEFAULT_MAX_WAIT_SEC = 30;
/** Wait after a 429 that carries no usable Retry-After. */
const FALLBACK_WAIT_SEC = 1;

function isErrorEnvelope(body: unknown): body is ErrorEnvelope {
  return typeof body === "object" && body !== null && typeof (body as ErrorEnvelope).code === "string";
}

/** The client API. Every method resolves to the envelope's `data` or throws {@link ApiError}. */
export class EdgeroomApi {
  readonly baseUrl: string;
  token: string | null;
  private readonly fetcher: typeof fetch;
  private readonly retry: Required<RetryOptions>;

  constructor(options: ApiOptions = {}) {
    this.baseUrl = (options.baseUrl ?? "").replace(/\/+$/, "");
    this.token = options.token ?? null;
    this.fetcher = options.fetch ?? ((input, init) => fetch(input, init));
    this.retry = {
      retries: Math.max(0, options.retry?.retries ?? DEFAULT_RETRIES),
      maxWaitSec: options.retry?.maxWaitSec ?? DEFAULT_MAX_WAIT_SEC,
      nonIdempotent: options.retry?.nonIdempotent ?? false,
      sleep: options.retry?.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    };
  }

  /** One call: JSON in, envelope out; a 429 is waited out and retried as {@link RetryOptions} allow. */
  async request<T>(method: Method, path: string, options: RequestOptions = {}): Promise<T> {
    const retryable = options.retry ?? (method !== "POST" || this.retry.nonIdempotent);
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.once<T>(method, path, options);
      } catch (error) {
        const wait =
          error instanceof ApiError && error.status === 429 ? (error.retryAfterSec ?? FALLBACK_WAIT_SEC) : null;
        if (wait === null || !retryable || attempt >= this.retry.retries || wait > this.retry.maxWaitSec) throw error;
        await this.retry.sleep(wait * 1000);
      }
    }
  }

  /** One HTTP exchange, without retries. */
  private async once<T>(method: Method, path: string, options: RequestOptions): Promise<T> {
    let url = `${this.baseUrl}${path}`;
    const params = Object.entries(options.query ?? {}).filter(
      (entry): entry is [string, string | number] => entry[1] !== undefined,
    );
    if (params.length > 0) url += `?${params.map(([key, value]) => `${enc(key)}=${enc(String(value))}`).join("&")}`;
    const headers: Record<string, string> = { accept: "application/json" };
    if (this.token) headers["ACCESS-TOKEN"] = this.token;
    if (options.body !== undefined) headers["content-type"] = "application/json";
    if (options.raw) headers["content-type"] = options.raw.contentType;
    const payload = options.raw
      ? options.raw.body
      : options.body === undefined
        ? undefined
        : JSON.stringify(options.body);
    let response: Response;
    try {
      response = await this.fetcher(url, { method, headers, body: payload });
    } catch (error) {
      throw new ApiError(0, "NETWORK_ERROR", `could not reach the server (${String(error)})`);
    }
    let body: unknown = null;
    try {
      body = await response.json();
    } catch {
      // Not JSON: handled below.
    }
    if (response.ok && typeof body === "object" && body !== null && "data" in body) {
      return (body as { data: T }).data;
    }
    const retryAfter = Number(response.headers.get("retry-after"));
    const retryAfterSec = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined;
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
  async devToken(userId: string): Promise<DevToken> {
    const data = await this.request<DevToken>("POST", "/dev/token", { body: { userId }, retry: true });
    this.token = data.token;
    return data;
  }

  // ── rooms ────────────────────────────────────────────────────────────

  /** FlameTalk create (POST /api/chatroom). */
  createChatroom(body: CreateChatroomBody): Promise<CreatedChatroom> {
    return this.request("POST", "/api/chatroom", { body });
  }

  /** My rooms: ongoing (by last activity) and scheduled (by startAt). */
  listChatrooms(query: ListChatroomsQuery = {}): Promise<RoomList> {
    return this.request("GET", "/api/chatrooms", { query: { ...query } });
  }

  /** Room info, with my role and restriction. */
  getChatroom(chatroomId: string): Promise<RoomInfo> {
    return this.request("GET", `/api/chatrooms/${enc(chatroomId)}`);
  }

  /** Joins an open room. */
  join(chatroomId: string, body: JoinBody = {}): Promise<RoomInfo> {
    return this.request("POST", `/api/chatrooms/${enc(chatroomId)}/join`, { body, retry: true });
  }

  /** Leaves a room (the host hands over; the last member ends it). */
  leave(chatroomId: string): Promise<LeaveResult> {
    return this.request("POST", `/api/chatrooms/${enc(chatroomId)}/leave`);
  }

  /** Invites users. */
  invite(chatroomId: string, users: string[]): Promise<InviteResult> {
    return this.request("POST", `/api/chatrooms/${enc(chatroomId)}/members`, { body: { users } });
  }

  /** Kicks a member. */
  kick(chatroomId: string, userId: string): Promise<KickResult> {
    return this.request("DELETE", `/api/chatrooms/${enc(chatroomId)}/members/${enc(userId)}`);
  }

  /** Appoints (`on`) or removes a manager; host only. */
  setManager(chatroomId: string, userId: string, on: boolean): Promise<ManagerResult> {
    return this.request(on ? "PUT" : "DELETE", `/api/chatrooms/${enc(chatroomId)}/managers/${enc(userId)}`);
  }

  /** Mutes (status 1) or bans (status 2) a user, forever or until expiresAt / for durationSeconds. */
  restrict(chatroomId: string, userId: string, body: RestrictionBody): Promise<RestrictionSet> {
    return this.request("PUT", `/api/chatrooms/${enc(chatroomId)}/restrictions/${enc(userId)}`, { body });
  }

  /** Lifts a mute or ban. */
  lift(chatroomId: string, userId: string): Promise<RestrictionLifted> {
    return this.request("DELETE", `/api/chatrooms/${enc(chatroomId)}/restrictions/${enc(userId)}`);
  }

  /** Changes room settings (host and managers). */
  updateSettings(chatroomId: string, body: SettingsBody): Promise<RoomInfo> {
    return this.request("PUT", `/api/chatrooms/${enc(chatroomId)}/settings`, { body });
  }

  // ── messages ─────────────────────────────────────────────────────────

  /** History by seq: newest first with `before` (or neither), oldest first with `after`. */
  history(chatroomId: string, query: HistoryQuery = {}): Promise<HistoryPage> {
    return this.request("GET", `/api/chatrooms/${enc(chatroomId)}/messages`, { query: { ...query } });
  }

  /** Sends a message over HTTP (same rules and dedupe as the socket). */
  sendMessage(chatroomId: string, body: SendMessageBody): Promise<SendResult> {
    // Safe to repeat: the server deduplicates by clientMsgId.
    return this.request("POST", `/api/chatrooms/${enc(chatroomId)}/messages`, { body, retry: true });
  }

  /**
   * Uploads a file (PNG, JPEG, GIF, WebP, PDF or UTF-8 text, at most 10 MiB) for a message of this room;
   * send it with `sendMessage(id, { …, attachments: [attachmentId] })`. The type and name default to
   * the Blob's (a File's). Safe to retry on 429: a refused upload stores nothing.
   */
  upload(chatroomId: string, file: Blob | ArrayBuffer | Uint8Array<ArrayBuffer>, options: UploadOptions = {}) {
    const contentType = options.contentType ?? (file instanceof Blob ? file.type : "");
    const name = options.name ?? (file instanceof Blob && "name" in file ? String(file.name) : undefined);
    return this.request<UploadedAttachment>("POST", `/api/chatrooms/${enc(chatroomId)}/attachments`, {
      raw: { body: file, contentType },
      query: { name },
      retry: true,
    });
  }

  /** An absolute URL for a path the server answered (an attachment's signed `url`), e.g. for an `<img>`. */
  resolveUrl(path: string): string {
    return /^[a-z][a-z0-9+.-]*:/i.test(path) ? path : `${this.baseUrl}${path}`;
  }

  /** Moves my read marker. */
  markRead(chatroomId: string, seq: number): Promise<ReadResult> {
    return this.request("POST", `/api/chatrooms/${enc(chatroomId)}/read`, { body: { seq }, retry: true });
  }

  // ── profiles ─────────────────────────────────────────────────────────

  /** Sets my nickname and image. */
  updateProfile(body: ProfileBody): Promise<Profile> {
    return this.request("PUT", "/api/users/me/profile", { body });
  }

  /** Creates an open profile (an alternative identity for rooms). */
  createOpenProfile(body: OpenProfileBody): Promise<OpenProfile> {
    return this.request("POST", "/api/users/me/open-profiles", { body });
  }

  // ── messaging (SPEC §8.3) ────────────────────────────────────────────

  /** Recalls a message: the sender within RECALL_WINDOW_MS, the host or a manager for lower ranks. */
  recall(chatroomId: string, seq: number): Promise<RecallResult> {
    return this.request("DELETE", `/api/chatrooms/${enc(chatroomId)}/messages/${seq}`);
  }

  /** Edits your own message. */
  edit(chatroomId: string, seq: number, content: string): Promise<WireMessage> {
    return this.request("PATCH", `/api/chatrooms/${enc(chatroomId)}/messages/${seq}`, { body: { content } });
  }

  /** Adds (`on`) or removes your reaction with `emoji`. */
  react(chatroomId: string, seq: number, emoji: string, on: boolean): Promise<ReactionResult> {
    const path = `/api/chatrooms/${enc(chatroomId)}/messages/${seq}/reactions/${enc(emoji)}`;
    return this.request(on ? "PUT" : "DELETE", path);
  }

  /** Searches the room's messages, newest first (`nextCursor` pages on). */
  search(chatroomId: string, query: SearchQuery): Promise<SearchPage> {
    return this.request("GET", `/api/chatrooms/${enc(chatroomId)}/messages/search`, { query: { ...query } });
  }

  /** A page of the room's members with role, chosen face and online state. */
  members(chatroomId: string, query: MembersQuery = {}): Promise<MemberList> {
    return this.request("GET", `/api/chatrooms/${enc(chatroomId)}/members`, { query: { ...query } });
  }

  // ── real time ────────────────────────────────────────────────────────

  /** A {@link RoomSocket} for a room with this client's server and token (not yet connected). */
  socket(chatroomId: string, options: Omit<RoomSocketOptions, "baseUrl" | "chatroomId" | "token"> = {}): RoomSocket {
    if (!this.token) throw new ApiError(401, "UNAUTHORIZED", "sign in first: no access token");
    return new RoomSocket({
      ...options,
      baseUrl: this.baseUrl,
      chatroomId,
      token: this.token,
      fetch: options.fetch ?? this.fetcher,
    });
  }
}
