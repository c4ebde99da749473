/**
 * @module core
 * The state of one room object and the rules every command shares. RoomCore is the only owner of the
 * cached state (the room's record, the last seq, the next restriction expiry, the armed alarm); a
 * command changes it only through {@link RoomCore.write}, whose {@link Transaction} is committed in one
 * SQLite transaction together with the directory changes it records. Time rules run in
 * {@link RoomCore.catchUp} before every entry point and the alarm is re-planned in
 * {@link RoomCore.settle} after it, so commands never have to remember either.
 */
import { type Failure, fail, ok, type Result } from "../errors";
import { type Limits, PREVIEW_MAX } from "../limits";
import { alarmAction, nextAlarm } from "./alarm";
import { type AttachmentSweeper, UNSENT_TTL_MS } from "./attachment-sweeper";
import { describeRoom, indexRow } from "./describe";
import type { Fanout } from "./fanout";
import type { RoomIndexer } from "./indexer";
import { dueTransition, endAt, nextHost, nextScheduleDeadline } from "./lifecycle";
import { type IndexChange, retryDelayMs } from "./outbox";
import type { ActorRole } from "./permissions";
import { encode } from "./protocol";
import { type Bucket, takeToken } from "./rate-limit";
import { ReactionFeed } from "./reaction-feed";
import { activeOrNull, isBanned, type Restriction } from "./restrictions";
import type { ShardFanout } from "./shard-fanout";
import { CLOSE_ROOM_ENDED, type SocketHub } from "./sockets";
import type { MemberRow, RoomMeta, RoomStore } from "./store";
import { Transaction } from "./transaction";
import type { Actor, RoomInfo } from "./types";
import type { WebhookOutbox } from "./webhook-outbox";

/**
 * Live viewers whose send state is remembered; beyond it the least recent one is forgotten (a fresh
 * bucket for a viewer idle that long gives away at most one burst).
 */
const VIEWER_SENDERS_MAX = 50_000;

/** The message of every not_found failure for a room that does not exist. */
export const NOT_FOUND = "chatroom does not exist";

/** Who did something, for webhook events: the admin API, or the acting user's id. */
export function byOf(actor: Actor): string {
  return actor.kind === "admin" ? "admin" : actor.userId;
}

/** The room's optional collaborators. */
export interface RoomOptions {
  /** Sends recorded webhook events to the queue; absent when webhooks are off (WEBHOOK_URL unset). */
  webhooks?: WebhookOutbox;
  /** Deletes doomed attachment objects from R2. */
  sweeper?: AttachmentSweeper;
  /** Builds a live room's shard fan-out (given the shards that were active when the object started). */
  liveFanout?: (meta: Readonly<RoomMeta>, active: number[]) => ShardFanout;
  /** Mints the signed URL of an attachment. */
  signAttachment?: (chatroomId: string, id: string, now: number) => string;
}

/** A sender as one send sees them (see `RoomCore.sender`). */
export interface Sender {
  userId: string;
  role: ActorRole;
  /** Has a member row (a live room's viewers have none). */
  isMember: boolean;
  lastSentAt: number | null;
  bucket: Bucket | null;
}

/** Why a room ended. */
export type EndReason = "deleted" | "timeUp" | "empty";

/** The state, caches and shared rules of one room object; commands live in membership, moderation and messaging. */
export class RoomCore {
  #meta: RoomMeta | null = null;
  #lastSeq = 0;
  #restrictionExpiry: number | null = null;
  #alarmAt: number | null = null;
  #live: ShardFanout | null = null;
  /** Send state (slow-mode clock, bucket) of a live room's viewers, who have no member row: bounded, in memory. */
  #viewers = new Map<string, { lastSentAt: number | null; bucket: Bucket | null }>();
  /** The room's send budget (ROOM_SENDS_PER_SEC), in memory: an eviction only ever refills it. */
  #sendBudget: Bucket | null = null;
  /** Reaction frames, coalesced per message. */
  readonly reactions: ReactionFeed;

  constructor(
    /** The room's rows. Cached state (record, messages, restrictions, outbox) changes only through write(). */
    readonly rows: RoomStore,
    /** The sockets this object holds (a normal room's; a live room holds none, its shards do). */
    readonly sockets: SocketHub,
    readonly indexer: RoomIndexer,
    readonly limits: Limits,
    private readonly storage: DurableObjectStorage,
    private readonly options: RoomOptions = {},
  ) {
    this.reactions = new ReactionFeed({ broadcast: (frame, tag) => this.hub.broadcast(frame, tag) }, (seqs) =>
      rows.messages.reactionCounts(seqs),
    );
  }

  /** The room's connections as commands see them: its own sockets, or its shards in a live room. */
  get hub(): Fanout {
    return this.live ?? this.sockets;
  }

  /** The shard fan-out of a live room, or null. */
  get live(): ShardFanout | null {
    const meta = this.#meta;
    if (meta?.mode !== "live" || !this.options.liveFanout) return null;
    this.#live ??= this.options.liveFanout(meta, this.rows.liveShards.active());
    return this.#live;
  }

  /** Fills the caches from storage (object start). A room that was never created has no tables to read. */
  async load(now: number): Promise<void> {
    this.#alarmAt = await this.storage.getAlarm();
    if (!this.rows.exists()) return;
    this.rows.upgrade();
    this.#meta = this.rows.meta.get();
    this.#lastSeq = this.rows.messages.lastSeq();
    this.#restrictionExpiry = this.rows.restrictions.nextExpiry();
    const unindexed =
      this.#meta !== null && (this.#lastSeq > this.#meta.indexedSeq || this.rows.members.unindexedReads().length > 0);
    this.indexer.bind(this.indexSource(), { dirty: this.rows.outbox.hasPending(), unindexed }, now);
    if (this.rows.webhooks.hasPending()) this.options.webhooks?.markDirty();
    if (this.rows.attachments.pendingDeletions(1).length > 0) this.options.sweeper?.markDirty();
  }

  /** The room's record, or null when this object holds no room. */
  get meta(): Readonly<RoomMeta> | null {
    return this.#meta;
  }

  /** The seq of the newest message (0 in a new room). */
  get lastSeq(): number {
    return this.#lastSeq;
  }

  /** The room's update counter (recalls, edits, reactions). */
  get lastUpdateSeq(): number {
    return this.#meta?.updateSeq ?? 0;
  }

  id(): string | null {
    return this.#meta?.chatroomId ?? null;
  }

  /** A signed, expiring download URL of one of this room's attachments (SPEC §8.4). */
  attachmentUrl(id: string, now: number): string {
    const sign = this.options.signAttachment;
    return sign ? sign(this.id() ?? "", id, now) : "";
  }

  // ── writing ──────────────────────────────────────────────────────────

  /**
   * Runs one state change: `change` writes through the transaction handle; its rows and recorded
   * directory changes commit together or not at all, and the caches move only after the commit.
   */
  write<T>(now: number, change: (tx: Transaction) => T): T {
    if (!this.#meta) this.rows.create();
    const tx = new Transaction(this.rows, this.#meta, this.#lastSeq, now, this.options.webhooks !== undefined);
    const result = this.rows.transaction(() => {
      const value = change(tx);
      this.rows.outbox.enqueue(tx.changes);
      return value;
    });
    const created = this.#meta === null && tx.meta !== null;
    this.#meta = tx.meta;
    this.#lastSeq = tx.lastSeq;
    if (tx.restrictionsChanged) this.#restrictionExpiry = this.rows.restrictions.nextExpiry();
    if (created) this.indexer.bind(this.indexSource(), { dirty: true, unindexed: false }, now);
    if (tx.changes.length > 0) this.indexer.markDirty();
    if (tx.events > 0) this.options.webhooks?.markDirty();
    if (tx.doomed > 0) this.options.sweeper?.markDirty();
    return result;
  }

  /** The room's row in the directory, as a change to record. */
  roomChange(tx: Transaction): IndexChange {
    return { op: "room", room: indexRow(this.rows, tx.meta as RoomMeta) };
  }

  /** A member's directory row (with their current role), as a change to record. */
  memberChange(tx: Transaction, userId: string, joinedAt: number): IndexChange {
    const meta = tx.meta as RoomMeta;
    const openProfileId = this.rows.members.get(userId)?.openProfileId ?? null;
    return {
      op: "member",
      chatroomId: meta.chatroomId,
      userId,
      role: this.roleIn(meta, userId),
      joinedAt,
      openProfileId,
    };
  }

  // ── time ─────────────────────────────────────────────────────────────

  /** Applies every time-based rule due at `now` (schedule and expiries) before anything else runs. */
  catchUp(now: number): void {
    for (let step = 0; step < 3 && this.#meta; step++) {
      const transition = dueTransition(this.#meta, now);
      if (transition === null) break;
      if (transition === "end") this.end("timeUp", now);
      else if (transition === "ending") {
        this.write(now, (tx) => tx.saveMeta({ endingNotified: true }));
        this.hub.broadcast(encode({ type: "room", event: "ending", reason: "timeUp", endsAt: endAt(this.#meta) }));
      } else {
        const startedAt = this.#meta.startAt ?? now;
        this.write(now, (tx) => {
          tx.saveMeta({ state: 0, startedAt });
          tx.index(this.roomChange(tx));
          tx.event("room.started", { startedAt, scheduled: true });
        });
        this.hub.broadcast(encode({ type: "room", event: "started", startedAt }));
      }
    }
    if (this.#restrictionExpiry !== null && this.#restrictionExpiry <= now) {
      const expired = this.rows.restrictions.expired(now);
      this.write(now, (tx) => {
        for (const restriction of expired) {
          tx.lift(restriction.userId);
          tx.event(restriction.status === 1 ? "unmute" : "unban", { userId: restriction.userId, by: "expiry" });
        }
      });
      for (const restriction of expired) this.announceLift(restriction);
    }
  }

  /** After every entry point: apply what became due, then arm the one alarm for the earliest deadline. */
  settle(now: number): void {
    this.catchUp(now);
    const next = nextAlarm({
      schedule: this.#meta ? nextScheduleDeadline(this.#meta) : null,
      restrictions: this.#restrictionExpiry,
      index: this.indexer.nextDeadline(now),
      sockets: this.hub.nextTokenExpiry(),
      webhooks: this.options.webhooks?.nextDeadline(now) ?? null,
      attachments: this.#meta
        ? (this.options.sweeper?.nextDeadline(now, this.rows.attachments.oldestUnsent()) ?? null)
        : null,
    });
    const action = alarmAction(this.#alarmAt, next, now);
    if (action.op === "set") void this.storage.setAlarm(action.at);
    if (action.op === "delete") void this.storage.deleteAlarm();
    if (action.op !== "keep") this.#alarmAt = action.op === "set" ? action.at : null;
  }

  /** The alarm: catch up, close sockets whose token expired, push the index, prune old messages, re-arm. */
  async onAlarm(now: number): Promise<void> {
    this.#alarmAt = null;
    this.catchUp(now);
    this.hub.closeExpired(now);
    this.sweepAttachments(now);
    await Promise.all([this.indexer.flushDue(), this.options.webhooks?.flush(), this.options.sweeper?.flush()]);
    this.settle(Date.now());
  }

  /** Retention (SPEC §6 MESSAGE_RETENTION) and uploads never sent: their attachments go, then the rows. */
  private sweepAttachments(now: number): void {
    if (!this.#meta) return;
    const cutoff = this.#lastSeq - this.limits.messageRetention;
    const oldestUpload = this.rows.attachments.oldestUnsent();
    if (cutoff <= 0 && (oldestUpload === null || oldestUpload >= now - UNSENT_TTL_MS)) return;
    this.write(now, (tx) => {
      tx.doomAttachments({ unsentBefore: now - UNSENT_TTL_MS });
      if (cutoff > 0) {
        tx.doomAttachments({ throughSeq: cutoff });
        this.rows.messages.prune(this.limits.messageRetention);
      }
    });
  }

  private indexSource() {
    return {
      chatroomId: () => this.#meta?.chatroomId ?? null,
      activity: () => this.pendingActivity(),
      retryAt: () => this.#meta?.outboxRetryAt ?? null,
      onFlushed: (seq: number | null) => this.onFlushed(seq),
      onFlushFailed: () => this.onFlushFailed(Date.now()),
    };
  }

  private pendingActivity(): (IndexChange & { op: "activity" }) | null {
    const meta = this.#meta;
    if (!meta || this.#lastSeq <= meta.indexedSeq) return null;
    const last = this.rows.messages.get(this.#lastSeq);
    if (!last) return null;
    return {
      op: "activity",
      chatroomId: meta.chatroomId,
      lastSeq: last.seq,
      preview: last.content.slice(0, PREVIEW_MAX),
      senderId: last.senderId,
      at: last.ts,
      deleted: last.deleted,
    };
  }

  private onFlushed(activitySeq: number | null): void {
    const meta = this.#meta;
    if (!meta) return;
    const indexedSeq = Math.max(meta.indexedSeq, activitySeq ?? 0);
    if (meta.outboxFailures === 0 && indexedSeq === meta.indexedSeq) return;
    this.write(Date.now(), (tx) =>
      tx.saveMeta({ indexedSeq, outboxFailures: 0, outboxRetryAt: null }, { touch: false }),
    );
  }

  private onFlushFailed(now: number): void {
    const meta = this.#meta;
    if (!meta) return;
    const failures = meta.outboxFailures + 1;
    this.write(now, (tx) =>
      tx.saveMeta(
        { outboxFailures: failures, outboxRetryAt: now + retryDelayMs(failures, Math.random()) },
        { touch: false },
      ),
    );
    this.settle(now);
  }

  /**
   * Who is sending, read once per send: their role, and their slow-mode clock and send bucket (their
   * member row, or a live viewer's entry in memory). Pass it on to `recordSend`/`recordBucket`.
   */
  sender(userId: string): Sender {
    const member = this.rows.members.get(userId);
    const role = this.#meta ? this.roleIn(this.#meta, userId, member) : "none";
    if (member) return { userId, role, isMember: true, lastSentAt: member.lastSentAt, bucket: member.bucket };
    const viewer = this.#viewers.get(userId);
    return { userId, role, isMember: false, lastSentAt: viewer?.lastSentAt ?? null, bucket: viewer?.bucket ?? null };
  }

  /** Records a send (inside its write): on the member row, or for a live viewer in memory (LRU-bounded). */
  recordSend(sender: Sender, now: number, bucket: Bucket, seq: number): void {
    if (sender.isMember) {
      this.rows.members.recordSend(sender.userId, now, bucket, seq);
      return;
    }
    this.#viewers.delete(sender.userId);
    this.#viewers.set(sender.userId, { lastSentAt: now, bucket });
    if (this.#viewers.size > VIEWER_SENDERS_MAX) {
      const oldest = this.#viewers.keys().next().value;
      if (oldest !== undefined) this.#viewers.delete(oldest);
    }
  }

  /** Records a spent send token alone (an edit): on the member row, or a live viewer's entry. */
  recordBucket(sender: Sender, bucket: Bucket): void {
    if (sender.isMember) this.rows.members.saveBucket(sender.userId, bucket);
    else this.#viewers.set(sender.userId, { lastSentAt: sender.lastSentAt, bucket });
  }

  /**
   * Takes one send from the room's budget (SPEC §8.1, §8.6): beyond ROOM_SENDS_PER_SEC the room
   * sheds sends with ROOM_BUSY, so what it accepts it can store and fan out with bounded latency.
   */
  takeRoomSend(now: number): Result<null> {
    const rate = this.limits.roomSendsPerSec;
    const take = takeToken(this.#sendBudget, now, rate, Math.max(1, rate));
    if (!take.allowed) {
      return fail("room_busy", "the room is busy: too many messages right now, retry shortly", {
        retryAfterSec: Math.max(1, Math.ceil(take.retryAfterMs / 1000)),
      });
    }
    this.#sendBudget = take.bucket;
    return ok(null);
  }

  // ── who is asking ────────────────────────────────────────────────────

  /** Whether the user is in the room (a member; in a live room, anyone): `roleOf` without the manager lookup. */
  inRoom(userId: string): boolean {
    const meta = this.#meta;
    return meta !== null && (meta.mode === "live" || this.rows.members.get(userId) !== null);
  }

  /** A user's role in the room (`none` when not a member). */
  roleOf(userId: string): ActorRole {
    return this.#meta ? this.roleIn(this.#meta, userId) : "none";
  }

  /** `member` is the user's row when the caller has read it already (null: not a member). */
  private roleIn(meta: Readonly<RoomMeta>, userId: string, member?: MemberRow | null): ActorRole {
    if (meta.mode === "live") {
      // A live room's audience needs no membership (SPEC §8.5): every signed-in user is a member there
      // (a ban is checked on its own); host and managers are designations.
      if (meta.hostId === userId) return "host";
      return this.rows.members.isManager(userId) ? "manager" : "member";
    }
    if (!(member === undefined ? this.rows.members.get(userId) : member)) return "none";
    if (meta.hostId === userId) return "host";
    return this.rows.members.isManager(userId) ? "manager" : "member";
  }

  /** The user's restriction while it is active at `now`, else null. */
  restrictionOf(userId: string, now: number): Restriction | null {
    return activeOrNull(this.rows.restrictions.get(userId), now);
  }

  /**
   * Checks that a user may use the room at all: it exists, they are not banned, and they are a member
   * (or, with `openToAll`, the room is open). Returns their role or the failure.
   */
  gate(actor: Actor, now: number, openToAll = false): Failure | { role: ActorRole; meta: Readonly<RoomMeta> } {
    const meta = this.#meta;
    if (!meta) return fail("not_found", NOT_FOUND);
    if (actor.kind === "admin") return { role: "host", meta };
    if (isBanned(this.rows.restrictions.get(actor.userId), now)) return fail("banned", "you are banned from this room");
    const role = this.roleIn(meta, actor.userId);
    if (role === "none" && !(openToAll && meta.isOpen)) return fail("not_in_room", "you are not a member of this room");
    return { role, meta };
  }

  /** Why a user may not open a socket now, or null when they may (SPEC §4). */
  connectRefusal(userId: string, now: number): Failure | null {
    if (this.#meta?.state === 2) return fail("conflict", "the room has ended");
    const gate = this.gate({ kind: "user", userId }, now);
    return "ok" in gate ? gate : null;
  }

  /** Room info as `userId` sees it (null for the admin). */
  describe(userId: string | null, now: number): RoomInfo {
    const meta = this.#meta as RoomMeta;
    const role = userId ? this.roleIn(meta, userId) : "none";
    return describeRoom(this.rows, meta, {
      lastSeq: this.#lastSeq,
      role,
      restriction: userId ? this.restrictionOf(userId, now) : null,
      // A live room's audience is presence: its count is the number online (SPEC §8.5).
      count: this.live ? this.live.onlineCount() : this.rows.members.count(),
    });
  }

  // ── shared writes ────────────────────────────────────────────────────

  /** Ends the room: state 2, members out of the index, every socket closed with 4004. */
  end(reason: EndReason, now: number): Result<void> {
    if (!this.#meta || this.#meta.state === 2) return ok(undefined);
    this.write(now, (tx) => {
      tx.saveMeta({ state: 2, endingNotified: true });
      this.rows.members.removeAll();
      tx.doomAttachments({ all: true });
      tx.event("room.ended", { reason });
      tx.index({ op: "clearMembers", chatroomId: (tx.meta as RoomMeta).chatroomId }, this.roomChange(tx));
    });
    this.hub.broadcast(encode({ type: "room", event: "ending", reason }));
    this.hub.broadcast(encode({ type: "room", event: "ended", reason }));
    this.hub.closeAll(CLOSE_ROOM_ENDED, "room ended");
    return ok(undefined);
  }

  /** Tells everyone a restriction no longer applies. */
  announceLift(restriction: Restriction): void {
    const event = restriction.status === 1 ? "unmuted" : "unbanned";
    this.hub.broadcast(encode({ type: "moderation", event, userId: restriction.userId }));
  }

  /**
   * Removes a member inside a write; leaving, a kick or a ban also clears a manager designation, so a
   * later re-invite never restores a manager the host wanted gone (SPEC §8.1 "Roles"). Hands the host
   * role on when the host goes. Returns the new host, to announce after the commit.
   */
  removeMember(tx: Transaction, userId: string): string | null {
    const meta = tx.meta as RoomMeta;
    this.rows.members.remove(userId);
    this.rows.members.setManager(userId, false, tx.now);
    tx.index({ op: "unmember", chatroomId: meta.chatroomId, userId });
    if (meta.hostId === userId) {
      const managers = new Set(this.rows.members.managers());
      const heir = nextHost(
        this.rows.members.list().map((member) => ({
          userId: member.userId,
          order: member.order,
          isManager: managers.has(member.userId),
          imageUrl: member.imageUrl,
        })),
      );
      tx.saveMeta({ hostId: heir });
      const heirRow = heir ? this.rows.members.get(heir) : null;
      if (heir && heirRow) {
        tx.index(this.memberChange(tx, heir, heirRow.joinedAt));
        tx.event("role", { userId: heir, role: "host", by: "handover" });
      }
      tx.index(this.roomChange(tx));
      return heir;
    }
    tx.index(this.roomChange(tx));
    return null;
  }

  /** Tells everyone who the new host is (after a removal handed the role on). */
  announceHost(heir: string | null): void {
    if (heir) this.hub.broadcast(encode({ type: "member", event: "role", userId: heir, role: "host" }));
  }
}
