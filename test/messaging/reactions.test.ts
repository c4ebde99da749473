/**
 * Reactions (SPEC §8.3): counts per emoji with `mine` in answers to one user, coalesced `reaction`
 * frames under a storm, the limits, every role; and resume replaying the recalls, edits and reactions
 * a reconnecting client missed.
 */
import { describe, expect, it } from "vitest";
import { api, type RoleRoom, roleRoom } from "../helpers/api";
import { connect, type Frame } from "../helpers/socket";

async function say(r: RoleRoom, as: string, content: string): Promise<number> {
  const sent = await api("POST", `/chatrooms/${r.id}/messages`, {
    as,
    body: { clientMsgId: crypto.randomUUID(), content },
  });
  return Number(sent.body.data?.seq);
}

const reaction = (r: RoleRoom, seq: number, emoji: string) =>
  `/chatrooms/${r.id}/messages/${seq}/reactions/${encodeURIComponent(emoji)}`;

describe("reactions", () => {
  it("adds and removes a user's reaction, counting per emoji with `mine` for the caller", async () => {
    const r = await roleRoom();
    const seq = await say(r, r.member, "nice");
    expect((await api("PUT", reaction(r, seq, "👍"), { as: r.host })).body.data).toEqual({
      seq,
      reactions: [{ emoji: "👍", count: 1, mine: true }],
    });
    await api("PUT", reaction(r, seq, "👍"), { as: r.other });
    await api("PUT", reaction(r, seq, "😂"), { as: r.other });
    // Adding twice counts once.
    await api("PUT", reaction(r, seq, "👍"), { as: r.other });
    const page = await api("GET", `/chatrooms/${r.id}/messages?after=0`, { as: r.host });
    const first = ((page.body.data?.messages ?? []) as Frame[])[0] as Frame;
    expect(first.reactions).toEqual([
      { emoji: "👍", count: 2, mine: true },
      { emoji: "😂", count: 1, mine: false },
    ]);
    const removed = await api("DELETE", reaction(r, seq, "👍"), { as: r.host });
    expect(removed.body.data?.reactions).toEqual([
      { emoji: "👍", count: 1, mine: false },
      { emoji: "😂", count: 1, mine: false },
    ]);
  });

  it("refuses non-members, the banned, the muted, recalled messages and the limits, changing nothing", async () => {
    const r = await roleRoom();
    const seq = await say(r, r.member, "react to me");
    const refusals: [string, string, number][] = [
      [r.outsider, "👍", 403],
      [r.banned, "👍", 403],
      [r.muted, "👍", 403],
      [r.member, "x".repeat(17), 400],
    ];
    for (const [as, emoji, status] of refusals) {
      expect((await api("PUT", reaction(r, seq, emoji), { as })).status, `${as} ${emoji}`).toBe(status);
    }
    for (let i = 0; i < 20; i++) await api("PUT", reaction(r, seq, `e${i}`), { as: r.host });
    const twentyFirst = await api("PUT", reaction(r, seq, "e20"), { as: r.host });
    expect([twentyFirst.status, twentyFirst.body.message]).toEqual([
      409,
      "emoji: at most 20 different reactions on a message",
    ]);
    // An emoji already there may still be added by someone else.
    expect((await api("PUT", reaction(r, seq, "e0"), { as: r.manager })).status).toBe(200);
    await api("DELETE", `/chatrooms/${r.id}/messages/${seq}`, { as: r.member });
    expect((await api("PUT", reaction(r, seq, "e0"), { as: r.other })).status).toBe(409);
    const page = await api("GET", `/chatrooms/${r.id}/messages?after=0`, { as: r.host });
    expect(((page.body.data?.messages ?? []) as Frame[])[0]).not.toHaveProperty("reactions");
  });

  // The storm of reactions (20 changes, a few coalesced frames that every socket hears) is tested over
  // real sockets in e2e/realtime.test.mjs, and the merging itself in test/room/reaction-feed.test.ts: the
  // pool's test sockets sometimes hear nothing the room wrote to them on a loaded machine.
});

describe("missed updates", () => {
  it("replays the recalls, edits and reactions a reconnecting client missed, after the messages it missed", async () => {
    const r = await roleRoom();
    const a = await say(r, r.member, "first");
    const b = await say(r, r.member, "second");
    const c = await say(r, r.member, "third");
    const before = await connect(r.id, r.other);
    const welcome = await before.next("welcome");
    const [lastSeq, lastUpdateSeq] = [Number(welcome.lastSeq), Number(welcome.lastUpdateSeq)];
    before.ws.close();
    await api("DELETE", `/chatrooms/${r.id}/messages/${a}`, { as: r.member });
    await api("PATCH", `/chatrooms/${r.id}/messages/${b}`, { as: r.member, body: { content: "second, fixed" } });
    await api("PUT", `/chatrooms/${r.id}/messages/${c}/reactions/%F0%9F%91%8D`, { as: r.other });
    const d = await say(r, r.member, "fourth");
    const after = await connect(r.id, r.other, `&since=${lastSeq}&updatesSince=${lastUpdateSeq}`);
    const resumed = await after.next("welcome");
    expect(resumed.lastUpdateSeq).toBe(3);
    expect(await after.next("message")).toMatchObject({ seq: d, content: "fourth" });
    const updates = [
      await after.next("message_update"),
      await after.next("message_update"),
      await after.next("message_update"),
    ];
    expect(updates).toEqual([
      { type: "message_update", seq: a, updateSeq: 1, deleted: true },
      {
        type: "message_update",
        seq: b,
        updateSeq: 2,
        content: "second, fixed",
        editedAt: expect.any(Number),
        reactions: [],
      },
      {
        type: "message_update",
        seq: c,
        updateSeq: 3,
        content: "third",
        reactions: [{ emoji: "👍", count: 1, mine: true }],
      },
    ]);
  });
});
