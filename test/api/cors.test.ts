import { createExecutionContext, env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { allowedOrigins } from "../../src/api/cors";
import { app } from "../../src/index";
import { adminRaw, newId, tokenFor } from "../helpers/admin";
import { api } from "../helpers/api";
import { connect } from "../helpers/socket";

const PAGE = "https://app.example.com";
const preflight = (headers: Record<string, string> = {}) => ({
  method: "OPTIONS",
  headers: {
    origin: PAGE,
    "access-control-request-method": "POST",
    "access-control-request-headers": "access-token,content-type",
    ...headers,
  },
});

/** A request through the Worker with other [vars] (the pool's are fixed per project). */
function withVars(vars: Partial<Env>, path: string, init: RequestInit) {
  return app.fetch(new Request(`https://edgeroom.test${path}`, init), { ...env, ...vars }, createExecutionContext());
}

describe("CORS for browsers on other origins", () => {
  it("answers a client API preflight before authentication, allowing the token headers, without credentials", async () => {
    for (const path of ["/api/chatrooms", "/api/chatroom", "/api/v1/asker/chat/chatrooms", "/dev/token"]) {
      const res = await SELF.fetch(`https://edgeroom.test${path}`, preflight());
      expect(res.status, path).toBe(204);
      expect(res.headers.get("access-control-allow-origin")).toBe("*");
      const allowed = (res.headers.get("access-control-allow-headers") ?? "").toLowerCase().split(",");
      expect(allowed).toEqual(expect.arrayContaining(["access-token", "x-token", "authorization", "content-type"]));
      expect(res.headers.get("access-control-allow-methods")).toContain("PUT");
      expect(res.headers.get("access-control-allow-credentials")).toBeNull();
      expect(await res.text()).toBe("");
    }
  });

  it("marks answers, refusals included, readable by any origin and exposes Retry-After", async () => {
    const me = newId("me");
    const ok = await SELF.fetch("https://edgeroom.test/api/chatrooms", {
      headers: { origin: PAGE, "access-token": await tokenFor(me) },
    });
    expect(ok.status).toBe(200);
    expect(ok.headers.get("access-control-allow-origin")).toBe("*");
    expect(ok.headers.get("access-control-expose-headers")).toBe("Retry-After");
    const refused = await api("GET", "/chatrooms", { headers: { origin: PAGE } });
    expect(refused.status).toBe(401);
    expect(refused.headers.get("access-control-allow-origin")).toBe("*");
    expect(refused.headers.get("access-control-allow-credentials")).toBeNull();
  });

  it("keeps the WebSocket upgrade working for a page on another origin", async () => {
    const host = newId("h");
    const created = await api("POST", "/chatroom", { as: host, body: { hostId: host, isOpen: false, users: [host] } });
    const socket = await connect(String(created.body.data?.chatroomId), host);
    expect((await socket.next("welcome")).userId).toBe(host);
    socket.ws.close(1000);
    const res = await SELF.fetch(
      `https://edgeroom.test/api/chatrooms/${created.body.data?.chatroomId}/ws?token=${await tokenFor(host)}`,
      { headers: { upgrade: "websocket", origin: PAGE } },
    );
    expect(res.status).toBe(101);
    res.webSocket?.accept();
    res.webSocket?.close(1000);
  });

  it("gives the server-to-server admin API no CORS at all", async () => {
    const pre = await SELF.fetch("https://edgeroom.test/admin/chatroom/info", preflight());
    expect(pre.headers.get("access-control-allow-origin")).toBeNull();
    expect(pre.headers.get("access-control-allow-headers")).toBeNull();
    const signed = await adminRaw("/chatroom/info", { chatroomId: newId("r") }, { headers: { origin: PAGE } });
    expect(signed.headers.get("access-control-allow-origin")).toBeNull();
    expect(((await signed.json()) as { code: number }).code).toBe(253);
  });

  it("allows only the listed origins when CORS_ORIGINS is a list, echoing the origin with Vary", async () => {
    const vars = { CORS_ORIGINS: "https://a.example, https://b.example/" } as unknown as Partial<Env>;
    for (const origin of ["https://a.example", "https://b.example"]) {
      const res = await withVars(vars, "/api/chatrooms", preflight({ origin }));
      expect(res.status).toBe(204);
      expect(res.headers.get("access-control-allow-origin")).toBe(origin);
      expect(res.headers.get("vary")).toContain("Origin");
    }
    const stranger = await withVars(vars, "/api/chatrooms", preflight());
    expect(stranger.headers.get("access-control-allow-origin")).toBeNull();
    const call = await withVars(vars, "/api/chatrooms", { headers: { origin: PAGE } });
    expect(call.status).toBe(401);
    expect(call.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("reads CORS_ORIGINS as * when unset, empty or containing *, else as exact origins", () => {
    expect(allowedOrigins(undefined)).toBe("*");
    expect(allowedOrigins("")).toBe("*");
    expect(allowedOrigins(" * ")).toBe("*");
    expect(allowedOrigins("https://a.example,*")).toBe("*");
    expect(allowedOrigins("https://a.example/, http://localhost:3000")).toEqual([
      "https://a.example",
      "http://localhost:3000",
    ]);
  });
});
