import { describe, expect, it } from "vitest";
import {
  addPending,
  addSystem,
  confirmMessage,
  type Entry,
  messageKey,
  prependHistory,
  setTailState,
  trim,
} from "../../src/app/room/timeline";
import type { WireMessage } from "../../src/client";

const msg = (seq: number, senderId = "bob", clientMsgId = `c${seq}`): WireMessage => ({
  seq,
  senderId,
  clientMsgId,
  content: `m${seq}`,
  contentType: "text",
  ts: 1_000 + seq,
});
const keys = (entries: readonly Entry[]) => entries.map((e) => (e.kind === "message" ? `${e.key}:${e.state}` : e.key));

describe("timeline", () => {
  it("appends a new message as one new entry and keeps every other entry object", () => {
    const before = [1, 2, 3].reduce<readonly Entry[]>((list, seq) => confirmMessage(list, msg(seq)), []);
    const after = confirmMessage(before, msg(4));
    expect(after).toHaveLength(4);
    for (const [i, entry] of after.slice(0, 3).entries()) expect(entry).toBe(before[i]);
  });

  it("ignores a message it already has (same array back)", () => {
    const list = confirmMessage(confirmMessage([], msg(1)), msg(2));
    expect(confirmMessage(list, msg(1))).toBe(list);
    expect(confirmMessage(list, msg(2))).toBe(list);
  });

  it("turns a pending message into the confirmed one under the same key, ahead of later pending ones", () => {
    const pendingA = { ...msg(0, "me", "a"), content: "A" };
    const pendingB = { ...msg(0, "me", "b"), content: "B" };
    let list = addPending(addPending(confirmMessage([], msg(1)), pendingA), pendingB);
    list = confirmMessage(list, { ...pendingA, seq: 2 });
    expect(keys(list)).toEqual(["bob/c1:sent", "me/a:sent", "me/b:pending"]);
    // The broadcast after the ack (or the ack after the broadcast) changes nothing.
    expect(confirmMessage(list, { ...pendingA, seq: 2 })).toBe(list);
  });

  it("marks a refused send failed and back to pending on retry", () => {
    const list = addPending([], msg(0, "me", "x"));
    const failed = setTailState(list, messageKey(msg(0, "me", "x")), "failed", "too fast");
    expect(failed[0]).toMatchObject({ state: "failed", error: "too fast" });
    expect(setTailState(failed, "me/x", "pending")[0]).toMatchObject({ state: "pending" });
  });

  it("puts system lines after confirmed messages and before what is still being sent", () => {
    let list = addPending(confirmMessage([], msg(1)), msg(0, "me", "p"));
    list = addSystem(list, { kind: "system", key: "line-1", text: "bob joined", ts: 5 });
    expect(keys(list)).toEqual(["bob/c1:sent", "line-1", "me/p:pending"]);
  });

  it("inserts a late message in seq order and prepends older history without duplicates", () => {
    let list = confirmMessage(confirmMessage([], msg(5)), msg(7));
    list = confirmMessage(list, msg(6));
    expect(list.map((e) => (e.kind === "message" ? e.message.seq : 0))).toEqual([5, 6, 7]);
    list = prependHistory(list, [msg(5), msg(4), msg(3)]);
    expect(list.map((e) => (e.kind === "message" ? e.message.seq : 0))).toEqual([3, 4, 5, 6, 7]);
  });

  it("caps what it keeps and says it dropped some", () => {
    const list = [1, 2, 3, 4].reduce<readonly Entry[]>((l, seq) => confirmMessage(l, msg(seq)), []);
    const { entries, dropped } = trim(list, 2);
    expect(dropped).toBe(true);
    expect(entries.map((e) => e.key)).toEqual(["bob/c3", "bob/c4"]);
    expect(trim(list, 10).entries).toBe(list);
  });
});
