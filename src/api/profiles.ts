/**
 * @module api/profiles
 * The caller's own profile and open profiles (SPEC §3).
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import { createOpenProfile, profilesOf, upsertProfile } from "../directory/store";
import type { AppEnv } from "../env";
import { reply } from "./envelope";
import { clientRoute, json, USER_WRITE_ERRORS } from "./route";
import * as S from "./schemas";

/** Profile routes, mounted into the client API. */
export const profileRoutes = new OpenAPIHono<AppEnv>();

profileRoutes.openapi(
  clientRoute({
    method: "put",
    path: "/users/me/profile",
    summary: "Set my nickname and image",
    request: { body: json(S.ProfileBody) },
    responses: { 200: S.success(S.MyProfile, 200, "OK"), ...USER_WRITE_ERRORS },
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

profileRoutes.openapi(
  clientRoute({
    method: "post",
    path: "/users/me/open-profiles",
    summary: "Create an open profile",
    request: { body: json(S.OpenProfileBody) },
    responses: { 201: S.success(S.CreatedOpenProfile, 201, "Created"), ...USER_WRITE_ERRORS },
  }),
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
