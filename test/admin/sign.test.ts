import { describe, expect, it } from "vitest";
import { checkSignature, constantTimeEqual, NONCE_SHARDS, nonceShard, wildfireSign } from "../../src/admin/sign";

describe("wildfire signing", () => {
  it("reproduces the seed example sign", async () => {
    expect(await wildfireSign("76616", "123456", "1558350862502")).toBe("b98f9b0717f59febccf1440067a7f50d9b31bdde");
  });

  it("accepts the seed example at its own timestamp", async () => {
    const result = await checkSignature(
      { nonce: "76616", timestamp: "1558350862502", sign: "b98f9b0717f59febccf1440067a7f50d9b31bdde" },
      "123456",
      1558350862502,
      300_000,
    );
    expect(result).toEqual({ ok: true, timestamp: 1558350862502 });
  });

  it("refuses missing headers, an expired timestamp and a wrong sign with their kinds", async () => {
    const base = { nonce: "76616", timestamp: "1558350862502", sign: "b98f9b0717f59febccf1440067a7f50d9b31bdde" };
    const at = 1558350862502;
    expect(await checkSignature({ ...base, sign: null }, "123456", at, 300_000)).toMatchObject({ kind: "not_signed" });
    expect(await checkSignature(base, "123456", at + 300_001, 300_000)).toMatchObject({ kind: "sign_expired" });
    expect(await checkSignature(base, "123456", at - 300_001, 300_000)).toMatchObject({ kind: "sign_expired" });
    expect(await checkSignature({ ...base, timestamp: "12e5" }, "123456", at, 300_000)).toMatchObject({
      kind: "sign_expired",
    });
    expect(await checkSignature(base, "654321", at, 300_000)).toMatchObject({ kind: "auth_failure" });
  });

  it("compares signs exactly and spreads nonces over every shard", () => {
    expect(constantTimeEqual("abc", "abc")).toBe(true);
    expect(constantTimeEqual("abc", "abd")).toBe(false);
    expect(constantTimeEqual("abc", "abcd")).toBe(false);
    const shards = new Set(Array.from({ length: 5000 }, (_, i) => nonceShard(`n${i}`)));
    expect(shards.size).toBe(NONCE_SHARDS);
  });
});
