/**
 * @module commands
 * What a room does for each request: load from the caches and store, decide with the pure rules,
 * write state and outbox in one transaction, then tell the sockets. Used only by ChatRoom.
 */
import { CLIENT_ERRORS } from "../api/codes";
import { type Failure, fail, ok, type Result } from "../errors";
import { type Limits, ONLINE_LIST_MAX, PREVIEW_MAX, THUMBNAILS_MAX } from "../limits";
import type { RoomIndexer } from "./indexer";
import {
  dueTransition,
  earliest,
  endAt,
  initialState,
  nextHost,
  nextScheduleDeadline,
  thumbnailsFor,
} from "./lifecycle";
import { ACTIVITY_FLUSH_MS, type IndexChange, type RoomIndexRow, retryDelayMs } from "./outbox";
import { type ActorRole, may, type Role } from "./permissions";
import { type ClientFrame, encode, type SendMessage, wireMessage, wireRestriction } from "./protocol";
import { activeOrNull, type Restriction } from "./restrictions";
import { checkSend, type RoomState } from "./send-rules";
import { CLOSE_REMOVED, CLOSE_ROOM_ENDED, type SocketHub } from "./sockets";
import type { MemberRow, RoomMeta, RoomStore } from "./store";

/** Who is asking: the signed admin API (the server's authority) or an authenticated user. */
export type Actor = { kind: "admin" } | { kind: "user"; userId: string };

/** A FlameTalk create, after the Worker resolved profiles. Members include the host, first. */
export interface CreateRoomInput {
  chatroomId: string;
  hostId: string;
  isOpen: boolean;
  title: string;
  thumbnail: string | null;
  startAt: number | null;
  durationMinutes: number | null;
  members: { userId: string; imageUrl: string | null; openProfileId: number | null }[];
}

/** Settings a host or manager may change (SPEC §3 PUT settings). */
export interface SettingsPatch {
  title?: string;
  thumbnail?: string | null;
  muteAll?: boolean;
  slowModeSeconds?: number;
  startAt?: number;
  durationMinutes?: number | null;
}

/** Admin create/update fields (Wildfire chatroom/create); empty strings mean "keep". */
export interface AdminRoomInput {
  title: string;
  desc?: string;
  portrait?: string;
  extra?: string;
  state?: RoomState;
}

/** Room info as the APIs return it. */
export interface RoomInfo {
  chatroomId: string;
  title: string;
  desc: string;
  portrait: string;
  extra: string;
  thumbnail: string | null;
  thumbnails: string[];
  isOpen: boolean;
  state: RoomState;
  hostId: string | null;
  count: number;
  muteAll: boolean;
  slowModeSeconds: number;
  startAt: number | null;
  durationMinutes: number | null;
  startedAt: number | null;
  endAt: number | null;
  lastSeq: number;
  createdAt: number;
  updatedAt: number;
  role: Role | null;
  restriction: ReturnType<typeof wireRestriction>;
}

/** A send's outcome (the ack). */
export interface Ack {
  seq: number;
  ts: number;
  duplicate: boolean;
}

const NOT_FOUND = "chatroom does not exist";
/** Messages per batch frame when replaying after `since`. */
const REPLAY_BATCH = 100;

/** The command layer of one room object. */
export class RoomCommands {
  private meta: RoomMeta | null = null;
  private lastSeq = 0;
  private restrictionExpiry: number | null = null;
  private alarmAt: number | null = null;
  private activityDueAt: number | null = null;
  private outboxDirty = false;
  private deadline: number | null = null;

  constructor(
    private readonly store: RoomStore,
    private readonly hub: SocketHub,
    private readonly indexer: RoomIndexer,
    private readonly limits: Limits,
    private readonly storage: DurableObjectStorage,
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

  // ── time ─────────────────────────────────────────────────────────────

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

  // ── index bookkeeping ───────────────────────────────────────────────

  /** Writes a state change and its index changes in one transaction. */
  private commit(write: () => IndexChange[]): void {
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

  private markActivity(now: number): void {
    this.activityDueAt ??= now + ACTIVITY_FLUSH_MS;
  }

  private saveMeta(patch: Partial<RoomMeta>, now: number): void {
    if (!this.meta) return;
    this.meta = { ...this.meta, ...patch, updatedAt: now };
    this.store.saveMeta(this.meta);
  }

  private roomChange(): IndexChange {
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

  private memberChange(userId: string, joinedAt: number): IndexChange {
    return {
      op: "member",
      chatroomId: (this.meta as RoomMeta).chatroomId,
      userId,
      role: this.roleOf(userId),
      joinedAt,
    };
  }

  // ── who is asking ───────────────────────────────────────────────────

  /** A user's role in the room (`none` when not a member). */
  roleOf(userId: string): ActorRole {
    if (!this.meta || !this.store.member(userId)) return "none";
    if (this.meta.hostId === userId) return "host";
    return this.store.isManager(userId) ? "manager" : "member";
  }

  private activeRestriction(userId: string, now: number): Restriction | null {
    return activeOrNull(this.store.restriction(userId), now);
  }

  /**
   * Checks that a user may use the room at all: it exists, they are not banned, and they are a member
   * (or, with `openToAll`, the room is open). Returns their role or the failure.
   */
  private gate(actor: Actor, now: number, openToAll = false): Failure | { role: ActorRole; meta: RoomMeta } {
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

  // ── admin room management ───────────────────────────────────────────

  adminUpsert(chatroomId: string, input: AdminRoomInput, now: number): Result<{ chatroomId: string }> {
    if (!this.meta) {
      this.commit(() => {
        this.meta = {
          chatroomId,
          title: input.title,
          desc: input.desc ?? "",
          portrait: input.portrait ?? "",
          extra: input.extra ?? "",
          thumbnail: null,
          isOpen: true,
          state: input.state ?? 0,
          hostId: null,
          muteAll: false,
          slowModeSeconds: 0,
          startAt: null,
          durationMinutes: null,
          startedAt: (input.state ?? 0) === 0 ? now : null,
          endingNotified: false,
          createdAt: now,
          updatedAt: now,
          indexedSeq: 0,
          outboxFailures: 0,
          outboxRetryAt: null,
        };
        this.store.saveMeta(this.meta);
        return [this.roomChange()];
      });
      return ok({ chatroomId });
    }
    const patch: Partial<RoomMeta> = { title: input.title };
    if (input.desc) patch.desc = input.desc;
    if (input.portrait) patch.portrait = input.portrait;
    if (input.extra) patch.extra = input.extra;
    if (input.state === 2 && this.meta.state !== 2) {
      this.saveMeta(patch, now);
      this.end("deleted", now);
      return ok({ chatroomId });
    }
    if (input.state !== undefined && input.state !== this.meta.state) {
      patch.state = input.state;
      if (input.state === 0) patch.startedAt = now;
    }
    this.commit(() => {
      this.saveMeta(patch, now);
      return [this.roomChange()];
    });
    this.hub.broadcast(encode({ type: "room", event: "updated", title: this.meta.title, state: this.meta.state }));
    return ok({ chatroomId });
  }

  create(input: CreateRoomInput, now: number): Result<{ info: RoomInfo }> {
    if (this.meta) return fail("conflict", "chatroom already exists");
    const state = initialState(input.startAt, now);
    this.commit(() => {
      this.meta = {
        chatroomId: input.chatroomId,
        title: input.title,
        desc: "",
        portrait: "",
        extra: "",
        thumbnail: input.thumbnail,
        isOpen: input.isOpen,
        state,
        hostId: input.hostId,
        muteAll: false,
        slowModeSeconds: 0,
        startAt: input.startAt,
        durationMinutes: input.durationMinutes,
        startedAt: state === 0 ? now : null,
        endingNotified: false,
        createdAt: now,
        updatedAt: now,
        indexedSeq: 0,
        outboxFailures: 0,
        outboxRetryAt: null,
      };
      this.store.saveMeta(this.meta);
      for (const member of input.members) this.store.addMember({ ...member, joinedAt: now });
      return [this.roomChange(), ...input.members.map((member) => this.memberChange(member.userId, now))];
    });
    return ok({ info: this.describe(input.hostId, now) });
  }

  info(actor: Actor, now: number): Result<RoomInfo> {
    const gate = this.gate(actor, now, true);
    if ("ok" in gate) return gate;
    return ok(this.describe(actor.kind === "user" ? actor.userId : null, now));
  }

  private describe(userId: string | null, now: number): RoomInfo {
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

  // ── moderation ──────────────────────────────────────────────────────

  setRestriction(
    actor: Actor,
    userId: string,
    status: 0 | 1 | 2,
    expiresAt: number,
    reason: string | null,
    now: number,
  ): Result<void> {
    const gate = this.gate(actor, now);
    if ("ok" in gate) return gate;
    if (actor.kind === "user") {
      const target = this.roleOf(userId);
      if (!may("restrict", gate.role, { target, targetIsSelf: userId === actor.userId })) {
        return fail("forbidden", "only the host, or a manager for a plain member, may restrict this user");
      }
    }
    if (status === 0) {
      const previous = this.store.restriction(userId);
      if (!previous) return ok(undefined);
      this.store.clearRestriction(userId);
      this.restrictionExpiry = this.store.nextRestrictionExpiry();
      if (activeOrNull(previous, now)) this.announceLift(previous);
      return ok(undefined);
    }
    const restriction: Restriction = { userId, status, expiresAt, reason };
    const removing = status === 2 && this.roleOf(userId) !== "none";
    this.commit(() => {
      this.store.setRestriction(restriction, now);
      return removing ? this.removeMember(userId, "banned", now) : [];
    });
    this.restrictionExpiry = this.store.nextRestrictionExpiry();
    const until = expiresAt === 0 ? undefined : expiresAt;
    this.hub.broadcast(encode({ type: "moderation", event: status === 1 ? "muted" : "banned", userId, until }));
    if (removing) {
      this.hub.broadcast(encode({ type: "member", event: "kicked", userId }));
      this.hub.closeUser(userId, CLOSE_REMOVED, "banned");
    }
    return ok(undefined);
  }

  private announceLift(restriction: Restriction): void {
    const event = restriction.status === 1 ? "unmuted" : "unbanned";
    this.hub.broadcast(encode({ type: "moderation", event, userId: restriction.userId }));
  }

  restrictions(now: number): Result<Restriction[]> {
    if (!this.meta) return fail("not_found", NOT_FOUND);
    return ok(this.store.restrictions().filter((restriction) => activeOrNull(restriction, now)));
  }

  setManager(actor: Actor, userId: string, on: boolean, now: number): Result<void> {
    const gate = this.gate(actor, now);
    if ("ok" in gate) return gate;
    const member = this.store.member(userId);
    if (actor.kind === "user") {
      if (!may("setManager", gate.role, { targetIsSelf: userId === actor.userId })) {
        return fail("forbidden", "only the host may appoint or remove managers");
      }
      if (!member) return fail("not_found", "userId: not a member of this room");
    }
    if (this.store.isManager(userId) === on) return ok(undefined);
    this.commit(() => {
      this.store.setManager(userId, on, now);
      return member ? [this.memberChange(userId, member.joinedAt)] : [];
    });
    if (member)
      this.hub.broadcast(encode({ type: "member", event: "role", userId, role: this.roleOf(userId) as Role }));
    return ok(undefined);
  }

  managers(): Result<string[]> {
    if (!this.meta) return fail("not_found", NOT_FOUND);
    return ok(this.store.managers());
  }

  members(offset: number, limit: number): Result<{ list: string[]; total: number }> {
    if (!this.meta) return fail("not_found", NOT_FOUND);
    return ok({
      list: this.store.members(offset, limit).map((member) => member.userId),
      total: this.store.memberCount(),
    });
  }

  // ── membership ──────────────────────────────────────────────────────

  join(userId: string, face: { imageUrl: string | null; openProfileId: number | null }, now: number): Result<RoomInfo> {
    const meta = this.meta;
    if (!meta) return fail("not_found", NOT_FOUND);
    if (this.activeRestriction(userId, now)?.status === 2) return fail("banned", "you are banned from this room");
    if (this.roleOf(userId) !== "none") return ok(this.describe(userId, now));
    if (meta.state === 2) return fail("conflict", "the room has ended");
    if (!meta.isOpen) return fail("forbidden", "this room is closed: ask a member to invite you");
    if (this.store.memberCount() >= this.limits.maxMembers) return fail("conflict", "the room is full");
    this.commit(() => {
      this.store.addMember({ userId, joinedAt: now, ...face });
      return [this.memberChange(userId, now), this.roomChange()];
    });
    this.hub.broadcast(encode({ type: "member", event: "joined", userId, role: "member" }));
    return ok(this.describe(userId, now));
  }

  leave(userId: string, now: number): Result<{ ended: boolean }> {
    if (!this.meta) return fail("not_found", NOT_FOUND);
    if (this.roleOf(userId) === "none") return fail("not_in_room", "you are not a member of this room");
    this.commit(() => this.removeMember(userId, "left", now));
    this.hub.broadcast(encode({ type: "member", event: "left", userId }));
    this.hub.closeUser(userId, 1000, "left the room");
    if (this.store.memberCount() === 0) {
      this.end("empty", now);
      return ok({ ended: true });
    }
    return ok({ ended: false });
  }

  invite(
    actor: Actor,
    users: { userId: string; imageUrl: string | null }[],
    now: number,
  ): Result<{ added: string[]; skipped: { userId: string; reason: string }[] }> {
    const gate = this.gate(actor, now);
    if ("ok" in gate) return gate;
    if (!may("invite", gate.role, { isOpen: gate.meta.isOpen })) {
      return fail("forbidden", "only the host and managers may invite into an open room");
    }
    if (gate.meta.state === 2) return fail("conflict", "the room has ended");
    const added: typeof users = [];
    const skipped: { userId: string; reason: string }[] = [];
    for (const user of users) {
      if (this.store.member(user.userId)) skipped.push({ userId: user.userId, reason: "member" });
      else if (this.activeRestriction(user.userId, now)?.status === 2)
        skipped.push({ userId: user.userId, reason: "banned" });
      else added.push(user);
    }
    if (this.store.memberCount() + added.length > this.limits.maxMembers) {
      return fail("conflict", `users: the room would exceed ${this.limits.maxMembers} members`);
    }
    if (added.length > 0) {
      this.commit(() => {
        for (const user of added) this.store.addMember({ ...user, joinedAt: now, openProfileId: null });
        return [...added.map((user) => this.memberChange(user.userId, now)), this.roomChange()];
      });
      for (const user of added)
        this.hub.broadcast(encode({ type: "member", event: "joined", userId: user.userId, role: "member" }));
    }
    return ok({ added: added.map((user) => user.userId), skipped });
  }

  kick(actor: Actor, userId: string, now: number): Result<void> {
    const gate = this.gate(actor, now);
    if ("ok" in gate) return gate;
    const target = this.roleOf(userId);
    if (target === "none") return fail("not_found", "userId: not a member of this room");
    if (actor.kind === "user" && !may("kick", gate.role, { target, targetIsSelf: userId === actor.userId })) {
      return fail("forbidden", "only the host, or a manager for a plain member, may kick this user");
    }
    this.commit(() => this.removeMember(userId, "kicked", now));
    this.hub.broadcast(encode({ type: "member", event: "kicked", userId }));
    this.hub.closeUser(userId, CLOSE_REMOVED, "kicked");
    return ok(undefined);
  }

  /** Removes a member inside a transaction; hands the host role on; returns the index changes. */
  private removeMember(userId: string, why: "left" | "kicked" | "banned", now: number): IndexChange[] {
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

  updateSettings(actor: Actor, patch: SettingsPatch, now: number): Result<RoomInfo> {
    const gate = this.gate(actor, now);
    if ("ok" in gate) return gate;
    const meta = gate.meta;
    if (!may("updateSettings", gate.role)) return fail("forbidden", "only the host and managers may change settings");
    if (meta.state === 2) return fail("conflict", "the room has ended");
    if (patch.startAt !== undefined && meta.state !== 1) {
      return fail("conflict", "startAt: the room has already started");
    }
    const next: Partial<RoomMeta> = {};
    if (patch.title !== undefined) next.title = patch.title;
    if (patch.thumbnail !== undefined) next.thumbnail = patch.thumbnail;
    if (patch.muteAll !== undefined) next.muteAll = patch.muteAll;
    if (patch.slowModeSeconds !== undefined) next.slowModeSeconds = patch.slowModeSeconds;
    if (patch.durationMinutes !== undefined) {
      next.durationMinutes = patch.durationMinutes;
      next.endingNotified = false;
    }
    if (patch.startAt !== undefined) next.startAt = patch.startAt;
    const muteAllChanged = patch.muteAll !== undefined && patch.muteAll !== meta.muteAll;
    this.commit(() => {
      this.saveMeta(next, now);
      return [this.roomChange()];
    });
    const updated = this.meta as RoomMeta;
    this.hub.broadcast(
      encode({
        type: "room",
        event: "updated",
        title: updated.title,
        thumbnail: updated.thumbnail,
        muteAll: updated.muteAll,
        slowModeSeconds: updated.slowModeSeconds,
        startAt: updated.startAt,
        durationMinutes: updated.durationMinutes,
        endAt: endAt(updated),
      }),
    );
    if (muteAllChanged) this.hub.broadcast(encode({ type: "moderation", event: "muteAll", on: updated.muteAll }));
    // A new start or end time in the past takes effect now.
    this.deadline = now;
    this.catchUp(now);
    return ok(this.describe(actor.kind === "user" ? actor.userId : null, now));
  }

  // ── messages ────────────────────────────────────────────────────────

  history(
    actor: Actor,
    query: { before?: number; after?: number; limit: number },
    now: number,
  ): Result<{ messages: ReturnType<typeof wireMessage>[]; hasMore: boolean }> {
    const gate = this.gate(actor, now);
    if ("ok" in gate) return gate;
    const rows =
      query.after !== undefined
        ? this.store.messagesAfter(query.after, query.limit + 1)
        : this.store.messagesBefore(query.before ?? this.lastSeq + 1, query.limit + 1);
    const hasMore = rows.length > query.limit;
    return ok({ messages: rows.slice(0, query.limit).map(wireMessage), hasMore });
  }

  /** Stores and broadcasts one chat message under the send rules; a repeated clientMsgId is acked again. */
  send(senderId: string, message: SendMessage, admin: boolean, now: number): Result<Ack> {
    const meta = this.meta;
    if (!meta) return fail("not_found", NOT_FOUND);
    const original = this.store.messageByClientId(senderId, message.clientMsgId);
    if (original) return ok({ seq: original.seq, ts: original.ts, duplicate: true });
    const member = this.store.member(senderId);
    const role = this.roleOf(senderId);
    const restriction = this.store.restriction(senderId);
    if (role === "none" && activeOrNull(restriction, now)?.status === 2) {
      return fail("banned", "you are banned from this room");
    }
    const decision = checkSend(
      {
        state: meta.state,
        role,
        restriction,
        muteAll: meta.muteAll,
        slowModeSeconds: meta.slowModeSeconds,
        lastSentAt: member?.lastSentAt ?? null,
        bucket: member?.bucket ?? null,
        ratePerSec: this.limits.sendRatePerSec,
        burst: this.limits.sendBurst,
        bypassModeration: admin,
      },
      now,
    );
    if (!decision.ok) return decision;
    const row = {
      seq: this.lastSeq + 1,
      senderId,
      clientMsgId: message.clientMsgId,
      content: message.content,
      contentType: message.contentType ?? "text",
      ts: now,
    };
    this.store.transaction(() => {
      this.store.insertMessage(row);
      this.store.recordSend(senderId, now, decision.bucket, row.seq);
    });
    this.lastSeq = row.seq;
    this.markActivity(now);
    this.hub.broadcast(encode({ type: "message", ...wireMessage(row) }));
    return ok({ seq: row.seq, ts: row.ts, duplicate: false });
  }

  markRead(userId: string, seq: number, now: number): Result<{ seq: number }> {
    const gate = this.gate({ kind: "user", userId }, now);
    if ("ok" in gate) return gate;
    const clamped = Math.min(seq, this.lastSeq);
    this.store.setRead(userId, clamped);
    this.markActivity(now);
    return ok({ seq: clamped });
  }

  // ── sockets ─────────────────────────────────────────────────────────

  /** Accepts a member's socket: welcome, then the missed messages (or resync), then live traffic. */
  connect(socket: WebSocket, userId: string, since: number | null, now: number): void {
    const meta = this.meta as RoomMeta;
    const first = this.hub.accept(socket, { userId, connectedAt: now });
    const online = this.hub.online();
    this.hub.send(
      socket,
      encode({
        type: "welcome",
        chatroomId: meta.chatroomId,
        userId,
        role: this.roleOf(userId) as Role,
        lastSeq: this.lastSeq,
        muteAll: meta.muteAll,
        slowModeSeconds: meta.slowModeSeconds,
        restriction: wireRestriction(this.activeRestriction(userId, now)),
        online: [...online.keys()].slice(0, ONLINE_LIST_MAX),
        onlineCount: online.size,
      }),
    );
    if (since !== null && since < this.lastSeq) {
      if (this.lastSeq - since > this.limits.resumeLimit) {
        this.hub.send(socket, encode({ type: "resync", since, lastSeq: this.lastSeq }));
      } else {
        const missed = this.store.messagesAfter(since, this.limits.resumeLimit);
        missed.forEach((row, index) => {
          this.hub.send(socket, encode({ type: "message", ...wireMessage(row) }));
          // Keep each replay batch well under the runtime's message size limit.
          if ((index + 1) % REPLAY_BATCH === 0) this.hub.flush();
        });
      }
    }
    if (first) this.hub.broadcast(encode({ type: "presence", userId, online: true, count: online.size }), socket);
  }

  disconnect(socket: WebSocket): void {
    const released = this.hub.release(socket);
    if (released?.wentOffline) {
      const count = this.hub.online().size;
      this.hub.broadcast(encode({ type: "presence", userId: released.userId, online: false, count }));
    }
  }

  /** Handles one valid client frame from a member's socket. */
  onFrame(socket: WebSocket, userId: string, frame: ClientFrame, now: number): void {
    const actor: Actor = { kind: "user", userId };
    let reply: Result<unknown>;
    switch (frame.type) {
      case "send": {
        const result = this.send(userId, frame, false, now);
        if (result.ok) {
          this.hub.send(socket, encode({ type: "ack", clientMsgId: frame.clientMsgId, ...result.value }));
        }
        reply = result;
        break;
      }
      case "read":
        reply = this.markRead(userId, frame.seq, now);
        break;
      case "typing":
        if (!activeOrNull(this.store.restriction(userId), now))
          this.hub.broadcast(encode({ type: "typing", userId }), socket);
        reply = ok(undefined);
        break;
      case "history": {
        const result = this.history(actor, { before: frame.before, limit: frame.limit ?? 50 }, now);
        if (result.ok) this.hub.send(socket, encode({ type: "history", ...result.value }));
        reply = result;
        break;
      }
    }
    if (!reply.ok) {
      const clientMsgId = frame.type === "send" ? frame.clientMsgId : undefined;
      this.hub.send(
        socket,
        encode({
          type: "error",
          code: errorCode(reply.kind),
          message: reply.message,
          clientMsgId,
          retryAfterSec: reply.retryAfterSec,
        }),
      );
    }
    this.afterCommand(now);
  }
}

function errorCode(kind: Failure["kind"]): string {
  return CLIENT_ERRORS[kind].code;
}
