/**
 * The room's send budget (SPEC §8.1 ROOM_SENDS_PER_SEC, §8.6): beyond it sends are shed with
 * ROOM_BUSY and a retry hint, so the room stores and fans out only what it can. The limits project
 * lowers the budget to 20 per second so that three senders exhaust it.
 */
import { describe, expect, it } from "vitest";
import { newId } from "../helpers/admin";
import { api, closedRoom } from "../helpers/api";
import { connect, type Frame } from "../helpers/socket";

/** A closed room with three senders besides its host. */
async function roomOfThreeSenders(): Promise<{ id: string; senders: string[] }> {
  const host = newId("h");
  const senders = [0, 1, 2].map((i) => `${host}-s${i}`);
  return { id: await closedRoom(host, senders), senders };
}

describe("room send budget", () => {
  it("sheds sends beyond ROOM_SENDS_PER_SEC with ROOM_BUSY, keeping the sequence gapless", async () => {
    const { id, senders } = await roomOfThreeSenders();
    const sockets = await Promise.all(senders.map((user) => connect(id, user)));
    for (const socket of sockets) await socket.next("welcome");
    // Each sender's burst (SEND_BURST 10) passes its own limit: 30 sends against a room budget of 20.
    sockets.forEach((socket, s) => {
      for (let i = 0; i < 10; i++) socket.send({ type: "send", clientMsgId: `s${s}-${i}`, content: `m${s}-${i}` });
      socket.send({ type: "history", limit: 1 });
    });
    const replies: Frame[] = [];
    for (const socket of sockets) {
      for (;;) {
        const frame = await socket.next();
        if (frame.type === "history") break;
        if (frame.type === "ack" || frame.type === "error") replies.push(frame);
      }
    }
    const acks = replies.filter((frame) => frame.type === "ack");
    const busy = replies.filter((frame) => frame.type === "error");
    expect(acks.length).toBeGreaterThanOrEqual(20);
    expect(acks.length).toBeLessThan(30);
    expect(acks.map((ack) => Number(ack.seq)).sort((a, b) => a - b)).toEqual(acks.map((_, i) => i + 1));
    // At most one notice per socket per second, each ROOM_BUSY with a retry hint.
    expect(busy.length).toBeGreaterThanOrEqual(1);
    expect(busy.length).toBeLessThanOrEqual(sockets.length * 2);
    expect(busy.every((frame) => frame.code === "ROOM_BUSY" && Number(frame.retryAfterSec) >= 1)).toBe(true);
  });

  it("answers HTTP sends beyond the budget with 429 ROOM_BUSY and Retry-After", async () => {
    const { id, senders } = await roomOfThreeSenders();
    const sends = senders.flatMap((user) =>
      Array.from({ length: 10 }, (_, i) =>
        api("POST", `/chatrooms/${id}/messages`, { as: user, body: { clientMsgId: `h${i}`, content: "x" } }),
      ),
    );
    const replies = await Promise.all(sends);
    const busy = replies.filter((reply) => reply.status === 429);
    expect(replies.filter((reply) => reply.status === 201).length).toBeGreaterThanOrEqual(20);
    expect(busy.length).toBeGreaterThanOrEqual(1);
    for (const reply of busy) {
      expect(reply.body.code).toBe("ROOM_BUSY");
      expect(Number(reply.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    }
  });
});
