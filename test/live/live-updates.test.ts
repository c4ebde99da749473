/**
 * Recalls, edits and reactions in a live room (SPEC §8.3, §8.5): sent as frames through a shard,
 * decided by the room, heard on every shard, and replayed from the ring to a viewer who resumes with
 * `updatesSince`.
 */
import { describe, expect, it } from "vitest";
import { newId } from "../helpers/admin";
import { api } from "../helpers/api";
import { liveRoom, say, seqsOf, spread, type Viewer, viewer } from "../helpers/live";
import type { Frame, TestSocket } from "../helpers/socket";

/** The update frames (message_update, reaction) a socket has queued, removed from its queue. */
function takeUpdates(socket: TestSocket): Frame[] {
  const updates = socket.pending.filter((frame) => frame.type === "message_update" || frame.type === "reaction");
  socket.pending.splice(0, socket.pending.length, ...socket.pending.filter((frame) => !updates.includes(frame)));
  return updates;
}

const nextUpdate = (socket: TestSocket) =>
  socket.next(undefined, 5000, (frame: Frame) => frame.type === "message_update" || frame.type === "reaction");

/** Each viewer's next update frame matches `expected`: the change reached them all, whatever their shard. */
async function expectEachHears(viewers: Viewer[], expected: Record<string, unknown>): Promise<void> {
  for (const socket of viewers) expect(await nextUpdate(socket), `heard by ${socket.userId}`).toMatchObject(expected);
}

describe("message changes in a live room", () => {
  it("takes edits, reactions and recalls as frames through any shard and tells every shard; a refused change tells no one", async () => {
    const id = await liveRoom(3);
    const [a, b, c] = spread(newId("up"), 3, 3) as [string, string, string];
    const [sa, sb, sc] = [await viewer(id, a), await viewer(id, b), await viewer(id, c)];
    for (const n of [1, 2]) await say(sa, `m${n}`, `message ${n}`);
    for (const socket of [sa, sb, sc]) expect(await seqsOf(socket, 2)).toEqual([1, 2]);

    sa.send({ type: "edit", seq: 1, content: "message 1, edited" });
    await expectEachHears([sa, sb, sc], { type: "message_update", seq: 1, updateSeq: 1, content: "message 1, edited" });
    sb.send({ type: "react", seq: 2, emoji: "👍" });
    await expectEachHears([sa, sb, sc], {
      type: "reaction",
      seq: 2,
      updateSeq: 2,
      reactions: [{ emoji: "👍", count: 1 }],
      changes: [{ userId: b, emoji: "👍", added: true }],
    });
    // Someone else's message: refused to the sender alone, nothing changes, no one else hears.
    sc.send({ type: "edit", seq: 1, content: "not mine" });
    sc.send({ type: "recall", seq: 1 });
    expect(await sc.next("error")).toMatchObject({ code: "FORBIDDEN" });
    expect(await sc.next("error")).toMatchObject({ code: "FORBIDDEN" });
    sa.send({ type: "recall", seq: 2 });
    await expectEachHears([sa, sb, sc], { type: "message_update", seq: 2, updateSeq: 3, deleted: true });
    for (const socket of [sa, sb, sc]) expect(takeUpdates(socket)).toEqual([]);
    const history = await api("GET", `/chatrooms/${id}/messages?after=0`, { as: c });
    expect(history.body.data?.messages).toMatchObject([
      { seq: 1, content: "message 1, edited" },
      { seq: 2, deleted: true },
    ]);
  });

  it("replays to a resuming viewer, from its shard's ring, each change it missed once", async () => {
    const id = await liveRoom(2);
    const [a, b] = spread(newId("rs"), 2, 2) as [string, string];
    const [sa, sb] = [await viewer(id, a), await viewer(id, b)];
    for (const n of [1, 2, 3]) await say(sa, `m${n}`);
    sa.send({ type: "edit", seq: 1, content: "one" });
    await expectEachHears([sa, sb], { updateSeq: 1 });
    sb.ws.close(1000, "away");
    await sb.closed;
    // While b is away: an edit, a reaction, a recall, one more message.
    sa.send({ type: "edit", seq: 2, content: "two" });
    sa.send({ type: "react", seq: 3, emoji: "🎉" });
    sa.send({ type: "recall", seq: 1 });
    await say(sa, "m4");
    const seen: Frame[] = [];
    while (seen.length < 3) seen.push(await nextUpdate(sa));
    // A reaction is coalesced, so it may go out after the recall that followed it.
    expect(seen.map((frame) => Number(frame.updateSeq)).sort()).toEqual([2, 3, 4]);

    const back = await viewer(id, b, "&since=3&updatesSince=1");
    expect(back.welcome).toMatchObject({ lastSeq: 4, lastUpdateSeq: 4 });
    expect(await seqsOf(back, 1)).toEqual([4]);
    const replayed: Frame[] = [];
    while (replayed.length < 3) replayed.push(await nextUpdate(back));
    // The same changes as the ones heard live (a burst may be taken in another order, so the pairs
    // come from what the talker heard).
    const pairs = (frames: Frame[]) => frames.map((frame) => `${frame.seq}@${frame.updateSeq}`).sort();
    expect(pairs(replayed)).toEqual(pairs(seen));
    expect(replayed.find((frame) => frame.seq === 1)).toMatchObject({ deleted: true });
    // Nothing twice, and live traffic follows.
    await say(sa, "m5");
    expect(await seqsOf(back, 1)).toEqual([5]);
    expect(takeUpdates(back)).toEqual([]);
  });
});
