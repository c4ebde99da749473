/**
 * Per-user budgets at their SPEC defaults (§8.1): HTTP_RATE_PER_SEC 10 / HTTP_BURST 20 on every client
 * API call (the socket upgrade included) and ROOMS_PER_HOUR 60 on both create paths. Refusals are 429
 * RATE_LIMITED with Retry-After in whole seconds, and change nothing.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { DEFAULT_LIMITS, readLimits } from "../../src/limits";
import { newId } from "../helpers/admin";
import { apiCall, apiJson } from "../reliability/worker";

const { httpBurst, roomsPerHour } = DEFAULT_LIMITS;

async function statusCounts(responses: Response[]): Promise<Record<number, number>> {
  const counts: Record<number, number> = {};
  for (const res of responses) counts[res.status] = (counts[res.status] ?? 0) + 1;
  return counts;
}

describe("the per-user HTTP budget", () => {
  it("runs at the SPEC defaults in this project", () => {
    expect(readLimits(env)).toMatchObject({ httpRatePerSec: 10, httpBurst: 20, roomsPerHour: 60 });
  });

  it("admits a burst of 20, then answers 429 RATE_LIMITED with Retry-After, while others are served", async () => {
    const [user, other] = [newId("flood"), newId("calm")];
    const started = Date.now();
    const responses = await Promise.all(Array.from({ length: 60 }, () => apiCall("GET", "/chatrooms", { as: user })));
    const elapsedSec = (Date.now() - started) / 1000;
    const counts = await statusCounts(responses);
    expect(Object.keys(counts).sort()).toEqual(["200", "429"]);
    expect(counts[200]).toBeGreaterThanOrEqual(httpBurst);
    expect(counts[200]).toBeLessThanOrEqual(httpBurst + Math.ceil(elapsedSec * 10) + 1);
    for (const res of responses.filter((r) => r.status === 429)) {
      expect(res.headers.get("retry-after")).toMatch(/^[1-9]\d*$/);
      expect(await res.json()).toMatchObject({ status: 429, code: "RATE_LIMITED", message: expect.any(String) });
    }
    expect((await apiJson("GET", "/chatrooms", { as: other })).status).toBe(200);
  });

  it("stores exactly the sends it admitted: refused ones leave no message", async () => {
    const host = newId("host");
    const created = await apiJson("POST", "/chatroom", {
      as: host,
      body: { hostId: host, isOpen: false, users: [host] },
    });
    expect(created.status).toBe(201);
    const id = String(created.body.data?.chatroomId);
    const sends = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        apiCall("POST", `/chatrooms/${id}/messages`, { as: host, body: { clientMsgId: `m${i}`, content: `hi ${i}` } }),
      ),
    );
    const counts = await statusCounts(sends);
    expect(counts[429]).toBeGreaterThan(0);
    // Sends also pass the room's own send bucket (SEND_BURST 10), which may refuse some with 429 too.
    const stored = await env.ROOMS.getByName(id).history({ kind: "admin" }, { limit: 100 });
    expect(stored.ok && stored.value.messages.length).toBe(counts[201] ?? 0);
  });

  it("counts the socket upgrade: over budget it is refused with 429 before any socket exists", async () => {
    const host = newId("host");
    const created = await apiJson("POST", "/chatroom", {
      as: host,
      body: { hostId: host, isOpen: false, users: [host] },
    });
    const id = String(created.body.data?.chatroomId);
    const stub = env.USERS.getByName(host);
    const iat = Math.floor(Date.now() / 1000);
    // Empty the budget through the same object the middleware asks, then upgrade at once. The bucket
    // refills one call per 100 ms, so on a stalled machine an attempt may find a token: try again.
    for (let attempt = 0; attempt < 5; attempt++) {
      while ((await stub.admit(iat)).ok) {
        // draining
      }
      const res = await apiCall("GET", `/chatrooms/${id}/ws`, { as: host, headers: { upgrade: "websocket" } });
      if (res.status === 101) {
        res.webSocket?.accept();
        res.webSocket?.close(1000, "retry");
        continue;
      }
      expect(res.status).toBe(429);
      expect(res.webSocket).toBeNull();
      expect(res.headers.get("retry-after")).toMatch(/^[1-9]\d*$/);
      expect(await res.json()).toMatchObject({ code: "RATE_LIMITED", message: expect.stringContaining("per user") });
      return;
    }
    throw new Error("the upgrade was never refused by the HTTP budget");
  });
});

describe("room creations per hour", () => {
  it("refuses the 61st creation in an hour on both create paths with Retry-After, creating nothing", async () => {
    const [host, other] = [newId("maker"), newId("other")];
    const body = { hostId: host, isOpen: false, users: [host] };
    expect((await apiJson("POST", "/chatroom", { as: host, body })).status).toBe(201);
    // The other 59 through the user's object, so the HTTP budget (20 per burst) does not pace the test.
    for (let i = 1; i < roomsPerHour; i++) expect((await env.USERS.getByName(host).spendRoomCreation()).ok).toBe(true);
    const rowsBefore = await env.DB.prepare("SELECT count(*) AS n FROM user_rooms WHERE user_id = ?")
      .bind(host)
      .first();
    for (const path of ["/chatroom", "/chatrooms"]) {
      const res = await apiCall("POST", path, { as: host, body });
      expect(res.status, path).toBe(429);
      const retryAfter = Number(res.headers.get("retry-after"));
      expect(retryAfter).toBeGreaterThan(3500);
      expect(retryAfter).toBeLessThanOrEqual(3600);
      expect(await res.json()).toMatchObject({ code: "RATE_LIMITED", message: expect.stringContaining("per hour") });
    }
    const rowsAfter = await env.DB.prepare("SELECT count(*) AS n FROM user_rooms WHERE user_id = ?").bind(host).first();
    expect(rowsAfter).toEqual(rowsBefore);
    expect(
      (await apiJson("POST", "/chatroom", { as: other, body: { ...body, hostId: other, users: [other] } })).status,
    ).toBe(201);
  });

  it("does not count a creation refused for another reason", async () => {
    const host = newId("maker");
    const stub = env.USERS.getByName(host);
    for (let i = 1; i < roomsPerHour; i++) expect((await stub.spendRoomCreation()).ok).toBe(true);
    const bad = await apiJson("POST", "/chatroom", { as: host, body: { hostId: host, isOpen: false, users: ["x"] } });
    expect(bad.status).toBe(400);
    // The last slot is still free.
    expect(
      (await apiJson("POST", "/chatroom", { as: host, body: { hostId: host, isOpen: false, users: [host] } })).status,
    ).toBe(201);
  });
});
