/**
 * @module tokens
 * Client access tokens (SPEC §3, §8.1): HS256 JWTs with `sub` = userId, `iat` and `exp` (epoch
 * seconds), signed with TOKEN_SECRET. `iat` is what revocation compares (user/rules.ts).
 */
import { sign, verify } from "hono/jwt";
import { JwtTokenExpired } from "hono/utils/jwt/types";
import { ID_PATTERN } from "../limits";
import { mintDelayMs } from "../user/rules";

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

/** The most a mint waits for a revocation's second to pass (the wait is below 1 s on one clock). */
const MINT_WAIT_MAX_MS = 2000;

/**
 * Mints a token that the user's latest revocation does not refuse: right after a revocation, the
 * token would share its second and be refused (iat ≤ floor(revokedAt / 1000)), so the mint waits for
 * the next second first. Used by every route that hands out tokens.
 */
export async function mintFreshToken(
  env: Pick<Env, "USERS" | "TOKEN_SECRET">,
  userId: string,
  ttlSeconds: number,
): Promise<{ token: string; expiresAt: number }> {
  // The delay is measured on this clock, the one that sets the new token's iat.
  const delay = mintDelayMs(await env.USERS.getByName(userId).revokedAt(), Date.now());
  if (delay > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(delay, MINT_WAIT_MAX_MS)));
  return mintToken(userId, env.TOKEN_SECRET, ttlSeconds, Date.now());
}

/** A verified token's claims. */
export interface TokenClaims {
  userId: string;
  /** Issued at and expiry, epoch seconds. */
  iat: number;
  exp: number;
}

/** Verifies a token; returns its claims, or why it was refused. */
export async function verifyToken(
  token: string,
  secret: string,
): Promise<({ ok: true } & TokenClaims) | { ok: false; expired: boolean }> {
  try {
    const payload = await verify(token, secret, "HS256");
    const { sub, iat, exp } = payload;
    if (typeof sub !== "string" || !ID_PATTERN.test(sub) || typeof exp !== "number" || typeof iat !== "number") {
      return { ok: false, expired: false };
    }
    return { ok: true, userId: sub, iat, exp };
  } catch (error) {
    return { ok: false, expired: error instanceof JwtTokenExpired };
  }
}
