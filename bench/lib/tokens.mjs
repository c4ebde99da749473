// Client tokens minted in bulk inside the bench. `/admin/user/get_token` costs a signed call, a nonce
// claim and a user-object call per user, which takes minutes at 10,000 users; the bench starts its own
// server and so knows its TOKEN_SECRET, as it knows its ADMIN_SECRET. The format is the server's own
// (src/api/tokens.ts: an HS256 JWT of {sub, iat, exp} as hono/jwt signs it), so the server cannot tell
// these tokens from the ones it hands out.
import { createHmac } from "node:crypto";

const part = (value) => Buffer.from(JSON.stringify(value)).toString("base64url");
const HEADER = part({ alg: "HS256", typ: "JWT" });

/** One token for `userId`, valid `ttlSeconds` from `nowMs`. */
export function mintToken(userId, secret, ttlSeconds, nowMs = Date.now()) {
  const iat = Math.floor(nowMs / 1000);
  const unsigned = `${HEADER}.${part({ sub: userId, iat, exp: iat + ttlSeconds })}`;
  return `${unsigned}.${createHmac("sha256", secret).update(unsigned).digest("base64url")}`;
}

/** `{ userId, token }` for every id, all issued now (about 10 µs each). */
export function mintTokens(userIds, secret, ttlSeconds = 86_400) {
  const now = Date.now();
  return userIds.map((userId) => ({ userId, token: mintToken(userId, secret, ttlSeconds, now) }));
}
