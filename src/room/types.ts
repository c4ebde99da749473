/**
 * @module room/types
 * Shapes that cross the room object's RPC boundary. Those that are also wire shapes (RoomInfo, Ack)
 * come from their zod schemas in protocol.ts.
 */
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
  /** "live" with its shard count, fixed at creation (SPEC §8.5). */
  mode?: "normal" | "live";
  shards?: number;
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
  mode?: "normal" | "live";
  shards?: number;
}

/** Room info as the APIs return it, and a send's outcome: z.infer of their wire schemas. */
export type { Ack, RoomInfo } from "./protocol";
