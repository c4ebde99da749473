/**
 * Search (SQLite FTS5 with the trigram tokenizer, SPEC §8.3), the member list and profiles seen by
 * others: members only, recalled messages never found, open profiles never reveal the real one.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { upsertProfile } from "../../src/directory/store";
import { api, type RoleRoom, roleRoom } from "../helpers/api";
import { connect, type Frame } from "../helpers/socket";

async function say(r: RoleRoom, as: string, content: string): Promise<number> {
  const sent = await api("POST", `/chatrooms/${r.id}/messages`, {
    as,
    body: { clientMsgId: crypto.randomUUID(), content },
  });
  return Number(sent.body.data?.seq);
}

async function search(
  r: RoleRoom,
  q: string,
  as = r.member,
  extra = "",
): Promise<{ seqs: number[]; next: unknown; status: number }> {
  const res = await api("GET", `/chatrooms/${r.id}/messages/search?q=${encodeURIComponent(q)}${extra}`, { as });
  const messages = (res.body.data?.messages ?? []) as Frame[];
  return { seqs: messages.map((m) => Number(m.seq)), next: res.body.data?.nextCursor ?? null, status: res.status };
}

describe("search", () => {
  it("finds Korean, Chinese and English text, short queries too, newest first, and never a recalled message", async () => {
    const r = await roleRoom();
    const ko = await say(r, r.member, "오늘 점심은 비빔밥 먹었어요");
    const zh = await say(r, r.other, "欢迎来到聊天室");
    const en = await say(r, r.host, "The zebra crossing is closed");
    const short = await say(r, r.member, "안녕 여러분");
    expect((await search(r, "비빔밥")).seqs).toEqual([ko]);
    expect((await search(r, "聊天室")).seqs).toEqual([zh]);
    expect((await search(r, "ZEBRA")).seqs).toEqual([en]);
    expect((await search(r, "안녕")).seqs).toEqual([short]);
    expect((await search(r, 'a"b')).seqs).toEqual([]);
    expect((await search(r, "100%")).seqs).toEqual([]);
    await api("DELETE", `/chatrooms/${r.id}/messages/${ko}`, { as: r.member });
    expect((await search(r, "비빔밥")).seqs).toEqual([]);
  });

  it("pages with nextCursor", async () => {
    const r = await roleRoom();
    const seqs: number[] = [];
    for (let i = 0; i < 5; i++) seqs.push(await say(r, i % 2 ? r.member : r.other, `report number ${i}`));
    const first = await search(r, "report", r.member, "&limit=2");
    expect(first.seqs).toEqual([seqs[4], seqs[3]]);
    const second = await search(r, "report", r.member, `&limit=2&cursor=${first.next}`);
    expect(second.seqs).toEqual([seqs[2], seqs[1]]);
    const third = await search(r, "report", r.member, `&limit=2&cursor=${second.next}`);
    expect(third).toMatchObject({ seqs: [seqs[0]], next: null });
  });

  it("is for members: outsiders and the banned are refused, and a bad query names the field", async () => {
    const r = await roleRoom();
    await say(r, r.member, "secret plans");
    expect((await search(r, "secret", r.outsider)).status).toBe(403);
    expect((await search(r, "secret", r.banned)).status).toBe(403);
    const empty = await api("GET", `/chatrooms/${r.id}/messages/search?q=`, { as: r.member });
    expect([empty.status, empty.body.message?.startsWith("q:")]).toEqual([400, true]);
  });
});

describe("members and profiles", () => {
  it("lists members in join order with role, face and online, paged, for members only", async () => {
    const r = await roleRoom();
    await upsertProfile(
      env.DB,
      { userId: r.manager, displayName: "Manny", portrait: "https://img.test/m.png" },
      Date.now(),
    );
    const online = await connect(r.id, r.other);
    await online.next("welcome");
    const first = await api("GET", `/chatrooms/${r.id}/members?limit=3`, { as: r.member });
    expect(first.status).toBe(200);
    expect(first.body.data?.members).toEqual([
      { userId: r.host, role: "host", nickname: null, image: null, online: false },
      { userId: r.manager, role: "manager", nickname: "Manny", image: "https://img.test/m.png", online: false },
      { userId: r.member, role: "member", nickname: null, image: null, online: false },
    ]);
    const rest = await api("GET", `/chatrooms/${r.id}/members?limit=3&cursor=${first.body.data?.nextCursor}`, {
      as: r.member,
    });
    expect(((rest.body.data?.members ?? []) as Frame[]).map((m) => [m.userId, m.online])).toEqual([
      [r.other, true],
      [r.muted, false],
    ]);
    expect(rest.body.data?.nextCursor).toBeNull();
    for (const as of [r.outsider, r.banned]) {
      expect((await api("GET", `/chatrooms/${r.id}/members`, { as })).status).toBe(403);
    }
  });

  it("shows the open profile a user chose for a room, and never the real one behind it", async () => {
    const host = `h-${crypto.randomUUID().slice(0, 8)}`;
    const guest = `${host}-guest`;
    const stranger = `${host}-stranger`;
    await upsertProfile(
      env.DB,
      { userId: guest, displayName: "Real Name", portrait: "https://img.test/real.png" },
      Date.now(),
    );
    const open = await api("POST", "/users/me/open-profiles", {
      as: guest,
      body: { nickname: "Masked", imageUrl: "https://img.test/mask.png" },
    });
    const created = await api("POST", "/chatroom", { as: host, body: { hostId: host, isOpen: true, users: [host] } });
    const id = String(created.body.data?.chatroomId);
    await api("POST", `/chatrooms/${id}/join`, { as: guest, body: { openProfileId: open.body.data?.id } });
    const members = await api("GET", `/chatrooms/${id}/members`, { as: host });
    expect(((members.body.data?.members ?? []) as Frame[])[1]).toMatchObject({
      userId: guest,
      nickname: "Masked",
      image: "https://img.test/mask.png",
    });
    const inRoom = await api("GET", `/users/${guest}/profile?chatroomId=${id}`, { as: host });
    expect(inRoom.body.data).toEqual({
      userId: guest,
      nickname: "Masked",
      imageUrl: "https://img.test/mask.png",
      openProfile: true,
    });
    // Without the room: the host shares no room where the guest shows their own face, nor does a stranger.
    for (const as of [host, stranger]) {
      expect((await api("GET", `/users/${guest}/profile`, { as })).status).toBe(404);
    }
    const own = await api("GET", `/users/${guest}/profile`, { as: guest });
    expect(own.body.data).toMatchObject({ nickname: "Real Name", openProfile: false });
    // A stranger may not look into the room either.
    expect((await api("GET", `/users/${guest}/profile?chatroomId=${id}`, { as: stranger })).status).toBe(403);
  });

  it("shows the real profile to someone who shares a room where the user shows it", async () => {
    const r = await roleRoom();
    await upsertProfile(
      env.DB,
      { userId: r.member, displayName: "Mem", portrait: "https://img.test/mem.png" },
      Date.now(),
    );
    const seen = await api("GET", `/users/${r.member}/profile`, { as: r.other });
    expect(seen.body.data).toEqual({
      userId: r.member,
      nickname: "Mem",
      imageUrl: "https://img.test/mem.png",
      openProfile: false,
    });
  });
});
