/**
 * @module api/auth
 * Client authentication (SPEC §3, §8.1, §8.2): a token from `ACCESS-TOKEN` (or Willson's `x-token`),
 * `Authorization: Bearer`, or for the socket route only, `?token=`. After the signature, one call to
 * the user's object answers revoked / over the HTTP budget / admitted. Every 401 counts against the
 * caller's address (AUTH_FAILS_PER_MIN). Sets `c.var.userId` and `c.var.token`.
 */
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env";
import { AppError } from "../errors";
import { countAuthFailure } from "../limiter/auth-fails";
import { verifyToken } from "./tokens";

/** The one route that takes `?token=`: browsers cannot set headers on a WebSocket (SPEC §3). */
const SOCKET_ROUTE = /^\/api\/chatrooms\/[^/]+\/ws$/;

function tokenOf(headers: { header(name: string): string | undefined }, query: string | undefined): string | null {
  const access = headers.header("access-token") ?? headers.header("x-token");
  if (access) return access;
  const authorization = headers.header("authorization");
  if (authorization?.toLowerCase().startsWith("bearer ")) return authorization.slice(7).trim();
  return query ?? null;
}

/** Refuses calls without a valid, unrevoked token (401) or over the user's HTTP budget (429). */
export const requireUser = createMiddleware<AppEnv>(async function requireUser(c, next) {
  const token = tokenOf(c.req, SOCKET_ROUTE.test(c.req.path) ? c.req.query("token") : undefined);
  if (!token) throw await countAuthFailure(c, new AppError("unauthorized", "an access token is required"));
  const verified = await verifyToken(token, c.env.TOKEN_SECRET);
  if (!verified.ok) {
    const failure = verified.expired
      ? new AppError("token_expired", "the access token has expired")
      : new AppError("unauthorized", "the access token is invalid");
    throw await countAuthFailure(c, failure);
  }
  const admitted = await c.env.USERS.getByName(verified.userId).admit(verified.iat);
  if (!admitted.ok) {
    const refusal = AppError.from(admitted);
    throw refusal.kind === "unauthorized" ? await countAuthFailure(c, refusal) : refusal;
  }
  c.set("userId", verified.userId);
  c.set("token", { iat: verified.iat, exp: verified.exp });
  await next();
});
