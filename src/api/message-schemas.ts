/**
 * @module api/message-schemas
 * Wire shapes of the messaging routes of SPEC §8.3: recall, edit, reactions, search, the member list
 * and profiles seen by others. Request and answer, one schema each.
 */
import { z } from "@hono/zod-openapi";
import { HISTORY_MAX } from "../limits";
import { Content, Emoji, WireMessage, WireReaction, WireRole } from "../room/protocol";
import { Id } from "../validation";

const Seq = z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER);

/** A message of a room: /chatrooms/{id}/messages/{seq}. */
export const MessageParams = z.object({
  id: Id.openapi({ param: { name: "id", in: "path" } }),
  seq: Seq.openapi({ param: { name: "seq", in: "path" } }),
});

/** A reaction on a message: /chatrooms/{id}/messages/{seq}/reactions/{emoji} (the emoji URL-encoded). */
export const ReactionParams = MessageParams.extend({ emoji: Emoji.openapi({ param: { name: "emoji", in: "path" } }) });

/** PATCH /chatrooms/{id}/messages/{seq}: the new content. */
export const EditBody = z.object({ content: Content }).openapi("EditMessage");

/** GET /chatrooms/{id}/messages/search. */
export const SearchQuery = z.object({
  q: z.string().trim().min(1).max(100).openapi({ description: "Text to find (any language; 1-100 characters)" }),
  cursor: Seq.optional().openapi({ description: "nextCursor of the previous page" }),
  limit: z.coerce.number().int().min(1).max(HISTORY_MAX).optional(),
});

/** Search results, newest first. */
export const SearchPage = z
  .object({ messages: z.array(WireMessage), nextCursor: z.number().int().nullable() })
  .openapi("SearchPage");

/** DELETE /chatrooms/{id}/messages/{seq}. */
export const RecallResult = z
  .object({ seq: z.number().int(), deleted: z.literal(true), updateSeq: z.number().int() })
  .openapi("RecallResult");

/** PUT / DELETE of a reaction: the message's reactions after the change, `mine` marked. */
export const ReactionResult = z
  .object({ seq: z.number().int(), reactions: z.array(WireReaction) })
  .openapi("ReactionResult");

/** GET /chatrooms/{id}/members. */
export const MembersQuery = z.object({
  cursor: z
    .string()
    .regex(/^\d{1,15}$/, "not a cursor from this API")
    .optional(),
  limit: z.coerce.number().int().min(1).max(100).optional(),
});

/** A member as others see them: the face they chose for this room (an open profile, or their own). */
export const ListedMember = z
  .object({
    userId: z.string(),
    role: WireRole,
    nickname: z.string().nullable(),
    image: z.string().nullable(),
    online: z.boolean(),
  })
  .openapi("Member");

/** A page of members in join order. */
export const MemberList = z
  .object({ members: z.array(ListedMember), nextCursor: z.string().nullable() })
  .openapi("MemberList");

/** GET /users/{id}/profile. */
export const UserParams = z.object({ id: Id.openapi({ param: { name: "id", in: "path" } }) });
export const ProfileQuery = z.object({
  chatroomId: Id.optional().openapi({ description: "Show the face this user shows in that room" }),
});

/** A user's profile as another user may see it. */
export const PublicProfile = z
  .object({
    userId: z.string(),
    nickname: z.string().nullable(),
    imageUrl: z.string().nullable(),
    openProfile: z.boolean().openapi({ description: "True when this is an open profile chosen for the room" }),
  })
  .openapi("PublicProfile");
