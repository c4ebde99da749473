/**
 * An ended live room's last frames reach every viewer before their socket closes (SPEC §8.5): the
 * frames travel in each shard's push stream, the close in a separate call, so the close must wait
 * until the shard took the push. Pure: ShardFanout over shard stubs that record what they were given.
 */
import { describe, expect, it } from "vitest";
import type { StreamEntry } from "../../src/live/ring";
import type { ShardView } from "../../src/live/shard-protocol";
import { PushQueue } from "../../src/room/push-queue";
import { ShardFanout, type ShardStub } from "../../src/room/shard-fanout";

/** A shard whose pushes wait until the test lets them through, and which records the order of calls. */
function slowShard(log: string[]) {
  const held: (() => void)[] = [];
  const stub: ShardStub = {
    deliver: (push) =>
      new Promise<void>((resolve) =>
        held.push(() => {
          log.push(...push.entries.map((entry) => `push ${entry.frame}`));
          resolve();
        }),
      ),
    closeAll: async (code) => {
      log.push(`close ${code}`);
    },
    closeUser: async () => {},
    closeRevoked: async () => 0,
    restrict: async () => {},
  };
  const release = () => {
    for (const go of held.splice(0)) go();
  };
  return { stub, release };
}

const VIEW: ShardView = {
  state: 2,
  hostId: null,
  managers: [],
  muteAll: false,
  slowModeSeconds: 0,
  lastSeq: 0,
  lastUpdateSeq: 0,
  onlineCount: 0,
};

const settle = () => new Promise((resolve) => setTimeout(resolve, 10));

describe("closing a live room's shards", () => {
  it("closes a shard only after it took the frames broadcast before the close, even while a push is in flight", async () => {
    const log: string[] = [];
    const shard = slowShard(log);
    const fanout = new ShardFanout(
      {
        chatroomId: "r",
        shards: 1,
        shard: () => shard.stub,
        view: () => VIEW,
        onOnlineChanged: () => {},
      },
      [],
    );
    fanout.activate(0);
    fanout.broadcast("m1");
    await settle(); // m1's push is now in flight and held.
    fanout.broadcast("ending");
    fanout.broadcast("ended");
    fanout.closeAll(4004, "room ended");
    await settle();
    expect(log).toEqual([]);
    shard.release(); // m1 lands; the next push carries ending and ended.
    await settle();
    expect(log).toEqual(["push m1"]);
    shard.release();
    await settle();
    expect(log).toEqual(["push m1", "push ending", "push ended", "close 4004"]);
  });

  it("closes shards with no stream at once", async () => {
    const log: string[] = [];
    const shard = slowShard(log);
    const fanout = new ShardFanout(
      { chatroomId: "r", shards: 3, shard: () => shard.stub, view: () => VIEW, onOnlineChanged: () => {} },
      [],
    );
    fanout.closeAll(4004, "room ended");
    await settle();
    expect(log).toEqual(["close 4004", "close 4004", "close 4004"]);
  });
});

describe("a push queue's drained()", () => {
  it("resolves once everything queued so far was taken, and at once when idle or paused", async () => {
    const taken: number[][] = [];
    let release: () => void = () => {};
    const queue = new PushQueue(
      (_n, entries: StreamEntry[]) =>
        new Promise<void>((resolve) => {
          release = () => {
            taken.push(entries.map((entry) => Number(entry.seq)));
            resolve();
          };
        }),
    );
    let drained = false;
    await queue.drained();
    queue.add([{ frame: "a", seq: 1 }]);
    queue.add([{ frame: "b", seq: 2 }]);
    void queue.drained().then(() => {
      drained = true;
    });
    release();
    await settle();
    expect([taken, drained]).toEqual([[[1]], false]);
    release();
    await settle();
    expect([taken, drained]).toEqual([[[1], [2]], true]);
    queue.add([{ frame: "c", seq: 3 }]);
    const paused = queue.drained();
    queue.pause();
    await paused;
  });
});
