/**
 * @module webhooks/queue
 * The Worker's queue handler (SPEC §8.4): batches of `edgeroom-webhooks` are delivered to WEBHOOK_URL;
 * batches of its dead-letter queue (any queue whose name ends in `-dlq`) are recorded in D1 for the
 * operator. A dead letter that cannot be recorded (D1 down) is retried by that queue with backoff.
 */
import { configProblem } from "../config";
import { readLimits } from "../limits";
import { recordDeadLetters } from "./dead-letters";
import { deliverBatch, eventIdOf, retryDelaySeconds } from "./deliver";

/** True for the dead-letter queue of the webhook queue. */
export function isDeadLetterQueue(queue: string): boolean {
  return queue.endsWith("-dlq");
}

/** Records a batch of dead letters; retries the whole batch when D1 refuses it. */
async function recordBatch(batch: MessageBatch, env: Env): Promise<void> {
  try {
    await recordDeadLetters(env.DB, batch.messages, Date.now());
    console.error(
      JSON.stringify({
        at: "webhooks",
        deadLetters: batch.messages.map((m) => eventIdOf(m.body)),
      }),
    );
    batch.ackAll();
  } catch (error) {
    const { webhookRetryBaseS, webhookRetryMaxS } = readLimits(env);
    const attempts = Math.max(...batch.messages.map((m) => m.attempts));
    console.error(JSON.stringify({ at: "webhooks", deadLettersNotRecorded: String(error), attempts }));
    retryEach(batch, retryDelaySeconds(attempts, webhookRetryBaseS, webhookRetryMaxS));
  }
}

/** Retries every message of a batch after `delaySeconds` (one by one: each keeps its own attempt count). */
function retryEach(batch: MessageBatch, delaySeconds: number): void {
  for (const message of batch.messages) message.retry({ delaySeconds });
}

/**
 * The `queue` export of the Worker. Deliveries wait (retried with backoff, never dropped) while the
 * configuration check refuses; there is no request here, so DEV_MODE alone stands for local development.
 */
export async function queue(batch: MessageBatch, env: Env): Promise<void> {
  if (isDeadLetterQueue(batch.queue)) return recordBatch(batch, env);
  const problem = configProblem(env, env.DEV_MODE === "true");
  if (problem === null) return deliverBatch(batch, env);
  const { webhookRetryBaseS, webhookRetryMaxS } = readLimits(env);
  const attempts = Math.max(...batch.messages.map((m) => m.attempts));
  console.error(JSON.stringify({ at: "webhooks", notDelivering: problem }));
  retryEach(batch, retryDelaySeconds(attempts, webhookRetryBaseS, webhookRetryMaxS));
}
