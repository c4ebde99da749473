/**
 * @module admin/schemas
 * One zod schema per Wildfire admin request body and result (SPEC §2); they validate, type the
 * handlers and document. Optional fields take `null` as absent (SPEC §8.2): other Wildfire SDKs send
 * `null` for every field they were not given.
 */
import { z } from "@hono/zod-openapi";
import {
  CLIENT_MSG_ID_MAX,
  DESC_MAX,
  EXTRA_MAX,
  LIVE_SHARDS_MAX,
  MEMBERS_PAGE_MAX,
  NAME_MAX,
  TITLE_MAX,
  TOKEN_TTL_MAX_SECONDS,
} from "../limits";
import { RoomFace } from "../room/protocol";
import { HttpUrl, Id } from "../validation";

/** An optional field: absent, or `null`, which means the same (SPEC §8.2). */
export function absent<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => (value === null ? undefined : value), schema.optional());
}

/** Empty string means "generate one" in Wildfire create calls. */
const OptionalId = absent(z.union([z.literal(""), Id]));

export const CreateChatroom = z
  .object({
    chatroomId: OptionalId,
    title: z.string().min(1).max(TITLE_MAX),
    desc: absent(z.string().max(DESC_MAX)),
    portrait: absent(HttpUrl),
    extra: absent(z.string().max(EXTRA_MAX)),
    state: absent(z.union([z.literal(0), z.literal(1), z.literal(2)])),
    /** edgeroom extension: "live" for a broadcast room whose audience connects without joining (SPEC §8.5). */
    mode: absent(z.enum(["normal", "live"])),
    /** Shard objects of a live room (default LIVE_SHARDS); fixed at creation. */
    shards: absent(z.number().int().min(1).max(LIVE_SHARDS_MAX)),
  })
  .openapi("AdminCreateChatroom");

export const ChatroomRef = z.object({ chatroomId: Id }).openapi("AdminChatroomRef");

export const SetBlackStatus = z
  .object({
    chatroomId: Id,
    userId: Id,
    status: z.union([z.literal(0), z.literal(1), z.literal(2)]),
    expiredTime: absent(z.number().int().min(0).max(Number.MAX_SAFE_INTEGER)),
  })
  .openapi("AdminSetBlackStatus");

export const SetManager = z
  .object({ chatroomId: Id, userId: Id, status: z.union([z.literal(0), z.literal(1)]) })
  .openapi("AdminSetManager");

export const MuteAll = z
  .object({ chatroomId: Id, status: z.union([z.literal(0), z.literal(1)]) })
  .openapi("AdminMuteAll");

export const Members = z
  .object({
    chatroomId: Id,
    offset: absent(z.number().int().min(0).max(Number.MAX_SAFE_INTEGER)),
    limit: absent(z.number().int().min(1).max(MEMBERS_PAGE_MAX)),
  })
  .openapi("AdminMembers");

export const CreateUser = z
  .object({
    userId: OptionalId,
    name: absent(z.string().max(NAME_MAX)),
    displayName: z.string().min(1).max(NAME_MAX),
    portrait: absent(HttpUrl),
  })
  .openapi("AdminCreateUser");

export const GetToken = z
  .object({ userId: Id, ttlSeconds: absent(z.number().int().min(60).max(TOKEN_TTL_MAX_SECONDS)) })
  .openapi("AdminGetToken");

export const SendMessage = z
  .object({
    sender: Id,
    conv: z.object({ type: z.literal(2), target: Id, line: z.literal(0) }),
    payload: z.object({
      type: z.number().int().min(0).max(1_000_000),
      searchableContent: absent(z.string()),
      content: absent(z.string()),
    }),
    /** edgeroom extension: a retry with the same id is answered with the original messageUid, never sent twice. */
    clientMsgId: absent(z.string().min(1).max(CLIENT_MSG_ID_MAX)),
  })
  .openapi("AdminSendMessage");

/** message/recall (Wildfire's recall): the message keeps its seq as deleted. */
export const RecallMessage = z
  .object({ chatroomId: Id, messageUid: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER) })
  .openapi("AdminRecallMessage");

// ── results (inside the envelope's `result`) ─────────────────────────

/** chatroom/create. */
export const ChatroomCreated = z.object({ chatroomId: z.string() }).openapi("AdminChatroomCreated");

/** chatroom/info. */
export const ChatroomInfo = RoomFace.extend({
  state: z.union([z.literal(0), z.literal(1), z.literal(2)]),
  memberCount: z.number().int(),
  createDt: z.number().int(),
  updateDt: z.number().int(),
}).openapi("AdminChatroomInfo");

/** chatroom/get_black_status: unexpired restrictions (expiredTime 0 = forever). */
export const BlackList = z
  .object({
    infos: z.array(
      z.object({ userId: z.string(), state: z.union([z.literal(1), z.literal(2)]), expiredTime: z.number().int() }),
    ),
  })
  .openapi("AdminBlackList");

/** chatroom/get_manager_list and chatroom/members. */
export const UserList = z.object({ list: z.array(z.string()) }).openapi("AdminUserList");

/** user/create. */
export const UserCreated = z.object({ userId: z.string() }).openapi("AdminUserCreated");

/** user/get_token. */
export const UserToken = z
  .object({ userId: z.string(), token: z.string(), expiresAt: z.number().int() })
  .openapi("AdminUserToken");

/** message/send: messageUid is the room seq. */
export const MessageSent = z
  .object({ messageUid: z.number().int(), timestamp: z.number().int() })
  .openapi("AdminMessageSent");
