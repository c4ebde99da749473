/**
 * @module admin/envelope
 * The Wildfire envelope: always HTTP 200 with {code, msg, result?}. The only file that knows
 * Wildfire's numeric codes (SPEC §2).
 */
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { ErrorKind } from "../errors";
import { toAppError } from "../validation";

/** Wildfire code of each error kind. */
export const ADMIN_CODES = {
  invalid_param: 251,
  too_large: 251,
  length_required: 251,
  unsupported_media_type: 251,
  not_signed: 239,
  sign_expired: 243,
  auth_failure: 244,
  unauthorized: 244,
  token_expired: 244,
  forbidden: 248,
  banned: 248,
  muted: 248,
  conflict: 248,
  not_in_room: 20,
  rate_limited: 250,
  room_busy: 250,
  not_found: 253,
  not_implemented: 254,
  server_error: 4,
} as const satisfies Record<ErrorKind, number>;

/** A Wildfire error code (never 0, which is success). */
type AdminCode = (typeof ADMIN_CODES)[ErrorKind];

/** A refused admin call: a non-zero code and a message (naming the field for 251); never a result. */
export const AdminFailure = z
  .object({
    code: z.literal([...new Set(Object.values(ADMIN_CODES))] as [AdminCode, ...AdminCode[]]),
    msg: z.string(),
  })
  .openapi("WildfireFailure");

/** The Wildfire envelope of a route with a result: code 0 with `result`, or a failure. */
export function envelope<T extends z.ZodType>(result: T) {
  return z.union([z.object({ code: z.literal(0), msg: z.literal("success"), result }), AdminFailure]);
}

/** The Wildfire envelope of a route without a result: code 0 alone, or a failure. */
export const Done = z.union([z.object({ code: z.literal(0), msg: z.literal("success") }), AdminFailure]);

/** A successful admin response with a result. */
export function success<T>(c: Context, result: T) {
  return c.json({ code: 0 as const, msg: "success" as const, result }, 200);
}

/** A successful admin response without a result. */
export function done(c: Context) {
  return c.json({ code: 0 as const, msg: "success" as const }, 200);
}

/** Maps any error to the Wildfire envelope; unknown errors are logged and become code 4 without details. */
export function adminOnError(error: Error, c: Context): Response {
  const appError = toAppError(error);
  if (appError.kind === "server_error") {
    console.error(
      JSON.stringify({ at: "admin", requestId: c.get("requestId"), path: c.req.path, error: String(error) }),
    );
  }
  return c.json({ code: ADMIN_CODES[appError.kind], msg: appError.message }, 200);
}

/**
 * Sends every admin answer uncompressed with its Content-Length (SPEC §8.2): the official Wildfire
 * Java SDK asks for gzip but reads a body only when Content-Length > 0. `Content-Encoding: identity`
 * stops the Workers runtime (and `wrangler dev`) from compressing; `Cache-Control: no-transform` stops
 * Cloudflare's edge compression, which would drop the length (docs/compatibility.md).
 */
export const uncompressed = createMiddleware(async function uncompressed(c, next) {
  await next();
  c.res.headers.set("Content-Encoding", "identity");
  c.res.headers.set("Cache-Control", "no-store, no-transform");
});

/** Builds the OpenAPI route of one admin path; `reply` is its Wildfire envelope. */
export function adminRoute<B extends z.ZodType, R extends z.ZodType>(path: string, body: B, reply: R, summary: string) {
  return createRoute({
    method: "post",
    path,
    summary,
    tags: ["admin"],
    security: [{ wildfireSign: [] }],
    request: { body: { content: { "application/json": { schema: body } }, required: true } },
    responses: {
      200: {
        description: "Always HTTP 200: code 0 (with `result` where the route has one), or a Wildfire error code",
        content: { "application/json": { schema: reply } },
      },
    },
  });
}
