/**
 * @module admin/router
 * The Wildfire IM admin chatroom API (SPEC §2): signed POST routes, one short handler each,
 * answered in the Wildfire envelope. Unknown paths answer 254.
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import { mintFreshToken } from "../api/tokens";
import { upsertProfile } from "../directory/store";
import type { AppEnv } from "../env";
import { AppError, invalidParam, unwrap } from "../errors";
import { CONTENT_MAX, TOKEN_TTL_DEFAULT_SECONDS } from "../limits";
import { SendMessage as ChatSend } from "../room/protocol";
import { bodyLimitGuard, validationHook } from "../validation";
import { adminOnError, adminRoute, Done, done, envelope, success } from "./envelope";
import { adminStatsApp } from "./live-stats";
import * as S from "./schemas";
import { adminSignature } from "./sign-middleware";
import { adminUserApp } from "./user-routes";
import { adminWebhookApp } from "./webhook-routes";

const ADMIN: { kind: "admin" } = { kind: "admin" };

/** The admin sub-app, mounted at /admin. */
export const adminApp = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
adminApp.use("*", bodyLimitGuard);
adminApp.onError(adminOnError);
adminApp.use("*", adminSignature);

const room = (env: Env, chatroomId: string) => env.ROOMS.getByName(chatroomId);

adminApp.openapi(
  adminRoute("/chatroom/create", S.CreateChatroom, envelope(S.ChatroomCreated), "Create or update a chatroom"),
  async (c) => {
    const { chatroomId, ...fields } = c.req.valid("json");
    const id = chatroomId || crypto.randomUUID();
    return success(c, unwrap(await room(c.env, id).adminUpsert(id, fields)));
  },
);

adminApp.openapi(adminRoute("/chatroom/info", S.ChatroomRef, envelope(S.ChatroomInfo), "Chatroom info"), async (c) => {
  const { chatroomId } = c.req.valid("json");
  const info = unwrap(await room(c.env, chatroomId).info(ADMIN));
  return success(c, {
    chatroomId: info.chatroomId,
    title: info.title,
    desc: info.desc,
    portrait: info.portrait,
    extra: info.extra,
    state: info.state,
    memberCount: info.count,
    createDt: info.createdAt,
    updateDt: info.updatedAt,
  });
});

adminApp.openapi(adminRoute("/chatroom/del", S.ChatroomRef, Done, "End a chatroom"), async (c) => {
  unwrap(await room(c.env, c.req.valid("json").chatroomId).end());
  return done(c);
});

adminApp.openapi(
  adminRoute("/chatroom/set_black_status", S.SetBlackStatus, Done, "Mute (1), ban (2) or lift (0)"),
  async (c) => {
    const { chatroomId, userId, status, expiredTime = 0 } = c.req.valid("json");
    if (status !== 0 && expiredTime !== 0 && expiredTime <= Date.now()) {
      throw invalidParam("expiredTime", "must be in the future (epoch ms), or 0 for forever");
    }
    unwrap(await room(c.env, chatroomId).setRestriction(ADMIN, userId, status, expiredTime, null));
    return done(c);
  },
);

adminApp.openapi(
  adminRoute("/chatroom/get_black_status", S.ChatroomRef, envelope(S.BlackList), "Active restrictions"),
  async (c) => {
    const list = unwrap(await room(c.env, c.req.valid("json").chatroomId).restrictions());
    return success(c, {
      infos: list.map((entry) => ({ userId: entry.userId, state: entry.status, expiredTime: entry.expiresAt })),
    });
  },
);

adminApp.openapi(
  adminRoute("/chatroom/set_manager", S.SetManager, Done, "Add (1) or remove (0) a manager"),
  async (c) => {
    const { chatroomId, userId, status } = c.req.valid("json");
    unwrap(await room(c.env, chatroomId).setManager(ADMIN, userId, status === 1));
    return done(c);
  },
);

adminApp.openapi(
  adminRoute("/chatroom/get_manager_list", S.ChatroomRef, envelope(S.UserList), "Managers"),
  async (c) => {
    const list = unwrap(await room(c.env, c.req.valid("json").chatroomId).managers());
    return success(c, { list });
  },
);

adminApp.openapi(adminRoute("/chatroom/mute_all", S.MuteAll, Done, "Mute-all on (1) or off (0)"), async (c) => {
  const { chatroomId, status } = c.req.valid("json");
  unwrap(await room(c.env, chatroomId).updateSettings(ADMIN, { muteAll: status === 1 }));
  return done(c);
});

adminApp.openapi(
  adminRoute("/chatroom/members", S.Members, envelope(S.UserList), "Members, optionally paged"),
  async (c) => {
    const { chatroomId, offset = 0, limit = -1 } = c.req.valid("json");
    const { list } = unwrap(await room(c.env, chatroomId).members(offset, limit));
    return success(c, { list });
  },
);

adminApp.openapi(
  adminRoute("/user/create", S.CreateUser, envelope(S.UserCreated), "Create or update a user profile"),
  async (c) => {
    const { userId, ...profile } = c.req.valid("json");
    const id = userId || crypto.randomUUID();
    await upsertProfile(c.env.DB, { userId: id, ...profile }, Date.now());
    return success(c, { userId: id });
  },
);

adminApp.openapi(adminRoute("/user/get_token", S.GetToken, envelope(S.UserToken), "Client token"), async (c) => {
  const { userId, ttlSeconds = TOKEN_TTL_DEFAULT_SECONDS } = c.req.valid("json");
  const { token, expiresAt } = await mintFreshToken(c.env, userId, ttlSeconds);
  return success(c, { userId, token, expiresAt });
});

adminApp.openapi(
  adminRoute("/message/send", S.SendMessage, envelope(S.MessageSent), "Send a chat message"),
  async (c) => {
    const { sender, conv, payload, clientMsgId } = c.req.valid("json");
    const field = payload.searchableContent ? "payload.searchableContent" : "payload.content";
    const content = payload.searchableContent || payload.content || "";
    if (content.length === 0)
      throw invalidParam("payload.searchableContent", "searchableContent or content is required");
    // The same content rule as socket and HTTP sends, so every path counts characters alike.
    if (!ChatSend.shape.content.safeParse(content).success) {
      throw invalidParam(field, `at most ${CONTENT_MAX} characters`);
    }
    const contentType = payload.type === 1 ? "text" : `wildfire/${payload.type}`;
    const ack = unwrap(
      await room(c.env, conv.target).send(
        sender,
        // Prefixed so an admin id never collides with one the sender used from a client.
        { clientMsgId: clientMsgId ? `admin:${clientMsgId}` : `admin-${crypto.randomUUID()}`, content, contentType },
        { admin: true },
      ),
    );
    return success(c, { messageUid: ack.seq, timestamp: ack.ts });
  },
);

adminApp.openapi(
  adminRoute("/message/recall", S.RecallMessage, Done, "Recall a message (it keeps its seq as deleted)"),
  async (c) => {
    const { chatroomId, messageUid } = c.req.valid("json");
    unwrap(await room(c.env, chatroomId).recall(ADMIN, messageUid));
    return done(c);
  },
);

adminApp.route("/", adminUserApp);
adminApp.route("/", adminWebhookApp);
adminApp.route("/", adminStatsApp);

adminApp.all("*", () => {
  throw new AppError("not_implemented", "not implement");
});
