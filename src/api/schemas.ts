/**
 * @module api/schemas
 * One zod schema per client API wire shape (SPEC §3): request bodies, queries and params, and the
 * `data` of every answer with the envelopes around it. They validate, type the handlers and the
 * typed client, and feed the OpenAPI document.
 */
import { z } from "@hono/zod-openapi";
import {
  DURATION_MAX_MINUTES,
  HISTORY_MAX,
  LIST_MAX,
  LIVE_SHARDS_MAX,
  NAME_MAX,
  REASON_MAX,
  RESTRICTION_MAX_SECONDS,
  SLOW_MODE_MAX_SECONDS,
  TITLE_MAX,
  USERS_PER_CALL_MAX,
} from "../limits";
import { WireMessage, WireRole, WireRoomState } from "../room/protocol";
import { HttpUrl, Id } from "../validation";
import { type ClientErrorStatus, codesOf } from "./codes";

const EpochMs = z.number().int().min(0).max(8_640_000_000_000_000);
const Url = HttpUrl;
const Users = z.array(Id).min(1).max(USERS_PER_CALL_MAX);
const Duration = z.number().int().min(1).max(DURATION_MAX_MINUTES);

/** FlameTalk create chatroom, plus edgeroom's schedule extensions. */
export const CreateChatroom = z
  .object({
    hostId: Id,
    hostOpenProfileId: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).nullable().optional(),
    isOpen: z.boolean(),
    users: Users,
    title: z.string().max(TITLE_MAX).nullable().optional(),
    thumbnail: Url.nullable().optional(),
    startAt: EpochMs.optional(),
    durationMinutes: Duration.optional(),
    /** "live": a broadcast room whose audience connects without joining (SPEC §8.5); fixed at creation. */
    mode: z.enum(["normal", "live"]).optional(),
    /** Shard objects of a live room (default LIVE_SHARDS). */
    shards: z.number().int().min(1).max(LIVE_SHARDS_MAX).optional(),
  })
  .openapi("CreateChatroom");
export type CreateChatroom = z.infer<typeof CreateChatroom>;

export const RoomParams = z.object({ id: Id.openapi({ param: { name: "id", in: "path" } }) });
export const RoomUserParams = z.object({
  id: Id.openapi({ param: { name: "id", in: "path" } }),
  userId: Id.openapi({ param: { name: "userId", in: "path" } }),
});

export const ListQuery = z.object({
  status: z.enum(["ongoing", "scheduled"]).optional(),
  limit: z.coerce.number().int().min(1).max(LIST_MAX).optional(),
  cursor: z.string().min(1).max(1000).optional(),
});

export const JoinBody = z
  .object({ openProfileId: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional() })
  .openapi("JoinChatroom");

export const InviteBody = z.object({ users: Users }).openapi("InviteMembers");

export const RestrictionBody = z
  .object({
    status: z.union([z.literal(1), z.literal(2)]),
    expiresAt: EpochMs.optional(),
    durationSeconds: z.number().int().min(0).max(RESTRICTION_MAX_SECONDS).optional(),
    reason: z.string().max(REASON_MAX).optional(),
  })
  .openapi("SetRestriction");

export const SettingsBody = z
  .object({
    title: z.string().min(1).max(TITLE_MAX).optional(),
    thumbnail: Url.nullable().optional(),
    muteAll: z.boolean().optional(),
    slowModeSeconds: z.number().int().min(0).max(SLOW_MODE_MAX_SECONDS).optional(),
    startAt: EpochMs.optional(),
    durationMinutes: Duration.nullable().optional(),
  })
  .refine((body) => Object.keys(body).length > 0, { message: "give at least one setting" })
  .openapi("RoomSettings");

export const HistoryQuery = z.object({
  before: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
  after: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
  limit: z.coerce.number().int().min(1).max(HISTORY_MAX).optional(),
});

export const ReadBody = z.object({ seq: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER) }).openapi("ReadMarker");

export const ProfileBody = z
  .object({ nickname: z.string().min(1).max(NAME_MAX).optional(), imageUrl: Url.nullable().optional() })
  .openapi("Profile");

export const OpenProfileBody = z
  .object({ nickname: z.string().min(1).max(NAME_MAX), imageUrl: Url.optional() })
  .openapi("OpenProfile");

export const WsQuery = z.object({
  token: z.string().optional(),
  since: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
  /** The last update seq the client saw: recalls, edits and reactions after it are replayed (with `since`). */
  updatesSince: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
  /** What the client is (Wildfire's clientId and platform, reported by admin user_chatroom). */
  clientId: z.string().max(64).optional(),
  platform: z.coerce.number().int().min(0).max(1000).optional(),
});

// ── response data (what each route answers inside `data`) ────────────

const ImageUrls = z.array(z.string());

/** POST /api/chatroom (FlameTalk create): the host's view of the new room. */
export const CreatedChatroom = z
  .object({
    chatroomId: z.string(),
    userChatroomId: z.number().int().nullable(),
    hostId: z.string(),
    count: z.number().int(),
    isOpen: z.boolean(),
    url: z.string().nullable().openapi({ description: "Invite URL (`<origin>/?join=<chatroomId>`) for open rooms" }),
    title: z.string(),
    thumbnails: ImageUrls,
    state: WireRoomState,
    startAt: EpochMs.nullable(),
    durationMinutes: z.number().int().nullable(),
  })
  .openapi("CreatedChatroom");

const ListedRoom = {
  userChatroomId: z.number().int(),
  chatroomId: z.string(),
  title: z.string(),
  isOpen: z.boolean(),
  role: WireRole,
  count: z.number().int(),
  thumbnails: ImageUrls,
};

/** An ongoing room of the caller's list, sorted by last activity. */
export const OngoingRoom = z
  .object({
    ...ListedRoom,
    startedAt: EpochMs.nullable(),
    lastMessage: z
      .object({ seq: z.number().int(), preview: z.string(), at: EpochMs, deleted: z.literal(true).optional() })
      .nullable()
      .openapi({ description: "The newest message; a recalled one has an empty preview and `deleted`" }),
    unread: z.number().int(),
    mentioned: z.boolean().openapi({ description: "A message after your read marker mentions you (SPEC §8.3)" }),
  })
  .openapi("OngoingRoom");

/** A scheduled room of the caller's list, sorted by startAt. */
export const ScheduledRoom = z
  .object({ ...ListedRoom, startAt: EpochMs.nullable(), durationMinutes: z.number().int().nullable() })
  .openapi("ScheduledRoom");

/** GET /api/chatrooms. */
export const RoomList = z
  .object({
    count: z.number().int(),
    ongoing: z.array(OngoingRoom),
    scheduled: z.array(ScheduledRoom),
    nextCursor: z.string().nullable(),
  })
  .openapi("RoomList");

/** POST /api/chatrooms/:id/leave. */
export const LeaveResult = z.object({ ended: z.boolean() }).openapi("LeaveResult");

/** POST /api/chatrooms/:id/members: who was added, who was skipped and why. */
export const InviteResult = z
  .object({
    added: z.array(z.string()),
    skipped: z.array(
      z.object({
        userId: z.string(),
        reason: z.string().openapi({ description: "`member` (already in the room) or `banned`" }),
      }),
    ),
  })
  .openapi("InviteResult");

/** DELETE /api/chatrooms/:id/members/:userId. */
export const KickResult = z.object({ userId: z.string(), kicked: z.literal(true) }).openapi("KickResult");

/** PUT / DELETE /api/chatrooms/:id/managers/:userId. */
export const ManagerResult = z.object({ userId: z.string(), manager: z.boolean() }).openapi("ManagerResult");

/** PUT /api/chatrooms/:id/restrictions/:userId: expiresAt 0 means forever. */
export const RestrictionSet = z
  .object({
    userId: z.string(),
    status: z.union([z.literal(1), z.literal(2)]),
    expiresAt: EpochMs,
    reason: z.string().nullable(),
  })
  .openapi("RestrictionSet");

/** DELETE /api/chatrooms/:id/restrictions/:userId. */
export const RestrictionLifted = z.object({ userId: z.string(), status: z.literal(0) }).openapi("RestrictionLifted");

/** GET /api/chatrooms/:id/messages. */
export const HistoryPage = z.object({ messages: z.array(WireMessage), hasMore: z.boolean() }).openapi("HistoryPage");

/** POST /api/chatrooms/:id/read: the marker after the call (never moves back). */
export const ReadResult = z.object({ seq: z.number().int() }).openapi("ReadResult");

/** PUT /api/users/me/profile. */
export const MyProfile = z
  .object({ userId: z.string(), nickname: z.string().nullable(), imageUrl: z.string().nullable() })
  .openapi("MyProfile");

/** POST /api/users/me/open-profiles: the open profile with its Long id. */
export const CreatedOpenProfile = z
  .object({ id: z.number().int(), userId: z.string(), nickname: z.string(), imageUrl: z.string().nullable() })
  .openapi("CreatedOpenProfile");

/** POST /dev/token (DEV_MODE only). */
export const DevToken = z.object({ userId: z.string(), token: z.string(), expiresAt: EpochMs }).openapi("DevToken");

// ── envelopes ─────────────────────────────────────────────────────────

/** The success envelope of SPEC §3 around `data`, with its HTTP status. */
export function ok<T extends z.ZodType, S extends number = 200>(data: T, status: S = 200 as S) {
  return z.object({ status: z.literal(status), message: z.string(), data });
}

/** The error envelope of SPEC §3, any status. */
export const ErrorBody = z
  .object({ status: z.number().int(), message: z.string(), error: z.string(), code: z.string(), timestamp: z.string() })
  .openapi("Error");

/** The error envelope for one HTTP status, with the codes that status carries. */
function errorBody<S extends ClientErrorStatus>(status: S) {
  const codes = codesOf(status);
  return z
    .object({
      status: z.literal(status),
      message: z.string().openapi({ description: "What went wrong; names the field for BAD_REQUEST" }),
      error: z.enum(codes),
      code: z.enum(codes),
      timestamp: z.iso.datetime(),
    })
    .openapi(`Error${status}`);
}

const ERROR_TEXT: Record<ClientErrorStatus, string> = {
  400: "Invalid request; the message names the field",
  401: "Missing, invalid or expired token",
  403: "Not allowed: not a member, banned, muted, or not your role",
  404: "No such room, member or route",
  409: "Conflicts with the room's state (ended, full, already started)",
  411: "Content-Length missing: the upload must state its length",
  413: "Request body too large",
  415: "Content-Type not allowed, or the bytes are not of the declared type",
  429: "Too many requests; wait Retry-After seconds",
  500: "Server error (never with details)",
};

/** The Retry-After header of a 429, in whole seconds. */
const RetryAfter = z.object({
  "Retry-After": z
    .string()
    .regex(/^[1-9]\d*$/)
    .openapi({ description: "Seconds to wait" }),
});

/** OpenAPI responses for the given error statuses, each with its envelope (and Retry-After on 429). */
export function clientErrors<const S extends readonly ClientErrorStatus[]>(...statuses: S) {
  const responses: Record<number, unknown> = {};
  for (const status of statuses) {
    responses[status] = {
      description: ERROR_TEXT[status],
      content: { "application/json": { schema: errorBody(status) } },
      ...(status === 429 ? { headers: RetryAfter } : {}),
    };
  }
  return responses as {
    [K in S[number]]: {
      description: string;
      content: { "application/json": { schema: ReturnType<typeof errorBody<K>> } };
    };
  };
}

/** One success response of the client API: the envelope around `data`. */
export function success<T extends z.ZodType, S extends 200 | 201>(data: T, status: S, description: string) {
  return { description, content: { "application/json": { schema: ok(data, status) } } };
}
