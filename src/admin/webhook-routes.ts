/**
 * @module admin/webhook-routes
 * Admin routes over webhook dead letters (SPEC §8.4): events the integrator's endpoint never
 * acknowledged within the retries, recorded by the dead-letter queue's consumer. List them; send chosen
 * ones again (to the webhook queue, with fresh retries), which removes them from the list once queued.
 */
import { OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../env";
import { bodyLimitGuard, validationHook } from "../validation";
import { dropDeadLetters, findDeadLetters, listDeadLetters } from "../webhooks/dead-letters";
import { WebhookEvent } from "../webhooks/events";
import { adminRoute, envelope, success } from "./envelope";
import { absent } from "./schemas";

/** Dead letters per page, and event ids per redelivery (the Queues batch limit is 100 messages). */
export const DEAD_LETTERS_PAGE_MAX = 100;

/** POST /admin/webhook/dead_letters: a page, oldest first. */
export const DeadLettersQuery = z
  .object({
    offset: absent(z.number().int().min(0).max(Number.MAX_SAFE_INTEGER)),
    limit: absent(z.number().int().min(1).max(DEAD_LETTERS_PAGE_MAX)),
  })
  .openapi("AdminDeadLettersQuery");

/** One dead letter: the event as it would have been delivered, and when it was given up. */
export const DeadLetter = z
  .object({
    eventId: z.string(),
    chatroomId: z.string(),
    eventSeq: z.number().int(),
    type: z.string(),
    deadAt: z.number().int().openapi({ description: "When the dead-letter queue recorded it (epoch ms)" }),
    event: WebhookEvent.nullable().openapi({ description: "The event as queued (null if the body was not one)" }),
  })
  .openapi("AdminDeadLetter");

/** Its result. */
export const DeadLetterPage = z
  .object({ total: z.number().int(), list: z.array(DeadLetter) })
  .openapi("AdminDeadLetters");

/** POST /admin/webhook/redeliver. */
export const RedeliverBody = z
  .object({ eventIds: z.array(z.string().min(1).max(200)).min(1).max(DEAD_LETTERS_PAGE_MAX) })
  .openapi("AdminRedeliver");

/** Its result: the events queued again, and the ids that are not (or no longer) dead letters, or not events. */
export const Redelivered = z
  .object({ redelivered: z.array(z.string()), missing: z.array(z.string()) })
  .openapi("AdminRedelivered");

/** The routes, mounted into the admin app at its root. */
export const adminWebhookApp = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
adminWebhookApp.use("*", bodyLimitGuard);

adminWebhookApp.openapi(
  adminRoute(
    "/webhook/dead_letters",
    DeadLettersQuery,
    envelope(DeadLetterPage),
    "Webhook events that exhausted their retries",
  ),
  async (c) => {
    const { offset = 0, limit = 50 } = c.req.valid("json");
    return success(c, await listDeadLetters(c.env.DB, offset, limit));
  },
);

adminWebhookApp.openapi(
  adminRoute(
    "/webhook/redeliver",
    RedeliverBody,
    envelope(Redelivered),
    "Queue dead letters for delivery again (fresh retries)",
  ),
  async (c) => {
    const { eventIds } = c.req.valid("json");
    const found = await findDeadLetters(c.env.DB, [...new Set(eventIds)]);
    // Queued first, then forgotten: a failure in between leaves them listed (and a receiver dedupes).
    if (found.length > 0)
      await c.env.WEBHOOKS.sendBatch(found.map(({ event }) => ({ body: event, contentType: "json" })));
    const redelivered = found.map((letter) => letter.eventId);
    await dropDeadLetters(c.env.DB, redelivered);
    return success(c, { redelivered, missing: eventIds.filter((id) => !redelivered.includes(id)) });
  },
);
