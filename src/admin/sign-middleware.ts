/**
 * @module sign-middleware
 * Authenticates every admin call (SPEC §2, §8.1): headers present (239), timestamp inside the window on
 * the Worker's clock (243), sign correct (244), and the exact (nonce, timestamp) pair not seen before
 * (244, replay protection; see nonce-guard.ts for how long a pair is remembered and on whose clock).
 * Each refusal counts against the caller's address (AUTH_FAILS_PER_MIN; 250 beyond it).
 */
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env";
import { AppError } from "../errors";
import { countAuthFailure } from "../limiter/auth-fails";
import { readLimits } from "../limits";
import { guardName, replayKey } from "./nonce-guard";
import { checkSignature } from "./sign";

/** Refuses unsigned, expired, wrongly signed and replayed admin calls. */
export const adminSignature = createMiddleware<AppEnv>(async function adminSignature(c, next) {
  const { signWindowMs } = readLimits(c.env);
  const headers = {
    nonce: c.req.header("nonce") ?? null,
    timestamp: c.req.header("timestamp") ?? null,
    sign: c.req.header("sign") ?? null,
  };
  const checked = await checkSignature(headers, c.env.ADMIN_SECRET, Date.now(), signWindowMs);
  if (!checked.ok) throw await countAuthFailure(c, new AppError(checked.kind, checked.message));
  // Both headers are present once the signature checked out.
  const key = replayKey(headers.nonce ?? "", headers.timestamp ?? "");
  const fresh = await c.env.NONCES.getByName(guardName(key)).claim(key, checked.timestamp, signWindowMs);
  if (!fresh) {
    throw await countAuthFailure(
      c,
      new AppError("auth_failure", "auth failure: this nonce and timestamp were already used"),
    );
  }
  await next();
});
