/**
 * @module webhooks/dead-letters
 * The D1 record of dead letters (SPEC §8.4): events the integrator's endpoint never acknowledged within
 * the consumer's retries. The dead-letter queue's consumer writes them here (idempotently: that queue
 * delivers at least once too); operators list them and send them again through the admin API.
 */
import { WebhookEvent } from "./events";

/** One dead letter as the admin API shows it. */
export interface DeadLetter {
  eventId: string;
  chatroomId: string;
  eventSeq: number;
  type: string;
  deadAt: number;
  /** The event as it was queued; null for a body that is not an event (never produced by edgeroom). */
  event: WebhookEvent | null;
}

function toDeadLetter(row: Record<string, unknown>): DeadLetter {
  return {
    eventId: String(row.event_id),
    chatroomId: String(row.chatroom_id),
    eventSeq: Number(row.event_seq),
    type: String(row.type),
    deadAt: Number(row.dead_at),
    event: WebhookEvent.safeParse(JSON.parse(String(row.body))).data ?? null,
  };
}

/** Records dead events; a body that is not an event (never produced by edgeroom) is kept under the message id. */
export async function recordDeadLetters(
  db: D1Database,
  messages: readonly { id: string; body: unknown }[],
  now: number,
): Promise<void> {
  const statements = messages.map(({ id, body }) => {
    const parsed = WebhookEvent.safeParse(body);
    const event = parsed.success ? parsed.data : null;
    return db
      .prepare(
        `INSERT INTO webhook_dead_letters (event_id, chatroom_id, event_seq, type, body, dead_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (event_id) DO UPDATE SET body = ?5, dead_at = ?6`,
      )
      .bind(
        event?.eventId ?? id,
        event?.chatroomId ?? "",
        event?.eventSeq ?? 0,
        event?.type ?? "unknown",
        JSON.stringify(body),
        now,
      );
  });
  if (statements.length > 0) await db.batch(statements);
}

/** A page of dead letters, oldest first, and how many there are. */
export async function listDeadLetters(
  db: D1Database,
  offset: number,
  limit: number,
): Promise<{ total: number; list: DeadLetter[] }> {
  const [count, page] = await db.batch([
    db.prepare("SELECT count(*) AS n FROM webhook_dead_letters"),
    db.prepare("SELECT * FROM webhook_dead_letters ORDER BY dead_at, event_id LIMIT ?1 OFFSET ?2").bind(limit, offset),
  ]);
  const total = Number((count?.results[0] as { n?: number } | undefined)?.n ?? 0);
  return { total, list: (page?.results ?? []).map((row) => toDeadLetter(row as Record<string, unknown>)) };
}

/** The dead letters with these event ids (those still recorded). */
export async function findDeadLetters(db: D1Database, eventIds: readonly string[]): Promise<DeadLetter[]> {
  const { results } = await db
    .prepare("SELECT * FROM webhook_dead_letters WHERE event_id IN (SELECT value FROM json_each(?1)) ORDER BY dead_at")
    .bind(JSON.stringify(eventIds))
    .all();
  return results.map((row) => toDeadLetter(row));
}

/** Forgets dead letters (after they were queued again). */
export async function dropDeadLetters(db: D1Database, eventIds: readonly string[]): Promise<void> {
  await db
    .prepare("DELETE FROM webhook_dead_letters WHERE event_id IN (SELECT value FROM json_each(?1))")
    .bind(JSON.stringify(eventIds))
    .run();
}
