/**
 * The property of SPEC §8.5 and issue 17: the room object never does per-viewer work on the message
 * path. Many viewers across shards; after N messages, the objects' own work counters show the room
 * pushed at most once per shard per broadcast (fewer when batched) and held no socket, and the shards'
 * deliveries add up to exactly what the viewers received.
 */
import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { shardName, shardOf } from "../../src/live/shard-of";
import { admin, newId } from "../helpers/admin";
import { eventually, liveRoom, roomWork, say, viewer } from "../helpers/live";
import type { TestSocket } from "../helpers/socket";

const SHARDS = 8;
const VIEWERS = 128;
const TALKERS = 4;
const PER_TALKER = 5;
const MESSAGES = TALKERS * PER_TALKER;

/** Frames that reach a socket through the room's pushes (not the shard's own answers to that socket). */
const PUSHED = new Set(["message", "online", "message_update", "reaction", "moderation", "member", "room"]);

async function shardWork(chatroomId: string, index: number) {
  const answer = await env.SHARDS.getByName(shardName(chatroomId, index)).workCounters();
  if (!answer.ok) throw new Error(answer.message);
  return answer.value;
}

describe("per-viewer work on the message path", () => {
  it(`${VIEWERS} viewers on ${SHARDS} shards, ${MESSAGES} messages: the room pushes at most once per shard per broadcast and holds no socket; the shards' deliveries add up to what the viewers received`, async () => {
    const id = await liveRoom(SHARDS);
    const prefix = newId("fan");
    const users = Array.from({ length: VIEWERS }, (_, i) => `${prefix}-${i}`);
    const sockets: TestSocket[] = [];
    for (let from = 0; from < VIEWERS; from += 20) {
      const batch = await Promise.all(users.slice(from, from + 20).map((user) => viewer(id, user)));
      sockets.push(...batch);
    }
    // Every pushed frame a viewer got stays in its queue (the test takes only welcomes and acks).
    const received = () =>
      sockets.reduce((sum, socket) => sum + socket.pending.filter((frame) => PUSHED.has(frame.type)).length, 0);
    const online = await eventually(
      () => admin<{ memberCount: number }>("/chatroom/info", { chatroomId: id }),
      (reply) => reply.result?.memberCount === VIEWERS,
    );
    expect(online.result?.memberCount).toBe(VIEWERS);
    const before = await roomWork(id);

    const talkers = sockets.slice(0, TALKERS);
    await Promise.all(
      talkers.map(async (socket, t) => {
        for (let n = 0; n < PER_TALKER; n++) await say(socket, `t${t}-${n}`);
      }),
    );
    const messages = () => sockets.map((socket) => socket.pending.filter((frame) => frame.type === "message").length);
    expect(
      await eventually(
        async () => messages(),
        (counts) => counts.every((n) => n >= MESSAGES),
        15_000,
      ),
    ).toEqual(sockets.map(() => MESSAGES));

    const after = await roomWork(id);
    const broadcasts = after.broadcasts - before.broadcasts;
    const pushes = after.pushes - before.pushes;
    expect(after.activeShards).toEqual([...new Set(users.map((user) => shardOf(user, SHARDS)))].sort((a, b) => a - b));
    // One broadcast per message (an online frame may fall in the window); one push per shard per
    // broadcast at most, whatever the audience.
    expect(broadcasts).toBeGreaterThanOrEqual(MESSAGES);
    expect(broadcasts).toBeLessThanOrEqual(MESSAGES + 1);
    expect(pushes).toBeLessThanOrEqual(broadcasts * after.activeShards.length);
    expect(after.sockets).toBe(0);
    const roomSockets = await runInDurableObject(env.ROOMS.getByName(id), (_instance, state) => state.getWebSockets());
    expect(roomSockets.length).toBe(0);

    // What the shards handed their sockets is what the viewers got (polled: the last frames may be on
    // their way), and each shard holds exactly its users' sockets.
    const shardTotals = async () => {
      const work = await Promise.all(after.activeShards.map((index) => shardWork(id, index)));
      return { deliveries: work.reduce((sum, w) => sum + w.deliveries, 0), sockets: work.map((w) => w.sockets) };
    };
    const totals = await eventually(shardTotals, (value) => value.deliveries === received());
    expect(totals.deliveries).toBe(received());
    expect(totals.sockets).toEqual(
      after.activeShards.map((index) => users.filter((user) => shardOf(user, SHARDS) === index).length),
    );
    console.log(
      JSON.stringify({
        viewers: VIEWERS,
        shards: after.activeShards.length,
        broadcasts,
        pushes,
        deliveries: totals.deliveries,
      }),
    );
  });
});
