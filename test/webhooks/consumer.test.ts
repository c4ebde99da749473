/**
 * The Worker's queue handler on hand-made batches (SPEC §8.4): what it acknowledges and retries, with
 * which delays, against the real local receiver; the signature against an independent HMAC; the
 * configuration check; and the dead-letter consumer's D1 record, including a D1 failure.
 */
import { createExecutionContext, createMessageBatch, env, getQueueResult } from "cloudflare:test";
import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import { retryDelaySeconds } from "../../src/webhooks/deliver";
import type { WebhookEvent } from "../../src/webhooks/events";
import { webhookSignature } from "../../src/webhooks/sign";
import { admin, newId } from "../helpers/admin";

const receiver = new URL(env.WEBHOOK_URL).origin;

function event(chatroomId: string, eventSeq = 1): WebhookEvent {
  return {
    eventId: `${chatroomId}:${eventSeq}`,
    chatroomId,
    eventSeq,
    type: "join",
    at: Date.now(),
    data: { userId: "u" },
  };
}

async function steer(chatroomId: string, mode: Record<string, unknown>): Promise<void> {
  await fetch(`${receiver}/control/${encodeURIComponent(chatroomId)}`, { method: "PUT", body: JSON.stringify(mode) });
}

async function statuses(chatroomId: string): Promise<number[]> {
  const tries = (await (await fetch(`${receiver}/deliveries/${chatroomId}`)).json()) as { status: number }[];
  return tries.map((d) => d.status);
}

/** What the pool's batch recorded (its declared type is not in the non-experimental runtime types). */
interface QueueResult {
  ackAll: boolean;
  explicitAcks: string[];
  retryMessages: { msgId: string }[];
}

/** Runs the Worker's queue handler on one batch with `vars` over the pool's env; the ack/retry result. */
async function consume(
  queue: string,
  messages: { id: string; body: unknown; attempts: number }[],
  vars = {},
): Promise<QueueResult> {
  const batch = createMessageBatch(
    queue,
    messages.map((m) => ({ ...m, timestamp: new Date() })),
  );
  await worker.queue(batch, { ...env, ...vars });
  return (await getQueueResult(batch, createExecutionContext())) as QueueResult;
}

describe("the webhook consumer", () => {
  it("signs timestamp.body with HMAC-SHA256, as any receiver computes it", async () => {
    const body = JSON.stringify(event("room-1"));
    const expected = createHmac("sha256", "s3cret").update(`1700000000000.${body}`).digest("hex");
    expect(await webhookSignature("s3cret", "1700000000000", body)).toBe(`sha256=${expected}`);
  });

  it("backs off from the base delay, doubling, capped at the longest and at the Queues limit", () => {
    expect([1, 2, 3, 4, 7, 20].map((n) => retryDelaySeconds(n, 30, 1800))).toEqual([30, 60, 120, 240, 1800, 1800]);
    expect(retryDelaySeconds(1, 0, 1800)).toBe(0);
    expect(retryDelaySeconds(30, 60, 100_000)).toBe(43_200);
  });

  it("acknowledges 2xx and retries an error, a redirect and a receiver too slow to answer", async () => {
    const [ok, failing, moved, slow] = ["ok", "err", "moved", "slow"].map((tag) => newId(`c-${tag}`));
    await steer(failing ?? "", { status: 500 });
    await steer(moved ?? "", { status: 302 });
    await steer(slow ?? "", { delayMs: 1500 });
    const result = await consume(
      "edgeroom-webhooks",
      [
        { id: "a", body: event(ok ?? ""), attempts: 1 },
        { id: "b", body: event(failing ?? ""), attempts: 1 },
        { id: "c", body: event(moved ?? ""), attempts: 3 },
        { id: "d", body: event(slow ?? ""), attempts: 2 },
      ],
      { WEBHOOK_RETRY_BASE_S: "30", WEBHOOK_TIMEOUT_MS: "300" },
    );
    expect(result.explicitAcks).toEqual(["a"]);
    // (The pool's batch records which messages were retried, not their delays: retryDelaySeconds is tested above.)
    expect(result.retryMessages.map((m) => m.msgId).sort()).toEqual(["b", "c", "d"]);
    expect(await statuses(moved ?? "")).toEqual([302]);
  });

  it("delivers nothing while the configuration is unsafe, and keeps the events for later", async () => {
    const chatroomId = newId("c-cfg");
    for (const vars of [{ WEBHOOK_SECRET: "" }, { WEBHOOK_SECRET: "short" }, { WEBHOOK_URL: "ftp://x" }]) {
      const result = await consume("edgeroom-webhooks", [{ id: "m", body: event(chatroomId), attempts: 2 }], {
        ...vars,
        WEBHOOK_RETRY_BASE_S: "10",
      });
      expect([result.retryMessages.map((m) => m.msgId), result.explicitAcks]).toEqual([["m"], []]);
    }
    expect(await statuses(chatroomId)).toEqual([]);
  });

  it("records dead letters in D1 once, whatever the body, and retries the batch when D1 refuses it", async () => {
    const chatroomId = newId("c-dlq");
    const first = await consume("edgeroom-webhooks-dlq", [
      { id: "x1", body: event(chatroomId, 1), attempts: 1 },
      { id: "x2", body: event(chatroomId, 2), attempts: 1 },
      { id: "x3", body: "not an event", attempts: 1 },
    ]);
    expect(first.ackAll).toBe(true);
    // The dead-letter queue delivers at least once too: a repeat is the same record.
    await consume("edgeroom-webhooks-dlq", [{ id: "x1b", body: event(chatroomId, 1), attempts: 1 }]);
    type Page = { list: { eventId: string; eventSeq: number; type: string }[] };
    const page = await admin<Page>("/webhook/dead_letters", { limit: 100 });
    const mine = (page.result?.list ?? []).filter((l) => l.eventId.startsWith(chatroomId) || l.eventId === "x3");
    expect(mine.map((l) => [l.eventId, l.eventSeq, l.type]).sort()).toEqual([
      [`${chatroomId}:1`, 1, "join"],
      [`${chatroomId}:2`, 2, "join"],
      ["x3", 0, "unknown"],
    ]);
    await env.DB.exec("ALTER TABLE webhook_dead_letters RENAME TO webhook_dead_letters_away");
    try {
      const refused = await consume("edgeroom-webhooks-dlq", [{ id: "y", body: event(newId("c-y")), attempts: 3 }], {
        WEBHOOK_RETRY_BASE_S: "5",
      });
      expect([refused.retryMessages.map((m) => m.msgId), refused.ackAll]).toEqual([["y"], false]);
    } finally {
      await env.DB.exec("ALTER TABLE webhook_dead_letters_away RENAME TO webhook_dead_letters");
    }
  });
});
