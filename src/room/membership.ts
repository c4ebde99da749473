/**
 * @module membership
 * Membership commands: admin create/update, FlameTalk create, info, members, join, leave, invite, kick.
 */
import { fail, ok, type Result } from "../errors";
import { NOT_FOUND, type RoomCore } from "./core";
import { initialState } from "./lifecycle";
import { may } from "./permissions";
import { encode } from "./protocol";
import { CLOSE_REMOVED } from "./sockets";
import type { RoomMeta } from "./store";
import type { Actor, AdminRoomInput, CreateRoomInput, RoomInfo } from "./types";

export function adminUpsert(
  room: RoomCore,
  chatroomId: string,
  input: AdminRoomInput,
  now: number,
): Result<{ chatroomId: string }> {
  if (!room.meta) {
    room.commit(() => {
      room.meta = newMeta(
        {
          chatroomId,
          title: input.title,
          desc: input.desc ?? "",
          portrait: input.portrait ?? "",
          extra: input.extra ?? "",
          isOpen: true,
          state: input.state ?? 0,
          hostId: null,
        },
        now,
      );
      room.store.saveMeta(room.meta);
      return [room.roomChange()];
    });
    return ok({ chatroomId });
  }
  const patch: Partial<RoomMeta> = { title: input.title };
  if (input.desc) patch.desc = input.desc;
  if (input.portrait) patch.portrait = input.portrait;
  if (input.extra) patch.extra = input.extra;
  if (input.state === 2 && room.meta.state !== 2) {
    room.saveMeta(patch, now);
    room.end("deleted", now);
    return ok({ chatroomId });
  }
  if (input.state !== undefined && input.state !== room.meta.state) {
    patch.state = input.state;
    if (input.state === 0) patch.startedAt = now;
  }
  room.commit(() => {
    room.saveMeta(patch, now);
    return [room.roomChange()];
  });
  room.hub.broadcast(encode({ type: "room", event: "updated", title: room.meta.title, state: room.meta.state }));
  return ok({ chatroomId });
}

export function create(room: RoomCore, input: CreateRoomInput, now: number): Result<{ info: RoomInfo }> {
  if (room.meta) return fail("conflict", "chatroom already exists");
  const state = initialState(input.startAt, now);
  room.commit(() => {
    room.meta = newMeta(
      {
        chatroomId: input.chatroomId,
        title: input.title,
        thumbnail: input.thumbnail,
        isOpen: input.isOpen,
        state,
        hostId: input.hostId,
        startAt: input.startAt,
        durationMinutes: input.durationMinutes,
      },
      now,
    );
    room.store.saveMeta(room.meta);
    for (const member of input.members) room.store.addMember({ ...member, joinedAt: now });
    return [room.roomChange(), ...input.members.map((member) => room.memberChange(member.userId, now))];
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
    list: room.store.members(offset, limit).map((member) => member.userId),
    total: room.store.memberCount(),
  });
}

export function join(
  room: RoomCore,
  userId: string,
  face: { imageUrl: string | null; openProfileId: number | null },
  now: number,
): Result<RoomInfo> {
  const meta = room.meta;
  if (!meta) return fail("not_found", NOT_FOUND);
  if (room.activeRestriction(userId, now)?.status === 2) return fail("banned", "you are banned from this room");
  if (room.roleOf(userId) !== "none") return ok(room.describe(userId, now));
  if (meta.state === 2) return fail("conflict", "the room has ended");
  if (!meta.isOpen) return fail("forbidden", "this room is closed: ask a member to invite you");
  if (room.store.memberCount() >= room.limits.maxMembers) return fail("conflict", "the room is full");
  room.commit(() => {
    room.store.addMember({ userId, joinedAt: now, ...face });
    return [room.memberChange(userId, now), room.roomChange()];
  });
  room.hub.broadcast(encode({ type: "member", event: "joined", userId, role: "member" }));
  return ok(room.describe(userId, now));
}

export function leave(room: RoomCore, userId: string, now: number): Result<{ ended: boolean }> {
  if (!room.meta) return fail("not_found", NOT_FOUND);
  if (room.roleOf(userId) === "none") return fail("not_in_room", "you are not a member of this room");
  room.commit(() => room.removeMember(userId, "left", now));
  room.hub.broadcast(encode({ type: "member", event: "left", userId }));
  room.hub.closeUser(userId, 1000, "left the room");
  if (room.store.memberCount() === 0) {
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
  if (!may("invite", gate.role, { isOpen: gate.meta.isOpen })) {
    return fail("forbidden", "only the host and managers may invite into an open room");
  }
  if (gate.meta.state === 2) return fail("conflict", "the room has ended");
  const added: typeof users = [];
  const skipped: { userId: string; reason: string }[] = [];
  for (const user of users) {
    if (room.store.member(user.userId)) skipped.push({ userId: user.userId, reason: "member" });
    else if (room.activeRestriction(user.userId, now)?.status === 2)
      skipped.push({ userId: user.userId, reason: "banned" });
    else added.push(user);
  }
  if (room.store.memberCount() + added.length > room.limits.maxMembers) {
    return fail("conflict", `users: the room would exceed ${room.limits.maxMembers} members`);
  }
  if (added.length > 0) {
    room.commit(() => {
      for (const user of added) room.store.addMember({ ...user, joinedAt: now, openProfileId: null });
      return [...added.map((user) => room.memberChange(user.userId, now)), room.roomChange()];
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
  room.commit(() => room.removeMember(userId, "kicked", now));
  room.hub.broadcast(encode({ type: "member", event: "kicked", userId }));
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
    ...fields,
  };
}
