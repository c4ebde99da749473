/**
 * The replay guard's storage (SPEC §8.1): one statement per claim, and the one sweep alarm armed
 * from memory after the object's first claim, re-read after the object restarts.
 */
import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { claimPair, migrateGuard, pairExpiry, replayKey } from "../../src/admin/nonce-guard";
import { evict, newId } from "../helpers/admin";

const W = 300_000;
const T = 1_700_000_000_000;

/** A fresh guard object (not one of the 64 shards the Worker uses). */
const freshGuard = (name = `test-${newId()}`) => env.NONCES.getByName(name);

const alarmOf = (stub: DurableObjectStub) => runInDurableObject(stub, (_i, state) => state.storage.getAlarm());
const storedExpiry = (stub: DurableObjectStub, key: string) =>
  runInDurableObject(stub, (_i, state) =>
    state.storage.sql.exec<{ expires_at: number }>("SELECT expires_at FROM pairs WHERE pair = ?", key).toArray(),
  );

describe("replay guard storage", () => {
  it("takes over a pair whose time is up, and a refused replay leaves the stored expiry alone", async () => {
    const key = replayKey(newId("n"), String(T));
    await runInDurableObject(freshGuard(), (_i, state) => {
      const sql = state.storage.sql;
      migrateGuard(sql);
      expect(claimPair(sql, key, T, W, T)).toBe(true);
      // Refused until the last millisecond it is kept, and the refusal changes nothing.
      expect(claimPair(sql, key, T + 5, W, pairExpiry(T, W) - 1)).toBe(false);
      const stored = () => sql.exec<{ expires_at: number }>("SELECT expires_at FROM pairs").toArray();
      expect(stored()).toEqual([{ expires_at: pairExpiry(T, W) }]);
      // From its expiry on the pair is new again (the Worker's window refused it long before).
      expect(claimPair(sql, key, T + 2 * W, W, pairExpiry(T, W))).toBe(true);
      expect(stored()).toEqual([{ expires_at: pairExpiry(T + 2 * W, W) }]);
    });
  });

  it("arms the sweep once at the first pair's expiry and leaves it there for later pairs", async () => {
    const stub = freshGuard();
    const now = Date.now();
    expect(await stub.claim(replayKey("1", String(now)), now, W)).toBe(true);
    expect(await alarmOf(stub)).toBe(pairExpiry(now, W));
    expect(await stub.claim(replayKey("2", String(now + 7)), now + 7, W)).toBe(true);
    expect(await alarmOf(stub)).toBe(pairExpiry(now, W));
    // A replay neither claims nor moves the alarm.
    expect(await stub.claim(replayKey("2", String(now + 7)), now + 7, W)).toBe(false);
    expect(await alarmOf(stub)).toBe(pairExpiry(now, W));
  });

  it("re-arms after a sweep that left nothing, so a later pair is still swept", async () => {
    const stub = freshGuard();
    const now = Date.now();
    const first = replayKey("1", String(now));
    expect(await stub.claim(first, now, W)).toBe(true);
    // The pair's time is up by the time the alarm runs.
    await runInDurableObject(stub, (_i, state) => {
      state.storage.sql.exec("UPDATE pairs SET expires_at = ?", now - 1);
    });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await storedExpiry(stub, first)).toEqual([]);
    expect(await alarmOf(stub)).toBeNull();
    const later = replayKey("2", String(now + 1));
    expect(await stub.claim(later, now + 1, W)).toBe(true);
    expect(await alarmOf(stub)).toBe(pairExpiry(now + 1, W));
  });

  it("after a restart, reads the armed alarm from storage instead of moving it", async () => {
    const name = `test-${newId()}`;
    const now = Date.now();
    expect(await freshGuard(name).claim(replayKey("1", String(now)), now, W)).toBe(true);
    await evict(freshGuard(name));
    // A stub of an evicted object stays broken; the runtime starts the object again for a new one.
    const stub = freshGuard(name);
    const key = replayKey("2", String(now + 1000));
    expect(await stub.claim(key, now + 1000, W)).toBe(true);
    expect(await alarmOf(stub)).toBe(pairExpiry(now, W));
    expect(await storedExpiry(stub, key)).toEqual([{ expires_at: pairExpiry(now + 1000, W) }]);
    // The pair claimed before the restart is still remembered.
    expect(await stub.claim(replayKey("1", String(now)), now, W)).toBe(false);
  });
});
