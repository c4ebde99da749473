import { describe, expect, it } from "vitest";
import { confirmMessage, type Entry } from "../../src/app/room/timeline";
import { applyUpdate, mergeReactions, updateMessage } from "../../src/app/room/updates";
import type { FrameOf, WireMessage } from "../../src/client";

const msg = (seq: number, extra: Partial<WireMessage> = {}): WireMessage => ({
  seq,
  senderId: "bob",
  clientMsgId: `c${seq}`,
  content: `m${seq}`,
  contentType: "text",
  ts: seq,
  ...extra,
});
const timeline = (...messages: WireMessage[]) => messages.reduce<readonly Entry[]>(confirmMessage, []);
const messageAt = (entries: readonly Entry[], i: number) => {
  const entry = entries[i];
  if (entry?.kind !== "message") throw new Error("not a message");
  return entry.message;
};

describe("message updates", () => {
  it("an edit replaces one entry and keeps the others", () => {
    const before = timeline(msg(1), msg(2));
    const frame: FrameOf<"message_update"> = {
      type: "message_update",
      seq: 2,
      updateSeq: 1,
      content: "new",
      editedAt: 9,
    };
    const after = applyUpdate(before, frame);
    expect(messageAt(after, 1)).toMatchObject({ content: "new", editedAt: 9 });
    expect(after[0]).toBe(before[0]);
    expect(updateMessage(after, 99, (m) => m)).toBe(after);
  });

  it("a recall empties the message and hides the quotes of it", () => {
    const before = timeline(
      msg(1, { reactions: [{ emoji: "👍", count: 1 }] }),
      msg(2, { replyTo: { seq: 1, senderId: "bob", preview: "m1" } }),
    );
    const after = applyUpdate(before, { type: "message_update", seq: 1, updateSeq: 2, deleted: true });
    expect(messageAt(after, 0)).toMatchObject({ deleted: true, content: "" });
    expect(messageAt(after, 0).reactions).toBeUndefined();
    expect(messageAt(after, 1).replyTo).toEqual({ seq: 1 });
  });

  it("a recall takes the message's attachments with it", () => {
    const photo = { id: "a1b2c3d4", contentType: "image/png", size: 90, width: 3, height: 2, url: "/x?exp=1&sig=s" };
    const before = timeline(msg(1, { content: "", attachments: [photo] }), msg(2, { attachments: [photo] }));
    const after = applyUpdate(before, { type: "message_update", seq: 1, updateSeq: 2, deleted: true });
    expect(messageAt(after, 0).attachments).toBeUndefined();
    expect(messageAt(after, 1)).toBe(messageAt(before, 1));
  });

  it("reaction frames carry counts; mine follows my own changes", () => {
    const frame: FrameOf<"reaction"> = {
      type: "reaction",
      seq: 1,
      updateSeq: 3,
      reactions: [
        { emoji: "👍", count: 2 },
        { emoji: "🎉", count: 1 },
      ],
      changes: [{ userId: "me", emoji: "🎉", added: true }],
    };
    expect(mergeReactions([{ emoji: "👍", count: 1, mine: true }], frame, "me")).toEqual([
      { emoji: "👍", count: 2, mine: true },
      { emoji: "🎉", count: 1, mine: true },
    ]);
    expect(mergeReactions(undefined, frame, "someone else")).toEqual([
      { emoji: "👍", count: 2 },
      { emoji: "🎉", count: 1 },
    ]);
  });
});
