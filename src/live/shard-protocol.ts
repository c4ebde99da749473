/**
 * @module live/shard-protocol
 * What a live room and its shards say to each other (SPEC §8.5). The room is the one sequencer and
 * store and decides every rule; a shard holds sockets, fans out, keeps a ring for resumes and reports
 * its online count. Shapes only: both sides are objects of this Worker, so RPC carries them as is.
 */
import type { ClientFrame } from "../room/protocol";
import type { Restriction } from "../room/restrictions";
import type { RoomState } from "../room/send-rules";
import type { StreamEntry } from "./ring";

/** What a shard needs to know of the room to admit and welcome sockets. */
export interface ShardView {
  state: RoomState;
  hostId: string | null;
  managers: string[];
  muteAll: boolean;
  slowModeSeconds: number;
  lastSeq: number;
  lastUpdateSeq: number;
  onlineCount: number;
}

/** Where a shard joins the room's push stream: the room object's epoch and the last push number it may skip. */
export interface StreamPosition {
  epoch: string;
  lastPush: number;
}

/** The room's answer to a shard that starts (or woke up without memory). */
export interface ShardHello extends StreamPosition {
  view: ShardView;
  /** Active restrictions: a banned user is refused at connect, a muted one learns it in the welcome. */
  restrictions: Restriction[];
  /** The newest message frames, to serve resumes at once. */
  recent: StreamEntry[];
  /** The current state of messages changed after `updatesFrom` (message_update frames), for resumes with `updatesSince`. */
  updates: StreamEntry[];
  updatesFrom: number;
}

/** One ordered push of the room's broadcast stream to a shard. */
export interface ShardPush {
  /** A new value each time the room object starts: push numbers count from 1 within an epoch. */
  epoch: string;
  /** Increases by one per push to this shard within the epoch; a shard ignores what it has seen. */
  n: number;
  entries: StreamEntry[];
  view: ShardView;
}

/** A client frame a shard forwards to the room (`send`, `edit`, `recall`, `react`, `unreact`, `history`). */
export interface ForwardedFrame {
  userId: string;
  frame: ClientFrame;
}

/** What a shard reports of its audience (coalesced): distinct users online, and which staff are online. */
export interface ShardReport {
  online: number;
  staff: string[];
}
