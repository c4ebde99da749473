/**
 * @module nonce-guard
 * The admin replay guard (SPEC §1, §8.1). A call is new iff its exact (nonce, timestamp) header
 * strings were not seen before; the guard remembers a pair until timestamp + 2 × SIGN_WINDOW_MS on its
 * own clock. The Worker accepts a timestamp only while |now − timestamp| ≤ SIGN_WINDOW_MS on its clock,
 * so the pair outlives every moment the Worker could accept it again, even when the guard's clock
 * reads later than the Worker's (RPC delay, another machine) by up to a whole window. Sharded by a hash
 * of the pair over NONCE_SHARDS small objects so no single object serialises every admin call.
 */
import { DurableObject } from "cloudflare:workers";

/** Number of guard objects; each admin call touches exactly one, chosen by its pair. */
export const NONCE_SHARDS = 64;

/**
 * The replay key of a call. The timestamp is all digits (checked before the guard is asked), so the
 * first "|" separates the two strings unambiguously.
 */
export function replayKey(nonce: string, timestamp: string): string {
  return `${timestamp}|${nonce}`;
}

/** The guard shard of a replay key (FNV-1a), so replays of the same pair meet in the same object. */
export function guardShard(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % NONCE_SHARDS;
}

/** The name of the guard object for a replay key. */
export function guardName(key: string): string {
  return `nonce-${guardShard(key)}`;
}

/** How long the guard keeps a pair: until timestamp + 2 × window (epoch ms). */
export function pairExpiry(timestamp: number, windowMs: number): number {
  return timestamp + 2 * windowMs;
}

/** Creates the guard's table (idempotent). */
export function migrateGuard(sql: SqlStorage): void {
  sql.exec("CREATE TABLE IF NOT EXISTS pairs (pair TEXT PRIMARY KEY, expires_at INTEGER NOT NULL)");
  // The first release keyed by nonce alone, which refused legitimate Wildfire SDK calls (§8.1).
  sql.exec("DROP TABLE IF EXISTS nonces");
}

/**
 * Records a pair at the guard's time `now`; false when it is still remembered (a replay). One
 * statement: a new pair is inserted, a remembered pair whose time is up is taken over, and a pair
 * still remembered is left as it is and returns no row. Kept as a function over the storage so tests
 * can run it on a real object's SQLite with any clock.
 */
export function claimPair(sql: SqlStorage, key: string, timestamp: number, windowMs: number, now: number): boolean {
  const claimed = sql
    .exec(
      `INSERT INTO pairs (pair, expires_at) VALUES (?, ?)
       ON CONFLICT (pair) DO UPDATE SET expires_at = excluded.expires_at WHERE pairs.expires_at <= ?
       RETURNING 1 AS claimed`,
      key,
      pairExpiry(timestamp, windowMs),
      now,
    )
    .toArray();
  return claimed.length === 1;
}

/** One shard of the replay guard. */
export class NonceGuard extends DurableObject<Env> {
  /**
   * Whether the sweep alarm is armed: read from storage at the first claim after the object starts,
   * then kept here, so a claim costs one statement and no storage round trip.
   */
  #alarmArmed: boolean | undefined;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    migrateGuard(ctx.storage.sql);
  }

  /** Claims a (nonce, timestamp) pair on this object's clock; false for a replay. */
  async claim(key: string, timestamp: number, windowMs: number): Promise<boolean> {
    const fresh = claimPair(this.ctx.storage.sql, key, timestamp, windowMs, Date.now());
    if (fresh && this.#alarmArmed !== true) await this.arm(pairExpiry(timestamp, windowMs));
    return fresh;
  }

  /** Sweeps expired pairs and re-arms for the next expiry. */
  override async alarm(): Promise<void> {
    const now = Date.now();
    this.ctx.storage.sql.exec("DELETE FROM pairs WHERE expires_at <= ?", now);
    const next = this.ctx.storage.sql
      .exec<{ t: number | null }>("SELECT min(expires_at) AS t FROM pairs")
      .toArray()[0]?.t;
    this.#alarmArmed = next !== null && next !== undefined;
    if (next !== null && next !== undefined) await this.ctx.storage.setAlarm(next);
  }

  /** Arms the sweep for `at` unless an alarm is already set (one alarm sweeps every pair due by then). */
  private async arm(at: number): Promise<void> {
    if (this.#alarmArmed === undefined && (await this.ctx.storage.getAlarm()) !== null) {
      this.#alarmArmed = true;
      return;
    }
    this.#alarmArmed = true;
    await this.ctx.storage.setAlarm(at);
  }
}
