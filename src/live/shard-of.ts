/**
 * @module live/shard-of
 * Which shard object holds a user's sockets in a live room (SPEC §8.5): `hash(userId) % shards`. The
 * shard count is fixed when the room is created, so the map never changes and all of one user's
 * sockets share a shard (their per-user limits hold there).
 */

/** FNV-1a of the user id, so the shards share the audience evenly and every isolate agrees. */
export function shardOf(userId: string, shards: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < userId.length; i++) {
    hash ^= userId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % Math.max(1, shards);
}

/** The name of shard `index` of a room (one Durable Object each). */
export function shardName(chatroomId: string, index: number): string {
  return `${chatroomId}#${index}`;
}
