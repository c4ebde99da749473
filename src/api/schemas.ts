/**
 * @module api/schemas
 * One zod schema per client API wire shape (SPEC §3): request bodies, queries and params. They
 * validate, give the handler types, and feed the OpenAPI document.
 */
import { z } from "@hono/zod-openapi";
import {
  DURATION_MAX_MINUTES,
  HISTORY_MAX,
  LIST_MAX,
  NAME_MAX,
  REASON_MAX,
  RESTRICTION_MAX_SECONDS,
  SLOW_MODE_MAX_SECONDS,
  TITLE_MAX,
  URL_MAX,
  USERS_PER_CALL_MAX,
} from "../limits";
import { Id } from "../validation";

const EpochMs = z.number().int().min(0).max(8_640_000_000_000_000);
const Url = z.string().max(URL_MAX);
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
  /** What the client is (Wildfire's clientId and platform, reported by admin user_chatroom). */
  clientId: z.string().max(64).optional(),
  platform: z.coerce.number().int().min(0).max(1000).optional(),
});

/** The success envelope of SPEC §3, for the OpenAPI document. */
export function ok<T extends z.ZodType>(data: T) {
  return z.object({ status: z.number().int(), message: z.string(), data });
}

/** The error envelope of SPEC §3. */
export const ErrorBody = z
  .object({ status: z.number().int(), message: z.string(), error: z.string(), code: z.string(), timestamp: z.string() })
  .openapi("Error");
