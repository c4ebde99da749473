/**
 * @module room/store/attachment-store
 * Attachments of a room (SPEC §8.4): registered when uploaded, bound to the message that carries them,
 * and R2 objects waiting to be deleted (a recall, retention, the room's end, an upload never sent).
 */
import { numberOrNull, type Row, type Sql, textOrNull } from "./sql";

/** One uploaded attachment. */
export interface AttachmentRow {
  id: string;
  uploaderId: string;
  contentType: string;
  size: number;
  width: number | null;
  height: number | null;
  name: string | null;
  createdAt: number;
  /** The message carrying it, or null while unsent. */
  seq: number | null;
}

function toAttachment(row: Row): AttachmentRow {
  return {
    id: String(row.id),
    uploaderId: String(row.uploader_id),
    contentType: String(row.content_type),
    size: Number(row.size),
    width: numberOrNull(row.width),
    height: numberOrNull(row.height),
    name: textOrNull(row.name),
    createdAt: Number(row.created_at),
    seq: numberOrNull(row.seq),
  };
}

/** The R2 key of an attachment: one prefix per room. */
export function attachmentKey(chatroomId: string, id: string): string {
  return `rooms/${chatroomId}/${id}`;
}

/** The attachments and attachment_deletions tables. */
export class AttachmentStore {
  constructor(private readonly sql: Sql) {}

  register(row: AttachmentRow): void {
    this.sql.run(
      `INSERT INTO attachments (id, uploader_id, content_type, size, width, height, name, created_at, seq)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL)`,
      row.id,
      row.uploaderId,
      row.contentType,
      row.size,
      row.width,
      row.height,
      row.name,
      row.createdAt,
    );
  }

  get(id: string): AttachmentRow | null {
    const row = this.sql.first("SELECT * FROM attachments WHERE id = ?", id);
    return row ? toAttachment(row) : null;
  }

  /** Binds unsent attachments to the message `seq` that carries them. */
  bind(ids: readonly string[], seq: number): void {
    this.sql.run(
      "UPDATE attachments SET seq = ? WHERE id IN (SELECT value FROM json_each(?))",
      seq,
      JSON.stringify(ids),
    );
  }

  /** The attachments carried by the given messages, by attachment id. */
  ofMessages(seqs: readonly number[]): Map<string, AttachmentRow> {
    const found = new Map<string, AttachmentRow>();
    if (seqs.length === 0) return found;
    const rows = this.sql.rows(
      "SELECT * FROM attachments WHERE seq IN (SELECT value FROM json_each(?))",
      JSON.stringify(seqs),
    );
    for (const row of rows) found.set(String(row.id), toAttachment(row));
    return found;
  }

  /** Moves attachments to the deletion queue: those of messages up to `throughSeq`, of one message, or all. */
  doom(
    scope: { seq: number } | { throughSeq: number } | { all: true } | { unsentBefore: number },
    chatroomId: string,
  ): number {
    const where =
      "seq" in scope
        ? ["seq = ?", scope.seq]
        : "throughSeq" in scope
          ? ["seq <= ?", scope.throughSeq]
          : "unsentBefore" in scope
            ? ["seq IS NULL AND created_at < ?", scope.unsentBefore]
            : ["1 = ?", 1];
    const [condition, value] = where as [string, number];
    this.sql.run(
      `INSERT INTO attachment_deletions (key) SELECT 'rooms/' || ? || '/' || id FROM attachments WHERE ${condition}
       ON CONFLICT DO NOTHING`,
      chatroomId,
      value,
    );
    return this.sql.run(`DELETE FROM attachments WHERE ${condition}`, value);
  }

  /** R2 keys waiting to be deleted. */
  pendingDeletions(limit: number): string[] {
    return this.sql.rows("SELECT key FROM attachment_deletions LIMIT ?", limit).map((row) => String(row.key));
  }

  deleted(keys: readonly string[]): void {
    this.sql.run(
      "DELETE FROM attachment_deletions WHERE key IN (SELECT value FROM json_each(?))",
      JSON.stringify(keys),
    );
  }

  /** When the oldest unsent upload was made, or null. */
  oldestUnsent(): number | null {
    return numberOrNull(this.sql.first("SELECT min(created_at) AS t FROM attachments WHERE seq IS NULL")?.t);
  }
}
