/**
 * @module room/store/member-store
 * Members (join order, face, read marker, send state) and the manager designations.
 */
import type { Bucket } from "../rate-limit";
import { numberOrNull, type Row, type Sql, textOrNull } from "./sql";

/** A member row. `order` is the join order (rowid) used for handover and thumbnails. */
export interface MemberRow {
  userId: string;
  order: number;
  joinedAt: number;
  imageUrl: string | null;
  openProfileId: number | null;
  lastReadSeq: number;
  lastSentAt: number | null;
  bucket: Bucket | null;
}

/** What a new member brings. */
export interface NewMember {
  userId: string;
  joinedAt: number;
  imageUrl: string | null;
  openProfileId: number | null;
}

function toMember(row: Row): MemberRow {
  return {
    userId: String(row.user_id),
    order: Number(row.ord),
    joinedAt: Number(row.joined_at),
    imageUrl: textOrNull(row.image_url),
    openProfileId: numberOrNull(row.open_profile_id),
    lastReadSeq: Number(row.last_read_seq),
    lastSentAt: numberOrNull(row.last_sent_at),
    bucket: row.bucket_tokens === null ? null : { tokens: Number(row.bucket_tokens), at: Number(row.bucket_at) },
  };
}

const COLUMNS = "rowid AS ord, *";

/** Members and managers. */
export class MemberStore {
  constructor(private readonly sql: Sql) {}

  get(userId: string): MemberRow | null {
    const row = this.sql.first(`SELECT ${COLUMNS} FROM members WHERE user_id = ?`, userId);
    return row ? toMember(row) : null;
  }

  /** Members in join order; `limit` < 0 means all. */
  list(offset = 0, limit = -1): MemberRow[] {
    return this.sql.rows(`SELECT ${COLUMNS} FROM members ORDER BY rowid LIMIT ? OFFSET ?`, limit, offset).map(toMember);
  }

  count(): number {
    return Number(this.sql.first("SELECT count(*) AS n FROM members")?.n ?? 0);
  }

  /** The first `limit` members in join order that have an image (thumbnail candidates). */
  withImages(limit: number): MemberRow[] {
    return this.sql
      .rows(`SELECT ${COLUMNS} FROM members WHERE image_url IS NOT NULL ORDER BY rowid LIMIT ?`, limit)
      .map(toMember);
  }

  add(member: NewMember): void {
    this.sql.run(
      `INSERT INTO members (user_id, joined_at, image_url, open_profile_id) VALUES (?, ?, ?, ?)
       ON CONFLICT (user_id) DO NOTHING`,
      member.userId,
      member.joinedAt,
      member.imageUrl,
      member.openProfileId,
    );
  }

  remove(userId: string): void {
    this.sql.run("DELETE FROM members WHERE user_id = ?", userId);
  }

  removeAll(): void {
    this.sql.run("DELETE FROM members");
  }

  managers(): string[] {
    return this.sql.rows("SELECT user_id FROM managers ORDER BY since, user_id").map((row) => String(row.user_id));
  }

  isManager(userId: string): boolean {
    return this.sql.first("SELECT 1 AS yes FROM managers WHERE user_id = ?", userId) !== null;
  }

  setManager(userId: string, on: boolean, now: number): void {
    if (on) this.sql.run("INSERT INTO managers (user_id, since) VALUES (?, ?) ON CONFLICT DO NOTHING", userId, now);
    else this.sql.run("DELETE FROM managers WHERE user_id = ?", userId);
  }

  /** Persists what a send changes for its sender: slow-mode clock, bucket, own read marker. */
  recordSend(userId: string, now: number, bucket: Bucket, seq: number): void {
    this.sql.run(
      `UPDATE members SET last_sent_at = ?, bucket_tokens = ?, bucket_at = ?,
         last_read_seq = max(last_read_seq, ?) WHERE user_id = ?`,
      now,
      bucket.tokens,
      bucket.at,
      seq,
      userId,
    );
  }

  /** Persists a member's send bucket alone (an edit spends a token but is not a new message). */
  saveBucket(userId: string, bucket: Bucket): void {
    this.sql.run(
      "UPDATE members SET bucket_tokens = ?, bucket_at = ? WHERE user_id = ?",
      bucket.tokens,
      bucket.at,
      userId,
    );
  }

  /** Moves a member's read marker forward (never back). */
  setRead(userId: string, seq: number): void {
    this.sql.run("UPDATE members SET last_read_seq = max(last_read_seq, ?) WHERE user_id = ?", seq, userId);
  }

  /** Read markers not yet in the directory. */
  unindexedReads(): { userId: string; seq: number }[] {
    return this.sql
      .rows("SELECT user_id, last_read_seq FROM members WHERE last_read_seq > indexed_read_seq")
      .map((row) => ({ userId: String(row.user_id), seq: Number(row.last_read_seq) }));
  }

  /** Records that `seq` mentions these members (their room-list item shows `mentioned` until read). */
  recordMentions(userIds: readonly string[], seq: number): void {
    this.sql.run(
      "UPDATE members SET mention_seq = max(mention_seq, ?) WHERE user_id IN (SELECT value FROM json_each(?))",
      seq,
      JSON.stringify(userIds),
    );
  }

  /** Mentions not yet in the directory. */
  unindexedMentions(): { userId: string; seq: number }[] {
    return this.sql
      .rows("SELECT user_id, mention_seq FROM members WHERE mention_seq > indexed_mention_seq")
      .map((row) => ({ userId: String(row.user_id), seq: Number(row.mention_seq) }));
  }

  markMentionsIndexed(mentions: readonly { userId: string; seq: number }[]): void {
    for (const mention of mentions) {
      this.sql.run(
        "UPDATE members SET indexed_mention_seq = max(indexed_mention_seq, ?) WHERE user_id = ?",
        mention.seq,
        mention.userId,
      );
    }
  }

  /** Members after join-order position `after`, with their role inputs, for the member list. */
  page(after: number, limit: number): MemberRow[] {
    return this.sql
      .rows(`SELECT ${COLUMNS} FROM members WHERE rowid > ? ORDER BY rowid LIMIT ?`, after, limit)
      .map(toMember);
  }

  markReadsIndexed(reads: readonly { userId: string; seq: number }[]): void {
    for (const read of reads) {
      this.sql.run(
        "UPDATE members SET indexed_read_seq = max(indexed_read_seq, ?) WHERE user_id = ?",
        read.seq,
        read.userId,
      );
    }
  }
}
