import { describe, expect, it } from "vitest";
import { guardShard, NONCE_SHARDS } from "../../src/admin/nonce-guard";
import { checkSignature, sameDigest, signHeaders, wildfireSign } from "../../src/admin/sign";

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

  it("refuses a sign that differs only in case-insensitive hex or length, and accepts the exact one", async () => {
    const at = 1558350862502;
    const base = { nonce: "76616", timestamp: String(at) };
    const sign = "b98f9b0717f59febccf1440067a7f50d9b31bdde";
    expect(await checkSignature({ ...base, sign: sign.toUpperCase() }, "123456", at, 300_000)).toMatchObject({
      ok: true,
    });
    expect(await checkSignature({ ...base, sign: `${sign}0` }, "123456", at, 300_000)).toMatchObject({
      kind: "auth_failure",
    });
    expect(await checkSignature({ ...base, sign: sign.replace(/.$/, "f") }, "123456", at, 300_000)).toMatchObject({
      kind: "auth_failure",
    });
  });

  it("compares digests exactly: any differing digit or a different length is a mismatch", () => {
    const sign = "b98f9b0717f59febccf1440067a7f50d9b31bdde";
    expect(sameDigest(sign, sign)).toBe(true);
    for (const i of [0, 1, 20, 38, 39]) {
      const other = `${sign.slice(0, i)}${sign[i] === "0" ? "1" : "0"}${sign.slice(i + 1)}`;
      expect(sameDigest(sign, other), `digit ${i}`).toBe(false);
    }
    expect(sameDigest(sign, sign.slice(0, 39))).toBe(false);
    expect(sameDigest(sign, `${sign}0`)).toBe(false);
    expect(sameDigest(sign, "")).toBe(false);
  });

  it("builds headers the checker accepts, with a fresh nonce per call", async () => {
    const headers = await signHeaders("123456", 1558350862502);
    expect(headers.timestamp).toBe("1558350862502");
    expect(await checkSignature(headers, "123456", 1558350862502, 300_000)).toMatchObject({ ok: true });
    expect((await signHeaders("123456", 1558350862502)).nonce).not.toBe(headers.nonce);
    expect(await signHeaders("123456", 1558350862502, "76616")).toEqual({
      nonce: "76616",
      timestamp: "1558350862502",
      sign: "b98f9b0717f59febccf1440067a7f50d9b31bdde",
    });
  });

  it("spreads replay keys over every guard shard", () => {
    const shards = new Set(Array.from({ length: 5000 }, (_, i) => guardShard(`1558350862502|${i}`)));
    expect(shards.size).toBe(NONCE_SHARDS);
  });
});
