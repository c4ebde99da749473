/**
 * @module live
 * The room's side of a live room (SPEC §8.5): the room stays the one sequencer and store and decides
 * every rule; its shards hold the sockets. A shard says hello when it starts (the room's view, the
 * active restrictions, the newest messages for its ring), forwards its sockets' frames in batches
 * (each answered with the frames that socket should get), and reports its audience.
 */
import { CLIENT_ERRORS } from "../api/codes";
import { fail, ok, type Result } from "../errors";
import { HISTORY_DEFAULT } from "../limits";
import { RING_SIZE, type StreamEntry } from "../live/ring";
import type { ForwardedFrame, ShardHello, ShardReport, ShardView } from "../live/shard-protocol";
import { NOT_FOUND, type RoomCore } from "./core";
import { edit, react, recall } from "./message-changes";
import { history, send, wireMessages } from "./messaging";
import { encode } from "./protocol";
import { activeOrNull } from "./restrictions";
import type { MessageRow, RoomMeta } from "./store";

/** What shards need to know of the room right now. */
export function liveView(room: RoomCore): ShardView {
  const meta = room.meta as RoomMeta;
  return {
    state: meta.state,
    hostId: meta.hostId,
    managers: room.rows.members.managers(),
    muteAll: meta.muteAll,
    slowModeSeconds: meta.slowModeSeconds,
    lastSeq: room.lastSeq,
    lastUpdateSeq: room.lastUpdateSeq,
    onlineCount: room.live?.onlineCount() ?? 0,
  };
}

/** A live room, or not_found. */
function liveRoom(room: RoomCore): Result<RoomMeta> {
  const meta = room.meta;
  return meta && meta.mode === "live" ? ok(meta) : fail("not_found", `${NOT_FOUND} (as a live room)`);
}

/** A shard starts: it gets the room's view, recent messages and updates, and every later broadcast. */
export function shardHello(room: RoomCore, index: number, now: number): Result<ShardHello> {
  const found = liveRoom(room);
  if (!found.ok) return found;
  const live = room.live;
  if (!live || !Number.isInteger(index) || index < 0 || index >= found.value.shards) {
    return fail("invalid_param", "index: not a shard of this room", { field: "index" });
  }
  room.write(now, () => room.rows.liveShards.activate(index, now));
  live.activate(index);
  // The ring covers every update after `updatesFrom`: at most RING_SIZE messages carry a later version.
  const updatesFrom = Math.max(0, room.lastUpdateSeq - RING_SIZE);
  return ok({
    ...live.position(index),
    view: liveView(room),
    restrictions: room.rows.restrictions.list().filter((restriction) => activeOrNull(restriction, now)),
    recent: messagesAfter(room, room.lastSeq - RING_SIZE),
    updates: updatesAfter(room, room.lastSeq, updatesFrom),
    updatesFrom,
  });
}

/**
 * What a shard is missing after `afterSeq` and `afterUpdateSeq` (a gap in its pushes, or a room that
 * restarted between a commit and its push): the messages, oldest first, then the current state of
 * the earlier messages changed since, as `message_update` frames.
 */
export function catchUp(room: RoomCore, afterSeq: number, afterUpdateSeq: number): StreamEntry[] {
  const through = Math.min(afterSeq, room.lastSeq);
  return [...messagesAfter(room, afterSeq), ...updatesAfter(room, through, afterUpdateSeq)];
}

/** Message frames after `afterSeq`, oldest first (at most RING_SIZE). */
function messagesAfter(room: RoomCore, afterSeq: number): StreamEntry[] {
  const rows = room.rows.messages.after(Math.max(0, afterSeq), RING_SIZE);
  return wireMessages(room, rows, null).map((message) => ({
    frame: encode({ type: "message", ...message }),
    seq: message.seq,
  }));
}

/** The current state of messages up to `through` changed after `afterUpdateSeq`, as update frames in update order. */
function updatesAfter(room: RoomCore, through: number, afterUpdateSeq: number): StreamEntry[] {
  if (afterUpdateSeq >= room.lastUpdateSeq) return [];
  const rows = room.rows.messages.changedSince(through, afterUpdateSeq, RING_SIZE);
  return wireMessages(room, rows, null).map((message, index) => {
    const updateSeq = (rows[index] as MessageRow).version;
    const change = message.deleted
      ? { deleted: true as const }
      : { content: message.content, editedAt: message.editedAt, reactions: message.reactions ?? [] };
    return { frame: encode({ type: "message_update", seq: message.seq, updateSeq, ...change }), updateSeq };
  });
}

/** A shard's audience report; a shard with no one left stops being pushed to. */
export function shardReport(room: RoomCore, index: number, report: ShardReport, now: number): Result<null> {
  const found = liveRoom(room);
  if (!found.ok) return found;
  if (report.online === 0) {
    room.write(now, () => room.rows.liveShards.deactivate(index));
    room.live?.deactivate(index);
  } else {
    // A report can overtake a hello: a shard with an audience is pushed to whatever came first.
    room.write(now, () => room.rows.liveShards.activate(index, now));
    room.live?.activate(index);
    room.live?.report(index, report);
  }
  return ok(null);
}

/**
 * Frames a shard forwards from its sockets, handled in order as the room would handle them from its
 * own sockets; the answer for each is the frames that socket gets back (ack, error, history).
 */
export function shardFrames(room: RoomCore, items: readonly ForwardedFrame[], now: number): string[][] {
  return items.map(({ userId, frame }) => {
    const actor = { kind: "user", userId } as const;
    switch (frame.type) {
      case "send": {
        const result = send(room, userId, frame, false, now);
        return [
          result.ok
            ? encode({ type: "ack", clientMsgId: frame.clientMsgId, ...result.value })
            : refusal(result, frame.clientMsgId),
        ];
      }
      case "history": {
        const result = history(room, actor, { before: frame.before, limit: frame.limit ?? HISTORY_DEFAULT }, now);
        return [result.ok ? encode({ type: "history", ...result.value }) : refusal(result)];
      }
      case "edit":
        return answered(edit(room, userId, frame.seq, frame.content, now));
      case "recall":
        return answered(recall(room, actor, frame.seq, now));
      case "react":
      case "unreact":
        return answered(react(room, userId, frame.seq, frame.emoji, frame.type === "react", now));
      default:
        // Typing and read markers stay in the shard: a live room's audience is not told who types.
        return [];
    }
  });
}

function answered(result: Result<unknown>): string[] {
  return result.ok ? [] : [refusal(result)];
}

function refusal(failure: Extract<Result<unknown>, { ok: false }>, clientMsgId?: string): string {
  return encode({
    type: "error",
    code: CLIENT_ERRORS[failure.kind].code,
    message: failure.message,
    clientMsgId,
    retryAfterSec: failure.retryAfterSec,
  });
}
