/**
 * @module tokens
 * Client access tokens (SPEC §3): HS256 JWTs with `sub` = userId and `exp`, signed with TOKEN_SECRET.
 */
import { sign, verify } from "hono/jwt";
import { JwtTokenExpired } from "hono/utils/jwt/types";
import { ID_PATTERN } from "../limits";

/** Mints a token valid for `ttlSeconds` from `now` (epoch ms). */
export async function mintToken(
  userId: string,
  secret: string,
  ttlSeconds: number,
  now: number,
): Promise<{ token: string; expiresAt: number }> {
  const iat = Math.floor(now / 1000);
  const exp = iat + ttlSeconds;
  const token = await sign({ sub: userId, iat, exp }, secret, "HS256");
  return { token, expiresAt: exp * 1000 };
}

/** Verifies a token; returns the user id, or why it was refused. */
export async function verifyToken(
  token: string,
  secret: string,
): Promise<{ ok: true; userId: string; iat: number; exp: number } | { ok: false; expired: boolean }> {
  try {
    const payload = await verify(token, secret, "HS256");
    if (typeof payload.sub !== "string" || !ID_PATTERN.test(payload.sub) || typeof payload.exp !== "number") {
      return { ok: false, expired: false };
    }
    return { ok: true, userId: payload.sub, iat: typeof payload.iat === "number" ? payload.iat : 0, exp: payload.exp };
  } catch (error) {
    return { ok: false, expired: error instanceof JwtTokenExpired };
  }
}
