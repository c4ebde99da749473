/**
 * The admin replay rule (SPEC §8.1): accepted iff |now − timestamp| ≤ SIGN_WINDOW_MS on the Worker's
 * clock and the exact (nonce, timestamp) pair was not seen before; the guard keeps a pair until
 * timestamp + 2 × SIGN_WINDOW_MS on its own clock.
 */
import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { claimPair, guardName, migrateGuard, pairExpiry, replayKey } from "../../src/admin/nonce-guard";
import { withinWindow } from "../../src/admin/sign";
import { readLimits } from "../../src/limits";
import { adminRoom, newId } from "../helpers/admin";
import { adminCall } from "../reliability/worker";

const W = readLimits(env).signWindowMs;

/** The Wildfire Java SDK's nonce: `(int)(Math.random() * 100000 + 3)`, here from a seeded generator. */
function sdkNonces(count: number, seed: number): string[] {
  let state = seed >>> 0;
  const random = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  return Array.from({ length: count }, () => String(Math.floor(random() * 100_000 + 3)));
}

async function codeOf(res: Response): Promise<number> {
  return ((await res.json()) as { code: number }).code;
}

describe("admin replay rule", () => {
  it("refuses a replay at the window's tail when the guard's clock reads later than the Worker's", async () => {
    const key = replayKey(newId("n"), "1700000000000");
    const ts = 1_700_000_000_000;
    await runInDurableObject(env.NONCES.getByName(`test-${newId()}`), (_instance, state) => {
      migrateGuard(state.storage.sql);
      // First call: the Worker and the guard agree on the time.
      expect(claimPair(state.storage.sql, key, ts, W, ts)).toBe(true);
      // The replay reaches the Worker at the last instant its window accepts...
      expect(withinWindow(String(ts), ts + W, W)).toBe(true);
      // ...and the guard, whose clock reads later (RPC delay, another machine), must still remember it.
      for (const lead of [1, 50, 1000, W - 1])
        expect(claimPair(state.storage.sql, key, ts, W, ts + W + lead)).toBe(false);
      // A replay stamped in the future is remembered just as long after its own timestamp.
      const ahead = replayKey("n2", String(ts + W));
      expect(claimPair(state.storage.sql, ahead, ts + W, W, ts)).toBe(true);
      expect(claimPair(state.storage.sql, ahead, ts + W, W, ts + 2 * W + W - 1)).toBe(false);
    });
  });

  it("keeps a pair accepted through the Worker until timestamp + 2 × SIGN_WINDOW_MS", async () => {
    const chatroomId = await adminRoom();
    const nonce = newId("n");
    const timestamp = Date.now();
    expect(await codeOf(await adminCall("/chatroom/info", JSON.stringify({ chatroomId }), { nonce, timestamp }))).toBe(
      0,
    );
    const key = replayKey(nonce, String(timestamp));
    const stored = await runInDurableObject(env.NONCES.getByName(guardName(key)), (_instance, state) =>
      state.storage.sql.exec<{ expires_at: number }>("SELECT expires_at FROM pairs WHERE pair = ?", key).toArray(),
    );
    expect(stored).toEqual([{ expires_at: pairExpiry(timestamp, W) }]);
    expect(pairExpiry(timestamp, W)).toBe(timestamp + 2 * W);
  });

  it("refuses an exact replay with 244 and leaves the first call's effect alone", async () => {
    const chatroomId = newId("room");
    const options = { nonce: "76616", timestamp: Date.now() };
    const first = await adminCall("/chatroom/create", JSON.stringify({ chatroomId, title: "A" }), options);
    expect(await codeOf(first)).toBe(0);
    const replay = await adminCall("/chatroom/create", JSON.stringify({ chatroomId, title: "B" }), options);
    expect(await replay.json()).toEqual({ code: 244, msg: expect.stringContaining("already used") });
    const info = await adminCall("/chatroom/info", JSON.stringify({ chatroomId }));
    expect(((await info.json()) as { result: { title: string } }).result.title).toBe("A");
  });

  it("accepts the same nonce with a new timestamp", async () => {
    const chatroomId = await adminRoom();
    const body = JSON.stringify({ chatroomId });
    const now = Date.now();
    expect(await codeOf(await adminCall("/chatroom/info", body, { nonce: "4242", timestamp: now }))).toBe(0);
    expect(await codeOf(await adminCall("/chatroom/info", body, { nonce: "4242", timestamp: now + 1 }))).toBe(0);
    expect(await codeOf(await adminCall("/chatroom/info", body, { nonce: "4242", timestamp: now }))).toBe(244);
  });

  it("never refuses the official SDK's calls, whose nonces repeat (1,500 calls, nonces from 3..100,002)", async () => {
    const chatroomId = await adminRoom();
    const body = JSON.stringify({ chatroomId });
    const nonces = sdkNonces(1500, 20_261_130);
    // Non-vacuous: at this many calls the SDK repeats nonces (a nonce-only key would refuse these).
    expect(new Set(nonces).size).toBeLessThan(nonces.length);
    const codes = new Map<number, number>();
    // Like System.currentTimeMillis(), but never the same millisecond twice in this run.
    const start = Date.now();
    const stamped = nonces.map((nonce, i) => ({ nonce, timestamp: start + i }));
    // Batches of concurrent calls, as a busy SDK client makes them.
    for (let i = 0; i < stamped.length; i += 50) {
      const batch = stamped
        .slice(i, i + 50)
        .map(async (options) => codeOf(await adminCall("/chatroom/info", body, options)));
      for (const code of await Promise.all(batch)) codes.set(code, (codes.get(code) ?? 0) + 1);
    }
    expect(Object.fromEntries(codes)).toEqual({ 0: 1500 });
  });
});
