/**
 * Group commit of client frames (src/room/frame-queue.ts): a frame is handled at once when nothing is
 * in flight; frames arriving while the last commit is not durable wait and are handled together, in
 * arrival order, in one batch after it.
 */
import { describe, expect, it } from "vitest";
import { type FrameJob, FrameQueue } from "../../src/room/frame-queue";

/** A queue whose commits become durable when the test says so; records what ran, and how. */
function harness() {
  const ran: string[] = [];
  const batches: number[] = [];
  const pending: (() => void)[] = [];
  const queue = new FrameQueue(
    (jobs) => {
      batches.push(jobs.length);
      for (const job of jobs) job(0);
    },
    () => new Promise<void>((resolve) => pending.push(resolve)),
  );
  const frame =
    (name: string): FrameJob =>
    () =>
      ran.push(name);
  const offer = (name: string, now = 0) =>
    queue.handle(frame(name), now, (job) => {
      batches.push(-1);
      job(now);
    });
  const commit = async () => {
    for (const resolve of pending.splice(0)) resolve();
    await new Promise((resolve) => setTimeout(resolve, 5));
  };
  return { ran, batches, offer, commit };
}

describe("group commit of client frames", () => {
  it("handles a frame at once when no commit is in flight", async () => {
    const h = harness();
    h.offer("a");
    expect(h.ran).toEqual(["a"]);
    await h.commit();
    h.offer("b", 1000);
    expect(h.ran).toEqual(["a", "b"]);
    expect(h.batches).toEqual([-1, -1]);
  });

  it("holds frames that arrive during a commit and handles them as one batch, in order, once it is durable", async () => {
    const h = harness();
    h.offer("a");
    h.offer("b");
    h.offer("c");
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(h.ran).toEqual(["a"]);
    await h.commit();
    expect(h.ran).toEqual(["a", "b", "c"]);
    expect(h.batches).toEqual([-1, 2]);
    // The batch's own commit is awaited before the next frames run.
    h.offer("d");
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(h.ran).toEqual(["a", "b", "c"]);
    await h.commit();
    expect(h.ran).toEqual(["a", "b", "c", "d"]);
  });

  it("keeps handling frames after a commit fails", async () => {
    const ran: string[] = [];
    let fail = true;
    const queue = new FrameQueue(
      (jobs) => {
        for (const job of jobs) job(0);
      },
      () => (fail ? Promise.reject(new Error("commit failed")) : Promise.resolve()),
    );
    queue.handle(
      () => ran.push("a"),
      0,
      (job) => job(0),
    );
    fail = false;
    queue.handle(
      () => ran.push("b"),
      0,
      (job) => job(0),
    );
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(ran).toEqual(["a", "b"]);
  });
});
