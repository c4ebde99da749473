/**
 * @module webhooks/events
 * The events edgeroom sends to the integrator's server (SPEC §8.4, like Wildfire's server callbacks):
 * one zod schema for the body the room writes to its webhook outbox, the queue carries, and the
 * consumer POSTs — a union over `type`, each with the shape of its `data`. `eventId` =
 * `chatroomId:eventSeq`, gapless per room, so a receiver dedupes and orders.
 */
import { z } from "@hono/zod-openapi";
import { WireMessage, WireRole } from "../room/protocol";

/** Every kind of event. A live room's audience is not per-viewer events: `online` is its count, coalesced. */
export const WebhookEventType = z.enum([
  "message",
  "edit",
  "recall",
  "reaction",
  "join",
  "leave",
  "kick",
  "ban",
  "unban",
  "mute",
  "unmute",
  "role",
  "room.started",
  "room.updated",
  "room.ended",
  "online",
]);
export type WebhookEventType = z.infer<typeof WebhookEventType>;

/** Who did it: a userId, "admin", or for automatic changes "expiry" / "handover". */
const By = z.string().openapi({ description: 'The acting userId, "admin", "expiry" or "handover"' });
const UserId = z.string();

/** A file a message carries, as the event names it (no URL: URLs expire). */
const EventAttachment = z.object({
  id: z.string(),
  contentType: z.string(),
  size: z.number().int(),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  name: z.string().nullable(),
});

/** What changed in a room (creation, an admin update, a settings change, a scheduled start). */
const RoomChange = z.object({
  created: z.literal(true).optional(),
  scheduled: z.literal(true).optional(),
  title: z.string().optional(),
  desc: z.string().optional(),
  portrait: z.string().optional(),
  extra: z.string().optional(),
  state: z.number().int().optional(),
  hostId: z.string().optional(),
  memberCount: z.number().int().optional(),
  startedAt: z.number().int().optional(),
  thumbnail: z.string().nullable().optional(),
  muteAll: z.boolean().optional(),
  slowModeSeconds: z.number().int().optional(),
  startAt: z.number().int().optional(),
  durationMinutes: z.number().int().nullable().optional(),
  by: By.optional(),
});

/** The `data` of each event type. */
const DATA = {
  message: WireMessage.extend({ admin: z.boolean(), attachments: z.array(EventAttachment).optional() }),
  edit: z.object({ seq: z.number().int(), senderId: UserId, content: z.string(), editedAt: z.number().int() }),
  recall: z.object({ seq: z.number().int(), senderId: UserId, by: By }),
  reaction: z.object({ seq: z.number().int(), userId: UserId, emoji: z.string(), added: z.boolean() }),
  join: z.object({ userId: UserId, by: By.optional() }),
  leave: z.object({ userId: UserId }),
  kick: z.object({ userId: UserId, by: By }),
  ban: z.object({ userId: UserId, until: z.number().int().nullable(), reason: z.string().nullable(), by: By }),
  unban: z.object({ userId: UserId, by: By }),
  mute: z.object({ userId: UserId, until: z.number().int().nullable(), reason: z.string().nullable(), by: By }),
  unmute: z.object({ userId: UserId, by: By }),
  role: z.object({ userId: UserId, role: WireRole, by: By }),
  "room.started": RoomChange,
  "room.updated": RoomChange,
  "room.ended": z.object({ reason: z.enum(["deleted", "timeUp", "empty"]) }),
  online: z.object({ count: z.number().int() }),
} as const satisfies Record<WebhookEventType, z.ZodType>;

const envelope = {
  eventId: z.string().openapi({ description: "chatroomId:eventSeq — unique, gapless per room" }),
  chatroomId: z.string(),
  eventSeq: z.number().int().min(1),
  /** When the change happened (epoch ms, the room's clock). */
  at: z.number().int(),
};

/** The event of one type: the envelope, the type, and that type's data. */
function variant<T extends WebhookEventType>(type: T) {
  return z.object({ ...envelope, type: z.literal(type), data: DATA[type] });
}

/** The body of one webhook delivery. */
export const WebhookEvent = z
  .discriminatedUnion("type", [
    variant("message"),
    variant("edit"),
    variant("recall"),
    variant("reaction"),
    variant("join"),
    variant("leave"),
    variant("kick"),
    variant("ban"),
    variant("unban"),
    variant("mute"),
    variant("unmute"),
    variant("role"),
    variant("room.started"),
    variant("room.updated"),
    variant("room.ended"),
    variant("online"),
  ])
  .openapi("WebhookEvent");
export type WebhookEvent = z.infer<typeof WebhookEvent>;
