/**
 * @module core
 * The state of one room object: caches over its store, the time rules (catch-up and the one alarm),
 * index bookkeeping (outbox and coalesced activity), who is asking, and the shared writes (end, removal).
 */
import { type Failure, fail, ok, type Result } from "../errors";
import { type Limits, PREVIEW_MAX, THUMBNAILS_MAX } from "../limits";
import type { RoomIndexer } from "./indexer";
import { dueTransition, earliest, endAt, nextHost, nextScheduleDeadline, thumbnailsFor } from "./lifecycle";
import { ACTIVITY_FLUSH_MS, type IndexChange, type RoomIndexRow, retryDelayMs } from "./outbox";
import type { ActorRole } from "./permissions";
import { encode, wireRestriction } from "./protocol";
import { activeOrNull, type Restriction } from "./restrictions";
import { CLOSE_ROOM_ENDED, type SocketHub } from "./sockets";
import type { MemberRow, RoomMeta, RoomStore } from "./store";

import type { Actor, RoomInfo } from "./types";

/** The message of every not_found failure for a room that does not exist. */
export const NOT_FOUND = "chatroom does not exist";

/** The state, caches and shared rules of one room object; commands live in membership, moderation and messaging. */
export class RoomCore {
  meta: RoomMeta | null = null;
  lastSeq = 0;
  restrictionExpiry: number | null = null;
  alarmAt: number | null = null;
  activityDueAt: number | null = null;
  outboxDirty = false;
  deadline: number | null = null;

  constructor(
    readonly store: RoomStore,
    readonly hub: SocketHub,
    readonly indexer: RoomIndexer,
    readonly limits: Limits,
    readonly storage: DurableObjectStorage,
  ) {
    indexer.bind({
      chatroomId: () => this.meta?.chatroomId ?? null,
      activity: () => this.pendingActivity(),
      onFlushed: (seq) => this.onFlushed(seq),
      onFlushFailed: () => this.onFlushFailed(Date.now()),
    });
  }

  /** Fills the caches from storage (object start). */
  async load(now: number): Promise<void> {
    this.meta = this.store.meta();
    this.lastSeq = this.store.lastSeq();
    this.restrictionExpiry = this.store.nextRestrictionExpiry();
    this.outboxDirty = this.store.hasPendingChanges();
    this.alarmAt = await this.storage.getAlarm();
    const unindexed =
      this.meta !== null && (this.lastSeq > this.meta.indexedSeq || this.store.unindexedReads().length > 0);
    this.activityDueAt = unindexed ? now : null;
    this.deadline = this.computeDeadline();
  }

  id(): string | null {
    return this.meta?.chatroomId ?? null;
  }

  /** Applies every time-based rule due at `now` (schedule and expiries) before anything else runs. */
  catchUp(now: number): void {
    if (this.deadline === null || now < this.deadline) return;
    for (let step = 0; step < 3 && this.meta; step++) {
      const transition = dueTransition(this.meta, now);
      if (transition === null) break;
      if (transition === "end") this.end("timeUp", now);
      else if (transition === "ending") {
        this.saveMeta({ endingNotified: true }, now);
        this.hub.broadcast(encode({ type: "room", event: "ending", reason: "timeUp", endsAt: endAt(this.meta) }));
      } else {
        const startedAt = this.meta.startAt ?? now;
        this.commit(() => {
          this.saveMeta({ state: 0, startedAt }, now);
          return [this.roomChange()];
        });
        this.hub.broadcast(encode({ type: "room", event: "started", startedAt }));
      }
    }
    const expired = this.store.expiredRestrictions(now);
    if (expired.length > 0) {
      this.store.transaction(() => {
        for (const restriction of expired) this.store.clearRestriction(restriction.userId);
      });
      for (const restriction of expired) this.announceLift(restriction);
      this.restrictionExpiry = this.store.nextRestrictionExpiry();
    }
    this.deadline = this.computeDeadline();
  }

  /** After each command: set the one alarm to the earliest deadline (only when it changes). */
  afterCommand(now: number): void {
    this.deadline = this.computeDeadline();
    const retry = this.outboxDirty ? (this.meta?.outboxRetryAt ?? now + 1) : null;
    const next = earliest(this.deadline, retry, this.activityDueAt);
    if (next === this.alarmAt) return;
    if (next === null) {
      if (this.alarmAt !== null) void this.storage.deleteAlarm();
    } else if (this.alarmAt === null || next < this.alarmAt || this.alarmAt <= now) {
      void this.storage.setAlarm(next);
    } else return;
    this.alarmAt = next;
  }

  /** The alarm: catch up, push the index, prune old messages, re-arm. */
  async onAlarm(now: number): Promise<void> {
    this.alarmAt = null;
    this.catchUp(now);
    this.activityDueAt = null;
    await this.indexer.flushSoon();
    if (this.lastSeq > this.limits.messageRetention) this.store.pruneMessages(this.limits.messageRetention);
    this.afterCommand(Date.now());
  }

  private computeDeadline(): number | null {
    return earliest(this.restrictionExpiry, this.meta ? nextScheduleDeadline(this.meta) : null);
  }

  /** Writes a state change and its index changes in one transaction. */
  commit(write: () => IndexChange[]): void {
    this.store.transaction(() => this.store.enqueue(write()));
    this.outboxDirty = true;
  }

  private pendingActivity(): (IndexChange & { op: "activity" }) | null {
    if (!this.meta || this.lastSeq <= this.meta.indexedSeq) return null;
    const last = this.store.message(this.lastSeq);
    if (!last) return null;
    return {
      op: "activity",
      chatroomId: this.meta.chatroomId,
      lastSeq: last.seq,
      preview: last.content.slice(0, PREVIEW_MAX),
      senderId: last.senderId,
      at: last.ts,
    };
  }

  private onFlushed(activitySeq: number | null): void {
    if (!this.meta) return;
    this.outboxDirty = this.store.hasPendingChanges();
    const indexedSeq = Math.max(this.meta.indexedSeq, activitySeq ?? 0);
    if (this.meta.outboxFailures === 0 && indexedSeq === this.meta.indexedSeq) return;
    this.meta = { ...this.meta, indexedSeq, outboxFailures: 0, outboxRetryAt: null };
    this.store.saveMeta(this.meta);
  }

  private onFlushFailed(now: number): void {
    if (!this.meta) return;
    const failures = this.meta.outboxFailures + 1;
    this.meta = { ...this.meta, outboxFailures: failures, outboxRetryAt: now + retryDelayMs(failures) };
    this.store.saveMeta(this.meta);
    this.outboxDirty = true;
    this.afterCommand(now);
  }

  markActivity(now: number): void {
    this.activityDueAt ??= now + ACTIVITY_FLUSH_MS;
  }

  saveMeta(patch: Partial<RoomMeta>, now: number): void {
    if (!this.meta) return;
    this.meta = { ...this.meta, ...patch, updatedAt: now };
    this.store.saveMeta(this.meta);
  }

  roomChange(): IndexChange {
    return { op: "room", room: this.indexRow() };
  }

  private indexRow(): RoomIndexRow {
    const meta = this.meta as RoomMeta;
    return {
      chatroomId: meta.chatroomId,
      title: meta.title,
      isOpen: meta.isOpen,
      state: meta.state,
      hostId: meta.hostId,
      memberCount: this.store.memberCount(),
      thumbnails: this.thumbnails(),
      startAt: meta.startAt,
      durationMinutes: meta.durationMinutes,
      startedAt: meta.startedAt,
      createdAt: meta.createdAt,
      updatedAt: meta.updatedAt,
    };
  }

  private thumbnails(): string[] {
    const meta = this.meta as RoomMeta;
    if (meta.thumbnail) return [meta.thumbnail];
    const candidates = this.store.membersWithImages(THUMBNAILS_MAX + 1).map((member) => ({
      userId: member.userId,
      order: member.order,
      isManager: false,
      imageUrl: member.imageUrl,
    }));
    return thumbnailsFor(null, meta.hostId, candidates, THUMBNAILS_MAX);
  }

  memberChange(userId: string, joinedAt: number): IndexChange {
    return {
      op: "member",
      chatroomId: (this.meta as RoomMeta).chatroomId,
      userId,
      role: this.roleOf(userId),
      joinedAt,
    };
  }

  /** A user's role in the room (`none` when not a member). */
  roleOf(userId: string): ActorRole {
    if (!this.meta || !this.store.member(userId)) return "none";
    if (this.meta.hostId === userId) return "host";
    return this.store.isManager(userId) ? "manager" : "member";
  }

  activeRestriction(userId: string, now: number): Restriction | null {
    return activeOrNull(this.store.restriction(userId), now);
  }

  /**
   * Checks that a user may use the room at all: it exists, they are not banned, and they are a member
   * (or, with `openToAll`, the room is open). Returns their role or the failure.
   */
  gate(actor: Actor, now: number, openToAll = false): Failure | { role: ActorRole; meta: RoomMeta } {
    const meta = this.meta;
    if (!meta) return fail("not_found", NOT_FOUND);
    if (actor.kind === "admin") return { role: "host", meta };
    if (this.activeRestriction(actor.userId, now)?.status === 2) return fail("banned", "you are banned from this room");
    const role = this.roleOf(actor.userId);
    if (role === "none" && !(openToAll && meta.isOpen)) return fail("not_in_room", "you are not a member of this room");
    return { role, meta };
  }

  /** Why a user may not open a socket now, or null when they may (SPEC §4). */
  connectRefusal(userId: string, now: number): Failure | null {
    if (this.meta?.state === 2) return fail("conflict", "the room has ended");
    const gate = this.gate({ kind: "user", userId }, now);
    return "ok" in gate ? gate : null;
  }

  describe(userId: string | null, now: number): RoomInfo {
    const meta = this.meta as RoomMeta;
    const role = userId ? this.roleOf(userId) : "none";
    return {
      chatroomId: meta.chatroomId,
      title: meta.title,
      desc: meta.desc,
      portrait: meta.portrait,
      extra: meta.extra,
      thumbnail: meta.thumbnail,
      thumbnails: this.thumbnails(),
      isOpen: meta.isOpen,
      state: meta.state,
      hostId: meta.hostId,
      count: this.store.memberCount(),
      muteAll: meta.muteAll,
      slowModeSeconds: meta.slowModeSeconds,
      startAt: meta.startAt,
      durationMinutes: meta.durationMinutes,
      startedAt: meta.startedAt,
      endAt: endAt(meta),
      lastSeq: this.lastSeq,
      createdAt: meta.createdAt,
      updatedAt: meta.updatedAt,
      role: role === "none" ? null : role,
      restriction: wireRestriction(userId ? this.activeRestriction(userId, now) : null),
    };
  }

  /** Ends the room: state 2, members out of the index, every socket closed with 4004. */
  end(reason: "deleted" | "timeUp" | "empty", now: number): Result<void> {
    if (!this.meta || this.meta.state === 2) return ok(undefined);
    this.commit(() => {
      this.saveMeta({ state: 2, endingNotified: true }, now);
      this.store.removeAllMembers();
      return [{ op: "clearMembers", chatroomId: (this.meta as RoomMeta).chatroomId }, this.roomChange()];
    });
    this.hub.broadcast(encode({ type: "room", event: "ending", reason }));
    this.hub.broadcast(encode({ type: "room", event: "ended", reason }));
    this.hub.closeAll(CLOSE_ROOM_ENDED, "room ended");
    return ok(undefined);
  }

  announceLift(restriction: Restriction): void {
    const event = restriction.status === 1 ? "unmuted" : "unbanned";
    this.hub.broadcast(encode({ type: "moderation", event, userId: restriction.userId }));
  }

  /** Removes a member inside a transaction; hands the host role on; returns the index changes. */
  removeMember(userId: string, why: "left" | "kicked" | "banned", now: number): IndexChange[] {
    const meta = this.meta as RoomMeta;
    this.store.removeMember(userId);
    if (why !== "left") this.store.setManager(userId, false, now);
    const changes: IndexChange[] = [{ op: "unmember", chatroomId: meta.chatroomId, userId }];
    if (meta.hostId === userId) {
      const managers = new Set(this.store.managers());
      const remaining = this.store.members().map((member: MemberRow) => ({
        userId: member.userId,
        order: member.order,
        isManager: managers.has(member.userId),
        imageUrl: member.imageUrl,
      }));
      const heir = nextHost(remaining);
      this.saveMeta({ hostId: heir }, now);
      const heirRow = heir ? this.store.member(heir) : null;
      if (heir && heirRow) {
        changes.push(this.memberChange(heir, heirRow.joinedAt));
        this.hub.broadcast(encode({ type: "member", event: "role", userId: heir, role: "host" }));
      }
    }
    changes.push(this.roomChange());
    return changes;
  }
}
