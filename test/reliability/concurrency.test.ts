/**
 * Concurrency (SPEC §1, §4): the room object serialises every write, so concurrent joins count
 * exactly, concurrent sends get distinct gapless seqs, and concurrent admins setting and lifting the
 * same restriction leave exactly the last write applied, never a mix of two.
 */
import { env, runDurableObjectAlarm } from "cloudflare:test";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { newId } from "../helpers/admin";
import type { Frame } from "../helpers/socket";
import { adminCall, adminJson, apiJson, connectTo } from "./worker";

beforeAll(() => {
  vi.spyOn(console, "log").mockImplementation(() => {});
});

async function indexCount(chatroomId: string): Promise<number> {
  const row = await env.DB.prepare("SELECT count(*) AS n FROM user_rooms WHERE chatroom_id = ?")
    .bind(chatroomId)
    .first<{ n: number }>();
  return Number(row?.n);
}

async function settle(chatroomId: string): Promise<void> {
  const stub = env.ROOMS.getByName(chatroomId);
  for (let run = 0; run < 5; run++) if (!(await runDurableObjectAlarm(stub))) return;
}

describe("concurrent writers", () => {
  it("counts 100 users joining an open room at once exactly, in the room and in the D1 index", async () => {
    const host = newId("h");
    const created = await apiJson("POST", "/chatroom", {
      as: host,
      body: { hostId: host, isOpen: true, users: [host] },
    });
    expect(created.status).toBe(201);
    const id = String(created.body.data?.chatroomId);
    const joiners = Array.from({ length: 100 }, (_, i) => `${host}-j${i}`);
    // Each joiner also retries once at the same time: a duplicate join must not count twice.
    const replies = await Promise.all(
      [...joiners, ...joiners.slice(0, 20)].map((userId) =>
        apiJson("POST", `/chatrooms/${id}/join`, { as: userId, body: {} }),
      ),
    );
    expect(replies.map((reply) => reply.status)).toEqual(replies.map(() => 200));
    const info = await apiJson("GET", `/chatrooms/${id}`, { as: host });
    expect(info.body.data?.count).toBe(101);
    const members = await adminJson<{ list: string[] }>("/chatroom/members", { chatroomId: id });
    expect(members.result?.list).toHaveLength(101);
    expect(new Set(members.result?.list)).toEqual(new Set([host, ...joiners]));
    await settle(id);
    expect(await indexCount(id)).toBe(101);
    const room = await env.DB.prepare("SELECT member_count FROM rooms WHERE chatroom_id = ?").bind(id).first();
    expect(room).toEqual({ member_count: 101 });
    const lists = await Promise.all(joiners.map((userId) => apiJson("GET", "/chatrooms", { as: userId })));
    for (const list of lists) {
      expect(
        ((list.body.data?.ongoing ?? []) as { chatroomId: string; count: number }[]).map((r) => [
          r.chatroomId,
          r.count,
        ]),
      ).toEqual([[id, 101]]);
    }
  });

  it("gives 60 members sending at once the seqs 1..60, each exactly once", async () => {
    const host = newId("h");
    const senders = Array.from({ length: 59 }, (_, i) => `${host}-s${i}`);
    const created = await apiJson("POST", "/chatroom", {
      as: host,
      body: { hostId: host, isOpen: false, users: [host, ...senders] },
    });
    const id = String(created.body.data?.chatroomId);
    const acks = await Promise.all(
      [host, ...senders].map((userId) =>
        apiJson("POST", `/chatrooms/${id}/messages`, { as: userId, body: { clientMsgId: "same-id", content: userId } }),
      ),
    );
    expect(acks.every((ack) => ack.status === 201 && ack.body.data?.duplicate === false)).toBe(true);
    expect(acks.map((ack) => Number(ack.body.data?.seq)).sort((a, b) => a - b)).toEqual(acks.map((_, i) => i + 1));
    const history = await apiJson("GET", `/chatrooms/${id}/messages?after=0&limit=100`, { as: host });
    const messages = history.body.data?.messages as Frame[];
    expect(messages.map((message) => message.seq)).toEqual(acks.map((_, i) => i + 1));
    // Each ack's seq holds that sender's own message.
    for (const ack of acks) {
      const message = messages.find((m) => m.seq === ack.body.data?.seq);
      expect(message?.senderId).toBe(message?.content);
    }
    expect(new Set(messages.map((message) => message.senderId)).size).toBe(60);
  });

  it("leaves exactly the last of concurrent set and lift writes from two admins, never a mix", async () => {
    const chatroomId = newId("room");
    expect((await adminJson("/chatroom/create", { chatroomId, title: "Contested" })).code).toBe(0);
    const watcher = newId("watch");
    expect((await apiJson("POST", `/chatrooms/${chatroomId}/join`, { as: watcher, body: {} })).status).toBe(200);
    const ws = await connectTo(chatroomId, watcher);
    await ws.next("welcome");
    const target = newId("target");
    const base = Date.now() + 3_600_000;
    /** What the room told its members, replayed: the restriction the last applied write left. */
    let told: { state: number; expiredTime: number } | null = null;
    for (let round = 0; round < 25; round++) {
      const writes = [
        { status: 1, expiredTime: base + round * 10 + 1 },
        { status: 2, expiredTime: base + round * 10 + 2 },
        { status: 1, expiredTime: 0 },
        { status: 0 },
      ];
      // Two admins, each with its own nonces, both writing to the same user at once.
      const replies = await Promise.all(
        [...writes, ...writes.slice().reverse()].map((write) =>
          adminCall("/chatroom/set_black_status", JSON.stringify({ chatroomId, userId: target, ...write })),
        ),
      );
      for (const reply of replies) expect(((await reply.json()) as { code: number }).code).toBe(0);
      const status = await adminJson<{ infos: { userId: string; state: number; expiredTime: number }[] }>(
        "/chatroom/get_black_status",
        { chatroomId },
      );
      const infos = status.result?.infos ?? [];
      // Never a mix: the entry is exactly one of the writes.
      expect(infos.length).toBeLessThanOrEqual(1);
      const final = infos[0] ?? null;
      if (final) {
        expect(final.userId).toBe(target);
        expect(writes).toContainEqual({ status: final.state, expiredTime: final.expiredTime });
      }
      // And it is the last write the room applied, as the order of its broadcasts shows: a history
      // request answered after every write tells where this round's broadcasts end.
      ws.send({ type: "history", limit: 1 });
      for (;;) {
        const frame = await ws.next();
        if (frame.type === "history") break;
        if (frame.type !== "moderation" || frame.userId !== target) continue;
        if (frame.event === "muted" || frame.event === "banned") {
          told = { state: frame.event === "muted" ? 1 : 2, expiredTime: Number(frame.until ?? 0) };
        } else told = null;
      }
      expect(final === null ? null : { state: final.state, expiredTime: final.expiredTime }).toEqual(told);
    }
  });
});
