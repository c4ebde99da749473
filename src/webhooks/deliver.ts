/**
 * @module webhooks/deliver
 * The queue consumer's delivery (SPEC §8.4): each event of a batch is POSTed as JSON to WEBHOOK_URL,
 * signed, within WEBHOOK_TIMEOUT_MS; a 2xx acknowledges it, anything else (another status, a redirect,
 * a timeout, a network error) retries it with exponential backoff through the queue. After the
 * consumer's max_retries the platform moves it to the dead-letter queue. At least once: a receiver
 * that answered 2xx too late, or whose answer was lost, gets the event again and dedupes by eventId.
 */
import { readLimits } from "../limits";
import { webhookSignature } from "./sign";

/** The Queues limit on a retry delay (12 hours). */
const MAX_DELAY_S = 43_200;

/** Seconds before the next try of a message delivered `attempts` times: base, doubling, capped at max. */
export function retryDelaySeconds(attempts: number, baseS: number, maxS: number): number {
  const delay = baseS * 2 ** Math.max(0, attempts - 1);
  return Math.max(0, Math.min(delay, maxS, MAX_DELAY_S));
}

/** How one POST went. */
export type DeliveryOutcome = { ok: true; status: number } | { ok: false; problem: string };

/** The headers and body of one delivery. */
export interface Delivery {
  url: string;
  secret: string;
  body: string;
  eventId: string;
  attempt: number;
  timeoutMs: number;
}

/** POSTs one event; never throws. Redirects are not followed: a receiver answers where it is configured. */
export async function postEvent(delivery: Delivery, now: number): Promise<DeliveryOutcome> {
  const timestamp = String(now);
  try {
    const response = await fetch(delivery.url, {
      method: "POST",
      redirect: "manual",
      signal: AbortSignal.timeout(delivery.timeoutMs),
      headers: {
        "content-type": "application/json",
        "user-agent": "edgeroom-webhooks",
        "x-edgeroom-timestamp": timestamp,
        "x-edgeroom-signature": await webhookSignature(delivery.secret, timestamp, delivery.body),
        "x-edgeroom-event-id": delivery.eventId,
        "x-edgeroom-attempt": String(delivery.attempt),
      },
      body: delivery.body,
    });
    // The answer's body is not needed; cancel it so the connection is released.
    await response.body?.cancel();
    return response.status >= 200 && response.status < 300
      ? { ok: true, status: response.status }
      : { ok: false, problem: `HTTP ${response.status}` };
  } catch (error) {
    return { ok: false, problem: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  }
}

/** The eventId of a queued body, for headers and logs. */
export function eventIdOf(body: unknown): string {
  const id = typeof body === "object" && body !== null ? (body as { eventId?: unknown }).eventId : undefined;
  return typeof id === "string" ? id : "unknown";
}

/** Delivers a batch of queued events (configuration already checked): each is acknowledged or retried on its own. */
export async function deliverBatch(batch: MessageBatch, env: Env): Promise<void> {
  const limits = readLimits(env);
  await Promise.all(
    batch.messages.map(async (message) => {
      const eventId = eventIdOf(message.body);
      const delivery = {
        url: env.WEBHOOK_URL,
        secret: env.WEBHOOK_SECRET,
        body: JSON.stringify(message.body),
        eventId,
        attempt: message.attempts,
        timeoutMs: limits.webhookTimeoutMs,
      };
      const outcome = await postEvent(delivery, Date.now());
      if (outcome.ok) return message.ack();
      const delaySeconds = retryDelaySeconds(message.attempts, limits.webhookRetryBaseS, limits.webhookRetryMaxS);
      console.error(
        JSON.stringify({ at: "webhooks", eventId, attempt: message.attempts, problem: outcome.problem, delaySeconds }),
      );
      message.retry({ delaySeconds });
    }),
  );
}
