/**
 * @module room/store/message-store
 * The message log: one row per seq, deduplicated per (sender, clientMsgId), pruned to the retention;
 * recalls and edits change a row in place and stamp it with the room's update seq (`version`), so a
 * resume can replay them. The full-text index follows this table through triggers (schema.ts).
 */
import { numberOrNull, type Row, type Sql, textOrNull } from "./sql";

/** What a reply shows of the message it quotes. */
export interface ReplyPreview {
  seq: number;
  senderId: string;
  preview: string;
}

/** A stored chat message. */
export interface MessageRow {
  seq: number;
  senderId: string;
  clientMsgId: string;
  content: string;
  contentType: string;
  ts: number;
  /** The quoted message's seq, and its preview while that message is not recalled. */
  replyTo: number | null;
  replyPreview: ReplyPreview | null;
  mentions: string[];
  editedAt: number | null;
  deleted: boolean;
  /** Update seq of the last recall, edit or reaction change (0: never changed). */
  version: number;
  /** Ids of the attachments it carries (SPEC §8.4), in order. */
  attachments: string[];
}

/** Reaction counts of one message, in the order each emoji was first used. */
export type ReactionCount = { emoji: string; count: number };

function toMessage(row: Row): MessageRow {
  const preview = textOrNull(row.reply_preview);
  const mentions = textOrNull(row.mentions);
  return {
    seq: Number(row.seq),
    senderId: String(row.sender_id),
    clientMsgId: String(row.client_msg_id),
    content: String(row.content),
    contentType: String(row.content_type),
    ts: Number(row.ts),
    replyTo: numberOrNull(row.reply_to),
    replyPreview: preview === null ? null : (JSON.parse(preview) as ReplyPreview),
    mentions: mentions === null ? [] : (JSON.parse(mentions) as string[]),
    editedAt: numberOrNull(row.edited_at),
    deleted: row.deleted === 1,
    version: Number(row.version ?? 0),
    attachments: textOrNull(row.attachments) === null ? [] : (JSON.parse(String(row.attachments)) as string[]),
  };
}

/** Binds a list of seqs as one JSON parameter (`IN (SELECT value FROM json_each(?))`). */
const seqList = (seqs: readonly number[]) => JSON.stringify(seqs);

/** The messages and reactions tables. */
export class MessageStore {
  constructor(private readonly sql: Sql) {}

  lastSeq(): number {
    return Number(this.sql.first("SELECT max(seq) AS s FROM messages")?.s ?? 0);
  }

  byClientId(senderId: string, clientMsgId: string): MessageRow | null {
    const row = this.sql.first(
      "SELECT * FROM messages WHERE sender_id = ? AND client_msg_id = ?",
      senderId,
      clientMsgId,
    );
    return row ? toMessage(row) : null;
  }

  insert(message: MessageRow): void {
    this.sql.run(
      `INSERT INTO messages (seq, sender_id, client_msg_id, content, content_type, ts, reply_to, reply_preview,
         mentions, edited_at, deleted, version, attachments) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      message.seq,
      message.senderId,
      message.clientMsgId,
      message.content,
      message.contentType,
      message.ts,
      message.replyTo,
      message.replyPreview === null ? null : JSON.stringify(message.replyPreview),
      message.mentions.length === 0 ? null : JSON.stringify(message.mentions),
      message.editedAt,
      message.deleted ? 1 : 0,
      message.version,
      message.attachments.length === 0 ? null : JSON.stringify(message.attachments),
    );
  }

  get(seq: number): MessageRow | null {
    const row = this.sql.first("SELECT * FROM messages WHERE seq = ?", seq);
    return row ? toMessage(row) : null;
  }

  /** Up to `limit` messages with seq > `after`, oldest first. */
  after(after: number, limit: number): MessageRow[] {
    return this.sql.rows("SELECT * FROM messages WHERE seq > ? ORDER BY seq LIMIT ?", after, limit).map(toMessage);
  }

  /** Up to `limit` messages with seq < `before`, newest first. */
  before(before: number, limit: number): MessageRow[] {
    return this.sql
      .rows("SELECT * FROM messages WHERE seq < ? ORDER BY seq DESC LIMIT ?", before, limit)
      .map(toMessage);
  }

  /** Messages up to seq `through` changed after update seq `since`, in the order they changed. */
  changedSince(through: number, since: number, limit: number): MessageRow[] {
    return this.sql
      .rows("SELECT * FROM messages WHERE version > ? AND seq <= ? ORDER BY version LIMIT ?", since, through, limit)
      .map(toMessage);
  }

  /**
   * Recalls a message: content, mentions and reactions go, the row keeps its seq; replies quoting it
   * lose their preview (SPEC §8.3). The FTS trigger drops it from the index.
   */
  recall(seq: number, version: number): void {
    this.sql.run(
      `UPDATE messages SET content = '', deleted = 1, mentions = NULL, reply_preview = NULL, attachments = NULL,
         version = ? WHERE seq = ?`,
      version,
      seq,
    );
    this.sql.run("DELETE FROM reactions WHERE seq = ?", seq);
    this.sql.run("UPDATE messages SET reply_preview = NULL WHERE reply_to = ?", seq);
  }

  /** Replaces a message's content (the FTS trigger re-indexes it). */
  edit(seq: number, content: string, editedAt: number, version: number): void {
    this.sql.run(
      "UPDATE messages SET content = ?, edited_at = ?, version = ? WHERE seq = ?",
      content,
      editedAt,
      version,
      seq,
    );
  }

  /** Stamps a message with the update seq of a change to its reactions. */
  touch(seq: number, version: number): void {
    this.sql.run("UPDATE messages SET version = ? WHERE seq = ?", version, seq);
  }

  /** Adds a user's reaction; false when it was already there. */
  addReaction(seq: number, emoji: string, userId: string, at: number): boolean {
    return (
      this.sql.run(
        "INSERT INTO reactions (seq, emoji, user_id, at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
        seq,
        emoji,
        userId,
        at,
      ) > 0
    );
  }

  /** Removes a user's reaction; false when it was not there. */
  removeReaction(seq: number, emoji: string, userId: string): boolean {
    return this.sql.run("DELETE FROM reactions WHERE seq = ? AND emoji = ? AND user_id = ?", seq, emoji, userId) > 0;
  }

  /** The distinct emoji on a message. */
  emojiOn(seq: number): string[] {
    return this.sql.rows("SELECT DISTINCT emoji FROM reactions WHERE seq = ?", seq).map((row) => String(row.emoji));
  }

  /** Reaction counts of the given messages (messages without reactions are absent). */
  reactionCounts(seqs: readonly number[]): Map<number, ReactionCount[]> {
    const counts = new Map<number, ReactionCount[]>();
    if (seqs.length === 0) return counts;
    const rows = this.sql.rows(
      `SELECT seq, emoji, count(*) AS n, min(at) AS first FROM reactions
       WHERE seq IN (SELECT value FROM json_each(?)) GROUP BY seq, emoji ORDER BY seq, first, emoji`,
      seqList(seqs),
    );
    for (const row of rows) {
      const seq = Number(row.seq);
      const list = counts.get(seq) ?? [];
      list.push({ emoji: String(row.emoji), count: Number(row.n) });
      counts.set(seq, list);
    }
    return counts;
  }

  /** The emoji `userId` put on each of the given messages. */
  reactionsBy(userId: string, seqs: readonly number[]): Map<number, Set<string>> {
    const mine = new Map<number, Set<string>>();
    if (seqs.length === 0) return mine;
    const rows = this.sql.rows(
      "SELECT seq, emoji FROM reactions WHERE user_id = ? AND seq IN (SELECT value FROM json_each(?))",
      userId,
      seqList(seqs),
    );
    for (const row of rows) {
      const seq = Number(row.seq);
      const set = mine.get(seq) ?? new Set<string>();
      set.add(String(row.emoji));
      mine.set(seq, set);
    }
    return mine;
  }

  /**
   * Full-text search over retained, not recalled messages, newest first, below seq `before`. Queries of
   * three characters or more use the trigram index; shorter ones (common in Korean and Chinese) a LIKE
   * over the same index, which the trigram tokenizer answers by scanning the (retention-bounded) rows.
   */
  search(query: string, before: number, limit: number): MessageRow[] {
    const match = [...query].length >= 3;
    const condition = match ? "messages_fts MATCH ?" : "messages_fts.content LIKE ? ESCAPE '\\'";
    const pattern = match ? `"${query.replaceAll('"', '""')}"` : `%${query.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    return this.sql
      .rows(
        `SELECT m.* FROM messages_fts JOIN messages m ON m.seq = messages_fts.rowid
         WHERE ${condition} AND m.seq < ? AND m.deleted = 0 ORDER BY m.seq DESC LIMIT ?`,
        pattern,
        before,
        limit,
      )
      .map(toMessage);
  }

  /** Deletes all but the newest `keep` messages (and their reactions); returns how many went. */
  prune(keep: number): number {
    const cutoff = this.lastSeq() - keep;
    if (cutoff <= 0) return 0;
    this.sql.run("DELETE FROM reactions WHERE seq <= ?", cutoff);
    return this.sql.run("DELETE FROM messages WHERE seq <= ?", cutoff);
  }
}
