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
/** Most users in one create or invite call. */
export const USERS_PER_CALL_MAX = 1000;
/** Chat message content, in characters. */
export const CONTENT_MAX = 4000;
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
/** A timed room warns its clients this long before it ends. */
export const ENDING_NOTICE_MS = 60_000;

/** The tunable limits with their SPEC defaults. */
export interface Limits {
  signWindowMs: number;
  sendRatePerSec: number;
  sendBurst: number;
  maxMembers: number;
  resumeLimit: number;
  messageRetention: number;
}

export const DEFAULT_LIMITS: Limits = {
  signWindowMs: 5 * 60_000,
  sendRatePerSec: 5,
  sendBurst: 10,
  maxMembers: 10_000,
  resumeLimit: 1000,
  messageRetention: 10_000,
};

/** The `[vars]` that tune limits; values arrive as strings. */
export interface LimitVars {
  SIGN_WINDOW_MS?: string;
  SEND_RATE_PER_SEC?: string;
  SEND_BURST?: string;
  MAX_MEMBERS?: string;
  RESUME_LIMIT?: string;
  MESSAGE_RETENTION?: string;
}

function positive(raw: string | undefined, fallback: number): number {
  const value = Number(raw);
  return raw !== undefined && Number.isFinite(value) && value > 0 ? value : fallback;
}

/** Reads the tunable limits; a missing or unusable var keeps its default. */
export function readLimits(vars: LimitVars): Limits {
  return {
    signWindowMs: positive(vars.SIGN_WINDOW_MS, DEFAULT_LIMITS.signWindowMs),
    sendRatePerSec: positive(vars.SEND_RATE_PER_SEC, DEFAULT_LIMITS.sendRatePerSec),
    sendBurst: positive(vars.SEND_BURST, DEFAULT_LIMITS.sendBurst),
    maxMembers: Math.floor(positive(vars.MAX_MEMBERS, DEFAULT_LIMITS.maxMembers)),
    resumeLimit: Math.floor(positive(vars.RESUME_LIMIT, DEFAULT_LIMITS.resumeLimit)),
    messageRetention: Math.floor(positive(vars.MESSAGE_RETENTION, DEFAULT_LIMITS.messageRetention)),
  };
}
