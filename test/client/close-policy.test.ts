import { describe, expect, it } from "vitest";
import {
  CONNECT_RETRY_FALLBACK_MS,
  closeAction,
  closeReason,
  isThrottleCode,
  reconnectDelay,
  refusedStatus,
  retryAfterSeconds,
} from "../../src/client/close-policy";

describe("close policy", () => {
  it.each([
    [1000, "final"],
    [1006, "retry"],
    [1011, "retry"],
    [4000, "retry"],
    [4001, "token"],
    [4003, "final"],
    [4004, "final"],
    [4008, "final"],
  ] as const)("close %i → %s", (code, action) => {
    expect(closeAction(code)).toBe(action);
  });

  it("keeps the server's reason and explains a bare code", () => {
    expect(closeReason(4008, "too many sockets")).toBe("too many sockets");
    expect(closeReason(4008, "")).toMatch(/abuse/);
    expect(closeReason(4001, "")).toMatch(/expired or was revoked/);
    expect(closeReason(1006, "")).toBe("connection lost (1006)");
  });

  it("backs off exponentially with jitter, capped, and never under the server's Retry-After", () => {
    const options = { minMs: 500, maxMs: 15_000 };
    expect(reconnectDelay(1, options, () => 0.5)).toBe(500);
    expect(reconnectDelay(3, options, () => 0.5)).toBe(2000);
    expect(reconnectDelay(30, options, () => 0.5)).toBe(15_000);
    expect(reconnectDelay(1, options, () => 0)).toBe(400);
    expect(reconnectDelay(1, options, () => 1)).toBe(600);
    expect(reconnectDelay(1, { ...options, retryAfterMs: 3000 }, () => 1)).toBe(3000);
    expect(reconnectDelay(1, { ...options, retryAfterMs: CONNECT_RETRY_FALLBACK_MS }, () => 0)).toBe(10_000);
  });

  it("reads Retry-After in whole seconds and a refused upgrade's status from the ws error text", () => {
    expect(retryAfterSeconds("3")).toBe(3);
    expect(retryAfterSeconds("0")).toBeUndefined();
    expect(retryAfterSeconds("soon")).toBeUndefined();
    expect(retryAfterSeconds(null)).toBeUndefined();
    expect(refusedStatus("Unexpected server response: 429")).toBe(429);
    expect(refusedStatus("socket hang up")).toBeNull();
    expect(refusedStatus(undefined)).toBeNull();
  });

  it("knows which error codes throttle", () => {
    expect(isThrottleCode("RATE_LIMITED")).toBe(true);
    expect(isThrottleCode("ROOM_BUSY")).toBe(true);
    expect(isThrottleCode("MUTED")).toBe(false);
  });
});
