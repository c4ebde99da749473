/**
 * The room side of webhooks (SPEC §8.4): each event is recorded in the same transaction as its change
 * with the room's next event seq, then sent to the queue in batches; a refused change records nothing.
 */
import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { firstBatch } from "../../src/room/webhook-outbox";
import { newId } from "../helpers/admin";
import { api } from "../helpers/api";

/** The room's event counter and the events still waiting, once the outbox has drained (or after 5 s). */
async function drained(chatroomId: string): Promise<{ eventSeq: number; waiting: number }> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const state = await runInDurableObject(env.ROOMS.getByName(chatroomId), (_instance, storage) => ({
      eventSeq: Number(storage.storage.sql.exec<{ n: number }>("SELECT event_seq AS n FROM meta").one().n),
      waiting: Number(storage.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM webhook_outbox").one().n),
    }));
    if (state.waiting === 0 || Date.now() > deadline) return state;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("webhook outbox", () => {
  it("numbers events gaplessly, records none for a refused change, and drains to the queue", async () => {
    const host = newId("h");
    const created = await api("POST", "/chatroom", {
      as: host,
      body: { hostId: host, isOpen: false, users: [host, `${host}-a`, `${host}-b`] },
    });
    const id = String(created.body.data?.chatroomId);
    for (const content of ["one", "two"]) {
      await api("POST", `/chatrooms/${id}/messages`, { as: `${host}-a`, body: { clientMsgId: content, content } });
    }
    const refused = await api("POST", `/chatrooms/${id}/messages`, {
      as: `${host}-stranger`,
      body: { clientMsgId: "x", content: "x" },
    });
    expect(refused.status).toBe(403);
    await api("DELETE", `/chatrooms/${id}/members/${host}-b`, { as: host });
    // room.started, two messages, the kick: four events, nothing for the refusal, none left waiting.
    expect(await drained(id)).toEqual({ eventSeq: 4, waiting: 0 });
  });

  it("cuts batches at the queue's size limit, always sending at least one event", () => {
    const rows = Array.from({ length: 10 }, (_, i) => ({ eventSeq: i + 1, body: "x".repeat(30_000) }));
    expect(firstBatch(rows, 200 * 1024).map((row) => row.eventSeq)).toEqual([1, 2]);
    expect(firstBatch([{ eventSeq: 1, body: "y".repeat(500_000) }], 200 * 1024)).toHaveLength(1);
    expect(firstBatch([], 200 * 1024)).toEqual([]);
  });
});
