/**
 * @module admin/schemas
 * One zod schema per Wildfire admin request body (SPEC §2); they validate, type and document.
 */
import { z } from "@hono/zod-openapi";
import { DESC_MAX, EXTRA_MAX, MEMBERS_PAGE_MAX, NAME_MAX, TITLE_MAX, TOKEN_TTL_MAX_SECONDS, URL_MAX } from "../limits";
import { Id } from "../validation";

/** Empty string means "generate one" in Wildfire create calls. */
const OptionalId = z.union([z.literal(""), Id]).optional();

export const CreateChatroom = z
  .object({
    chatroomId: OptionalId,
    title: z.string().min(1).max(TITLE_MAX),
    desc: z.string().max(DESC_MAX).optional(),
    portrait: z.string().max(URL_MAX).optional(),
    extra: z.string().max(EXTRA_MAX).optional(),
    state: z.union([z.literal(0), z.literal(1), z.literal(2)]).optional(),
  })
  .openapi("AdminCreateChatroom");

export const ChatroomRef = z.object({ chatroomId: Id }).openapi("AdminChatroomRef");

export const SetBlackStatus = z
  .object({
    chatroomId: Id,
    userId: Id,
    status: z.union([z.literal(0), z.literal(1), z.literal(2)]),
    expiredTime: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
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
    offset: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
    limit: z.number().int().min(1).max(MEMBERS_PAGE_MAX).optional(),
  })
  .openapi("AdminMembers");

export const CreateUser = z
  .object({
    userId: OptionalId,
    name: z.string().max(NAME_MAX).optional(),
    displayName: z.string().min(1).max(NAME_MAX),
    portrait: z.string().max(URL_MAX).optional(),
  })
  .openapi("AdminCreateUser");

export const GetToken = z
  .object({ userId: Id, ttlSeconds: z.number().int().min(60).max(TOKEN_TTL_MAX_SECONDS).optional() })
  .openapi("AdminGetToken");

export const SendMessage = z
  .object({
    sender: Id,
    conv: z.object({ type: z.literal(2), target: Id, line: z.literal(0) }),
    payload: z.object({
      type: z.number().int().min(0).max(1_000_000),
      searchableContent: z.string().optional(),
      content: z.string().optional(),
    }),
  })
  .openapi("AdminSendMessage");

/** The Wildfire response envelope, for the OpenAPI document. */
export function envelope<T extends z.ZodType>(result: T) {
  return z.object({ code: z.number().int(), msg: z.string(), result: result.optional() });
}
