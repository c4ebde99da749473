/**
 * Recall, edit, reply and mentions (SPEC §8.3), over HTTP and socket frames, with the rule for every
 * role: host, manager, member, non-member, banned.
 */
import { describe, expect, it } from "vitest";
import { admin } from "../helpers/admin";
import { api, type RoleRoom, roleRoom } from "../helpers/api";
import { connect, type TestSocket } from "../helpers/socket";
import { settle } from "../reliability/state";

async function say(r: RoleRoom, as: string, content: string, extra: Record<string, unknown> = {}): Promise<number> {
  const sent = await api("POST", `/chatrooms/${r.id}/messages`, {
    as,
    body: { clientMsgId: crypto.randomUUID(), content, ...extra },
  });
  expect(sent.status, JSON.stringify(sent.body)).toBe(201);
  return Number(sent.body.data?.seq);
}

async function messages(r: RoleRoom, as = r.host): Promise<Record<string, unknown>[]> {
  const page = await api("GET", `/chatrooms/${r.id}/messages?after=0&limit=100`, { as });
  return (page.body.data?.messages ?? []) as Record<string, unknown>[];
}

async function watcher(r: RoleRoom): Promise<TestSocket> {
  const socket = await connect(r.id, r.other);
  await socket.next("welcome");
  return socket;
}

describe("recall", () => {
  it("lets the sender recall within the window: the seq stays, deleted and without content, everywhere", async () => {
    const r = await roleRoom();
    const w = await watcher(r);
    const seq = await say(r, r.member, "oops wrong room");
    await say(r, r.member, "next one");
    const recalled = await api("DELETE", `/chatrooms/${r.id}/messages/${seq}`, { as: r.member });
    expect(recalled.status).toBe(200);
    expect(recalled.body.data).toMatchObject({ seq, deleted: true, updateSeq: 1 });
    expect(await w.next("message_update")).toEqual({ type: "message_update", seq, updateSeq: 1, deleted: true });
    const [first] = await messages(r);
    expect(first).toEqual({
      seq,
      senderId: r.member,
      clientMsgId: first?.clientMsgId,
      content: "",
      contentType: "text",
      ts: first?.ts,
      deleted: true,
    });
    const found = await api("GET", `/chatrooms/${r.id}/messages/search?q=wrong`, { as: r.host });
    expect(found.body.data?.messages).toEqual([]);
    // Recalling again changes nothing.
    const again = await api("DELETE", `/chatrooms/${r.id}/messages/${seq}`, { as: r.member });
    expect(again.body.data).toMatchObject({ updateSeq: 1 });
  });

  it("applies the rule for each role and changes nothing on a refusal", async () => {
    const r = await roleRoom();
    const byHost = await say(r, r.host, "host says");
    const byManager = await say(r, r.manager, "manager says");
    const byMember = await say(r, r.member, "member says");
    const cases: [string, number, number][] = [
      [r.other, byMember, 403], // another member's message
      [r.outsider, byMember, 403], // not a member
      [r.banned, byMember, 403], // banned
      [r.manager, byHost, 403], // a manager on the host's message
      [r.manager, byMember, 200], // a manager on a member's message
      [r.host, byManager, 200], // the host on a manager's message
    ];
    for (const [as, seq, status] of cases) {
      const before = await messages(r);
      const res = await api("DELETE", `/chatrooms/${r.id}/messages/${seq}`, { as });
      expect(res.status, `${as} recalling ${seq}`).toBe(status);
      if (status !== 200) expect(await messages(r)).toEqual(before);
    }
    expect((await api("DELETE", `/chatrooms/${r.id}/messages/999`, { as: r.host })).status).toBe(404);
  });

  it("lets the admin recall any message (Wildfire message/recall) and answers 253 for an unknown one", async () => {
    const r = await roleRoom();
    const seq = await say(r, r.host, "host message");
    expect((await admin("/message/recall", { chatroomId: r.id, messageUid: seq })).code).toBe(0);
    expect((await messages(r))[0]).toMatchObject({ seq, deleted: true });
    expect((await admin("/message/recall", { chatroomId: r.id, messageUid: 77 })).code).toBe(253);
  });

  it("hides the preview of replies quoting a recalled message", async () => {
    const r = await roleRoom();
    const quoted = await say(r, r.member, "the original words");
    const replySeq = await say(r, r.other, "I agree", { replyTo: quoted });
    let reply = (await messages(r)).find((m) => m.seq === replySeq);
    expect(reply?.replyTo).toEqual({ seq: quoted, senderId: r.member, preview: "the original words" });
    await api("DELETE", `/chatrooms/${r.id}/messages/${quoted}`, { as: r.member });
    reply = (await messages(r)).find((m) => m.seq === replySeq);
    expect(reply?.replyTo).toEqual({ seq: quoted });
  });
});

describe("edit", () => {
  it("lets the sender edit: new content, editedAt, a message_update frame, and search follows", async () => {
    const r = await roleRoom();
    const w = await watcher(r);
    const seq = await say(r, r.member, "teh typo");
    const edited = await api("PATCH", `/chatrooms/${r.id}/messages/${seq}`, {
      as: r.member,
      body: { content: "the fix" },
    });
    expect(edited.status).toBe(200);
    expect(edited.body.data).toMatchObject({ seq, content: "the fix" });
    const editedAt = Number(edited.body.data?.editedAt);
    expect(await w.next("message_update")).toEqual({
      type: "message_update",
      seq,
      updateSeq: 1,
      content: "the fix",
      editedAt,
    });
    expect((await messages(r))[0]).toMatchObject({ content: "the fix", editedAt });
    const search = async (q: string) =>
      ((await api("GET", `/chatrooms/${r.id}/messages/search?q=${q}`, { as: r.host })).body.data?.messages ??
        []) as unknown[];
    expect(await search("typo")).toEqual([]);
    expect(await search("fix")).toHaveLength(1);
  });

  it("refuses others, recalled messages and muted senders, changing nothing", async () => {
    const r = await roleRoom();
    const seq = await say(r, r.member, "mine");
    const cases: [string, number, string][] = [
      [r.host, 403, "FORBIDDEN"],
      [r.other, 403, "FORBIDDEN"],
      [r.outsider, 403, "FORBIDDEN"],
      [r.banned, 403, "BANNED"],
    ];
    for (const [as, status, code] of cases) {
      const res = await api("PATCH", `/chatrooms/${r.id}/messages/${seq}`, { as, body: { content: "hijack" } });
      expect([res.status, res.body.code]).toEqual([status, code]);
    }
    await api("PUT", `/chatrooms/${r.id}/restrictions/${r.member}`, { as: r.host, body: { status: 1 } });
    const muted = await api("PATCH", `/chatrooms/${r.id}/messages/${seq}`, { as: r.member, body: { content: "x" } });
    expect(muted.body.code).toBe("MUTED");
    await api("DELETE", `/chatrooms/${r.id}/restrictions/${r.member}`, { as: r.host });
    await api("DELETE", `/chatrooms/${r.id}/messages/${seq}`, { as: r.member });
    const gone = await api("PATCH", `/chatrooms/${r.id}/messages/${seq}`, { as: r.member, body: { content: "x" } });
    expect(gone.status).toBe(409);
    expect((await messages(r))[0]).toMatchObject({ content: "", deleted: true });
  });
});

describe("reply and mentions", () => {
  it("refuses a reply to an unknown message and a mention of a non-member, naming the field", async () => {
    const r = await roleRoom();
    const reply = await api("POST", `/chatrooms/${r.id}/messages`, {
      as: r.member,
      body: { clientMsgId: "a", content: "x", replyTo: 42 },
    });
    expect([reply.status, reply.body.message]).toEqual([400, "replyTo: no such message in this room"]);
    const mention = await api("POST", `/chatrooms/${r.id}/messages`, {
      as: r.member,
      body: { clientMsgId: "b", content: "x", mentions: [r.other, r.outsider] },
    });
    expect([mention.status, mention.body.message]).toEqual([400, "mentions.1: not a member of this room"]);
    expect(await messages(r)).toEqual([]);
  });

  it("marks the mentioned user's room-list item until they read past the message", async () => {
    const r = await roleRoom();
    const seq = await say(r, r.member, `hey @${r.other}`, { mentions: [r.other] });
    expect((await messages(r))[0]).toMatchObject({ mentions: [r.other] });
    const item = async (as: string) => {
      await settle(r.id);
      const list = await api("GET", "/chatrooms", { as });
      return ((list.body.data?.ongoing ?? []) as Record<string, unknown>[]).find((x) => x.chatroomId === r.id);
    };
    expect(await item(r.other)).toMatchObject({ mentioned: true, lastMessage: { seq } });
    expect(await item(r.host)).toMatchObject({ mentioned: false });
    await api("POST", `/chatrooms/${r.id}/read`, { as: r.other, body: { seq } });
    expect(await item(r.other)).toMatchObject({ mentioned: false });
  });
});
