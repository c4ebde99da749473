/**
 * The access log (README "Operations", "Configuration"): one JSON line per request by default, and
 * ACCESS_LOG = errors | off chosen without code.
 */
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { accessLogMode, shouldLog } from "../src/access-log";
import app from "../src/index";

/** Calls the Worker with ACCESS_LOG set; returns the answer and the access-log lines it printed. */
async function call(mode: string | undefined, path: string, init: RequestInit = {}) {
  const printed = vi.spyOn(console, "log");
  const vars = mode === undefined ? {} : { ACCESS_LOG: mode };
  const ctx = createExecutionContext();
  const res = await app.fetch(new Request(`https://edge.example${path}`, init), { ...env, ...vars }, ctx);
  await res.text();
  await waitOnExecutionContext(ctx);
  const lines = printed.mock.calls
    .map((args) => (typeof args[0] === "string" && args[0].startsWith('{"requestId"') ? JSON.parse(args[0]) : null))
    .filter((line): line is Record<string, unknown> => line !== null);
  printed.mockRestore();
  return { status: res.status, lines };
}

const unsignedAdmin: RequestInit = { method: "POST", headers: { "content-type": "application/json" }, body: "{}" };

afterEach(() => {
  vi.restoreAllMocks();
});

describe("access log", () => {
  it("reads the mode leniently: anything but errors or off logs every request", () => {
    expect(accessLogMode("errors")).toBe("errors");
    expect(accessLogMode("off")).toBe("off");
    for (const value of [undefined, "", "all", "ALL", "error", "none"]) expect(accessLogMode(value)).toBe("all");
  });

  it("logs refusals and failures only in errors mode, nothing when off", () => {
    expect(shouldLog("all", 200, false)).toBe(true);
    expect(shouldLog("errors", 200, false)).toBe(false);
    expect(shouldLog("errors", 101, false)).toBe(false);
    expect(shouldLog("errors", 401, false)).toBe(true);
    expect(shouldLog("errors", 200, true)).toBe(true);
    expect(shouldLog("off", 500, true)).toBe(false);
  });

  it("writes one line per request by default, with its request id and no error field", async () => {
    const { status, lines } = await call(undefined, "/health");
    expect(status).toBe(200);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ method: "GET", path: "/health", status: 200 });
    expect(typeof lines[0]?.requestId).toBe("string");
    expect(lines[0]).not.toHaveProperty("error");
  });

  it("in errors mode skips answered requests and logs a client refusal with its kind", async () => {
    expect((await call("errors", "/health")).lines).toEqual([]);
    const refused = await call("errors", "/api/chatrooms");
    expect(refused.status).toBe(401);
    expect(refused.lines).toHaveLength(1);
    expect(refused.lines[0]).toMatchObject({ path: "/api/chatrooms", status: 401, error: "unauthorized" });
  });

  it("in errors mode logs an admin refusal although Wildfire answers it with HTTP 200", async () => {
    const { status, lines } = await call("errors", "/admin/chatroom/info", unsignedAdmin);
    expect(status).toBe(200);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ path: "/admin/chatroom/info", status: 200, error: "not_signed" });
  });

  it("writes nothing when off, refusals included", async () => {
    expect((await call("off", "/health")).lines).toEqual([]);
    const refused = await call("off", "/api/chatrooms");
    expect(refused.status).toBe(401);
    expect(refused.lines).toEqual([]);
  });
});
