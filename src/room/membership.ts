/**
 * @module membership
 * Membership commands: admin create/update, FlameTalk create, info, members, join, leave, invite, kick.
 */
import { fail, ok, type Result } from "../errors";
import { byOf, NOT_FOUND, type RoomCore } from "./core";
import { initialState } from "./lifecycle";
import { may, type Role } from "./permissions";
import { encode } from "./protocol";
import { isBanned } from "./restrictions";
import { CLOSE_REMOVED } from "./sockets";
import type { RoomMeta } from "./store";
import type { Actor, AdminRoomInput, CreateRoomInput, RoomInfo } from "./types";

export function adminUpsert(
  room: RoomCore,
  chatroomId: string,
  input: AdminRoomInput,
  now: number,
): Result<{ chatroomId: string }> {
  const meta = room.meta;
  if (meta && input.mode !== undefined && input.mode !== meta.mode) {
    return fail("invalid_param", `mode: fixed at creation (this room is ${meta.mode})`, { field: "mode" });
  }
  if (!meta) {
    const mode = input.mode ?? "normal";
    room.write(now, (tx) => {
      tx.createMeta(
        newMeta(
          {
            chatroomId,
            title: input.title,
            desc: input.desc ?? "",
            portrait: input.portrait ?? "",
            extra: input.extra ?? "",
            isOpen: true,
            state: input.state ?? 0,
            hostId: null,
            mode,
            shards: mode === "live" ? (input.shards ?? room.limits.liveShards) : 0,
          },
          now,
        ),
      );
      tx.index(room.roomChange(tx));
      tx.event(input.state === 1 ? "room.updated" : "room.started", { created: true, title: input.title });
    });
    return ok({ chatroomId });
  }
  const patch: Partial<RoomMeta> = { title: input.title };
  if (input.desc) patch.desc = input.desc;
  if (input.portrait) patch.portrait = input.portrait;
  if (input.extra) patch.extra = input.extra;
  if (input.state === 2 && meta.state !== 2) {
    room.write(now, (tx) => tx.saveMeta(patch));
    room.end("deleted", now);
    return ok({ chatroomId });
  }
  if (input.state !== undefined && input.state !== meta.state) {
    patch.state = input.state;
    if (input.state === 0) patch.startedAt = now;
  }
  const updated = room.write(now, (tx) => {
    tx.saveMeta(patch);
    tx.index(room.roomChange(tx));
    tx.event(patch.state === 0 ? "room.started" : "room.updated", { ...patch });
    return tx.meta as RoomMeta;
  });
  room.hub.broadcast(encode({ type: "room", event: "updated", title: updated.title, state: updated.state }));
  return ok({ chatroomId });
}

export function create(room: RoomCore, input: CreateRoomInput, now: number): Result<{ info: RoomInfo }> {
  if (room.meta) return fail("conflict", "chatroom already exists");
  const state = initialState(input.startAt, now);
  room.write(now, (tx) => {
    tx.createMeta(
      newMeta(
        {
          chatroomId: input.chatroomId,
          title: input.title,
          thumbnail: input.thumbnail,
          isOpen: input.isOpen,
          state,
          hostId: input.hostId,
          startAt: input.startAt,
          durationMinutes: input.durationMinutes,
          mode: input.mode ?? "normal",
          shards: input.mode === "live" ? (input.shards ?? room.limits.liveShards) : 0,
        },
        now,
      ),
    );
    for (const member of input.members) room.rows.members.add({ ...member, joinedAt: now });
    tx.index(room.roomChange(tx), ...input.members.map((member) => room.memberChange(tx, member.userId, now)));
    const created = { created: true, title: input.title, hostId: input.hostId, memberCount: input.members.length };
    tx.event(state === 1 ? "room.updated" : "room.started", created);
  });
  return ok({ info: room.describe(input.hostId, now) });
}

export function info(room: RoomCore, actor: Actor, now: number): Result<RoomInfo> {
  const gate = room.gate(actor, now, true);
  if ("ok" in gate) return gate;
  return ok(room.describe(actor.kind === "user" ? actor.userId : null, now));
}

export function members(room: RoomCore, offset: number, limit: number): Result<{ list: string[]; total: number }> {
  if (!room.meta) return fail("not_found", NOT_FOUND);
  return ok({
    list: room.rows.members.list(offset, limit).map((member) => member.userId),
    total: room.rows.members.count(),
  });
}

/** A member as the client API lists them; the Worker adds the face (nickname, image) from the directory. */
export interface ListedMember {
  userId: string;
  role: Role;
  online: boolean;
  /** The open profile the member shows in this room, or null for their own profile. */
  openProfileId: number | null;
}

/** Members in join order after position `after` (the cursor), for members of the room (SPEC §8.3). */
export function memberPage(
  room: RoomCore,
  actor: Actor,
  after: number,
  limit: number,
  now: number,
): Result<{ members: ListedMember[]; next: number | null }> {
  const gate = room.gate(actor, now);
  if ("ok" in gate) return gate;
  const rows = room.rows.members.page(after, limit + 1);
  const page = rows.slice(0, limit);
  return ok({
    members: page.map((member) => ({
      userId: member.userId,
      role: room.roleOf(member.userId) as Role,
      online: room.hub.isOnline(member.userId),
      openProfileId: member.openProfileId,
    })),
    next: rows.length > limit ? (page[page.length - 1]?.order ?? null) : null,
  });
}

/** Which face a member shows in this room (their open profile's id, or null), for members to see. */
export function memberFace(
  room: RoomCore,
  actor: Actor,
  userId: string,
  now: number,
): Result<{ openProfileId: number | null }> {
  const gate = room.gate(actor, now);
  if ("ok" in gate) return gate;
  const member = room.rows.members.get(userId);
  if (!member) return fail("not_found", "userId: not a member of this room");
  return ok({ openProfileId: member.openProfileId });
}

export function join(
  room: RoomCore,
  userId: string,
  face: { imageUrl: string | null; openProfileId: number | null },
  now: number,
): Result<RoomInfo> {
  const meta = room.meta;
  if (!meta) return fail("not_found", NOT_FOUND);
  if (isBanned(room.rows.restrictions.get(userId), now)) return fail("banned", "you are banned from this room");
  if (room.inRoom(userId)) return ok(room.describe(userId, now));
  if (meta.state === 2) return fail("conflict", "the room has ended");
  if (!meta.isOpen) return fail("forbidden", "this room is closed: ask a member to invite you");
  if (room.rows.members.count() >= room.limits.maxMembers) return fail("conflict", "the room is full");
  room.write(now, (tx) => {
    room.rows.members.add({ userId, joinedAt: now, ...face });
    tx.index(room.memberChange(tx, userId, now), room.roomChange(tx));
    tx.event("join", { userId });
  });
  room.hub.broadcast(encode({ type: "member", event: "joined", userId, role: "member" }));
  return ok(room.describe(userId, now));
}

export function leave(room: RoomCore, userId: string, now: number): Result<{ ended: boolean }> {
  const meta = room.meta;
  if (!meta) return fail("not_found", NOT_FOUND);
  // A live room's viewer has no membership to leave (SPEC §8.5): closing the socket is leaving.
  if (meta.mode === "live" && !room.rows.members.get(userId)) return ok({ ended: false });
  if (!room.inRoom(userId)) return fail("not_in_room", "you are not a member of this room");
  const heir = room.write(now, (tx) => {
    tx.event("leave", { userId });
    return room.removeMember(tx, userId);
  });
  room.hub.broadcast(encode({ type: "member", event: "left", userId }));
  room.announceHost(heir);
  room.hub.closeUser(userId, 1000, "left the room");
  // A live room lives on its audience, not its member list.
  if (room.rows.members.count() === 0 && meta.mode !== "live") {
    room.end("empty", now);
    return ok({ ended: true });
  }
  return ok({ ended: false });
}

export function invite(
  room: RoomCore,
  actor: Actor,
  users: { userId: string; imageUrl: string | null }[],
  now: number,
): Result<{ added: string[]; skipped: { userId: string; reason: string }[] }> {
  const gate = room.gate(actor, now);
  if ("ok" in gate) return gate;
  if (gate.meta.mode === "live") return fail("conflict", "a live room's audience connects without an invitation");
  if (!may("invite", gate.role, { isOpen: gate.meta.isOpen })) {
    return fail("forbidden", "only the host and managers may invite into an open room");
  }
  if (gate.meta.state === 2) return fail("conflict", "the room has ended");
  const added: typeof users = [];
  const skipped: { userId: string; reason: string }[] = [];
  for (const user of users) {
    if (room.rows.members.get(user.userId)) skipped.push({ userId: user.userId, reason: "member" });
    else if (isBanned(room.rows.restrictions.get(user.userId), now))
      skipped.push({ userId: user.userId, reason: "banned" });
    else added.push(user);
  }
  if (room.rows.members.count() + added.length > room.limits.maxMembers) {
    return fail("conflict", `users: the room would exceed ${room.limits.maxMembers} members`);
  }
  if (added.length > 0) {
    room.write(now, (tx) => {
      for (const user of added) room.rows.members.add({ ...user, joinedAt: now, openProfileId: null });
      tx.index(...added.map((user) => room.memberChange(tx, user.userId, now)), room.roomChange(tx));
      for (const user of added) tx.event("join", { userId: user.userId, by: byOf(actor) });
    });
    for (const user of added)
      room.hub.broadcast(encode({ type: "member", event: "joined", userId: user.userId, role: "member" }));
  }
  return ok({ added: added.map((user) => user.userId), skipped });
}

export function kick(room: RoomCore, actor: Actor, userId: string, now: number): Result<void> {
  const gate = room.gate(actor, now);
  if ("ok" in gate) return gate;
  const target = room.roleOf(userId);
  if (target === "none") return fail("not_found", "userId: not a member of this room");
  if (actor.kind === "user" && !may("kick", gate.role, { target, targetIsSelf: userId === actor.userId })) {
    return fail("forbidden", "only the host, or a manager for a plain member, may kick this user");
  }
  const heir = room.write(now, (tx) => {
    tx.event("kick", { userId, by: byOf(actor) });
    return room.removeMember(tx, userId);
  });
  room.hub.broadcast(encode({ type: "member", event: "kicked", userId }));
  room.announceHost(heir);
  room.hub.closeUser(userId, CLOSE_REMOVED, "kicked");
  return ok(undefined);
}

/** A new room's record: the given fields over the defaults of a fresh, never-indexed room. */
function newMeta(
  fields: Pick<RoomMeta, "chatroomId" | "title" | "isOpen" | "state" | "hostId"> & Partial<RoomMeta>,
  now: number,
): RoomMeta {
  return {
    desc: "",
    portrait: "",
    extra: "",
    thumbnail: null,
    muteAll: false,
    slowModeSeconds: 0,
    startAt: null,
    durationMinutes: null,
    startedAt: fields.state === 0 ? now : null,
    endingNotified: false,
    createdAt: now,
    updatedAt: now,
    indexedSeq: 0,
    outboxFailures: 0,
    outboxRetryAt: null,
    updateSeq: 0,
    eventSeq: 0,
    mode: "normal",
    shards: 0,
    ...fields,
  };
}
