/**
 * @module admin/user-routes
 * Admin routes answered by the per-user object (SPEC §8.1, §8.2): token revocation and the room a
 * user is in now. Mounted into the admin app, so the signature, body limit and envelope apply.
 */
import { OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../env";
import { AppError } from "../errors";
import { bodyLimitGuard, Id, validationHook } from "../validation";
import { adminRoute, envelope, success } from "./envelope";

/** POST /admin/user/revoke_tokens. */
export const RevokeTokens = z.object({ userId: Id }).openapi("AdminRevokeTokens");
/** Its result: tokens with iat ≤ floor(revokedAt / 1000) are refused from now on. */
export const RevokedTokens = z
  .object({ userId: z.string(), revokedAt: z.number().int() })
  .openapi("AdminRevokedTokens");

/** POST /admin/chatroom/user_chatroom (Wildfire). */
export const UserChatroomQuery = z.object({ userId: Id }).openapi("AdminUserChatroomQuery");
/** Its result: the room the user most recently opened a socket in and still has one open. */
export const UserChatroom = z
  .object({ userId: z.string(), chatroomId: z.string(), clientId: z.string(), platform: z.number().int() })
  .openapi("AdminUserChatroom");

/** The routes, mounted into the admin app at its root. */
export const adminUserApp = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
adminUserApp.use("*", bodyLimitGuard);

adminUserApp.openapi(
  adminRoute(
    "/user/revoke_tokens",
    RevokeTokens,
    envelope(RevokedTokens),
    "Revoke every token of a user issued up to now: HTTP 401 and open sockets closed with 4001 within 5 s",
  ),
  async (c) => {
    const { userId } = c.req.valid("json");
    const { revokedAt } = await c.env.USERS.getByName(userId).revoke();
    return success(c, { userId, revokedAt });
  },
);

adminUserApp.openapi(
  adminRoute(
    "/chatroom/user_chatroom",
    UserChatroomQuery,
    envelope(UserChatroom),
    "The room a user most recently opened a socket in and still has one open (253 when none)",
  ),
  async (c) => {
    const { userId } = c.req.valid("json");
    const current = await c.env.USERS.getByName(userId).currentRoom();
    if (!current) throw new AppError("not_found", "not exist: the user has no socket open in any chatroom");
    return success(c, { userId, ...current });
  },
);
