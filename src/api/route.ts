/**
 * @module api/route
 * Building blocks of the client routes: the route builder (tag, token security) and the error
 * responses each kind of route can answer, so /openapi.json lists every status a route returns.
 */
import { createRoute, type RouteConfig, type z } from "@hono/zod-openapi";
import type { Actor } from "../room/types";
import { clientErrors } from "./schemas";

/** A JSON request body that must be present. */
export const json = <T extends z.ZodType>(schema: T) => ({
  content: { "application/json": { schema } },
  required: true,
});

/** An authenticated client route (ACCESS-TOKEN, x-token or Authorization: Bearer). */
export function clientRoute<P extends string, R extends Omit<RouteConfig, "path"> & { path: P }>(config: R) {
  return createRoute({ tags: ["client"], ...config, security: [{ accessToken: [] }] });
}

// Every authenticated route can answer 400 (params), 401 (token), 429 (rate) and 500; routes that
// take a body add 413; routes on a room add what the room object refuses (403 not a member, banned,
// muted or not your role; 404 no such room; 409 the room's state forbids it).

/** Errors of a read on the caller's own data. */
export const USER_READ_ERRORS = clientErrors(400, 401, 429, 500);
/** Errors of a write on the caller's own data. */
export const USER_WRITE_ERRORS = clientErrors(400, 401, 413, 429, 500);
/** Errors of a read on one room. */
export const ROOM_READ_ERRORS = clientErrors(400, 401, 403, 404, 429, 500);
/** Errors of a write on one room. */
export const ROOM_WRITE_ERRORS = clientErrors(400, 401, 403, 404, 409, 413, 429, 500);

/** The caller as the room object's actor. */
export const userOf = (c: { get(key: "userId"): string }): Actor => ({ kind: "user", userId: c.get("userId") });

/** The room object of a chatroom id. */
export const room = (env: Env, id: string) => env.ROOMS.getByName(id);
