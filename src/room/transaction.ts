/**
 * @module room/transaction
 * One state change of a room: the rows it writes, the directory changes it records (written to the
 * outbox in the same SQLite transaction, SPEC §1), and the cached values it moves. The caches adopt
 * the new values only after the transaction commits, so a failed write leaves memory and storage
 * agreeing.
 */
import type { IndexChange } from "./outbox";
import type { Restriction } from "./restrictions";
import type { MessageRow, RoomMeta, RoomStore } from "./store";

/** The handle a write receives: the only way to change cached room state. */
export class Transaction {
  /** Directory changes recorded by this write, enqueued in the same transaction. */
  readonly changes: IndexChange[] = [];
  /** True when a restriction was set or lifted (the next expiry must be re-read). */
  restrictionsChanged = false;
  private workingMeta: RoomMeta | null;
  private workingSeq: number;

  constructor(
    private readonly store: RoomStore,
    meta: RoomMeta | null,
    lastSeq: number,
    readonly now: number,
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
    const next = (this.workingMeta?.updateSeq ?? 0) + 1;
    this.saveMeta({ updateSeq: next }, { touch: false });
    return next;
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
