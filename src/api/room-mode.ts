/**
 * @module api/room-mode
 * Where a socket of a room goes (SPEC §8.5): a normal room's object, or in a live room the user's
 * shard (`hash(userId) % shards`). Mode and shard count never change after creation, so each isolate
 * caches them, filled from the directory's row — a connect storm does not touch the room object. Only
 * a room the directory does not list yet (its index row is written just after creation) is asked once.
 */
import { directoryRoomMode } from "../directory/store";
import { shardName, shardOf } from "../live/shard-of";

/** How a room is reached. */
export interface RoomMode {
  mode: "normal" | "live";
  shards: number;
}

/** Rooms whose mode is cached per isolate; beyond it the oldest entry goes. */
const CACHE_MAX = 10_000;
const cache = new Map<string, RoomMode>();

/** A room's mode and shard count, or null when there is no such room. */
export async function roomMode(env: Env, chatroomId: string): Promise<RoomMode | null> {
  const cached = cache.get(chatroomId);
  if (cached) return cached;
  const found = (await directoryRoomMode(env.DB, chatroomId).catch(() => null)) ?? (await askRoom(env, chatroomId));
  if (found) {
    cache.set(chatroomId, found);
    if (cache.size > CACHE_MAX) cache.delete(cache.keys().next().value as string);
  }
  return found;
}

async function askRoom(env: Env, chatroomId: string): Promise<RoomMode | null> {
  const answer = await env.ROOMS.getByName(chatroomId).modeOf();
  return answer.ok ? answer.value : null;
}

/** The object a user's socket of this room connects to. */
export function socketTarget(env: Env, chatroomId: string, userId: string, mode: RoomMode | null): Fetcher {
  if (mode?.mode === "live") return env.SHARDS.getByName(shardName(chatroomId, shardOf(userId, mode.shards)));
  return env.ROOMS.getByName(chatroomId);
}
