/**
 * @module room/store/outbox-store
 * Directory changes waiting to be applied to D1 (SPEC §1), in the order they were made.
 */
import type { IndexChange } from "../outbox";
import type { Sql } from "./sql";

/** The outbox table. */
export class OutboxStore {
  constructor(private readonly sql: Sql) {}

  enqueue(changes: readonly IndexChange[]): void {
    for (const change of changes) this.sql.run("INSERT INTO outbox (change) VALUES (?)", JSON.stringify(change));
  }

  /** Pending index changes in the order they were made. */
  pending(limit: number): { id: number; change: IndexChange }[] {
    return this.sql.rows("SELECT id, change FROM outbox ORDER BY id LIMIT ?", limit).map((row) => ({
      id: Number(row.id),
      change: JSON.parse(String(row.change)) as IndexChange,
    }));
  }

  /** Drops applied changes, up to and including `lastId`. */
  drop(lastId: number): void {
    this.sql.run("DELETE FROM outbox WHERE id <= ?", lastId);
  }

  hasPending(): boolean {
    return this.sql.first("SELECT 1 AS yes FROM outbox LIMIT 1") !== null;
  }
}
