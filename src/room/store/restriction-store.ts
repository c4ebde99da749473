/**
 * @module room/store/restriction-store
 * Mutes and no-entry bans with their absolute expiry (0 = forever) and the rank of whoever set them.
 */
import type { Restriction, RestrictionStatus, SetterRank } from "../restrictions";
import { type Row, type Sql, textOrNull } from "./sql";

function toRestriction(row: Row): Restriction {
  return {
    userId: String(row.user_id),
    status: Number(row.status) as RestrictionStatus,
    expiresAt: Number(row.expires_at),
    reason: textOrNull(row.reason),
    setBy: Number(row.set_by_rank) as SetterRank,
  };
}

/** The restrictions table. */
export class RestrictionStore {
  constructor(private readonly sql: Sql) {}

  get(userId: string): Restriction | null {
    const row = this.sql.first("SELECT * FROM restrictions WHERE user_id = ?", userId);
    return row ? toRestriction(row) : null;
  }

  list(): Restriction[] {
    return this.sql.rows("SELECT * FROM restrictions ORDER BY set_at, user_id").map(toRestriction);
  }

  set(restriction: Restriction, now: number): void {
    this.sql.run(
      `INSERT INTO restrictions (user_id, status, expires_at, reason, set_at, set_by_rank) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (user_id) DO UPDATE SET status = excluded.status, expires_at = excluded.expires_at,
         reason = excluded.reason, set_at = excluded.set_at, set_by_rank = excluded.set_by_rank`,
      restriction.userId,
      restriction.status,
      restriction.expiresAt,
      restriction.reason,
      now,
      restriction.setBy,
    );
  }

  clear(userId: string): void {
    this.sql.run("DELETE FROM restrictions WHERE user_id = ?", userId);
  }

  /** Restrictions whose expiry has passed at `now` (forever ones never do). */
  expired(now: number): Restriction[] {
    return this.sql
      .rows("SELECT * FROM restrictions WHERE expires_at <> 0 AND expires_at <= ?", now)
      .map(toRestriction);
  }

  /** The earliest expiry of a timed restriction, or null. */
  nextExpiry(): number | null {
    const value = this.sql.first("SELECT min(expires_at) AS t FROM restrictions WHERE expires_at <> 0")?.t;
    return value === null || value === undefined ? null : Number(value);
  }
}
