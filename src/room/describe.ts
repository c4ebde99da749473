/**
 * @module room/describe
 * Read-only views of a room: the info the APIs return and the room's row in the directory.
 */
import { THUMBNAILS_MAX } from "../limits";
import { endAt, thumbnailsFor } from "./lifecycle";
import type { RoomIndexRow } from "./outbox";
import type { ActorRole } from "./permissions";
import { wireRestriction } from "./protocol";
import type { Restriction } from "./restrictions";
import type { RoomMeta, RoomStore } from "./store";
import type { RoomInfo } from "./types";

/** Up to four thumbnails: the room's own, else the images of its oldest members (SPEC §3). */
export function thumbnails(rows: RoomStore, meta: Readonly<RoomMeta>): string[] {
  if (meta.thumbnail) return [meta.thumbnail];
  const candidates = rows.members.withImages(THUMBNAILS_MAX + 1).map((member) => ({
    userId: member.userId,
    order: member.order,
    isManager: false,
    imageUrl: member.imageUrl,
  }));
  return thumbnailsFor(null, meta.hostId, candidates, THUMBNAILS_MAX);
}

/** The room's row in the directory. */
export function indexRow(rows: RoomStore, meta: Readonly<RoomMeta>): RoomIndexRow {
  return {
    chatroomId: meta.chatroomId,
    title: meta.title,
    isOpen: meta.isOpen,
    state: meta.state,
    hostId: meta.hostId,
    memberCount: rows.members.count(),
    thumbnails: thumbnails(rows, meta),
    startAt: meta.startAt,
    durationMinutes: meta.durationMinutes,
    startedAt: meta.startedAt,
    createdAt: meta.createdAt,
    updatedAt: meta.updatedAt,
    mode: meta.mode,
    shards: meta.shards,
  };
}

/** Room info as one viewer sees it: their role and their active restriction. */
export function describeRoom(
  rows: RoomStore,
  meta: Readonly<RoomMeta>,
  viewer: { lastSeq: number; role: ActorRole; restriction: Restriction | null; count: number },
): RoomInfo {
  return {
    chatroomId: meta.chatroomId,
    title: meta.title,
    desc: meta.desc,
    portrait: meta.portrait,
    extra: meta.extra,
    thumbnail: meta.thumbnail,
    thumbnails: thumbnails(rows, meta),
    isOpen: meta.isOpen,
    state: meta.state,
    hostId: meta.hostId,
    count: viewer.count,
    muteAll: meta.muteAll,
    slowModeSeconds: meta.slowModeSeconds,
    startAt: meta.startAt,
    durationMinutes: meta.durationMinutes,
    startedAt: meta.startedAt,
    endAt: endAt(meta),
    lastSeq: viewer.lastSeq,
    createdAt: meta.createdAt,
    updatedAt: meta.updatedAt,
    role: viewer.role === "none" ? null : viewer.role,
    restriction: wireRestriction(viewer.restriction),
    mode: meta.mode,
    shards: meta.shards,
  };
}
