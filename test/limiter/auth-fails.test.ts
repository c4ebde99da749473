import { describe, expect, it } from "vitest";
import { clientKey, SHARED_KEY } from "../../src/limiter/auth-fails";

describe("clientKey", () => {
  it("keys IPv4 addresses as they are", () => {
    expect(clientKey("203.0.113.7")).toBe("ip:203.0.113.7");
    expect(clientKey("0.0.0.0")).toBe("ip:0.0.0.0");
  });

  it("keys IPv6 addresses by their /64, however they are written", () => {
    const key = "ip6:2001:db8:1:2::/64";
    for (const ip of [
      "2001:db8:1:2::1",
      "2001:0DB8:0001:0002:ffff:ffff:ffff:ffff",
      "2001:db8:1:2:0:0:0:0",
      "2001:db8:1:2::",
    ]) {
      expect(clientKey(ip), ip).toBe(key);
    }
    expect(clientKey("2001:db8:1:3::1")).toBe("ip6:2001:db8:1:3::/64");
    expect(clientKey("::1")).toBe("ip6:0:0:0:0::/64");
  });

  it("keys an IPv4-mapped IPv6 address as its IPv4 address", () => {
    expect(clientKey("::ffff:203.0.113.7")).toBe("ip:203.0.113.7");
    expect(clientKey("::ffff:cb00:7107")).toBe("ip:203.0.113.7");
  });

  it("puts missing and unparseable addresses under the shared key", () => {
    for (const ip of [
      null,
      "",
      "not-an-ip",
      "256.1.1.1",
      "1.2.3",
      "1::2::3",
      "1:2:3:4:5:6:7:8:9",
      "12345::",
      "::ffff:1.2.3.999",
    ]) {
      expect(clientKey(ip), String(ip)).toBe(SHARED_KEY);
    }
  });
});
