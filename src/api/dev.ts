/**
 * @module api/dev
 * Dev-only sign-in for the demo page: mints a client token for any user name, but only in local
 * development: DEV_MODE=true (set in .dev.vars) on a loopback host (config.ts). Everywhere else it
 * answers 404, so a DEV_MODE uploaded by mistake hands out nothing.
 */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { requestIsLocalDev } from "../config";
import type { AppEnv } from "../env";
import { AppError } from "../errors";
import { spendAuthFailure } from "../limiter/auth-fails";
import { bodyLimitGuard, Id, validationHook } from "../validation";
import { apiOnError, reply } from "./envelope";
import { clientErrors, DevToken, success } from "./schemas";
import { mintFreshToken } from "./tokens";

/** Dev tokens live for a day. */
const DEV_TOKEN_TTL_SECONDS = 24 * 3600;

const DevTokenBody = z.object({ userId: Id }).openapi("DevToken");

/** Mounted at /dev. */
export const devApp = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
devApp.use("*", bodyLimitGuard);
devApp.onError(apiOnError);

devApp.openapi(
  createRoute({
    method: "post",
    path: "/token",
    summary: "Dev-only: a client token for any user (DEV_MODE=true on a loopback host only)",
    tags: ["dev"],
    request: { body: { content: { "application/json": { schema: DevTokenBody } }, required: true } },
    responses: { 200: success(DevToken, 200, "Token"), ...clientErrors(400, 404, 413, 429, 500) },
  }),
  async (c) => {
    if (!requestIsLocalDev(c)) throw new AppError("not_found", "no such route");
    // A token for anyone: every call counts like a failed sign-in (AUTH_FAILS_PER_MIN).
    const limited = await spendAuthFailure(c);
    if (limited) throw limited;
    const { userId } = c.req.valid("json");
    const { token, expiresAt } = await mintFreshToken(c.env, userId, DEV_TOKEN_TTL_SECONDS);
    return reply(c, { userId, token, expiresAt });
  },
);
