/**
 * A shard's ring (SPEC §8.5): what it keeps for resumes, what it says it cannot serve (resync), and
 * that a frame reaching the shard twice goes to its sockets once.
 */
import { describe, expect, it } from "vitest";
import { Ring, type StreamEntry } from "../../src/live/ring";

const message = (seq: number): StreamEntry => ({ frame: `m${seq}`, seq });
const update = (updateSeq: number, frame = `u${updateSeq}`): StreamEntry => ({ frame, updateSeq });
const live = (frame: string): StreamEntry => ({ frame });

describe("shard ring", () => {
  it("replays messages after since, then updates after updatesSince, and says resync beyond what it covers", () => {
    const ring = new Ring(10, 4, 3);
    ring.add([message(11), update(5), message(12), update(6), message(13)]);
    expect(ring.replay(10, 4)).toEqual(["m11", "m12", "m13", "u5", "u6"]);
    expect(ring.replay(12, 5)).toEqual(["m13", "u6"]);
    expect(ring.replay(13, null)).toEqual([]);
    expect(ring.replay(9, null)).toBeNull();
    expect(ring.replay(10, 3)).toBeNull();
    // Past its size the oldest go, and the bound moves with them.
    ring.add([message(14)]);
    expect(ring.replay(10, null)).toBeNull();
    expect(ring.replay(11, null)).toEqual(["m12", "m13", "m14"]);
    expect([ring.lastSeq, ring.lastUpdateSeq]).toEqual([14, 6]);
  });

  it("returns only what it has not seen, keeping untagged frames and the stream's order", () => {
    const ring = new Ring(0, 0);
    expect(ring.add([message(1), live("online"), update(1), message(2)])).toEqual([
      message(1),
      live("online"),
      update(1),
      message(2),
    ]);
    // A gap fill delivered them already: the push that carried them adds only what is new.
    expect(ring.add([message(2), update(1), live("moderation"), message(3), update(2)])).toEqual([
      live("moderation"),
      message(3),
      update(2),
    ]);
  });

  it("keeps updates that arrive out of order (reactions coalesced after a later edit) and replays each once", () => {
    const ring = new Ring(5, 3);
    ring.add([update(5, "edit"), update(4, "reaction"), update(5, "edit again")]);
    expect(ring.lastUpdateSeq).toBe(5);
    expect(ring.replay(5, 3)).toEqual(["edit", "reaction"]);
    expect(ring.replay(5, 4)).toEqual(["edit"]);
  });

  it("forgets the oldest updates past its size and says resync for a resume from before them", () => {
    const ring = new Ring(0, 0, 2);
    ring.add([update(3), update(1), update(2)]);
    expect(ring.replay(0, 0)).toBeNull();
    expect(ring.replay(0, 1)).toBeNull();
    expect(ring.replay(0, 3)).toEqual([]);
    expect(ring.lastUpdateSeq).toBe(3);
  });
});
