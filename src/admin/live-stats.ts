/**
 * @module admin/live-stats
 * Per-object work counters of a room (edgeroom extension, SPEC §8.5 "Targets"): what the room object
 * did (messages sequenced, pushes to shards, socket writes) and what each of its shards did (pushes
 * received, entries delivered, frames forwarded, socket writes). It shows the live-room property — the
 * room does no work per viewer on the message path — and feeds the bench's `live-N` scenario. The
 * Worker gathers the shards with one RPC each, so the room object answers for itself alone.
 * Mounted into the admin app, so the signature, body limit and envelope apply.
 */
import { OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../env";
import { unwrap } from "../errors";
import { shardName } from "../live/shard-of";
import { validationHook } from "../validation";
import { adminRoute, envelope, success } from "./envelope";
import { ChatroomRef } from "./schemas";

const Count = z.number().int().min(0);

/** The room object's counters since it started (they restart at zero with the object). */
export const RoomWork = z
  .object({
    lastSeq: Count.openapi({ description: "The sequencer's position: messages stored so far" }),
    sockets: Count.openapi({ description: "Sockets this object holds (none in a live room: its shards hold them)" }),
    online: Count.openapi({ description: "Distinct users among those sockets" }),
    socketWrites: Count.openapi({ description: "Frames or `batch` frames this object wrote to a socket" }),
    fanout: z
      .object({
        broadcasts: Count.openapi({ description: "Frames broadcast to the room's audience" }),
        pushes: Count.openapi({ description: "Push RPCs to shards (retries included)" }),
        reports: Count.openapi({ description: "Audience reports received from shards" }),
        activeShards: z.array(Count).openapi({ description: "Shards being pushed to" }),
        fromShards: z.object({
          calls: Count.openapi({ description: "RPCs from shards (hello, forwarded frames, reports, catch-up)" }),
          frames: Count.openapi({ description: "Client frames the shards forwarded" }),
        }),
      })
      .nullable()
      .openapi({ description: "A live room's fan-out through its shards; null in a normal room" }),
  })
  .openapi("AdminRoomWork");

/** One shard object's counters since it started. */
export const ShardWork = z
  .object({
    index: Count,
    pushes: Count.openapi({ description: "Pushes received from the room (duplicates ignored)" }),
    entries: Count.openapi({ description: "Stream entries (messages and updates) fanned out" }),
    deliveries: Count.openapi({ description: "Frames delivered: each entry once per socket it reached" }),
    forwarded: Count.openapi({ description: "Client frames forwarded to the room" }),
    batches: Count.openapi({ description: "Forwarding RPCs to the room" }),
    sockets: Count,
    online: Count,
    socketWrites: Count.openapi({ description: "Frames or `batch` frames written to a socket" }),
  })
  .openapi("AdminShardWork");

/** POST /admin/chatroom/live_stats result. */
export const LiveStats = z
  .object({
    chatroomId: z.string(),
    mode: z.enum(["normal", "live"]),
    room: RoomWork,
    shards: z
      .array(ShardWork)
      .openapi({ description: "Every shard of a live room in index order; [] in a normal room" }),
  })
  .openapi("AdminLiveStats");

const liveStatsRoute = adminRoute(
  "/chatroom/live_stats",
  ChatroomRef,
  envelope(LiveStats),
  "Work counters of the room object and of each of its shards (edgeroom extension; 253 for an unknown room)",
);

/** The route, mounted into the admin app at its root. */
export const adminStatsApp = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

adminStatsApp.openapi(liveStatsRoute, async (c) => {
  const { chatroomId } = c.req.valid("json");
  const { mode, shards: count, ...room } = unwrap(await c.env.ROOMS.getByName(chatroomId).workCounters());
  const indexes = mode === "live" ? Array.from({ length: count }, (_, index) => index) : [];
  const shards = await Promise.all(
    indexes.map(async (index) => ({
      index,
      ...unwrap(await c.env.SHARDS.getByName(shardName(chatroomId, index)).workCounters()),
    })),
  );
  return success(c, { chatroomId, mode, room, shards });
});
