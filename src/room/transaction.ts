/**
 * @module room/transaction
 * One state change of a room: the rows it writes, the directory changes it records (written to the
 * outbox in the same SQLite transaction, SPEC §1), and the cached values it moves. The caches adopt
 * the new values only after the transaction commits, so a failed write leaves memory and storage
 * agreeing.
 */
import type { WebhookEventType } from "../webhooks/events";
import type { IndexChange } from "./outbox";
import type { Restriction } from "./restrictions";
import type { MessageRow, RoomMeta, RoomStore } from "./store";

/** The handle a write receives: the only way to change cached room state. */
export class Transaction {
  /** Directory changes recorded by this write, enqueued in the same transaction. */
  readonly changes: IndexChange[] = [];
  /** True when a restriction was set or lifted (the next expiry must be re-read). */
  restrictionsChanged = false;
  /** Webhook events this write recorded (sent to the queue after the commit). */
  events = 0;
  /** Attachments this write doomed (their objects are deleted from R2 after the commit). */
  doomed = 0;
  private workingMeta: RoomMeta | null;
  private workingSeq: number;

  constructor(
    private readonly store: RoomStore,
    meta: RoomMeta | null,
    lastSeq: number,
    readonly now: number,
    /** Whether webhooks are on (WEBHOOK_URL set): otherwise events are not even recorded. */
    private readonly webhooks: boolean,
  ) {
    this.workingMeta = meta;
    this.workingSeq = lastSeq;
  }

  /** The room's record as this write has left it so far. */
  get meta(): Readonly<RoomMeta> | null {
    return this.workingMeta;
  }

  /** The last seq as this write has left it so far. */
  get lastSeq(): number {
    return this.workingSeq;
  }

  /** Records directory changes to apply after commit. */
  index(...changes: IndexChange[]): void {
    this.changes.push(...changes);
  }

  /** Writes the record of a new room. */
  createMeta(meta: RoomMeta): void {
    this.workingMeta = meta;
    this.store.meta.save(meta);
  }

  /** Changes fields of the room's record; bookkeeping (`touch: false`) leaves updatedAt alone. */
  saveMeta(patch: Partial<RoomMeta>, options: { touch: boolean } = { touch: true }): void {
    if (!this.workingMeta) return;
    this.workingMeta = { ...this.workingMeta, ...patch, ...(options.touch ? { updatedAt: this.now } : {}) };
    this.store.meta.save(this.workingMeta);
  }

  /** Takes the room's next update seq (a recall, edit or reaction change, SPEC §8.3 "Missed updates"). */
  nextUpdateSeq(): number {
    const meta = this.workingMeta;
    if (!meta) return 0;
    this.workingMeta = { ...meta, updateSeq: meta.updateSeq + 1 };
    this.store.meta.saveCounters(this.workingMeta);
    return this.workingMeta.updateSeq;
  }

  /**
   * Records a webhook event in the same transaction as the change it describes (SPEC §8.4), with the
   * room's next event seq: it is sent after the commit, and never for a change that did not commit.
   */
  event(type: WebhookEventType, data: Record<string, unknown>): void {
    const meta = this.workingMeta;
    if (!this.webhooks || !meta) return;
    this.workingMeta = { ...meta, eventSeq: meta.eventSeq + 1 };
    this.store.meta.saveCounters(this.workingMeta);
    const eventSeq = this.workingMeta.eventSeq;
    // The shape of `data` per type is the WebhookEvent schema's; the delivery tests check every event against it.
    const event = {
      eventId: `${meta.chatroomId}:${eventSeq}`,
      chatroomId: meta.chatroomId,
      eventSeq,
      type,
      at: this.now,
      data,
    };
    this.store.webhooks.add(eventSeq, JSON.stringify(event));
    this.events++;
  }

  /**
   * Notes that message `seq` changed after it was sent: when it is the newest one, the room list's
   * preview must be pushed again (the directory holds the preview of the last seq it was given).
   */
  previewChanged(seq: number): void {
    const meta = this.workingMeta;
    if (meta && seq === this.workingSeq && meta.indexedSeq >= seq) {
      this.saveMeta({ indexedSeq: seq - 1 }, { touch: false });
    }
  }

  /** Appends the next message; its seq must be lastSeq + 1 (the gapless sequence, SPEC §4). */
  appendMessage(row: MessageRow): void {
    if (row.seq !== this.workingSeq + 1) throw new Error(`seq ${row.seq} does not follow ${this.workingSeq}`);
    this.store.messages.insert(row);
    this.workingSeq = row.seq;
  }

  /** Dooms attachments (their R2 objects are deleted after the commit): of one message, up to a seq, or all. */
  doomAttachments(scope: { seq: number } | { throughSeq: number } | { all: true } | { unsentBefore: number }): void {
    const chatroomId = this.workingMeta?.chatroomId;
    if (chatroomId) this.doomed += this.store.attachments.doom(scope, chatroomId);
  }

  /** Sets or replaces a user's restriction. */
  restrict(restriction: Restriction): void {
    this.store.restrictions.set(restriction, this.now);
    this.restrictionsChanged = true;
  }

  /** Lifts a user's restriction. */
  lift(userId: string): void {
    this.store.restrictions.clear(userId);
    this.restrictionsChanged = true;
  }
}
