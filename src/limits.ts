/**
 * @module limits
 * Every limit of SPEC §4–5 as a named constant, and the tunable ones read from `[vars]` (SPEC §6).
 */

/** userId and chatroomId: 1–64 characters of this set (SPEC §5); `.` and `..` are not ids (URLs fold them away). */
export const ID_PATTERN = /^(?!\.{1,2}$)[A-Za-z0-9_.:@-]{1,64}$/;
/** Longest room title. */
export const TITLE_MAX = 100;
/** Longest free-text fields (desc, extra, portrait/thumbnail URLs, reasons). */
export const DESC_MAX = 1000;
export const EXTRA_MAX = 4096;
export const URL_MAX = 2048;
export const REASON_MAX = 500;
export const NAME_MAX = 100;
/** Most shard objects a live room may ask for (SPEC §8.5; the default is LIVE_SHARDS). */
export const LIVE_SHARDS_MAX = 256;
/** Most users in one create or invite call. */
export const USERS_PER_CALL_MAX = 1000;
/** Chat message content, in characters. */
export const CONTENT_MAX = 4000;
/** Attachments one message may carry (SPEC §8.4). */
export const ATTACHMENTS_PER_MESSAGE = 10;
/** contentType and clientMsgId lengths. */
export const CONTENT_TYPE_MAX = 64;
export const CLIENT_MSG_ID_MAX = 64;
/** Largest WebSocket frame accepted from a client, in bytes. */
export const FRAME_MAX_BYTES = 16 * 1024;
/** Largest HTTP request body accepted, in bytes (a create with 1,000 users fits easily). */
export const BODY_MAX_BYTES = 256 * 1024;
/** History page sizes. */
export const HISTORY_DEFAULT = 50;
export const HISTORY_MAX = 100;
/** Room list page sizes. */
export const LIST_DEFAULT = 20;
export const LIST_MAX = 100;
/** Admin members page cap. */
export const MEMBERS_PAGE_MAX = 10_000;
/** Slow mode and timed-room bounds. */
export const SLOW_MODE_MAX_SECONDS = 3600;
export const DURATION_MAX_MINUTES = 7 * 24 * 60;
/** Restrictions set by duration: at most one year. */
export const RESTRICTION_MAX_SECONDS = 366 * 24 * 3600;
/** Client tokens: default and bounds of ttlSeconds. */
export const TOKEN_TTL_DEFAULT_SECONDS = 7 * 24 * 3600;
export const TOKEN_TTL_MAX_SECONDS = 90 * 24 * 3600;
/** Thumbnails shown for a room. */
export const THUMBNAILS_MAX = 4;
/** How many online user ids a welcome frame lists. */
export const ONLINE_LIST_MAX = 500;
/** Characters of the last message kept as the list preview. */
export const PREVIEW_MAX = 100;
/** Largest image accepted, in pixels (width × height): a tiny file claiming a huge canvas exhausts viewers' memory. */
export const IMAGE_MAX_PIXELS = 100_000_000;
/** A timed room warns its clients this long before it ends. */
export const ENDING_NOTICE_MS = 60_000;

/**
 * The tunable limits (SPEC §6, §8): each has a default and a `[vars]` name that overrides it per
 * deployment (or with `wrangler dev --var NAME:value`). One table, so a new limit is one line.
 */
const TUNABLE = {
  signWindowMs: { name: "SIGN_WINDOW_MS", fallback: 5 * 60_000 },
  sendRatePerSec: { name: "SEND_RATE_PER_SEC", fallback: 5 },
  sendBurst: { name: "SEND_BURST", fallback: 10 },
  maxMembers: { name: "MAX_MEMBERS", fallback: 10_000, integer: true },
  resumeLimit: { name: "RESUME_LIMIT", fallback: 1000, integer: true },
  messageRetention: { name: "MESSAGE_RETENTION", fallback: 10_000, integer: true },
  // §8.1 abuse limits
  frameRatePerSec: { name: "FRAME_RATE_PER_SEC", fallback: 20 },
  frameBurst: { name: "FRAME_BURST", fallback: 40 },
  overBudgetCloseMs: { name: "OVER_BUDGET_CLOSE_MS", fallback: 10_000 },
  typingIntervalMs: { name: "TYPING_INTERVAL_MS", fallback: 2000 },
  historyFramesPerSec: { name: "HISTORY_FRAMES_PER_SEC", fallback: 2 },
  maxSocketsPerUser: { name: "MAX_SOCKETS_PER_USER", fallback: 5, integer: true },
  connectsPer10s: { name: "CONNECTS_PER_10S", fallback: 10, integer: true },
  httpRatePerSec: { name: "HTTP_RATE_PER_SEC", fallback: 10 },
  httpBurst: { name: "HTTP_BURST", fallback: 20 },
  roomsPerHour: { name: "ROOMS_PER_HOUR", fallback: 60, integer: true },
  authFailsPerMin: { name: "AUTH_FAILS_PER_MIN", fallback: 60, integer: true },
  roomSendsPerSec: { name: "ROOM_SENDS_PER_SEC", fallback: 1000 },
  // §8.3 messaging
  recallWindowMs: { name: "RECALL_WINDOW_MS", fallback: 120_000 },
  reactionMaxChars: { name: "REACTION_MAX_CHARS", fallback: 16, integer: true },
  reactionsPerMessage: { name: "REACTIONS_PER_MESSAGE", fallback: 20, integer: true },
  mentionsMax: { name: "MENTIONS_MAX", fallback: 20, integer: true },
  // §8.4 attachments
  attachmentMaxBytes: { name: "ATTACHMENT_MAX_BYTES", fallback: 10 * 1024 * 1024, integer: true },
  attachmentBytesPerDay: { name: "ATTACHMENT_BYTES_PER_DAY", fallback: 200 * 1024 * 1024, integer: true },
  attachmentUrlTtlS: { name: "ATTACHMENT_URL_TTL_S", fallback: 3600, integer: true },
  // §8.4 webhook delivery: first retry delay (doubling), the longest delay, and the receiver's time to answer
  webhookRetryBaseS: { name: "WEBHOOK_RETRY_BASE_S", fallback: 30, integer: true, zero: true },
  webhookRetryMaxS: { name: "WEBHOOK_RETRY_MAX_S", fallback: 1800, integer: true, zero: true },
  webhookTimeoutMs: { name: "WEBHOOK_TIMEOUT_MS", fallback: 10_000, integer: true },
  // §8.5 live rooms
  liveShards: { name: "LIVE_SHARDS", fallback: 16, integer: true },
} as const satisfies Record<string, { name: string; fallback: number; integer?: boolean; zero?: boolean }>;

type Tunable = typeof TUNABLE;

/** The tunable limits, by their names in code. */
export type Limits = { [K in keyof Tunable]: number };

/** The `[vars]` that tune limits; values arrive as strings. */
export type LimitVars = { [K in keyof Tunable as Tunable[K]["name"]]?: string };

/** The SPEC defaults of every tunable limit. */
export const DEFAULT_LIMITS = Object.fromEntries(
  Object.entries(TUNABLE).map(([key, spec]) => [key, spec.fallback]),
) as Limits;

/** A usable value of a var: a finite number above 0 (or 0 itself where the limit allows it), else the default. */
function usable(raw: string | undefined, fallback: number, zero: boolean): number {
  const value = Number(raw);
  const allowed = Number.isFinite(value) && (value > 0 || (zero && value === 0));
  return raw !== undefined && raw.trim() !== "" && allowed ? value : fallback;
}

/** Reads the tunable limits; a missing or unusable var keeps its default (0 only where a delay may be 0). */
export function readLimits(vars: LimitVars): Limits {
  const limits: Record<string, number> = {};
  for (const [key, spec] of Object.entries(TUNABLE) as [keyof Tunable, Tunable[keyof Tunable]][]) {
    const value = usable(vars[spec.name], spec.fallback, "zero" in spec && spec.zero);
    limits[key] = "integer" in spec && spec.integer ? Math.floor(value) : value;
  }
  return limits as Limits;
}
