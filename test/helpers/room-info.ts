/** A room as GET /api/chatrooms/:id answers it, for tests that need a valid one to start from. */
import type { RoomInfo } from "../../src/client";

/** A closed, ordinary room hosted by alice with three members, started and empty, seen by a member; `over` changes fields. */
export function roomInfo(over: Partial<RoomInfo> = {}): RoomInfo {
  return {
    chatroomId: "r1",
    title: "Trip",
    desc: "",
    portrait: "",
    extra: "",
    thumbnail: null,
    thumbnails: [],
    isOpen: false,
    state: 0,
    hostId: "alice",
    count: 3,
    muteAll: false,
    slowModeSeconds: 0,
    startAt: null,
    durationMinutes: null,
    startedAt: 1,
    endAt: null,
    lastSeq: 0,
    createdAt: 1,
    updatedAt: 1,
    role: "member",
    restriction: null,
    mode: "normal",
    shards: 0,
    ...over,
  };
}
