/**
 * @module room/store/live-store
 * The shards of a live room that hold sockets (SPEC §8.5), so a restarted room knows whom to push to.
 */
import type { Sql } from "./sql";

/** The live_shards table. */
export class LiveStore {
  constructor(private readonly sql: Sql) {}

  /** Shards that said hello and have not gone idle since. */
  active(): number[] {
    return this.sql.rows("SELECT idx FROM live_shards ORDER BY idx").map((row) => Number(row.idx));
  }

  activate(index: number, now: number): void {
    this.sql.run("INSERT INTO live_shards (idx, since) VALUES (?, ?) ON CONFLICT DO NOTHING", index, now);
  }

  deactivate(index: number): void {
    this.sql.run("DELETE FROM live_shards WHERE idx = ?", index);
  }
}
