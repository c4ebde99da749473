/**
 * @module api/members
 * Who is in a room and what others may see of a user (SPEC §8.3). A member shows the face they chose
 * for the room: their open profile there, never the real one behind it.
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import { facesOf, mayViewProfile } from "../directory/faces";
import type { AppEnv } from "../env";
import { AppError, unwrap } from "../errors";
import { reply } from "./envelope";
import * as M from "./message-schemas";
import { clientRoute, ROOM_READ_ERRORS, room, USER_READ_ERRORS, userOf } from "./route";
import * as S from "./schemas";

/** Members page size when the caller gives none. */
const MEMBERS_DEFAULT = 50;

/** Member and profile routes, mounted into the client API. */
export const memberRoutes = new OpenAPIHono<AppEnv>();

memberRoutes.openapi(
  clientRoute({
    method: "get",
    path: "/chatrooms/{id}/members",
    summary: "Members in join order, with role, face and whether they are online",
    request: { params: S.RoomParams, query: M.MembersQuery },
    responses: { 200: S.success(M.MemberList, 200, "OK"), ...ROOM_READ_ERRORS },
  }),
  async (c) => {
    const { cursor, limit = MEMBERS_DEFAULT } = c.req.valid("query");
    const page = unwrap(await room(c.env, c.req.valid("param").id).memberPage(userOf(c), Number(cursor ?? 0), limit));
    const faces = await facesOf(c.env.DB, page.members);
    return reply(c, {
      members: page.members.map((member) => {
        const face = faces.get(member.userId);
        return {
          userId: member.userId,
          role: member.role,
          nickname: face?.nickname ?? null,
          image: face?.imageUrl ?? null,
          online: member.online,
        };
      }),
      nextCursor: page.next === null ? null : String(page.next),
    });
  },
);

memberRoutes.openapi(
  clientRoute({
    method: "get",
    path: "/users/{id}/profile",
    summary: "A user's profile: in a room, the face they show there; else their own, if you share a room",
    request: { params: M.UserParams, query: M.ProfileQuery },
    responses: { 200: S.success(M.PublicProfile, 200, "OK"), ...USER_READ_ERRORS, ...ROOM_READ_ERRORS },
  }),
  async (c) => {
    const target = c.req.valid("param").id;
    const { chatroomId } = c.req.valid("query");
    let openProfileId: number | null = null;
    if (chatroomId !== undefined) {
      openProfileId = unwrap(await room(c.env, chatroomId).memberFace(userOf(c), target)).openProfileId;
    } else if (!(await mayViewProfile(c.env.DB, c.get("userId"), target))) {
      throw new AppError("not_found", "no profile of this user is visible to you");
    }
    const face = (await facesOf(c.env.DB, [{ userId: target, openProfileId }])).get(target);
    return reply(c, {
      userId: target,
      nickname: face?.nickname ?? null,
      imageUrl: face?.imageUrl ?? null,
      openProfile: face?.openProfile ?? false,
    });
  },
);
