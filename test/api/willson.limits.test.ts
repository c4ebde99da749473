/**
 * Willson's list under the per-user HTTP budget at its SPEC default (§8.1: HTTP_RATE_PER_SEC 10,
 * HTTP_BURST 20): beyond it Willson's own refusal, 429 `too_many_requests` with Retry-After (§8.2).
 */
import { describe, expect, it } from "vitest";
import { DEFAULT_LIMITS } from "../../src/limits";
import { newId, tokenFor } from "../helpers/admin";
import { apiCall } from "../reliability/worker";

const PATH = "/v1/asker/chat/chatrooms";

describe("Willson's list under the HTTP budget", () => {
  it("answers a flood beyond the burst with too_many_requests and Retry-After, while other users are served", async () => {
    const [flooder, other] = [newId("flood"), newId("calm")];
    const headers = { "x-token": await tokenFor(flooder) };
    const responses = await Promise.all(Array.from({ length: 50 }, () => apiCall("GET", PATH, { headers })));
    const refused = responses.filter((res) => res.status === 429);
    const served = responses.filter((res) => res.status === 200);
    expect(served.length).toBeGreaterThanOrEqual(DEFAULT_LIMITS.httpBurst);
    expect(refused.length).toBeGreaterThan(0);
    expect(served.length + refused.length).toBe(50);
    for (const res of refused) {
      expect(res.headers.get("retry-after")).toMatch(/^[1-9]\d*$/);
      expect(await res.json()).toEqual({ code: "too_many_requests", message: expect.any(String) });
    }
    const calm = await apiCall("GET", PATH, { headers: { "x-token": await tokenFor(other) } });
    expect(calm.status).toBe(200);
    expect(await calm.json()).toEqual({ code: "not_found", message: "Result not found" });
  });
});
