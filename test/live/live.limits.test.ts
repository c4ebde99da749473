/**
 * The per-user and per-socket limits of SPEC §8.1 in a live room, at their defaults: enforced by the
 * shard that holds the user's sockets (all of one user's sockets share it), never by the room object.
 */
import { describe, expect, it } from "vitest";
import { newId } from "../helpers/admin";
import { liveRoom, onShard, roomWork, say, viewersOnShards } from "../helpers/live";
import { type Frame, floodUntilClosed, openRawSockets, upgrade } from "../helpers/socket";

const count = (frames: Frame[], code: string) =>
  frames.filter((frame) => frame.type === "error" && frame.code === code).length;

describe("limits on a shard", () => {
  it("refuses a user's sixth open socket (429, Retry-After) and their eleventh connect in 10 s; a neighbour on the same shard connects", async () => {
    const id = await liveRoom(2);
    const prefix = newId("lim");
    const [user, neighbour] = [onShard(`${prefix}-u`, 2, 1), onShard(`${prefix}-n`, 2, 1)];
    const open = await openRawSockets(id, user, 5);
    const sixth = await upgrade(id, user);
    expect(sixth.status).toBe(429);
    expect(Number(sixth.headers.get("retry-after"))).toBe(5);
    expect(((await sixth.json()) as { code: string }).code).toBe("RATE_LIMITED");
    for (const socket of open) socket.close(1000, "bye");
    // Five connects so far: five more are admitted, the eleventh in the window is not.
    for (let i = 0; i < 5; i++) {
      const res = await upgrade(id, user);
      expect(res.status, `connect ${6 + i}`).toBe(101);
      (res.webSocket as WebSocket).accept();
      (res.webSocket as WebSocket).close(1000, "bye");
    }
    const eleventh = await upgrade(id, user);
    expect(eleventh.status).toBe(429);
    expect(Number(eleventh.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect((await upgrade(id, neighbour)).status).toBe(101);
    // The room object holds no socket and was not asked per connect: it knows the shard only.
    expect((await roomWork(id)).sockets).toBe(0);
  });

  it("answers a flood of sends with one RATE_LIMITED notice a second on the shard, stores only what the send bucket admits, and other viewers are not held up", async () => {
    const id = await liveRoom(2);
    const [f, o] = await viewersOnShards(id, 2, [0, 1]);
    const started = Date.now();
    for (let i = 0; i < 30; i++) f.send({ type: "send", clientMsgId: `f${i}`, content: `flood ${i}` });
    // The send burst is 10: ten acks; the rest are refused, told at most once a second.
    const acks: Frame[] = [];
    while (acks.length < 10) acks.push(await f.next("ack"));
    const otherAck = await say(o, "still here");
    expect(otherAck.seq).toBe(11);
    const elapsed = Date.now() - started;
    expect(count(f.pending, "RATE_LIMITED")).toBeGreaterThanOrEqual(1);
    expect(count(f.pending, "RATE_LIMITED")).toBeLessThanOrEqual(1 + Math.ceil(elapsed / 1000));
    expect(f.pending.filter((frame) => frame.type === "ack")).toEqual([]);
  });

  it("closes a socket that stays over its frame budget on a shard with 4008 after OVER_BUDGET_CLOSE_MS, with one notice a second meanwhile, and only that socket", async () => {
    const id = await liveRoom(2);
    const [f, o] = await viewersOnShards(id, 2, [0, 0]);
    const started = Date.now();
    expect(await floodUntilClosed(f)).toMatchObject({ code: 4008 });
    const elapsed = Date.now() - started;
    // The first 40 frames (the burst) are answered as bad frames; after that, one notice a second.
    expect(count(f.pending, "BAD_REQUEST")).toBeLessThanOrEqual(40 + Math.ceil((elapsed / 1000) * 20));
    expect(count(f.pending, "RATE_LIMITED")).toBeLessThanOrEqual(1 + Math.ceil(elapsed / 1000));
    expect(o.ws.readyState).toBe(WebSocket.READY_STATE_OPEN);
    expect(await say(o, "after-abuse")).toMatchObject({ duplicate: false });
  });
});
