/**
 * @module sign-middleware
 * Authenticates every admin call (SPEC §2): headers present (239), timestamp inside the window (243),
 * sign correct (244), nonce not used before inside the window (244, replay protection).
 */
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env";
import { AppError } from "../errors";
import { readLimits } from "../limits";
import { checkSignature, nonceShard } from "./sign";

/** Refuses unsigned, expired, wrongly signed and replayed admin calls. */
export const adminSignature = createMiddleware<AppEnv>(async function adminSignature(c, next) {
  const secret = c.env.ADMIN_SECRET;
  if (!secret) throw new AppError("server_error", "server not configured: ADMIN_SECRET is unset");
  const { signWindowMs } = readLimits(c.env);
  const now = Date.now();
  const nonce = c.req.header("nonce") ?? null;
  const checked = await checkSignature(
    { nonce, timestamp: c.req.header("timestamp") ?? null, sign: c.req.header("sign") ?? null },
    secret,
    now,
    signWindowMs,
  );
  if (!checked.ok) throw new AppError(checked.kind, checked.message);
  // Keep the nonce until the timestamp leaves the window: after that the window check refuses it anyway.
  const guard = c.env.NONCES.getByName(`nonce-${nonceShard(nonce as string)}`);
  const fresh = await guard.claim(nonce as string, Math.max(now, checked.timestamp) + signWindowMs);
  if (!fresh) throw new AppError("auth_failure", "auth failure: nonce already used");
  await next();
});
