/**
 * @module nonce-guard
 * Used admin nonces within the sign window (SPEC §1). Sharded by nonce over NONCE_SHARDS small
 * objects so no single object serialises every admin call; entries expire with the window and an
 * alarm sweeps them.
 */
import { DurableObject } from "cloudflare:workers";

/** One shard of the replay guard. */
export class NonceGuard extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS nonces (nonce TEXT PRIMARY KEY, expires_at INTEGER NOT NULL)");
  }

  /** Records the nonce until `expiresAt`; false when it was already used and has not expired. */
  async claim(nonce: string, expiresAt: number): Promise<boolean> {
    const now = Date.now();
    const seen = this.ctx.storage.sql
      .exec<{ expires_at: number }>("SELECT expires_at FROM nonces WHERE nonce = ?", nonce)
      .toArray()[0];
    if (seen && seen.expires_at > now) return false;
    this.ctx.storage.sql.exec(
      "INSERT INTO nonces (nonce, expires_at) VALUES (?, ?) ON CONFLICT (nonce) DO UPDATE SET expires_at = excluded.expires_at",
      nonce,
      expiresAt,
    );
    if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(expiresAt);
    return true;
  }

  /** Sweeps expired nonces and re-arms for the next expiry. */
  override async alarm(): Promise<void> {
    const now = Date.now();
    this.ctx.storage.sql.exec("DELETE FROM nonces WHERE expires_at <= ?", now);
    const next = this.ctx.storage.sql
      .exec<{ t: number | null }>("SELECT min(expires_at) AS t FROM nonces")
      .toArray()[0]?.t;
    if (next !== null && next !== undefined) await this.ctx.storage.setAlarm(next);
  }
}
