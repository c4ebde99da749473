import { z } from "@hono/zod-openapi";
import { describe, expect, it } from "vitest";
import { app } from "../src/index";
import { checkFrame, checkResponse, routeOf, takeViolations } from "./helpers/conformance";
import { roomInfo } from "./helpers/room-info";

const ORIGIN = "https://edgeroom.test";
const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });

/** The conformance error of an answer, or null; clears the recorded violation so the test itself decides. */
async function problemOf(method: string, path: string, response: Response): Promise<string | null> {
  try {
    await checkResponse(method, `${ORIGIN}${path}`, response);
    return null;
  } catch (error) {
    return String(error);
  } finally {
    takeViolations();
  }
}

/** A valid room answer; `extra` may break it on purpose (a wrong type, an undeclared field). */
const room = (extra: Record<string, unknown> = {}) => ({ ...roomInfo(), ...extra });
const ok = (data: unknown, status = 200) => json({ status, message: "OK", data }, status);
const error = (status: number, code: string, headers: Record<string, string> = {}) =>
  json({ status, message: "m", error: code, code, timestamp: new Date().toISOString() }, status, headers);

/** Every zod node in a schema, depth first. */
function* nodes(schema: z.ZodType): Generator<z.ZodType> {
  yield schema;
  const def = schema._zod.def as unknown as Record<string, unknown>;
  for (const value of Object.values(def)) {
    const children = Array.isArray(value) ? value : value instanceof z.ZodType ? [value] : [];
    for (const child of children) if (child instanceof z.ZodType) yield* nodes(child);
    if (typeof value === "object" && value !== null && !(value instanceof z.ZodType) && !Array.isArray(value)) {
      for (const child of Object.values(value)) if (child instanceof z.ZodType) yield* nodes(child);
    }
  }
}

type Documented = {
  method: string;
  path: string;
  responses: Record<string, { content?: unknown; headers?: unknown }>;
  tokenless: boolean;
};
const documented: Documented[] = app.openAPIRegistry.definitions.flatMap((d) =>
  d.type === "route"
    ? [
        {
          method: d.route.method,
          path: d.route.path,
          responses: d.route.responses as Documented["responses"],
          tokenless: d.route.security?.length === 0,
        },
      ]
    : [],
);

describe("declared answers", () => {
  it("gives every documented route a JSON schema for each answer, with no open-ended holes", () => {
    expect(documented.length).toBeGreaterThan(25);
    for (const route of documented) {
      for (const [status, response] of Object.entries(route.responses)) {
        if (status === "101") continue;
        const content = response.content as Record<string, { schema: unknown }> | undefined;
        // A file download declares its file types (binary strings), a 304 no body at all.
        if (content === undefined) {
          expect(status, `${route.method} ${route.path}`).toBe("304");
          continue;
        }
        if (!("application/json" in content)) {
          for (const file of Object.values(content)) expect(file.schema instanceof z.ZodString).toBe(true);
          continue;
        }
        const schema = content["application/json"]?.schema;
        expect(schema instanceof z.ZodType, `${route.method} ${route.path} ${status}`).toBe(true);
        for (const node of nodes(schema as z.ZodType)) {
          expect(["record", "unknown", "any"], `${route.method} ${route.path} ${status}`).not.toContain(
            node._zod.def.type,
          );
        }
      }
    }
  });

  it("declares 400 (where there is input), 401, 429 with Retry-After and 500 on every client route, and the Wildfire envelope on admin routes", () => {
    for (const route of documented) {
      const label = `${route.method} ${route.path}`;
      if (route.path.startsWith("/api/")) {
        // Willson's list takes no input, so it has no 400; a signed download takes no token, so it has no 401.
        const always = route.path.startsWith("/api/v1/asker/") ? ["401", "429", "500"] : ["400", "401", "429", "500"];
        if (route.tokenless) always.splice(always.indexOf("401"), 1);
        expect(Object.keys(route.responses), label).toEqual(expect.arrayContaining(always));
        expect(route.responses["429"]?.headers instanceof z.ZodObject, label).toBe(true);
      }
      if (route.path.startsWith("/admin/")) expect(Object.keys(route.responses), label).toEqual(["200"]);
    }
  });
});

describe("conformance check of the test helpers", () => {
  it("accepts an answer exactly as declared", async () => {
    expect(await problemOf("GET", "/api/chatrooms/r1", ok(room()))).toBeNull();
    expect(await problemOf("GET", "/api/chatrooms/r1", error(403, "BANNED"))).toBeNull();
    expect(await problemOf("GET", "/api/chatrooms/r1", error(429, "RATE_LIMITED", { "retry-after": "3" }))).toBeNull();
  });

  it("fails an answer with a missing, mistyped or undeclared field, naming it", async () => {
    const { lastSeq: _dropped, ...missing } = room();
    expect(await problemOf("GET", "/api/chatrooms/r1", ok(missing))).toContain("data.lastSeq");
    expect(await problemOf("GET", "/api/chatrooms/r1", ok(room({ count: "1" })))).toContain("data.count");
    expect(await problemOf("GET", "/api/chatrooms/r1", ok(room({ secret: "x" })))).toContain(
      "data.secret: not declared",
    );
    expect(await problemOf("GET", "/api/chatrooms/r1", ok(room({ role: "owner" })))).toContain("data.role");
  });

  it("fails a status the route does not declare, a wrong error code for the status and a 429 without Retry-After", async () => {
    expect(await problemOf("GET", "/api/chatrooms", error(409, "CONFLICT"))).toContain("does not declare HTTP 409");
    expect(await problemOf("GET", "/api/chatrooms/r1", error(403, "NOT_FOUND"))).toContain("code");
    expect(await problemOf("GET", "/api/chatrooms/r1", error(429, "RATE_LIMITED"))).toContain("Retry-After");
  });

  it("holds admin answers to their envelope: a result only on success and only where the route has one", async () => {
    const success = { code: 0, msg: "success" };
    expect(await problemOf("POST", "/admin/chatroom/del", json(success))).toBeNull();
    expect(await problemOf("POST", "/admin/chatroom/del", json({ ...success, result: {} }))).toContain("result");
    expect(
      await problemOf("POST", "/admin/chatroom/get_manager_list", json({ ...success, result: { list: [1] } })),
    ).not.toBeNull();
    expect(await problemOf("POST", "/admin/chatroom/info", json({ code: 253, msg: "x", result: {} }))).not.toBeNull();
    expect(await problemOf("POST", "/admin/chatroom/nope", json({ code: 254, msg: "not implement" }))).toBeNull();
  });

  it("matches a request to the documented route with the fewest path parameters", () => {
    expect(routeOf("POST", "/api/chatroom")?.key).toBe("POST /api/chatroom");
    expect(routeOf("GET", "/api/chatrooms/abc/ws")?.key).toBe("GET /api/chatrooms/{id}/ws");
    expect(routeOf("GET", "/api/chatrooms/abc/messages")?.key).toBe("GET /api/chatrooms/{id}/messages");
    expect(routeOf("PATCH", "/api/chatrooms/abc")).toBeNull();
  });

  it("fails a socket frame of the wrong shape, inside a batch too, and accepts good ones", () => {
    const message = {
      type: "message",
      seq: 1,
      senderId: "a",
      clientMsgId: "c",
      content: "hi",
      contentType: "text",
      ts: 1,
    };
    expect(checkFrame(message)).toBeNull();
    expect(checkFrame({ type: "batch", frames: [message, { type: "typing", userId: "b" }] })).toBeNull();
    expect(checkFrame({ type: "pong" })).toBeNull();
    expect(checkFrame({ ...message, seq: "1" })).toContain("seq");
    expect(checkFrame({ ...message, extra: true })).toContain("extra: not declared");
    expect(checkFrame({ type: "batch", frames: [message, { type: "typing" }] })).not.toBeNull();
    expect(checkFrame({ type: "room", event: "exploded" })).not.toBeNull();
    expect(checkFrame({ type: "moderation", event: "muteAll", userId: "a" })).not.toBeNull();
    expect(takeViolations()).toHaveLength(5);
  });
});
