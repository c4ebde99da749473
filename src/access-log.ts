/**
 * @module access-log
 * One JSON line per request with its request id (README "Operations"), chosen without code by
 * ACCESS_LOG: `all` (the default), `errors` (refusals and failures only) or `off`. Every line costs a
 * `console.log`, and under `wrangler dev` the dev server also parses and reprints it, so a deployment
 * (or a benchmark) that only wants refusals can say so in `[vars]`.
 */
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "./env";
import { AppError } from "./errors";

/** What the access log records: every request, refusals and failures only, or nothing. */
export type AccessLogMode = "all" | "errors" | "off";

/** ACCESS_LOG read leniently: a value that is not a mode keeps the default, so a typo never hides logs. */
export function accessLogMode(value: string | undefined): AccessLogMode {
  return value === "errors" || value === "off" ? value : "all";
}

/**
 * Whether a request gets a line. `failed` is true when a handler threw: admin refusals are answered
 * inside HTTP 200 (SPEC §2), so the status alone would hide them.
 */
export function shouldLog(mode: AccessLogMode, status: number, failed: boolean): boolean {
  if (mode === "all") return true;
  return mode === "errors" && (status >= 400 || failed);
}

/** Logs each request as one JSON line once it is answered, as ACCESS_LOG says. */
export const accessLog = createMiddleware<AppEnv>(async function accessLog(c, next) {
  const mode = accessLogMode(c.env.ACCESS_LOG);
  if (mode === "off") return next();
  const started = Date.now();
  await next();
  const failure = c.error;
  if (!shouldLog(mode, c.res.status, failure !== undefined)) return;
  console.log(
    JSON.stringify({
      requestId: c.get("requestId"),
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      ms: Date.now() - started,
      // The kind only (never the message): it names why without echoing request data.
      ...(failure === undefined ? {} : { error: failure instanceof AppError ? failure.kind : "internal" }),
    }),
  );
});
