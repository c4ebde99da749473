/**
 * @module room/types
 * Shapes that cross the room object's RPC boundary.
 */
import type { Role } from "./permissions";
import type { wireRestriction } from "./protocol";
import type { RoomState } from "./send-rules";

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
