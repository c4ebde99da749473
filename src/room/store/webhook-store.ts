/**
 * @module room/store/webhook-store
 * Webhook events waiting for the queue (SPEC §8.4), in event order.
 */
import type { Sql } from "./sql";

/** The webhook_outbox table. */
export class WebhookStore {
  constructor(private readonly sql: Sql) {}

  add(eventSeq: number, body: string): void {
    this.sql.run("INSERT INTO webhook_outbox (event_seq, body) VALUES (?, ?)", eventSeq, body);
  }

  /** The oldest pending events. */
  pending(limit: number): { eventSeq: number; body: string }[] {
    return this.sql
      .rows("SELECT event_seq, body FROM webhook_outbox ORDER BY event_seq LIMIT ?", limit)
      .map((row) => ({ eventSeq: Number(row.event_seq), body: String(row.body) }));
  }

  /** Drops events the queue accepted, up to and including `eventSeq`. */
  drop(eventSeq: number): void {
    this.sql.run("DELETE FROM webhook_outbox WHERE event_seq <= ?", eventSeq);
  }

  hasPending(): boolean {
    return this.sql.first("SELECT 1 AS yes FROM webhook_outbox LIMIT 1") !== null;
  }
}
