/**
 * Live rooms when calls between the objects fail (SPEC §8.5, issue 17 point 3): a push the shard
 * refuses or whose answer is lost, a shard evicted under a burst, a frame the room cannot take, and a
 * shard that goes idle and comes back. Failures are made for real: an eviction, or a fault injected on
 * the real RPC method of one object.
 */
import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { RoomShard } from "../../src/live/RoomShard";
import type { ShardPush } from "../../src/live/shard-protocol";
import { evict } from "../helpers/admin";
import {
  answerTo,
  eventually,
  liveRoom,
  roomWork,
  say,
  seqsOf,
  shardStub,
  takeMessages,
  upTo,
  viewer,
  viewersOnShards,
} from "../helpers/live";

describe("live rooms when calls fail", () => {
  it("a push the shard refuses is retried, in order, before anything newer, and one whose answer is lost is not applied twice", async () => {
    const id = await liveRoom(2);
    const [t, r] = await viewersOnShards(id, 2, [0, 1]);
    await say(t, "m1");
    expect(await seqsOf(r, 1)).toEqual([1]);
    // Fault injection in the real shard object, on the RPC path itself (RPC dispatches through the
    // class, so the class's method is wrapped, for this one instance only): its next two deliveries
    // throw before applying anything (the call rejects at the room), the third applies and then throws
    // (the room never hears that it was applied). Later deliveries are the object's own.
    const shard = shardStub(id, r.userId, 2);
    const seen: number[] = [];
    const restore = await runInDurableObject(shard, (instance: RoomShard) => {
      const proto = Object.getPrototypeOf(instance) as { deliver(this: RoomShard, push: ShardPush): Promise<void> };
      const original = proto.deliver;
      proto.deliver = async function (this: RoomShard, push: ShardPush) {
        if (this !== instance) return original.call(this, push);
        seen.push(push.n);
        if (seen.length <= 2) throw new Error(`push ${push.n} refused by fault injection`);
        await original.call(this, push);
        if (seen.length === 3) throw new Error(`push ${push.n} applied, answer lost by fault injection`);
      };
      return () => {
        proto.deliver = original;
      };
    });
    try {
      for (const n of [2, 3, 4, 5, 6]) await say(t, `m${n}`);
      expect(await seqsOf(t, 6)).toEqual(upTo(6));
      expect(await seqsOf(r, 5, 15_000)).toEqual([2, 3, 4, 5, 6]);
    } finally {
      restore();
    }
    // The shard saw one push number three times (refused, refused, applied without an answer), then
    // the same number again (ignored: already applied), then newer ones in order.
    const first = seen[0] as number;
    expect(seen.slice(0, 4)).toEqual([first, first, first, first]);
    expect(seen.slice(4)).toEqual(upTo(first + seen.length - 4, first + 1));
    await say(t, "m7");
    expect(await seqsOf(r, 1)).toEqual([7]);
    expect(takeMessages(r)).toEqual([]);
  });

  it("a shard evicted during a burst: the other shards get every message once, the evicted viewer resumes with since and gets the rest once", async () => {
    const id = await liveRoom(2);
    const [t, r] = await viewersOnShards(id, 2, [0, 1]);
    // A burst of 8 sends (within the send burst of 10); the reader's shard is evicted while they are
    // being pushed: a push in flight then fails and is retried against the new instance, which holds
    // no one and tells the room so.
    for (let n = 1; n <= 8; n++) t.send({ type: "send", clientMsgId: `b${n}`, content: `burst ${n}` });
    expect(await seqsOf(r, 1)).toEqual([1]);
    await evict(shardStub(id, r.userId, 2));
    const seen = [1, ...takeMessages(r)];
    await r.closed;
    expect(await seqsOf(t, 8)).toEqual(upTo(8));
    const back = await viewer(id, r.userId, `&since=${seen.at(-1)}`);
    const rest = await seqsOf(back, 8 - (seen.at(-1) as number));
    expect([...seen, ...rest]).toEqual(upTo(8));
    await say(t, "after");
    expect(await seqsOf(back, 1)).toEqual([9]);
    expect(takeMessages(back)).toEqual([]);
  });

  it("a forwarded frame the room cannot take is sent once more; failed twice, the sender gets SERVER_ERROR naming its send, and the resend is stored once", async () => {
    const id = await liveRoom(2);
    const [t, r] = await viewersOnShards(id, 2, [0, 1]);
    // Fault injection in the real room object, on the RPC path (the class's method, this instance
    // only): `failures` calls to shardFrames throw before the room looks at them.
    let failures = 0;
    const restore = await runInDurableObject(env.ROOMS.getByName(id), (instance) => {
      const proto = Object.getPrototypeOf(instance) as { shardFrames(this: object, items: unknown): unknown };
      const original = proto.shardFrames;
      proto.shardFrames = function (this: object, items: unknown) {
        if (this === instance && failures > 0) {
          failures--;
          throw new Error("shardFrames failed by fault injection");
        }
        return original.call(this, items);
      };
      return () => {
        proto.shardFrames = original;
      };
    });
    try {
      failures = 1;
      expect(await say(t, "once")).toMatchObject({ seq: 1, duplicate: false });
      failures = 2;
      t.send({ type: "send", clientMsgId: "twice", content: "lost?" });
      expect(await answerTo(t, "twice")).toMatchObject({ type: "error", code: "SERVER_ERROR", clientMsgId: "twice" });
      expect(await say(t, "twice", "lost?")).toMatchObject({ seq: 2, duplicate: false });
    } finally {
      restore();
    }
    expect(await seqsOf(r, 2)).toEqual([1, 2]);
    expect(takeMessages(r)).toEqual([]);
  });

  it("a shard that went idle stops being pushed to, and says hello again and is pushed to again when a viewer comes back", async () => {
    const id = await liveRoom(2);
    const [t, i] = await viewersOnShards(id, 2, [0, 1]);
    for (const n of [1, 2]) await say(t, `m${n}`);
    expect(await seqsOf(i, 2)).toEqual([1, 2]);
    i.ws.close(1000, "bye");
    await i.closed;
    const idle = await eventually(
      () => roomWork(id),
      (work) => !work.activeShards.includes(1),
    );
    expect(idle.activeShards).toEqual([0]);
    const pushes = idle.pushes;
    for (const n of [3, 4]) await say(t, `m${n}`);
    // Two messages while idle: at most one push each, to the one active shard.
    expect((await roomWork(id)).pushes - pushes).toBeLessThanOrEqual(2);

    const back = await viewer(id, i.userId, "&since=2");
    expect(await seqsOf(back, 2)).toEqual([3, 4]);
    expect((await roomWork(id)).activeShards).toEqual([0, 1]);
    for (const n of [5, 6]) await say(t, `m${n}`);
    expect(await seqsOf(back, 2)).toEqual([5, 6]);
    expect(takeMessages(back)).toEqual([]);
  });
});
