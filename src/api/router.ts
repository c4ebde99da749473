/**
 * @module api/router
 * The client API (SPEC §3): FlameTalk create, the Willson-style room list, membership, moderation,
 * messages and profiles. Handlers are short: validate, ask the room object or D1, reply.
 */
import { createRoute, OpenAPIHono, type RouteConfig, z } from "@hono/zod-openapi";
import { decodeCursor, encodeCursor } from "../directory/cursor";
import {
  createOpenProfile,
  listRooms,
  openProfile,
  type Profile,
  profilesOf,
  upsertProfile,
  userChatroomId,
} from "../directory/store";
import type { AppEnv } from "../env";
import { AppError, invalidParam, unwrap } from "../errors";
import { HISTORY_DEFAULT, LIST_DEFAULT, readLimits, THUMBNAILS_MAX } from "../limits";
import { SendMessage } from "../room/protocol";
import { resolveExpiry } from "../room/restrictions";
import type { Actor } from "../room/types";
import { forwardUpgrade } from "../room/upgrade";
import { bodyLimitGuard, validationHook } from "../validation";
import { requireUser } from "./auth";
import { apiOnError, reply } from "./envelope";
import * as S from "./schemas";

/** The client API sub-app, mounted at /api. */
export const apiApp = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
apiApp.use("*", bodyLimitGuard);
apiApp.onError(apiOnError);
apiApp.use("*", requireUser);

const Data = z.record(z.string(), z.unknown());
const json = <T extends z.ZodType>(schema: T) => ({ content: { "application/json": { schema } }, required: true });

/** An authenticated client route with the standard envelopes. */
function route<R extends Omit<RouteConfig, "responses">>(config: R, status: 200 | 201 = 200) {
  return createRoute({
    ...config,
    tags: ["client"],
    security: [{ accessToken: [] }],
    responses: {
      [status]: { description: "Success envelope", content: { "application/json": { schema: S.ok(Data) } } },
      400: {
        description: "Invalid request; message names the field",
        content: { "application/json": { schema: S.ErrorBody } },
      },
      401: {
        description: "Missing, invalid or expired token",
        content: { "application/json": { schema: S.ErrorBody } },
      },
    },
  });
}

const room = (env: Env, id: string) => env.ROOMS.getByName(id);
const userOf = (c: { get(key: "userId"): string }): Actor => ({ kind: "user", userId: c.get("userId") });
const imageOf = (profile: Profile | undefined) => profile?.portrait ?? null;

/** The image a user shows in a room: their open profile's when they use one, else their own. */
async function faceOf(
  db: D1Database,
  userId: string,
  openProfileId: number | null | undefined,
  field = "openProfileId",
) {
  if (openProfileId === undefined || openProfileId === null) {
    return { imageUrl: imageOf((await profilesOf(db, [userId])).get(userId)), openProfileId: null };
  }
  const profile = await openProfile(db, openProfileId);
  if (!profile || profile.userId !== userId) throw invalidParam(field, "not an open profile of yours");
  return { imageUrl: profile.imageUrl, openProfileId: profile.id };
}

// ── FlameTalk create ──────────────────────────────────────────────────

// POST /chatrooms is the same route under the plural path (SPEC §3).
for (const path of ["/chatroom", "/chatrooms"]) {
  const config = {
    method: "post",
    path,
    summary: "Create a chatroom (FlameTalk)",
    request: { body: json(S.CreateChatroom) },
  } as const;
  apiApp.openapi(route(config, 201), async (c) => {
    const body = c.req.valid("json");
    const userId = c.get("userId");
    const now = Date.now();
    if (body.hostId !== userId)
      throw new AppError("forbidden", "hostId: must be the authenticated user", { field: "hostId" });
    const users = [...new Set(body.users)];
    if (!users.includes(body.hostId)) throw invalidParam("users", "must include hostId");
    const { maxMembers } = readLimits(c.env);
    if (users.length > maxMembers) throw invalidParam("users", `at most ${maxMembers} members`);
    if (body.startAt !== undefined && body.startAt <= now)
      throw invalidParam("startAt", "must be in the future (epoch ms)");
    const host = await faceOf(c.env.DB, body.hostId, body.hostOpenProfileId, "hostOpenProfileId");
    const profiles = await profilesOf(c.env.DB, users);
    const others = users.filter((id) => id !== body.hostId);
    const title =
      body.title ||
      others
        .slice(0, THUMBNAILS_MAX)
        .map((id) => profiles.get(id)?.displayName || id)
        .join(", ") ||
      "Chatroom";
    const chatroomId = crypto.randomUUID();
    const { info } = unwrap(
      await room(c.env, chatroomId).create({
        chatroomId,
        hostId: body.hostId,
        isOpen: body.isOpen,
        title,
        thumbnail: body.thumbnail ?? null,
        startAt: body.startAt ?? null,
        durationMinutes: body.durationMinutes ?? null,
        members: [
          { userId: body.hostId, ...host },
          ...others.map((id) => ({ userId: id, imageUrl: imageOf(profiles.get(id)), openProfileId: null })),
        ],
      }),
    );
    const data = {
      chatroomId,
      // The room exists once the object answered; a D1 outage only delays its index row (null here).
      userChatroomId: await userChatroomId(c.env.DB, body.hostId, chatroomId).catch(() => null),
      hostId: body.hostId,
      count: info.count,
      isOpen: info.isOpen,
      url: info.isOpen ? `${new URL(c.req.url).origin}/?join=${chatroomId}` : null,
      title: info.title,
      thumbnails: info.thumbnails,
      state: info.state,
      startAt: info.startAt,
      durationMinutes: info.durationMinutes,
    };
    return reply(c, data, 201, "Created");
  });
}

// ── the caller's rooms ────────────────────────────────────────────────

apiApp.openapi(
  route({
    method: "get",
    path: "/chatrooms",
    summary: "My chatrooms: ongoing and scheduled",
    request: { query: S.ListQuery },
  }),
  async (c) => {
    const { status, limit = LIST_DEFAULT, cursor: raw } = c.req.valid("query");
    const cursor = raw === undefined ? null : decodeCursor(raw);
    if (raw !== undefined && cursor === null) throw invalidParam("cursor", "not a cursor from this API");
    const wants = (list: "ongoing" | "scheduled") => status === undefined || status === list;
    const start = (list: "ongoing" | "scheduled") => (cursor ? (cursor[list] ?? null) : "start");
    const page = await listRooms(c.env.DB, c.get("userId"), {
      ongoing: wants("ongoing") ? start("ongoing") : null,
      scheduled: wants("scheduled") ? start("scheduled") : null,
      limit,
    });
    const common = (r: (typeof page.ongoing)[number]) => ({
      userChatroomId: r.userChatroomId,
      chatroomId: r.chatroomId,
      title: r.title,
      isOpen: r.isOpen,
      role: r.role,
      count: r.count,
      thumbnails: r.thumbnails,
    });
    return reply(c, {
      count: page.total,
      ongoing: page.ongoing.map((r) => ({
        ...common(r),
        startedAt: r.startedAt,
        lastMessage: r.lastMessage,
        unread: r.unread,
      })),
      scheduled: page.scheduled.map((r) => ({ ...common(r), startAt: r.startAt, durationMinutes: r.durationMinutes })),
      nextCursor: encodeCursor(page.next),
    });
  },
);

// ── one room ──────────────────────────────────────────────────────────

apiApp.openapi(
  route({ method: "get", path: "/chatrooms/{id}", summary: "Room info", request: { params: S.RoomParams } }),
  async (c) => reply(c, unwrap(await room(c.env, c.req.valid("param").id).info(userOf(c)))),
);

apiApp.openapi(
  route({
    method: "post",
    path: "/chatrooms/{id}/join",
    summary: "Join an open room",
    request: { params: S.RoomParams, body: { ...json(S.JoinBody), required: false } },
  }),
  async (c) => {
    const { openProfileId } = c.req.valid("json") ?? {};
    const face = await faceOf(c.env.DB, c.get("userId"), openProfileId);
    return reply(c, unwrap(await room(c.env, c.req.valid("param").id).join(c.get("userId"), face)));
  },
);

apiApp.openapi(
  route({ method: "post", path: "/chatrooms/{id}/leave", summary: "Leave a room", request: { params: S.RoomParams } }),
  async (c) => reply(c, unwrap(await room(c.env, c.req.valid("param").id).leave(c.get("userId")))),
);

apiApp.openapi(
  route({
    method: "post",
    path: "/chatrooms/{id}/members",
    summary: "Invite members",
    request: { params: S.RoomParams, body: json(S.InviteBody) },
  }),
  async (c) => {
    const users = [...new Set(c.req.valid("json").users)];
    const profiles = await profilesOf(c.env.DB, users);
    const invited = users.map((userId) => ({ userId, imageUrl: imageOf(profiles.get(userId)) }));
    return reply(c, unwrap(await room(c.env, c.req.valid("param").id).invite(userOf(c), invited)));
  },
);

apiApp.openapi(
  route({
    method: "delete",
    path: "/chatrooms/{id}/members/{userId}",
    summary: "Kick a member",
    request: { params: S.RoomUserParams },
  }),
  async (c) => {
    const { id, userId } = c.req.valid("param");
    unwrap(await room(c.env, id).kick(userOf(c), userId));
    return reply(c, { userId, kicked: true });
  },
);

for (const [method, on] of [
  ["put", true],
  ["delete", false],
] as const) {
  apiApp.openapi(
    route({
      method,
      path: "/chatrooms/{id}/managers/{userId}",
      summary: on ? "Appoint a manager" : "Remove a manager",
      request: { params: S.RoomUserParams },
    }),
    async (c) => {
      const { id, userId } = c.req.valid("param");
      unwrap(await room(c.env, id).setManager(userOf(c), userId, on));
      return reply(c, { userId, manager: on });
    },
  );
}

apiApp.openapi(
  route({
    method: "put",
    path: "/chatrooms/{id}/restrictions/{userId}",
    summary: "Mute (1) or ban (2) a user",
    request: { params: S.RoomUserParams, body: json(S.RestrictionBody) },
  }),
  async (c) => {
    const { id, userId } = c.req.valid("param");
    const body = c.req.valid("json");
    const expiry = resolveExpiry(body, Date.now());
    if ("field" in expiry) throw invalidParam(expiry.field, expiry.problem);
    unwrap(await room(c.env, id).setRestriction(userOf(c), userId, body.status, expiry.expiresAt, body.reason ?? null));
    return reply(c, { userId, status: body.status, expiresAt: expiry.expiresAt, reason: body.reason ?? null });
  },
);

apiApp.openapi(
  route({
    method: "delete",
    path: "/chatrooms/{id}/restrictions/{userId}",
    summary: "Lift a restriction",
    request: { params: S.RoomUserParams },
  }),
  async (c) => {
    const { id, userId } = c.req.valid("param");
    unwrap(await room(c.env, id).setRestriction(userOf(c), userId, 0, 0, null));
    return reply(c, { userId, status: 0 });
  },
);

apiApp.openapi(
  route({
    method: "put",
    path: "/chatrooms/{id}/settings",
    summary: "Change room settings",
    request: { params: S.RoomParams, body: json(S.SettingsBody) },
  }),
  async (c) => {
    const patch = c.req.valid("json");
    if (patch.startAt !== undefined && patch.startAt <= Date.now())
      throw invalidParam("startAt", "must be in the future (epoch ms)");
    return reply(c, unwrap(await room(c.env, c.req.valid("param").id).updateSettings(userOf(c), patch)));
  },
);

// ── messages ──────────────────────────────────────────────────────────

apiApp.openapi(
  route({
    method: "get",
    path: "/chatrooms/{id}/messages",
    summary: "Message history by seq",
    request: { params: S.RoomParams, query: S.HistoryQuery },
  }),
  async (c) => {
    const { before, after, limit = HISTORY_DEFAULT } = c.req.valid("query");
    if (before !== undefined && after !== undefined) throw invalidParam("before", "give before or after, not both");
    return reply(c, unwrap(await room(c.env, c.req.valid("param").id).history(userOf(c), { before, after, limit })));
  },
);

apiApp.openapi(
  route(
    {
      method: "post",
      path: "/chatrooms/{id}/messages",
      summary: "Send a message",
      request: { params: S.RoomParams, body: json(SendMessage) },
    },
    201,
  ),
  async (c) => {
    const ack = unwrap(
      await room(c.env, c.req.valid("param").id).send(c.get("userId"), c.req.valid("json"), { admin: false }),
    );
    return ack.duplicate ? reply(c, ack, 200, "Duplicate") : reply(c, ack, 201, "Created");
  },
);

apiApp.openapi(
  route({
    method: "post",
    path: "/chatrooms/{id}/read",
    summary: "Move the read marker",
    request: { params: S.RoomParams, body: json(S.ReadBody) },
  }),
  async (c) =>
    reply(c, unwrap(await room(c.env, c.req.valid("param").id).markRead(c.get("userId"), c.req.valid("json").seq))),
);

apiApp.openapi(
  route({
    method: "get",
    path: "/chatrooms/{id}/ws",
    summary: "WebSocket upgrade (SPEC §4); token may be ?token=",
    request: { params: S.RoomParams, query: S.WsQuery },
  }),
  async (c) => {
    if (c.req.header("upgrade")?.toLowerCase() !== "websocket")
      throw invalidParam("upgrade", "expected a WebSocket upgrade");
    const { since, clientId = "", platform = 0 } = c.req.valid("query");
    const session = { userId: c.get("userId"), ...c.get("token"), clientId, platform, since: since ?? null };
    return room(c.env, c.req.valid("param").id).fetch(forwardUpgrade(c.req.raw, session)) as unknown as never;
  },
);

// ── profiles ──────────────────────────────────────────────────────────

apiApp.openapi(
  route({
    method: "put",
    path: "/users/me/profile",
    summary: "Set my nickname and image",
    request: { body: json(S.ProfileBody) },
  }),
  async (c) => {
    const body = c.req.valid("json");
    const userId = c.get("userId");
    await upsertProfile(
      c.env.DB,
      { userId, displayName: body.nickname, portrait: body.imageUrl ?? undefined },
      Date.now(),
    );
    const profile = (await profilesOf(c.env.DB, [userId])).get(userId);
    return reply(c, { userId, nickname: profile?.displayName ?? null, imageUrl: profile?.portrait ?? null });
  },
);

apiApp.openapi(
  route(
    {
      method: "post",
      path: "/users/me/open-profiles",
      summary: "Create an open profile",
      request: { body: json(S.OpenProfileBody) },
    },
    201,
  ),
  async (c) => {
    const body = c.req.valid("json");
    const created = await createOpenProfile(
      c.env.DB,
      { userId: c.get("userId"), nickname: body.nickname, imageUrl: body.imageUrl ?? null },
      Date.now(),
    );
    return reply(c, created, 201, "Created");
  },
);

apiApp.all("*", () => {
  throw new AppError("not_found", "no such route");
});
