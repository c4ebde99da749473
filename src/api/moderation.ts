/**
 * @module api/moderation
 * Client routes that moderate a room (SPEC §3): managers, restrictions and settings.
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../env";
import { invalidParam, unwrap } from "../errors";
import { RoomInfo } from "../room/protocol";
import { resolveExpiry } from "../room/restrictions";
import { reply } from "./envelope";
import { clientRoute, json, ROOM_WRITE_ERRORS, room, userOf } from "./route";
import * as S from "./schemas";

/** Moderation routes, mounted into the client API. */
export const moderationRoutes = new OpenAPIHono<AppEnv>();

for (const [method, on] of [
  ["put", true],
  ["delete", false],
] as const) {
  moderationRoutes.openapi(
    clientRoute({
      method,
      path: "/chatrooms/{id}/managers/{userId}",
      summary: on ? "Appoint a manager" : "Remove a manager",
      request: { params: S.RoomUserParams },
      responses: { 200: S.success(S.ManagerResult, 200, "OK"), ...ROOM_WRITE_ERRORS },
    }),
    async (c) => {
      const { id, userId } = c.req.valid("param");
      unwrap(await room(c.env, id).setManager(userOf(c), userId, on));
      return reply(c, { userId, manager: on });
    },
  );
}

moderationRoutes.openapi(
  clientRoute({
    method: "put",
    path: "/chatrooms/{id}/restrictions/{userId}",
    summary: "Mute (1) or ban (2) a user",
    request: { params: S.RoomUserParams, body: json(S.RestrictionBody) },
    responses: { 200: S.success(S.RestrictionSet, 200, "OK"), ...ROOM_WRITE_ERRORS },
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

moderationRoutes.openapi(
  clientRoute({
    method: "delete",
    path: "/chatrooms/{id}/restrictions/{userId}",
    summary: "Lift a restriction",
    request: { params: S.RoomUserParams },
    responses: { 200: S.success(S.RestrictionLifted, 200, "OK"), ...ROOM_WRITE_ERRORS },
  }),
  async (c) => {
    const { id, userId } = c.req.valid("param");
    unwrap(await room(c.env, id).setRestriction(userOf(c), userId, 0, 0, null));
    return reply(c, { userId, status: 0 as const });
  },
);

moderationRoutes.openapi(
  clientRoute({
    method: "put",
    path: "/chatrooms/{id}/settings",
    summary: "Change room settings",
    request: { params: S.RoomParams, body: json(S.SettingsBody) },
    responses: { 200: S.success(RoomInfo, 200, "OK"), ...ROOM_WRITE_ERRORS },
  }),
  async (c) => {
    const patch = c.req.valid("json");
    if (patch.startAt !== undefined && patch.startAt <= Date.now())
      throw invalidParam("startAt", "must be in the future (epoch ms)");
    return reply(c, unwrap(await room(c.env, c.req.valid("param").id).updateSettings(userOf(c), patch)));
  },
);
