/**
 * @module client/types
 * Wire types of the edgeroom client API and real-time protocol, as a client sees them. Request
 * bodies come from the server's zod schemas (`z.input`), frames from the server's protocol module;
 * only the response `data` shapes, which the server builds by hand, are written out here (once).
 * Type-only imports: nothing from the server ends up in the bundle.
 */
import type { z } from "@hono/zod-openapi";
import type * as S from "../api/schemas";
import type { SendMessage, ServerFrame, WireMessage, WireRestriction } from "../room/protocol";

export type { ServerFrame, WireMessage, WireRestriction };

// ── request bodies and queries (from the zod schemas) ─────────────────

/** POST /api/chatroom (FlameTalk create, plus startAt / durationMinutes). */
export type CreateChatroomBody = z.input<typeof S.CreateChatroom>;
/** GET /api/chatrooms query. */
export type ListChatroomsQuery = { status?: "ongoing" | "scheduled"; limit?: number; cursor?: string };
/** POST /api/chatrooms/:id/join body. */
export type JoinBody = z.input<typeof S.JoinBody>;
/** PUT /api/chatrooms/:id/restrictions/:userId body: status 1 mute, 2 ban. */
export type RestrictionBody = z.input<typeof S.RestrictionBody>;
/** PUT /api/chatrooms/:id/settings body. */
export type SettingsBody = z.input<typeof S.SettingsBody>;
/** GET /api/chatrooms/:id/messages query: `before` (newest first) or `after` (oldest first). */
export type HistoryQuery = { before?: number; after?: number; limit?: number };
/** POST /api/chatrooms/:id/messages body. */
export type SendMessageBody = z.input<typeof SendMessage>;
/** PUT /api/users/me/profile body. */
export type ProfileBody = z.input<typeof S.ProfileBody>;
/** POST /api/users/me/open-profiles body. */
export type OpenProfileBody = z.input<typeof S.OpenProfileBody>;

// ── response data ─────────────────────────────────────────────────────

/** A member's role in a room. */
export type Role = "host" | "manager" | "member";
/** Room state: 0 ongoing, 1 scheduled (not started), 2 ended. */
export type RoomState = 0 | 1 | 2;

/** POST /dev/token (DEV_MODE only). */
export interface DevToken {
  userId: string;
  token: string;
  expiresAt: number;
}

/** POST /api/chatroom. */
export interface CreatedChatroom {
  chatroomId: string;
  userChatroomId: number | null;
  hostId: string;
  count: number;
  isOpen: boolean;
  /** Invite URL (`<origin>/?join=<chatroomId>`) for open rooms, else null. */
  url: string | null;
  title: string;
  thumbnails: string[];
  state: RoomState;
  startAt: number | null;
  durationMinutes: number | null;
}

/** Fields shared by both lists of GET /api/chatrooms. */
export interface ListedRoomBase {
  userChatroomId: number;
  chatroomId: string;
  title: string;
  isOpen: boolean;
  role: Role;
  count: number;
  thumbnails: string[];
}

/** An ongoing room, sorted by last activity. */
export interface OngoingRoom extends ListedRoomBase {
  startedAt: number | null;
  lastMessage: { seq: number; preview: string; at: number } | null;
  unread: number;
}

/** A scheduled room, sorted by startAt. */
export interface ScheduledRoom extends ListedRoomBase {
  startAt: number | null;
  durationMinutes: number | null;
}

/** GET /api/chatrooms. */
export interface RoomList {
  count: number;
  ongoing: OngoingRoom[];
  scheduled: ScheduledRoom[];
  nextCursor: string | null;
}

/** GET /api/chatrooms/:id, and the answer of join and settings (the room object's own type). */
export type { RoomInfo } from "../room/types";

/** POST /api/chatrooms/:id/leave. */
export interface LeaveResult {
  ended: boolean;
}

/** POST /api/chatrooms/:id/members. */
export interface InviteResult {
  added: string[];
  skipped: { userId: string; reason: string }[];
}

/** DELETE /api/chatrooms/:id/members/:userId. */
export interface KickResult {
  userId: string;
  kicked: true;
}

/** PUT / DELETE /api/chatrooms/:id/managers/:userId. */
export interface ManagerResult {
  userId: string;
  manager: boolean;
}

/** PUT / DELETE /api/chatrooms/:id/restrictions/:userId (status 0 after a lift). */
export interface RestrictionResult {
  userId: string;
  status: 0 | 1 | 2;
  expiresAt?: number;
  reason?: string | null;
}

/** GET /api/chatrooms/:id/messages. */
export interface HistoryPage {
  messages: WireMessage[];
  hasMore: boolean;
}

/** POST /api/chatrooms/:id/messages, and the socket ack. */
export interface SendResult {
  seq: number;
  ts: number;
  duplicate: boolean;
}

/** POST /api/chatrooms/:id/read. */
export interface ReadResult {
  seq: number;
}

/** PUT /api/users/me/profile. */
export interface Profile {
  userId: string;
  nickname: string | null;
  imageUrl: string | null;
}

/** POST /api/users/me/open-profiles. */
export interface OpenProfile {
  id: number;
  userId: string;
  nickname: string;
  imageUrl: string | null;
}

// ── envelopes ─────────────────────────────────────────────────────────

/** The success envelope. */
export interface SuccessEnvelope<T> {
  status: number;
  message: string;
  data: T;
}

/** The error envelope. */
export interface ErrorEnvelope {
  status: number;
  message: string;
  error: string;
  code: string;
  timestamp: string;
}

// ── frames ────────────────────────────────────────────────────────────

/** The type tag of a server frame. */
export type ServerFrameType = ServerFrame["type"];
/** The server frame with type tag `T`. */
export type FrameOf<T extends ServerFrameType> = Extract<ServerFrame, { type: T }>;
