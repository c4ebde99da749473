/**
 * Live rooms when objects are evicted (SPEC §8.5, issue 17 point 3): the way the runtime may evict them
 * at any moment (memory and the object's own sockets lost, storage kept: `evict()`), or a shard losing
 * its memory while its sockets stay (hibernation). Viewers lose nothing and see nothing twice.
 */
import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { RoomCore } from "../../src/room/core";
import type { MessageRow } from "../../src/room/store";
import { admin, evict, newId } from "../helpers/admin";
import {
  eventually,
  liveRoom,
  onShard,
  say,
  seqsOf,
  shardStub,
  spread,
  takeMessages,
  upTo,
  viewer,
  viewersOnShards,
} from "../helpers/live";
import type { Frame, TestSocket } from "../helpers/socket";

/** The room object's internals a test may drive (a commit without its push). */
interface RoomInternals {
  room: RoomCore;
}

const memberCount = async (id: string) =>
  (await admin<{ memberCount: number }>("/chatroom/info", { chatroomId: id })).result?.memberCount;

/** A message row as the room stores it. */
function row(seq: number, senderId: string, clientMsgId: string): MessageRow {
  return {
    seq,
    senderId,
    clientMsgId,
    content: `stored, not pushed ${seq}`,
    contentType: "text",
    ts: Date.now(),
    replyTo: null,
    replyPreview: null,
    mentions: [],
    editedAt: null,
    deleted: false,
    version: 0,
    attachments: [],
  };
}

describe("live rooms when objects are evicted", () => {
  it("a shard evicted mid-stream: its viewers reconnect and resume (since, updatesSince) without loss or duplicates, while the others keep receiving", async () => {
    const id = await liveRoom(4);
    const [t, v, o] = await viewersOnShards(id, 4, [0, 1, 2]);
    for (const n of [1, 2, 3]) await say(t, `m${n}`);
    t.send({ type: "edit", seq: 2, content: "two, edited" });
    for (const socket of [t, v, o]) {
      expect(await seqsOf(socket, 3)).toEqual([1, 2, 3]);
      expect(await socket.next("message_update")).toMatchObject({ seq: 2, updateSeq: 1, content: "two, edited" });
    }

    await evict(shardStub(id, v.userId, 4));
    expect((await v.closed).code).not.toBe(1000);
    // While the victim is away: three messages and a recall (update 2).
    for (const n of [4, 5, 6]) await say(t, `m${n}`);
    t.send({ type: "recall", seq: 1 });
    for (const socket of [t, o]) {
      expect(await seqsOf(socket, 3)).toEqual([4, 5, 6]);
      expect(await socket.next("message_update")).toMatchObject({ seq: 1, updateSeq: 2, deleted: true });
    }

    const back = await viewer(id, v.userId, "&since=3&updatesSince=1");
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
        tx.appendMessage(row(3, users[1] as string, "never-pushed"));
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

  it("a shard that lost its memory but kept its sockets (hibernation) gives them the push that wakes it, once", async () => {
    const id = await liveRoom(2);
    const [t, s] = await viewersOnShards(id, 2, [0, 1]);
    for (const n of [1, 2]) await say(t, `m${n}`);
    expect(await seqsOf(s, 2)).toEqual([1, 2]);
    // The pool cannot hibernate an object: its memory is emptied as a restart would leave it, the
    // sockets stay with the runtime.
    await runInDurableObject(shardStub(id, s.userId, 2), (instance) => {
      Object.assign(instance, { state: null, hello: null, epoch: "", lastPush: 0, reported: null });
    });
    await say(t, "m3");
    expect(await seqsOf(s, 1)).toEqual([3]);
    await say(t, "m4");
    expect(await seqsOf(s, 1)).toEqual([4]);
    expect(takeMessages(s)).toEqual([]);
    // Its ring came back from the room: a resume on that shard still works.
    const other = await viewer(id, onShard(newId("x"), 2, 1), "&since=1");
    expect(await seqsOf(other, 3)).toEqual([2, 3, 4]);
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

  it("a room restarted after storing more than a ring's worth it never pushed: the shards fetch it page by page, every viewer gets all of it once, and the ring serves resumes over the rest", async () => {
    const id = await liveRoom(2);
    const [a, b] = spread(newId("pg"), 2, 2) as [string, string];
    const [sa, sb] = [await viewer(id, a), await viewer(id, b)];
    await say(sa, "m1");
    for (const socket of [sa, sb]) expect(await seqsOf(socket, 1)).toEqual([1]);
    const room = env.ROOMS.getByName(id);
    await runInDurableObject(room, (instance) => {
      const core = (instance as unknown as RoomInternals).room;
      core.write(Date.now(), (tx) => {
        for (let seq = 2; seq <= 1201; seq++) tx.appendMessage(row(seq, a, `bulk-${seq}`));
      });
    });
    await evict(room);
    expect(await memberCount(id)).toBeGreaterThanOrEqual(0);
    for (const socket of [sa, sb]) expect(await seqsOf(socket, 1200, 15_000)).toEqual(upTo(1201, 2));
    expect(await say(sb, "after")).toMatchObject({ seq: 1202 });
    for (const socket of [sa, sb]) {
      expect(await seqsOf(socket, 1)).toEqual([1202]);
      expect(takeMessages(socket)).toEqual([]);
    }
    // The ring keeps the newest 1,000: a resume from further back is told to page history.
    const late = await viewer(id, onShard(`${a}-late`, 2, 0), "&since=1100");
    expect(await seqsOf(late, 102)).toEqual(upTo(1202, 1101));
    const far = await viewer(id, onShard(`${a}-far`, 2, 0), "&since=10");
    expect(await far.next("resync")).toMatchObject({ since: 10, lastSeq: 1202 });
  });
});
