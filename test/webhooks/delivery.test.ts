/**
 * Webhook delivery (SPEC §8.4) end to end in the pool: rooms record events, the real local queue hands
 * them to the Worker's consumer, which POSTs them to a real local receiver (started by vitest.config.ts,
 * steered over HTTP) that verifies each signature. Retries run at once here (WEBHOOK_RETRY_BASE_S=0).
 */
import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { png } from "../../e2e/images.mjs";
import { WebhookEvent } from "../../src/webhooks/events";
import { admin, newId } from "../helpers/admin";
import { api, roleRoom } from "../helpers/api";
import { upload } from "../helpers/attachments";
import { nonConformance } from "../helpers/conformance";

/** One try as the receiver saw it. */
interface Delivery {
  event: { eventId: string; chatroomId: string; eventSeq: number; type: string; data: Record<string, unknown> };
  status: number;
  verified: boolean;
  fresh: boolean;
  attemptHeader: number;
  eventIdHeader: string;
  contentType: string;
}

const receiver = new URL(env.WEBHOOK_URL).origin;

async function deliveries(chatroomId: string): Promise<Delivery[]> {
  return (await (await fetch(`${receiver}/deliveries/${encodeURIComponent(chatroomId)}`)).json()) as Delivery[];
}

async function steer(chatroomId: string, mode: Record<string, unknown>): Promise<void> {
  await fetch(`${receiver}/control/${encodeURIComponent(chatroomId)}`, { method: "PUT", body: JSON.stringify(mode) });
}

/** Polls the receiver (a real background effect) until `done` holds for a room's tries, or 15 s pass. */
async function waitFor(chatroomId: string, done: (tries: Delivery[]) => boolean): Promise<Delivery[]> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const tries = await deliveries(chatroomId);
    if (done(tries) || Date.now() > deadline) return tries;
    await new Promise((wake) => setTimeout(wake, 100));
  }
}

/** The room's event counter (how many events it recorded). */
async function eventSeqOf(chatroomId: string): Promise<number> {
  return runInDurableObject(env.ROOMS.getByName(chatroomId), (_instance, state) =>
    Number(state.storage.sql.exec<{ n: number }>("SELECT event_seq AS n FROM meta").one().n),
  );
}

const acknowledged = (tries: Delivery[]) =>
  new Map(tries.filter((d) => d.status === 204).map((d) => [d.event.eventId, d.event]));

describe("webhook delivery", () => {
  it("delivers every event of a scripted session once, signed, numbered 1..n without gaps", async () => {
    const r = await roleRoom();
    const id = r.id;
    const up = await upload(id, r.member, png(2, 2), "image/png");
    const sent = await api("POST", `/chatrooms/${id}/messages`, {
      as: r.member,
      body: { clientMsgId: "m1", content: "hello", attachments: [String(up.body.data?.attachmentId)] },
    });
    expect(sent.status).toBe(201);
    await api("PATCH", `/chatrooms/${id}/messages/1`, { as: r.member, body: { content: "hello!" } });
    await api("PUT", `/chatrooms/${id}/messages/1/reactions/${encodeURIComponent("👍")}`, { as: r.other });
    await api("DELETE", `/chatrooms/${id}/messages/1`, { as: r.member });
    await api("DELETE", `/chatrooms/${id}/restrictions/${r.muted}`, { as: r.host });
    await api("DELETE", `/chatrooms/${id}/restrictions/${r.banned}`, { as: r.host });
    await api("PUT", `/chatrooms/${id}/settings`, { as: r.host, body: { title: "Renamed" } });
    await api("DELETE", `/chatrooms/${id}/members/${r.other}`, { as: r.host });
    await api("POST", `/chatrooms/${id}/leave`, { as: r.member });
    expect((await admin("/chatroom/del", { chatroomId: id })).code).toBe(0);
    const total = await eventSeqOf(id);
    const tries = await waitFor(id, (t) => acknowledged(t).size >= total);
    const events = [...acknowledged(tries).values()].sort((a, b) => a.eventSeq - b.eventSeq);
    expect(events.map((e) => e.eventSeq)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    expect(events.every((e) => e.eventId === `${id}:${e.eventSeq}` && e.chatroomId === id)).toBe(true);
    expect(tries.every((d) => d.verified && d.fresh && d.contentType === "application/json")).toBe(true);
    // Every event has exactly the documented shape of its type (strictly: no undeclared field).
    for (const e of events) expect(nonConformance(WebhookEvent, e), e.type).toBeNull();
    expect(tries.every((d) => d.eventIdHeader === d.event.eventId && d.attemptHeader >= 1)).toBe(true);
    const types = events.map((e) => e.type);
    for (const type of ["room.started", "role", "mute", "ban", "message", "edit", "reaction", "recall"]) {
      expect(types, type).toContain(type);
    }
    for (const type of ["unmute", "unban", "room.updated", "kick", "leave", "room.ended"])
      expect(types, type).toContain(type);
    const message = events.find((e) => e.type === "message");
    expect(message?.data).toMatchObject({ seq: 1, senderId: r.member, content: "hello", admin: false });
    expect(message?.data.attachments).toEqual([
      {
        id: up.body.data?.attachmentId,
        contentType: "image/png",
        size: png(2, 2).length,
        width: 2,
        height: 2,
        name: null,
      },
    ]);
  });

  it("keeps retrying a receiver that fails the first three tries, which then gets the event", async () => {
    const chatroomId = newId("wh-retry");
    await steer(chatroomId, { failFirst: 3 });
    expect((await admin("/chatroom/create", { chatroomId, title: "Retry" })).code).toBe(0);
    const tries = await waitFor(chatroomId, (t) => t.some((d) => d.status === 204));
    expect(tries.map((d) => [d.event.eventSeq, d.status, d.attemptHeader])).toEqual([
      [1, 500, 1],
      [1, 500, 2],
      [1, 500, 3],
      [1, 204, 4],
    ]);
  });

  it("dead-letters an event the receiver never takes; the admin API lists it and sends it again", async () => {
    const chatroomId = newId("wh-dead");
    await steer(chatroomId, { down: true });
    expect((await admin("/chatroom/create", { chatroomId, title: "Down" })).code).toBe(0);
    const eventId = `${chatroomId}:1`;
    type Page = { total: number; list: { eventId: string; chatroomId: string; type: string; event: unknown }[] };
    const deadline = Date.now() + 30_000;
    let listed: Page["list"][number] | undefined;
    while (listed === undefined && Date.now() < deadline) {
      const page = await admin<Page>("/webhook/dead_letters", { limit: 100 });
      listed = page.result?.list.find((letter) => letter.eventId === eventId);
      if (listed === undefined) await new Promise((wake) => setTimeout(wake, 200));
    }
    expect(listed).toMatchObject({ eventId, chatroomId, type: "room.started" });
    // max_retries = 10 in wrangler.toml: eleven tries, all refused, before the dead-letter queue.
    const tries = await deliveries(chatroomId);
    expect(tries.map((d) => d.status)).toEqual(new Array(11).fill(503));
    await steer(chatroomId, {});
    const again = await admin<{ redelivered: string[]; missing: string[] }>("/webhook/redeliver", {
      eventIds: [eventId, "nope:1"],
    });
    expect(again.result).toEqual({ redelivered: [eventId], missing: ["nope:1"] });
    const after = await waitFor(chatroomId, (t) => t.some((d) => d.status === 204));
    expect(after.at(-1)).toMatchObject({ status: 204, event: { eventId } });
    const page = await admin<Page>("/webhook/dead_letters", {});
    expect(page.result?.list.some((letter) => letter.eventId === eventId)).toBe(false);
  }, 40_000);
});
