/**
 * @module fanout
 * What the room's commands need from its connections: local sockets in a normal room (SocketHub), or
 * the shard objects of a live room (ShardFanout). Commands only broadcast and close; everything about
 * one socket (welcome, frames, budgets) belongs to whoever holds it.
 */
import type { StreamEntry } from "../live/ring";

/** Marks a broadcast frame for the shards' resume ring: a message (seq) or an update (updateSeq). */
export type StreamTag = Omit<StreamEntry, "frame">;

/** The room's connections, as its commands see them. */
export interface Fanout {
  /** Sends a frame to every socket of the room (queued and coalesced). */
  broadcast(frame: string, tag?: StreamTag): void;
  /** Closes every socket of a user (kick, ban, leave). */
  closeUser(userId: string, code: number, reason: string): void;
  /** Closes every socket (the room ended). */
  closeAll(code: number, reason: string): void;
  /** Whether a user has a socket open. */
  isOnline(userId: string): boolean;
  /** Distinct users online. */
  onlineCount(): number;
  /** The earliest token expiry among the sockets this object holds (null when it holds none). */
  nextTokenExpiry(): number | null;
  /** Closes the sockets whose token expired. */
  closeExpired(now: number): void;
}
