/**
 * @module moderation
 * Moderation commands: restrictions (mute / no entry), managers, settings.
 */
import { fail, ok, type Result } from "../errors";
import { byOf, NOT_FOUND, type RoomCore } from "./core";
import { endAt } from "./lifecycle";
import { type ActorRole, may, type Role } from "./permissions";
import { encode } from "./protocol";
import { activeOrNull, mayChangeRestriction, type Restriction, SETTER_RANK, type SetterRank } from "./restrictions";
import { CLOSE_REMOVED } from "./sockets";
import type { RoomMeta } from "./store";
import type { Actor, RoomInfo, SettingsPatch } from "./types";

export function setRestriction(
  room: RoomCore,
  actor: Actor,
  userId: string,
  status: 0 | 1 | 2,
  expiresAt: number,
  reason: string | null,
  now: number,
): Result<void> {
  const gate = room.gate(actor, now);
  if ("ok" in gate) return gate;
  if (actor.kind === "user") {
    const target = room.roleOf(userId);
    if (!may("restrict", gate.role, { target, targetIsSelf: userId === actor.userId })) {
      return fail("forbidden", "only the host, or a manager for a plain member, may restrict this user");
    }
  }
  const rank = setterRank(actor, gate.role);
  const current = room.rows.restrictions.get(userId);
  const next = status === 0 ? null : { status, expiresAt };
  if (!mayChangeRestriction(current, rank, next, now)) {
    return fail("forbidden", "a restriction set by a higher rank may only be made longer or stricter by you");
  }
  if (status === 0) {
    if (!current) return ok(undefined);
    room.write(now, (tx) => {
      tx.lift(userId);
      if (activeOrNull(current, now)) tx.event(current.status === 1 ? "unmute" : "unban", { userId, by: byOf(actor) });
    });
    if (activeOrNull(current, now)) room.announceLift(current);
    return ok(undefined);
  }
  // A lower rank that strengthens a restriction leaves it owned by the higher rank that set it.
  const setBy = Math.max(rank, activeOrNull(current, now)?.setBy ?? rank) as SetterRank;
  const restriction: Restriction = { userId, status, expiresAt, reason, setBy };
  const removing = status === 2 && room.inRoom(userId);
  const heir = room.write(now, (tx) => {
    tx.restrict(restriction);
    const until = expiresAt === 0 ? null : expiresAt;
    tx.event(status === 1 ? "mute" : "ban", { userId, until, reason, by: byOf(actor) });
    return removing ? room.removeMember(tx, userId) : null;
  });
  const until = expiresAt === 0 ? undefined : expiresAt;
  room.hub.broadcast(encode({ type: "moderation", event: status === 1 ? "muted" : "banned", userId, until }));
  if (removing) {
    room.hub.broadcast(encode({ type: "member", event: "kicked", userId }));
    room.announceHost(heir);
    room.hub.closeUser(userId, CLOSE_REMOVED, "banned");
  }
  return ok(undefined);
}

/** The rank an actor restricts with: the admin API above the host above a manager. */
function setterRank(actor: Actor, role: ActorRole): SetterRank {
  if (actor.kind === "admin") return SETTER_RANK.admin;
  return role === "host" ? SETTER_RANK.host : SETTER_RANK.manager;
}

export function restrictions(room: RoomCore, now: number): Result<Restriction[]> {
  if (!room.meta) return fail("not_found", NOT_FOUND);
  return ok(room.rows.restrictions.list().filter((restriction) => activeOrNull(restriction, now)));
}

export function setManager(room: RoomCore, actor: Actor, userId: string, on: boolean, now: number): Result<void> {
  const gate = room.gate(actor, now);
  if ("ok" in gate) return gate;
  const member = room.rows.members.get(userId);
  if (actor.kind === "user") {
    if (!may("setManager", gate.role, { targetIsSelf: userId === actor.userId })) {
      return fail("forbidden", "only the host may appoint or remove managers");
    }
    // Appointing needs a member; revoking does not (a designation the admin gave a non-member).
    if (!member && on) return fail("not_found", "userId: not a member of this room");
  }
  if (room.rows.members.isManager(userId) === on) return ok(undefined);
  room.write(now, (tx) => {
    room.rows.members.setManager(userId, on, now);
    if (member) tx.index(room.memberChange(tx, userId, member.joinedAt));
    tx.event("role", { userId, role: on ? "manager" : "member", by: byOf(actor) });
  });
  if (member) room.hub.broadcast(encode({ type: "member", event: "role", userId, role: room.roleOf(userId) as Role }));
  return ok(undefined);
}

export function managers(room: RoomCore): Result<string[]> {
  if (!room.meta) return fail("not_found", NOT_FOUND);
  return ok(room.rows.members.managers());
}

export function updateSettings(room: RoomCore, actor: Actor, patch: SettingsPatch, now: number): Result<RoomInfo> {
  const gate = room.gate(actor, now);
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
  const updated = room.write(now, (tx) => {
    tx.saveMeta(next);
    tx.index(room.roomChange(tx));
    tx.event("room.updated", { ...patch, by: byOf(actor) });
    return tx.meta as RoomMeta;
  });
  room.hub.broadcast(
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
  if (muteAllChanged) room.hub.broadcast(encode({ type: "moderation", event: "muteAll", on: updated.muteAll }));
  // A new start or end time already in the past takes effect now, before the answer.
  room.catchUp(now);
  return ok(room.describe(actor.kind === "user" ? actor.userId : null, now));
}
