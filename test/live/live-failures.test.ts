/**
 * Live rooms under failure (SPEC §8.5, issue 17 point 3): objects are evicted the way the runtime may
 * evict them at any moment (memory and the object's own sockets lost, storage kept: `evict()`), and
 * pushes fail for real; viewers lose nothing and see nothing twice.
 */
import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { RoomShard } from "../../src/live/RoomShard";
import type { ShardPush } from "../../src/live/shard-protocol";
import type { RoomCore } from "../../src/room/core";
import { admin, evict, newId } from "../helpers/admin";
import {
  answerTo,
  eventually,
  liveRoom,
  onShard,
  roomWork,
  say,
  seqsOf,
  shardStub,
  spread,
  upTo,
  viewer,
} from "../helpers/live";
import type { Frame, TestSocket } from "../helpers/socket";

/** The room object's internals a test may drive (a commit without its push). */
interface RoomInternals {
  room: RoomCore;
}

const memberCount = async (id: string) =>
  (await admin<{ memberCount: number }>("/chatroom/info", { chatroomId: id })).result?.memberCount;

/** Every message seq a socket received (queued frames), in order; the queue keeps the rest. */
function takeMessages(socket: TestSocket): number[] {
  const seqs = socket.pending.filter((frame) => frame.type === "message").map((frame) => Number(frame.seq));
  socket.pending.splice(0, socket.pending.length, ...socket.pending.filter((frame) => frame.type !== "message"));
  return seqs;
}

describe("live rooms under failure", () => {
  it("a shard evicted mid-stream: its viewers reconnect and resume (since, updatesSince) without loss or duplicates, while the others keep receiving", async () => {
    const id = await liveRoom(4);
    const prefix = newId("se");
    const [talker, victim, other] = [
      onShard(`${prefix}-t`, 4, 0),
      onShard(`${prefix}-v`, 4, 1),
      onShard(`${prefix}-o`, 4, 2),
    ];
    const t = await viewer(id, talker);
    const v = await viewer(id, victim);
    const o = await viewer(id, other);
    for (const n of [1, 2, 3]) await say(t, `m${n}`);
    t.send({ type: "edit", seq: 2, content: "two, edited" });
    for (const socket of [t, v, o]) {
      expect(await seqsOf(socket, 3)).toEqual([1, 2, 3]);
      expect(await socket.next("message_update")).toMatchObject({ seq: 2, updateSeq: 1, content: "two, edited" });
    }

    await evict(shardStub(id, victim, 4));
    expect((await v.closed).code).not.toBe(1000);
    // While the victim is away: three messages and a recall (update 2).
    for (const n of [4, 5, 6]) await say(t, `m${n}`);
    t.send({ type: "recall", seq: 1 });
    for (const socket of [t, o]) {
      expect(await seqsOf(socket, 3)).toEqual([4, 5, 6]);
      expect(await socket.next("message_update")).toMatchObject({ seq: 1, updateSeq: 2, deleted: true });
    }

    const back = await viewer(id, victim, "&since=3&updatesSince=1");
    expect(back.welcome).toMatchObject({ lastSeq: 6, lastUpdateSeq: 2 });
    expect(await seqsOf(back, 3)).toEqual([4, 5, 6]);
    expect(await back.next("message_update")).toMatchObject({ seq: 1, updateSeq: 2, deleted: true });
    await say(t, "m7");
    for (const socket of [back, t, o]) expect(await seqsOf(socket, 1)).toEqual([7]);
    // Nothing twice: no other message or update reached the resumed viewer.
    expect(takeMessages(back)).toEqual([]);
    expect(back.pending.filter((frame) => frame.type === "message_update")).toEqual([]);
  });

  it("the room evicted while its shards stay: shards keep their sockets, a message stored but never pushed reaches every viewer, and seqs go on without a gap", async () => {
    const id = await liveRoom(3);
    const users = spread(newId("re"), 3, 3);
    const sockets: TestSocket[] = [];
    for (const user of users) sockets.push(await viewer(id, user));
    const [first] = sockets as [TestSocket];
    for (const n of [1, 2]) await say(first, `m${n}`);
    for (const socket of sockets) expect(await seqsOf(socket, 2)).toEqual([1, 2]);

    // The room commits message 3 and an edit of message 1, then dies before it pushes either.
    const room = env.ROOMS.getByName(id);
    await runInDurableObject(room, (instance) => {
      const core = (instance as unknown as RoomInternals).room;
      core.write(Date.now(), (tx) => {
        tx.appendMessage({
          seq: 3,
          senderId: users[1] as string,
          clientMsgId: "never-pushed",
          content: "stored, not pushed",
          contentType: "text",
          ts: Date.now(),
          replyTo: null,
          replyPreview: null,
          mentions: [],
          editedAt: null,
          deleted: false,
          version: 0,
          attachments: [],
        });
        const version = tx.nextUpdateSeq();
        core.rows.messages.edit(1, "one, edited", Date.now(), version);
      });
    });
    await evict(room);
    for (const socket of sockets) expect(socket.ws.readyState).toBe(WebSocket.READY_STATE_OPEN);

    // Any call starts the room again; it tells its shards, which fetch what they missed.
    expect(await memberCount(id)).toBeGreaterThanOrEqual(0);
    for (const socket of sockets) {
      expect(await seqsOf(socket, 1)).toEqual([3]);
      expect(await socket.next("message_update")).toMatchObject({ seq: 1, updateSeq: 1, content: "one, edited" });
    }
    // A viewer's send goes through the same shard socket to the restarted room: seq 4, no gap.
    expect(await say(sockets[2] as TestSocket, "after")).toMatchObject({ seq: 4, duplicate: false });
    for (const socket of sockets) expect(await seqsOf(socket, 1)).toEqual([4]);
    for (const socket of sockets) expect(takeMessages(socket)).toEqual([]);
    for (const socket of sockets) expect(socket.ws.readyState).toBe(WebSocket.READY_STATE_OPEN);
  });

  it("a push the shard refuses is retried, in order, before anything newer, and one whose answer is lost is not applied twice", async () => {
    const id = await liveRoom(2);
    const prefix = newId("pf");
    const [talker, reader] = [onShard(`${prefix}-t`, 2, 0), onShard(`${prefix}-r`, 2, 1)];
    const t = await viewer(id, talker);
    const r = await viewer(id, reader);
    await say(t, "m1");
    expect(await seqsOf(r, 1)).toEqual([1]);
    // Fault injection in the real shard object, on the RPC path itself (RPC dispatches through the
    // class, so the class's method is wrapped, for this one instance only): its next two deliveries
    // throw before applying anything (the call rejects at the room), the third applies and then throws
    // (the room never hears that it was applied). Later deliveries are the object's own.
    const shard = shardStub(id, reader, 2);
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
    const prefix = newId("pe");
    const [talker, reader] = [onShard(`${prefix}-t`, 2, 0), onShard(`${prefix}-r`, 2, 1)];
    const t = await viewer(id, talker);
    const r = await viewer(id, reader);
    // A burst of 8 sends (within the send burst of 10); the reader's shard is evicted while they are
    // being pushed: a push in flight then fails and is retried against the new instance, which holds
    // no one and tells the room so.
    for (let n = 1; n <= 8; n++) t.send({ type: "send", clientMsgId: `b${n}`, content: `burst ${n}` });
    expect(await seqsOf(r, 1)).toEqual([1]);
    await evict(shardStub(id, reader, 2));
    const seen = [1, ...takeMessages(r)];
    await r.closed;
    expect(await seqsOf(t, 8)).toEqual(upTo(8));
    const back = await viewer(id, reader, `&since=${seen.at(-1)}`);
    const rest = await seqsOf(back, 8 - (seen.at(-1) as number));
    expect([...seen, ...rest]).toEqual(upTo(8));
    await say(t, "after");
    expect(await seqsOf(back, 1)).toEqual([9]);
    expect(takeMessages(back)).toEqual([]);
  });

  it("a forwarded frame the room cannot take is sent once more; failed twice, the sender gets SERVER_ERROR naming its send, and the resend is stored once", async () => {
    const id = await liveRoom(2);
    const [talker, reader] = [onShard(`${newId("ff")}-t`, 2, 0), onShard(`${newId("ff")}-r`, 2, 1)];
    const t = await viewer(id, talker);
    const r = await viewer(id, reader);
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

  it("a shard that lost its memory but kept its sockets (hibernation) gives them the push that wakes it, once", async () => {
    const id = await liveRoom(2);
    const prefix = newId("hb");
    const [talker, sleeper] = [onShard(`${prefix}-t`, 2, 0), onShard(`${prefix}-s`, 2, 1)];
    const t = await viewer(id, talker);
    const s = await viewer(id, sleeper);
    for (const n of [1, 2]) await say(t, `m${n}`);
    expect(await seqsOf(s, 2)).toEqual([1, 2]);
    // The pool cannot hibernate an object: its memory is emptied as a restart would leave it, the
    // sockets stay with the runtime.
    await runInDurableObject(shardStub(id, sleeper, 2), (instance) => {
      Object.assign(instance, { state: null, hello: null, epoch: "", lastPush: 0, reported: null });
    });
    await say(t, "m3");
    expect(await seqsOf(s, 1)).toEqual([3]);
    await say(t, "m4");
    expect(await seqsOf(s, 1)).toEqual([4]);
    expect(takeMessages(s)).toEqual([]);
    // Its ring came back from the room: a resume on that shard still works.
    const other = await viewer(id, onShard(`${prefix}-x`, 2, 1), "&since=1");
    expect(await seqsOf(other, 3)).toEqual([2, 3, 4]);
  });

  it("a shard that went idle stops being pushed to, and says hello again and is pushed to again when a viewer comes back", async () => {
    const id = await liveRoom(2);
    const prefix = newId("id");
    const [talker, idler] = [onShard(`${prefix}-t`, 2, 0), onShard(`${prefix}-i`, 2, 1)];
    const t = await viewer(id, talker);
    const i = await viewer(id, idler);
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

    const back = await viewer(id, idler, "&since=2");
    expect(await seqsOf(back, 2)).toEqual([3, 4]);
    expect((await roomWork(id)).activeShards).toEqual([0, 1]);
    for (const n of [5, 6]) await say(t, `m${n}`);
    expect(await seqsOf(back, 2)).toEqual([5, 6]);
    expect(takeMessages(back)).toEqual([]);
  });

  it("the online count converges after a room restart from the shards' prompt reports, well before their 10-s heartbeat", async () => {
    const id = await liveRoom(3);
    const users = spread(newId("oc"), 3, 5);
    const sockets: TestSocket[] = [];
    for (const user of users) sockets.push(await viewer(id, user));
    expect(
      await eventually(
        () => memberCount(id),
        (count) => count === 5,
      ),
    ).toBe(5);
    await evict(env.ROOMS.getByName(id));
    const started = Date.now();
    const count = await eventually(
      () => memberCount(id),
      (value) => value === 5,
      4000,
    );
    expect(count).toBe(5);
    expect(Date.now() - started).toBeLessThan(4000);
    // The viewers are told the count again once the room has it back.
    const last = (socket: TestSocket) => socket.next("online", 5000, (frame: Frame) => frame.count === 5);
    for (const socket of sockets) expect((await last(socket)).count).toBe(5);
  });
});
