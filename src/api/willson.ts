/**
 * @module api/willson
 * Willson's "my chatrooms" call as Willson clients expect it (SPEC §8.2): `GET /api/v1/asker/chat/
 * chatrooms`, authenticated like every client route (`x-token` included), answered in Willson's own
 * envelope. It is a mapping over the same directory list as GET /api/chatrooms (all rooms, no
 * paging), not a second implementation; refusals on this path use Willson's codes (`willsonError`).
 */
import { OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { type ListedRoom, listRooms } from "../directory/store";
import type { AppEnv } from "../env";
import type { AppError } from "../errors";
import { CLIENT_ERRORS } from "./codes";
import { clientRoute } from "./route";

/** The Willson path inside the client API (mounted at /api). */
export const WILLSON_LIST_PATH = "/v1/asker/chat/chatrooms";
/** The display zone when DISPLAY_TZ is unset. */
export const DEFAULT_DISPLAY_TZ = "Asia/Seoul";
/** Every room of the caller in one answer (Willson does not page); a bound so one call stays one query. */
export const WILLSON_LIST_MAX = 10_000;

const Concern = z
  .object({ time: z.string().openapi({ description: "Duration in minutes as a string; empty when untimed" }) })
  .openapi("WillsonConcern");

/** An ongoing room, by last activity. */
const WillsonIng = z
  .object({
    idx: z.number().int().openapi({ description: "userChatroomId" }),
    roomkey: z.string().openapi({ description: "chatroomId" }),
    start: z.number().int().openapi({ description: "When the room started (epoch ms)" }),
    concern: Concern,
    title: z.string(),
    thumbnails: z.array(z.string()),
  })
  .openapi("WillsonIng");

/** A scheduled room, by start; `date` is the start in DISPLAY_TZ. */
const WillsonReserve = z
  .object({
    idx: z.number().int(),
    roomkey: z.string(),
    concern: Concern,
    date: z.object({
      from_time: z
        .string()
        .regex(/^\d{2}:\d{2}$/)
        .openapi({ description: "HH:mm, 24 h" }),
      date_format: z
        .string()
        .regex(/^\d{2}월 \d{2}일$/)
        .openapi({ description: "MM월 dd일" }),
    }),
    startAt: z.number().int(),
    title: z.string(),
    thumbnails: z.array(z.string()),
  })
  .openapi("WillsonReserve");

/** The answer with rooms, and the one without (still HTTP 200, as Willson answers). */
const WillsonList = z.union([
  z
    .object({
      code: z.literal("success"),
      message: z.literal("success"),
      data: z.object({ count: z.number().int(), ing: z.array(WillsonIng), reserve: z.array(WillsonReserve) }),
    })
    .openapi("WillsonRooms"),
  z.object({ code: z.literal("not_found"), message: z.literal("Result not found") }).openapi("WillsonNotFound"),
]);

/** A refusal in Willson's shape. */
const willsonErrorBody = (codes: [string, ...string[]]) => z.object({ code: z.enum(codes), message: z.string() });

/**
 * The answer of displayZoneProblem per DISPLAY_TZ value. The configuration check asks on every request
 * and building a DateTimeFormat costs more than the rest of the check (bench/RESULTS.md profiles);
 * a deployment has one value, so this holds one entry.
 */
const zoneProblems = new Map<string | undefined, string | null>();

/** Why `zone` cannot be the display zone (DISPLAY_TZ), or null when it can. */
export function displayZoneProblem(zone: string | undefined): string | null {
  const known = zoneProblems.get(zone);
  if (known !== undefined) return known;
  let problem: string | null = null;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone ?? DEFAULT_DISPLAY_TZ });
  } catch {
    problem = `DISPLAY_TZ "${zone}" is not a time zone (e.g. ${DEFAULT_DISPLAY_TZ})`;
  }
  zoneProblems.set(zone, problem);
  return problem;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Willson's `date` of an instant in `zone`: `from_time` "HH:mm" (24 h) and `date_format` "MM월 dd일". */
export function willsonDate(epochMs: number, zone: string): { from_time: string; date_format: string } {
  let format = formatters.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    });
    formatters.set(zone, format);
  }
  const part = (type: Intl.DateTimeFormatPartTypes) =>
    format.formatToParts(epochMs).find((p) => p.type === type)?.value ?? "00";
  return { from_time: `${part("hour")}:${part("minute")}`, date_format: `${part("month")}월 ${part("day")}일` };
}

const concern = (room: ListedRoom) => ({ time: room.durationMinutes === null ? "" : String(room.durationMinutes) });

/** Willson's routes, mounted into the client API. */
export const willsonRoutes = new OpenAPIHono<AppEnv>();

willsonRoutes.openapi(
  clientRoute({
    method: "get",
    path: WILLSON_LIST_PATH,
    summary: "My chatrooms in Willson's shape: ongoing (ing) and scheduled (reserve), all of them",
    tags: ["willson"],
    responses: {
      200: {
        description: "Rooms, or not_found when there are none",
        content: { "application/json": { schema: WillsonList } },
      },
      401: {
        description: "Missing, invalid or expired token",
        content: { "application/json": { schema: willsonErrorBody(["access_token_expired", "unauthorized"]) } },
      },
      429: {
        description: "Too many requests; wait Retry-After seconds",
        headers: z.object({ "Retry-After": z.string().regex(/^[1-9]\d*$/) }),
        content: { "application/json": { schema: willsonErrorBody(["too_many_requests"]) } },
      },
      500: {
        description: "Server error or misconfiguration",
        content: { "application/json": { schema: willsonErrorBody(["server_error"]) } },
      },
    },
  }),
  async (c) => {
    const zone = c.env.DISPLAY_TZ ?? DEFAULT_DISPLAY_TZ;
    const page = await listRooms(c.env.DB, c.get("userId"), {
      ongoing: "start",
      scheduled: "start",
      limit: WILLSON_LIST_MAX,
    });
    if (page.ongoing.length + page.scheduled.length === 0) {
      return c.json({ code: "not_found" as const, message: "Result not found" as const }, 200);
    }
    const ing = page.ongoing.map((room) => ({
      idx: room.userChatroomId,
      roomkey: room.chatroomId,
      // An ongoing room always has a start; its last activity is the closest fact if an old index row lacks it.
      start: room.startedAt ?? room.activityAt,
      concern: concern(room),
      title: room.title,
      thumbnails: room.thumbnails,
    }));
    const reserve = page.scheduled.map((room) => {
      const startAt = room.startAt ?? room.activityAt;
      return {
        idx: room.userChatroomId,
        roomkey: room.chatroomId,
        concern: concern(room),
        date: willsonDate(startAt, zone),
        startAt,
        title: room.title,
        thumbnails: room.thumbnails,
      };
    });
    const data = { count: ing.length + reserve.length, ing, reserve };
    return c.json({ code: "success" as const, message: "success" as const, data }, 200);
  },
);

/** True for requests to the Willson route, whose refusals use Willson's shape. */
export function isWillsonPath(path: string): boolean {
  return path === `/api${WILLSON_LIST_PATH}` || path === `/api${WILLSON_LIST_PATH}/`;
}

/** Willson's answer to a refusal: its lower-case codes, HTTP status as the client API (SPEC §8.2). */
export function willsonError(error: AppError, c: Context<AppEnv>): Response {
  const { status, code } = CLIENT_ERRORS[error.kind];
  const willsonCode =
    error.kind === "rate_limited" || error.kind === "room_busy" ? "too_many_requests" : code.toLowerCase();
  const message = error.kind === "token_expired" ? "Access token expired" : error.message;
  if (error.retryAfterSec !== undefined) c.header("Retry-After", String(Math.max(1, error.retryAfterSec)));
  return c.json({ code: willsonCode, message }, status);
}
