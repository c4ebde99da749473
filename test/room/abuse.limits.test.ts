/**
 * One hostile member must not hurt anyone else (SPEC §8.1), with the limits at their defaults: floods
 * of typing, history and garbage frames, too many sockets, too many connects. Each test measures what
 * the other members see while the flood runs.
 */
import { describe, expect, it } from "vitest";
import { newId } from "../helpers/admin";
import { closedRoom } from "../helpers/api";
import { connect, type Frame, floodUntilClosed, openRawSockets, type TestSocket, upgrade } from "../helpers/socket";

/** A closed room with `members` members besides its host; `users` lists the host first. */
async function room(members: number): Promise<{ id: string; users: string[] }> {
  const host = newId("h");
  const others = Array.from({ length: members }, (_, i) => `${host}-u${i}`);
  return { id: await closedRoom(host, others), users: [host, ...others] };
}

async function joined(id: string, userId: string): Promise<TestSocket> {
  const socket = await connect(id, userId);
  await socket.next("welcome");
  return socket;
}

/** Sends a message and resolves with the ms until its ack. */
async function timedSend(socket: TestSocket, clientMsgId: string): Promise<number> {
  const started = Date.now();
  socket.send({ type: "send", clientMsgId, content: clientMsgId });
  for (;;) {
    // next("ack") leaves the other frames queued, for the test to count.
    const frame = await socket.next("ack", 5000);
    if (frame.clientMsgId === clientMsgId) return Date.now() - started;
  }
}

function count(frames: Frame[], type: string): number {
  return frames.filter((frame) => frame.type === type).length;
}

describe("floods by one member", () => {
  it("300 typing frames: the others get at most one typing per 2 s from the flooder, and their sends are acked at once", async () => {
    const { id, users } = await room(2);
    const [, flooder, other] = users as [string, string, string];
    const f = await joined(id, flooder);
    const o = await joined(id, other);
    await o.next("presence").catch(() => undefined);
    // The same send on the same machine without a flood: a loaded machine slows both alike.
    const quietMs = await timedSend(o, "before-typing-flood");
    const started = Date.now();
    for (let i = 0; i < 300; i++) f.send({ type: "typing" });
    const ackMs = await timedSend(o, "during-typing-flood");
    expect(ackMs).toBeLessThan(Math.max(1000, 10 * quietMs));
    // The first typing of the flood reaches the others (whenever the room handled it); the rest do not.
    const first = await o.next("typing");
    const typing = [first, ...o.pending.filter((frame) => frame.type === "typing")];
    expect(typing.every((frame) => frame.userId === flooder)).toBe(true);
    expect(typing.length).toBeLessThanOrEqual(1 + Math.floor((Date.now() - started) / 2000));
    // The flooder hears about it once, not 260 times.
    f.send({ type: "read", seq: 0 });
    expect(count(f.pending, "error")).toBeLessThanOrEqual(1 + Math.floor((Date.now() - started) / 1000));
  });

  it("300 history frames: two answers a second at most, one notice a second, and the others are not held up", async () => {
    const { id, users } = await room(2);
    const [, flooder, other] = users as [string, string, string];
    const f = await joined(id, flooder);
    const o = await joined(id, other);
    const quietMs = await timedSend(o, "before-history-flood");
    const started = Date.now();
    for (let i = 0; i < 300; i++) f.send({ type: "history", limit: 100 });
    expect(await timedSend(o, "during-history-flood")).toBeLessThan(Math.max(1000, 10 * quietMs));
    await f.next("history");
    const elapsed = Date.now() - started;
    const answers = 1 + count(f.pending, "history");
    expect(answers).toBeLessThanOrEqual(2 + Math.ceil(elapsed / 500));
    const notices = f.pending.filter((frame) => frame.type === "error");
    expect(notices.every((frame) => frame.code === "RATE_LIMITED" && Number(frame.retryAfterSec) >= 1)).toBe(true);
    expect(notices.length).toBeLessThanOrEqual(1 + Math.ceil(elapsed / 1000));
  });

  it("closes a socket that stays over its frame budget for OVER_BUDGET_CLOSE_MS with 4008, and only that socket", async () => {
    const { id, users } = await room(2);
    const [, flooder, other] = users as [string, string, string];
    const f = await joined(id, flooder);
    const o = await joined(id, other);
    expect(await floodUntilClosed(f)).toMatchObject({ code: 4008 });
    expect(await timedSend(o, "after-abuse")).toBeLessThan(1000);
  });
});

describe("connections per user", () => {
  it("refuses a sixth open socket of one user with 429 and Retry-After, before the upgrade", async () => {
    const { id, users } = await room(1);
    const user = users[1] as string;
    await openRawSockets(id, user, 5);
    const sixth = await upgrade(id, user);
    expect(sixth.status).toBe(429);
    expect(Number(sixth.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(((await sixth.json()) as { code: string }).code).toBe("RATE_LIMITED");
    // Another user is not affected.
    expect((await upgrade(id, users[0] as string)).status).toBe(101);
  });

  it("refuses the eleventh connect of one user within 10 s with 429 and the wait in Retry-After", async () => {
    const { id, users } = await room(1);
    const user = users[1] as string;
    for (let i = 0; i < 10; i++) {
      const res = await upgrade(id, user);
      expect(res.status).toBe(101);
      const ws = res.webSocket as WebSocket;
      ws.accept();
      const closed = new Promise((resolve) => ws.addEventListener("close", resolve));
      ws.close(1000, "bye");
      await closed;
    }
    const eleventh = await upgrade(id, user);
    expect(eleventh.status).toBe(429);
    const wait = Number(eleventh.headers.get("retry-after"));
    expect(wait).toBeGreaterThanOrEqual(1);
    expect(wait).toBeLessThanOrEqual(10);
  });
});
