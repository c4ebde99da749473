/**
 * @module room/store/message-store
 * The message log: one row per seq, deduplicated per (sender, clientMsgId), pruned to the retention.
 */
import type { Row, Sql } from "./sql";

/** A stored chat message. */
export interface MessageRow {
  seq: number;
  senderId: string;
  clientMsgId: string;
  content: string;
  contentType: string;
  ts: number;
}

function toMessage(row: Row): MessageRow {
  return {
    seq: Number(row.seq),
    senderId: String(row.sender_id),
    clientMsgId: String(row.client_msg_id),
    content: String(row.content),
    contentType: String(row.content_type),
    ts: Number(row.ts),
  };
}

/** The messages table. */
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
      "INSERT INTO messages (seq, sender_id, client_msg_id, content, content_type, ts) VALUES (?, ?, ?, ?, ?, ?)",
      message.seq,
      message.senderId,
      message.clientMsgId,
      message.content,
      message.contentType,
      message.ts,
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

  /** Deletes all but the newest `keep` messages; returns how many went. */
  prune(keep: number): number {
    return this.sql.run("DELETE FROM messages WHERE seq <= (SELECT max(seq) FROM messages) - ?", keep);
  }
}
