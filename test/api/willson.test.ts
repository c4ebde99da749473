import { env, runDurableObjectAlarm } from "cloudflare:test";
import { OpenAPIHono } from "@hono/zod-openapi";
import { sign } from "hono/jwt";
import { describe, expect, it } from "vitest";
import { apiOnError } from "../../src/api/envelope";
import { displayZoneProblem, willsonDate } from "../../src/api/willson";
import type { AppEnv } from "../../src/env";
import { AppError } from "../../src/errors";
import { newId, tokenFor } from "../helpers/admin";
import { api } from "../helpers/api";

const PATH = "/v1/asker/chat/chatrooms";

/** Willson's list as a Willson client reads it (x-token), with the parsed body. */
async function willson(headers: Record<string, string>) {
  const res = await api("GET", PATH, { headers });
  return { status: res.status, body: res.body as unknown, headers: res.headers };
}
const as = async (userId: string) => willson({ "x-token": await tokenFor(userId) });

async function createRoom(host: string, users: string[], extra: Record<string, unknown> = {}): Promise<string> {
  const res = await api("POST", "/chatroom", {
    as: host,
    body: { hostId: host, isOpen: false, users: [host, ...users], ...extra },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return String(res.body.data?.chatroomId);
}

/** Seoul is UTC+9 all year (no daylight saving), so the expected strings need no time zone library. */
function seoul(epochMs: number) {
  const local = new Date(epochMs + 9 * 3600_000);
  const two = (n: number) => String(n).padStart(2, "0");
  return {
    from_time: `${two(local.getUTCHours())}:${two(local.getUTCMinutes())}`,
    date_format: `${two(local.getUTCMonth() + 1)}월 ${two(local.getUTCDate())}일`,
  };
}

type Rooms = {
  code: string;
  message: string;
  data: { count: number; ing: Record<string, unknown>[]; reserve: Record<string, unknown>[] };
};

describe("Willson room list (GET /api/v1/asker/chat/chatrooms)", () => {
  it("answers not_found in Willson's shape with HTTP 200 when the caller has no rooms", async () => {
    const res = await as(newId("none"));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ code: "not_found", message: "Result not found" });
  });

  it("lists every ongoing room by last activity and every scheduled one by start, with Willson's fields", async () => {
    const me = newId("me");
    const first = await createRoom(me, ["p1"], { title: "First", durationMinutes: 30 });
    const second = await createRoom(me, ["p1"], { title: "Second", thumbnail: "https://img/s.png" });
    const later = Date.now() + 3 * 86_400_000 + 7 * 60_000;
    const sooner = Date.now() + 86_400_000;
    const reserveLater = await createRoom(me, [], { title: "Later", startAt: later, durationMinutes: 45 });
    const reserveSooner = await createRoom(me, [], { title: "Sooner", startAt: sooner });
    const sent = await api("POST", `/chatrooms/${first}/messages`, {
      as: "p1",
      body: { clientMsgId: "1", content: "wake up" },
    });
    expect(sent.status).toBe(201);
    await runDurableObjectAlarm(env.ROOMS.getByName(first));
    const started = (await api("GET", `/chatrooms/${first}`, { as: me })).body.data?.startedAt;
    const startedSecond = (await api("GET", `/chatrooms/${second}`, { as: me })).body.data?.startedAt;

    const res = await as(me);
    expect(res.status).toBe(200);
    const body = res.body as Rooms;
    expect(body.code).toBe("success");
    expect(body.message).toBe("success");
    expect(body.data.count).toBe(4);
    expect(body.data.ing).toEqual([
      {
        idx: expect.any(Number),
        roomkey: first,
        start: started,
        concern: { time: "30" },
        title: "First",
        thumbnails: [],
      },
      {
        idx: expect.any(Number),
        roomkey: second,
        start: startedSecond,
        concern: { time: "" },
        title: "Second",
        thumbnails: ["https://img/s.png"],
      },
    ]);
    expect(body.data.reserve).toEqual([
      {
        idx: expect.any(Number),
        roomkey: reserveSooner,
        concern: { time: "" },
        date: seoul(sooner),
        startAt: sooner,
        title: "Sooner",
        thumbnails: [],
      },
      {
        idx: expect.any(Number),
        roomkey: reserveLater,
        concern: { time: "45" },
        date: seoul(later),
        startAt: later,
        title: "Later",
        thumbnails: [],
      },
    ]);
    // idx is the same index row id as the client API's userChatroomId.
    const mine = (await api("GET", "/chatrooms", { as: me })).body.data as {
      ongoing: { chatroomId: string; userChatroomId: number }[];
    };
    expect(body.data.ing.map((room) => room.idx)).toEqual(mine.ongoing.map((room) => room.userChatroomId));
  });

  it("lists only the caller's own current rooms: not other users' rooms, nor rooms they left", async () => {
    const [me, other] = [newId("me"), newId("other")];
    const kept = await createRoom(me, []);
    await createRoom(other, []);
    const left = await createRoom(me, [other]);
    expect((await api("POST", `/chatrooms/${left}/leave`, { as: me })).status).toBe(200);
    await runDurableObjectAlarm(env.ROOMS.getByName(left));
    const body = (await as(me)).body as Rooms;
    expect(body.data.count).toBe(1);
    expect(body.data.ing.map((room) => room.roomkey)).toEqual([kept]);
    expect(((await as(other)).body as Rooms).data.count).toBe(2);
  });

  it("takes ACCESS-TOKEN and Authorization as well as x-token, and refuses in Willson's shape", async () => {
    const me = newId("me");
    await createRoom(me, []);
    const token = await tokenFor(me);
    const others: Record<string, string>[] = [{ "access-token": token }, { authorization: `Bearer ${token}` }];
    for (const headers of others) {
      expect(((await willson(headers)).body as Rooms).code).toBe("success");
    }
    const expired = await sign({ sub: me, exp: Math.floor(Date.now() / 1000) - 10 }, env.TOKEN_SECRET, "HS256");
    const late = await willson({ "x-token": expired });
    expect(late.status).toBe(401);
    expect(late.body).toEqual({ code: "access_token_expired", message: "Access token expired" });
    const bad: Record<string, string>[] = [{}, { "x-token": "not.a.token" }];
    for (const headers of bad) {
      const refused = await willson(headers);
      expect(refused.status).toBe(401);
      expect(refused.body).toEqual({ code: "unauthorized", message: expect.any(String) });
    }
  });

  it("leaves the FlameTalk list and its error envelope as they were, with x-token accepted there too", async () => {
    const me = newId("me");
    await createRoom(me, []);
    const list = await api("GET", "/chatrooms", { headers: { "x-token": await tokenFor(me) } });
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ status: 200, message: "OK", data: { count: 1 } });
    const refused = await api("GET", "/chatrooms", { headers: { "x-token": "bad" } });
    expect(refused.body).toMatchObject({ status: 401, code: "UNAUTHORIZED", error: "UNAUTHORIZED" });
  });
});

describe("Willson refusals", () => {
  /** The client API's error mapping on an app whose Willson route fails with `error`. */
  async function refusal(error: AppError, path = `/api${PATH}`) {
    const app = new OpenAPIHono<AppEnv>();
    app.onError(apiOnError);
    app.get(path, () => {
      throw error;
    });
    const res = await app.request(path);
    return { status: res.status, body: await res.json(), retryAfter: res.headers.get("retry-after") };
  }

  it("answers rate limits as too_many_requests with Retry-After, and other failures in Willson's lower-case codes", async () => {
    expect(await refusal(new AppError("rate_limited", "too many requests", { retryAfterSec: 3 }))).toEqual({
      status: 429,
      body: { code: "too_many_requests", message: "too many requests" },
      retryAfter: "3",
    });
    expect(await refusal(new AppError("server_error", "server not configured"))).toEqual({
      status: 500,
      body: { code: "server_error", message: "server not configured" },
      retryAfter: null,
    });
    expect(await refusal(new AppError("token_expired", "the access token has expired"))).toMatchObject({
      status: 401,
      body: { code: "access_token_expired", message: "Access token expired" },
    });
  });

  it("keeps the FlameTalk envelope on every other path", async () => {
    const other = await refusal(new AppError("rate_limited", "slow down", { retryAfterSec: 2 }), "/api/chatrooms");
    expect(other).toMatchObject({
      status: 429,
      body: { code: "RATE_LIMITED", error: "RATE_LIMITED" },
      retryAfter: "2",
    });
  });
});

describe("Willson dates", () => {
  it("formats HH:mm on a 24-hour clock and MM월 dd일 zero-padded, in the given zone", () => {
    const at = Date.UTC(2027, 0, 4, 15, 5); // 2027-01-04 15:05 UTC
    expect(willsonDate(at, "Asia/Seoul")).toEqual({ from_time: "00:05", date_format: "01월 05일" });
    expect(willsonDate(at, "UTC")).toEqual({ from_time: "15:05", date_format: "01월 04일" });
    expect(willsonDate(Date.UTC(2027, 6, 9, 23, 59), "America/New_York")).toEqual({
      from_time: "19:59",
      date_format: "07월 09일",
    });
    expect(willsonDate(Date.UTC(2027, 11, 31, 14, 0), "Asia/Seoul")).toEqual({
      from_time: "23:00",
      date_format: "12월 31일",
    });
  });

  it("accepts real zones for DISPLAY_TZ and names a bad one", () => {
    expect(displayZoneProblem(undefined)).toBeNull();
    expect(displayZoneProblem("Asia/Seoul")).toBeNull();
    expect(displayZoneProblem("Europe/Paris")).toBeNull();
    for (const bad of ["Mars/Olympus", "Seoul", "", "UTC+9"]) expect(displayZoneProblem(bad)).toContain("DISPLAY_TZ");
  });

  it("answers the same for a zone asked again (the check runs on every request, remembered per value)", () => {
    for (let i = 0; i < 3; i++) {
      expect(displayZoneProblem("Asia/Seoul")).toBeNull();
      expect(displayZoneProblem("Mars/Olympus")).toBe('DISPLAY_TZ "Mars/Olympus" is not a time zone (e.g. Asia/Seoul)');
    }
  });
});
