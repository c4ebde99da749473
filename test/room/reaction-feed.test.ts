/**
 * Reaction frames are coalesced (SPEC §8.3): the first change after a quiet spell goes out at once,
 * later ones within REACTION_WINDOW_MS are merged per message, and each frame carries the counts read
 * when it is sent. Pure: the feed over a hub that records what it was given.
 */
import { describe, expect, it } from "vitest";
import { REACTION_WINDOW_MS, ReactionFeed } from "../../src/room/reaction-feed";
import type { ReactionCount } from "../../src/room/store";

/** A feed whose counts come from `counts` as they are when the frame is built. */
function feed(counts: Map<number, ReactionCount[]>) {
  const frames: Record<string, unknown>[] = [];
  const hub = { broadcast: (frame: string) => void frames.push(JSON.parse(frame) as Record<string, unknown>) };
  return { frames, feed: new ReactionFeed(hub, (seqs) => new Map(seqs.map((seq) => [seq, counts.get(seq) ?? []]))) };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("reaction feed", () => {
  it("sends the first change at once and merges the storm after it into one frame per message", async () => {
    const counts = new Map<number, ReactionCount[]>([[7, [{ emoji: "👍", count: 1 }]]]);
    const { frames, feed: reactions } = feed(counts);
    reactions.record(7, 1, { userId: "a", emoji: "👍", added: true }, Date.now());
    await settle();
    expect(frames).toEqual([
      {
        type: "reaction",
        seq: 7,
        updateSeq: 1,
        reactions: [{ emoji: "👍", count: 1 }],
        changes: [{ userId: "a", emoji: "👍", added: true }],
      },
    ]);
    // Nineteen more changes on two messages within the window.
    for (let i = 0; i < 19; i++) {
      const seq = i % 2 === 0 ? 7 : 8;
      reactions.record(seq, i + 2, { userId: `u${i}`, emoji: "👍", added: true }, Date.now());
    }
    counts.set(7, [{ emoji: "👍", count: 11 }]);
    counts.set(8, [{ emoji: "👍", count: 9 }]);
    await settle();
    expect(frames).toHaveLength(1);
    await wait(REACTION_WINDOW_MS + 50);
    const merged = frames.slice(1);
    expect(merged.map((frame) => [frame.seq, frame.updateSeq, (frame.changes as unknown[]).length])).toEqual([
      [7, 20, 10],
      [8, 19, 9],
    ]);
    // The counts are the ones at send time, whatever was merged.
    expect(merged.map((frame) => frame.reactions)).toEqual([[{ emoji: "👍", count: 11 }], [{ emoji: "👍", count: 9 }]]);
  });

  it("lists at most the last 50 changes of a frame, and drops a recalled message's pending changes", async () => {
    const { frames, feed: reactions } = feed(new Map());
    reactions.record(1, 1, { userId: "first", emoji: "x", added: true }, Date.now());
    await settle();
    for (let i = 0; i < 60; i++) reactions.record(1, i + 2, { userId: `u${i}`, emoji: "x", added: true }, Date.now());
    reactions.record(2, 62, { userId: "gone", emoji: "x", added: true }, Date.now());
    reactions.drop(2);
    await wait(REACTION_WINDOW_MS + 50);
    const [, storm, ...rest] = frames;
    expect(rest).toEqual([]);
    const changes = storm?.changes as { userId: string }[];
    expect(changes).toHaveLength(50);
    expect([changes[0]?.userId, changes[49]?.userId]).toEqual(["u10", "u59"]);
  });
});
