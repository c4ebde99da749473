/**
 * @module webhooks/events
 * The events edgeroom sends to the integrator's server (SPEC §8.4, like Wildfire's server callbacks):
 * one zod schema for the body the room writes to its webhook outbox, the queue carries, and the
 * consumer POSTs. `eventId` = `chatroomId:eventSeq`, gapless per room, so a receiver dedupes and orders.
 */
import { z } from "@hono/zod-openapi";

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

/** The body of one webhook delivery. */
export const WebhookEvent = z
  .object({
    eventId: z.string().openapi({ description: "chatroomId:eventSeq — unique, gapless per room" }),
    chatroomId: z.string(),
    eventSeq: z.number().int().min(1),
    type: WebhookEventType,
    /** When the change happened (epoch ms, the room's clock). */
    at: z.number().int(),
    data: z.record(z.string(), z.unknown()),
  })
  .openapi("WebhookEvent");
export type WebhookEvent = z.infer<typeof WebhookEvent>;
