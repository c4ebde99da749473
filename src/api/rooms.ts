/**
 * @module api/rooms
 * Client routes on rooms as a whole (SPEC §3): FlameTalk create, the caller's room list, room info,
 * join, leave, invite and kick.
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import { decodeCursor, encodeCursor } from "../directory/cursor";
import { listRooms, openProfile, type Profile, profilesOf, userChatroomId } from "../directory/store";
import type { AppEnv } from "../env";
import { AppError, invalidParam, unwrap } from "../errors";
import { LIST_DEFAULT, readLimits, THUMBNAILS_MAX } from "../limits";
import { RoomInfo } from "../room/protocol";
import { reply } from "./envelope";
import { clientRoute, json, ROOM_READ_ERRORS, ROOM_WRITE_ERRORS, room, USER_READ_ERRORS, userOf } from "./route";
import * as S from "./schemas";

/** Room routes, mounted into the client API. */
export const roomRoutes = new OpenAPIHono<AppEnv>();

const imageOf = (profile: Profile | undefined) => profile?.portrait ?? null;

/**
 * The image a user shows in a room: their open profile's when they use one, else their own. `known`
 * holds profiles the caller already read (create reads every member's), saving a D1 round trip.
 */
async function faceOf(
  db: D1Database,
  userId: string,
  openProfileId: number | null | undefined,
  field = "openProfileId",
  known?: Map<string, Profile>,
) {
  if (openProfileId === undefined || openProfileId === null) {
    const profiles = known ?? (await profilesOf(db, [userId]));
    return { imageUrl: imageOf(profiles.get(userId)), openProfileId: null };
  }
  const profile = await openProfile(db, openProfileId);
  if (!profile || profile.userId !== userId) throw invalidParam(field, "not an open profile of yours");
  return { imageUrl: profile.imageUrl, openProfileId: profile.id };
}

// ── FlameTalk create ──────────────────────────────────────────────────

// POST /chatrooms is the same route under the plural path (SPEC §3).
for (const path of ["/chatroom", "/chatrooms"]) {
  const config = clientRoute({
    method: "post",
    path,
    summary: "Create a chatroom (FlameTalk)",
    request: { body: json(S.CreateChatroom) },
    responses: {
      201: S.success(S.CreatedChatroom, 201, "Created"),
      ...S.clientErrors(400, 401, 403, 413, 429, 500),
    },
  });
  roomRoutes.openapi(config, async (c) => {
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
    const profiles = await profilesOf(c.env.DB, users);
    const host = await faceOf(c.env.DB, body.hostId, body.hostOpenProfileId, "hostOpenProfileId", profiles);
    const others = users.filter((id) => id !== body.hostId);
    const title =
      body.title ||
      others
        .slice(0, THUMBNAILS_MAX)
        .map((id) => profiles.get(id)?.displayName || id)
        .join(", ") ||
      "Chatroom";
    unwrap(await c.env.USERS.getByName(userId).spendRoomCreation()); // ROOMS_PER_HOUR (SPEC §8.1)
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
        mode: body.mode,
        shards: body.shards,
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

roomRoutes.openapi(
  clientRoute({
    method: "get",
    path: "/chatrooms",
    summary: "My chatrooms: ongoing and scheduled",
    request: { query: S.ListQuery },
    responses: { 200: S.success(S.RoomList, 200, "OK"), ...USER_READ_ERRORS },
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
        mentioned: r.mentioned,
      })),
      scheduled: page.scheduled.map((r) => ({ ...common(r), startAt: r.startAt, durationMinutes: r.durationMinutes })),
      nextCursor: encodeCursor(page.next),
    });
  },
);

// ── one room ──────────────────────────────────────────────────────────

roomRoutes.openapi(
  clientRoute({
    method: "get",
    path: "/chatrooms/{id}",
    summary: "Room info",
    request: { params: S.RoomParams },
    responses: { 200: S.success(RoomInfo, 200, "OK"), ...ROOM_READ_ERRORS },
  }),
  async (c) => reply(c, unwrap(await room(c.env, c.req.valid("param").id).info(userOf(c)))),
);

roomRoutes.openapi(
  clientRoute({
    method: "post",
    path: "/chatrooms/{id}/join",
    summary: "Join an open room",
    request: { params: S.RoomParams, body: { ...json(S.JoinBody), required: false } },
    responses: { 200: S.success(RoomInfo, 200, "OK"), ...ROOM_WRITE_ERRORS },
  }),
  async (c) => {
    const { openProfileId } = c.req.valid("json") ?? {};
    const face = await faceOf(c.env.DB, c.get("userId"), openProfileId);
    return reply(c, unwrap(await room(c.env, c.req.valid("param").id).join(c.get("userId"), face)));
  },
);

roomRoutes.openapi(
  clientRoute({
    method: "post",
    path: "/chatrooms/{id}/leave",
    summary: "Leave a room",
    request: { params: S.RoomParams },
    responses: { 200: S.success(S.LeaveResult, 200, "OK"), ...ROOM_WRITE_ERRORS },
  }),
  async (c) => reply(c, unwrap(await room(c.env, c.req.valid("param").id).leave(c.get("userId")))),
);

roomRoutes.openapi(
  clientRoute({
    method: "post",
    path: "/chatrooms/{id}/members",
    summary: "Invite members",
    request: { params: S.RoomParams, body: json(S.InviteBody) },
    responses: { 200: S.success(S.InviteResult, 200, "OK"), ...ROOM_WRITE_ERRORS },
  }),
  async (c) => {
    const users = [...new Set(c.req.valid("json").users)];
    const profiles = await profilesOf(c.env.DB, users);
    const invited = users.map((userId) => ({ userId, imageUrl: imageOf(profiles.get(userId)) }));
    return reply(c, unwrap(await room(c.env, c.req.valid("param").id).invite(userOf(c), invited)));
  },
);

roomRoutes.openapi(
  clientRoute({
    method: "delete",
    path: "/chatrooms/{id}/members/{userId}",
    summary: "Kick a member",
    request: { params: S.RoomUserParams },
    responses: { 200: S.success(S.KickResult, 200, "OK"), ...ROOM_WRITE_ERRORS },
  }),
  async (c) => {
    const { id, userId } = c.req.valid("param");
    unwrap(await room(c.env, id).kick(userOf(c), userId));
    return reply(c, { userId, kicked: true as const });
  },
);
