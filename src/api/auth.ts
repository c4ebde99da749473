/**
 * @module api/auth
 * Client authentication (SPEC §3): a token from `ACCESS-TOKEN` (or Willson's `x-token`, SPEC §8.2),
 * `Authorization: Bearer`, or for the WebSocket upgrade only, `?token=`. Sets `c.var.userId`.
 */
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env";
import { AppError } from "../errors";
import { verifyToken } from "./tokens";

function tokenOf(headers: { header(name: string): string | undefined }, query: string | undefined): string | null {
  const access = headers.header("access-token") ?? headers.header("x-token");
  if (access) return access;
  const authorization = headers.header("authorization");
  if (authorization?.toLowerCase().startsWith("bearer ")) return authorization.slice(7).trim();
  return query ?? null;
}

/** Refuses calls without a valid token: 401 UNAUTHORIZED, or ACCESS_TOKEN_EXPIRED. */
export const requireUser = createMiddleware<AppEnv>(async function requireUser(c, next) {
  const secret = c.env.TOKEN_SECRET;
  if (!secret) throw new AppError("server_error", "server not configured: TOKEN_SECRET is unset");
  const allowQuery = c.req.path.endsWith("/ws");
  const token = tokenOf(c.req, allowQuery ? c.req.query("token") : undefined);
  if (!token) throw new AppError("unauthorized", "an access token is required");
  const verified = await verifyToken(token, secret);
  if (!verified.ok) {
    throw verified.expired
      ? new AppError("token_expired", "the access token has expired")
      : new AppError("unauthorized", "the access token is invalid");
  }
  c.set("userId", verified.userId);
  c.set("token", { iat: verified.iat, exp: verified.exp });
  await next();
});
