/**
 * Who may do what in a live room (SPEC §8.5: "host and managers, restrictions and history as in other
 * rooms"; members-only rules apply to any signed-in, unbanned user), what the shard reports for the
 * user's object (user_chatroom, revocation), token expiry on a shard, and no webhook event per viewer.
 */
import { env, runInDurableObject, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { mintToken } from "../../src/api/tokens";
import type { SocketHub } from "../../src/room/sockets";
import { admin, newId, tokenFor } from "../helpers/admin";
import { api } from "../helpers/api";
import { eventually, say, shardStub, spread, viewer } from "../helpers/live";
import { frameQueue } from "../helpers/socket";

const SHARDS = 4;

async function stage() {
  const tag = newId("lr");
  const [host, manager, banned] = [`${tag}-host`, `${tag}-mgr`, `${tag}-ban`];
  const created = await api("POST", "/chatroom", {
    as: host,
    body: { hostId: host, isOpen: true, users: [host, manager], mode: "live", shards: SHARDS },
  });
  const id = String(created.body.data?.chatroomId);
  expect((await api("PUT", `/chatrooms/${id}/managers/${manager}`, { as: host })).status).toBe(200);
  expect((await api("PUT", `/chatrooms/${id}/restrictions/${banned}`, { as: host, body: { status: 2 } })).status).toBe(
    200,
  );
  return { id, tag, host, manager, banned, viewer: `${tag}-viewer` };
}

/** The room as its host and the admin see it: settings, last seq and the restriction list. */
async function snapshot(id: string, host: string) {
  const info = (await api("GET", `/chatrooms/${id}`, { as: host })).body.data;
  const black = await admin<{ infos: unknown[] }>("/chatroom/get_black_status", { chatroomId: id });
  const room = await runInDurableObject(env.ROOMS.getByName(id), (_instance, state) =>
    state.storage.sql.exec<{ seq: number }>("SELECT coalesce(max(seq), 0) AS seq FROM messages").one(),
  );
  return { info, seq: room.seq, black: black.result?.infos };
}

type Role = "host" | "manager" | "viewer" | "banned" | "anonymous";
const ROLES: Role[] = ["host", "manager", "viewer", "banned", "anonymous"];

/** What each role gets from each route (status, and the code of a refusal). */
const TABLE: { action: string; allowed: Role[]; ok: number }[] = [
  { action: "mute a viewer", allowed: ["host", "manager"], ok: 200 },
  { action: "ban a viewer", allowed: ["host", "manager"], ok: 200 },
  { action: "kick a viewer", allowed: ["host", "manager"], ok: 200 },
  { action: "change settings", allowed: ["host", "manager"], ok: 200 },
  { action: "read history", allowed: ["host", "manager", "viewer"], ok: 200 },
  { action: "search", allowed: ["host", "manager", "viewer"], ok: 200 },
  { action: "send over HTTP", allowed: ["host", "manager", "viewer"], ok: 201 },
];

function call(action: string, id: string, target: string, n: number): { method: string; path: string; body?: unknown } {
  switch (action) {
    case "mute a viewer":
      return { method: "PUT", path: `/chatrooms/${id}/restrictions/${target}`, body: { status: 1 } };
    case "ban a viewer":
      return { method: "PUT", path: `/chatrooms/${id}/restrictions/${target}`, body: { status: 2 } };
    case "kick a viewer":
      return { method: "DELETE", path: `/chatrooms/${id}/members/${target}` };
    case "change settings":
      return { method: "PUT", path: `/chatrooms/${id}/settings`, body: { slowModeSeconds: n } };
    case "read history":
      return { method: "GET", path: `/chatrooms/${id}/messages?limit=5` };
    case "search":
      return { method: "GET", path: `/chatrooms/${id}/messages/search?q=hello` };
    default:
      return { method: "POST", path: `/chatrooms/${id}/messages`, body: { clientMsgId: `c${n}`, content: "hello" } };
  }
}

describe("live-room roles", () => {
  it("answers every moderation, history, search, send and socket route by role, and a refusal changes nothing", async () => {
    const room = await stage();
    const users: Record<Role, string | undefined> = {
      host: room.host,
      manager: room.manager,
      viewer: room.viewer,
      banned: room.banned,
      anonymous: undefined,
    };
    let n = 0;
    for (const { action, allowed, ok } of TABLE) {
      for (const role of ROLES) {
        n++;
        const target = `${room.tag}-target-${n}`;
        const before = await snapshot(room.id, room.host);
        const request = call(action, room.id, target, n);
        const reply = await api(request.method, request.path, { as: users[role], body: request.body });
        const row = `${action} as ${role}`;
        if (allowed.includes(role)) {
          expect(reply.status, row).toBe(ok);
          continue;
        }
        const expected =
          role === "anonymous" ? [401, "UNAUTHORIZED"] : [403, role === "banned" ? "BANNED" : "FORBIDDEN"];
        expect([reply.status, reply.body.code], row).toEqual(expected);
        expect(await snapshot(room.id, room.host), row).toEqual(before);
      }
    }
    // The socket: every signed-in, unbanned user connects without joining.
    for (const role of ROLES) {
      const user = users[role];
      const token = user === undefined ? "" : `?token=${await tokenFor(user)}`;
      const res = await SELF.fetch(`https://edgeroom.test/api/chatrooms/${room.id}/ws${token}`, {
        headers: { Upgrade: "websocket" },
      });
      const expected = { host: 101, manager: 101, viewer: 101, banned: 403, anonymous: 401 }[role];
      expect(res.status, `socket as ${role}`).toBe(expected);
      if (res.webSocket) res.webSocket.accept();
    }
  });

  it("lets any signed-in, unbanned user read history and search without connecting, and a viewer page history over the socket", async () => {
    const { id, host } = await stage();
    const sHost = await viewer(id, host);
    for (const n of [1, 2, 3]) await say(sHost, `hello ${n}`);
    const stranger = newId("stranger");
    const history = await api("GET", `/chatrooms/${id}/messages?after=0&limit=10`, { as: stranger });
    const seqs = (data: Record<string, unknown> | undefined) =>
      ((data?.messages ?? []) as { seq: number }[]).map((message) => message.seq);
    expect(seqs(history.body.data)).toEqual([1, 2, 3]);
    const found = await api("GET", `/chatrooms/${id}/messages/search?q=hello%202`, { as: stranger });
    expect(seqs(found.body.data)).toEqual([2]);
    const socket = await viewer(id, stranger);
    socket.send({ type: "history", limit: 2 });
    const page = await socket.next("history");
    expect((page.messages as { seq: number }[]).map((message) => message.seq)).toEqual([3, 2]);
    expect(page.hasMore).toBe(true);
  });

  it("answers user_chatroom with the live room while a viewer's socket is open (reported by the shard), and 253 once it closes", async () => {
    const { id } = await stage();
    const user = newId("uc");
    const userChatroom = () =>
      admin<{ chatroomId: string; clientId: string }>("/chatroom/user_chatroom", { userId: user });
    const socket = await viewer(id, user, "&clientId=tv-1&platform=3");
    const open = await eventually(userChatroom, (reply) => reply.code === 0);
    expect(open).toMatchObject({ code: 0, result: { userId: user, chatroomId: id, clientId: "tv-1", platform: 3 } });
    socket.ws.close(1000, "bye");
    await socket.closed;
    expect((await eventually(userChatroom, (reply) => reply.code === 253)).code).toBe(253);
  });

  it("closes a live viewer's socket with 4001 when their tokens are revoked; a token issued later connects", async () => {
    const { id } = await stage();
    const [user, other] = spread(newId("rv"), SHARDS, 2) as [string, string];
    const { token } = await mintToken(user, env.TOKEN_SECRET, 3600, Date.now() - 5000);
    const res = await SELF.fetch(`https://edgeroom.test/api/chatrooms/${id}/ws?token=${token}`, {
      headers: { Upgrade: "websocket" },
    });
    const socket = frameQueue(res.webSocket as WebSocket);
    await socket.next("welcome");
    const bystander = await viewer(id, other);
    await eventually(
      () => admin("/chatroom/user_chatroom", { userId: user }),
      (reply) => reply.code === 0,
    );
    expect((await admin("/user/revoke_tokens", { userId: user })).code).toBe(0);
    expect(await socket.closed).toMatchObject({ code: 4001 });
    expect(bystander.ws.readyState).toBe(WebSocket.READY_STATE_OPEN);
    // A token from get_token (minted in a later second than the revocation) connects.
    const fresh = await admin<{ token: string }>("/user/get_token", { userId: user });
    const back = await SELF.fetch(`https://edgeroom.test/api/chatrooms/${id}/ws?token=${fresh.result?.token}`, {
      headers: { Upgrade: "websocket" },
    });
    expect(back.status).toBe(101);
    expect((await frameQueue(back.webSocket as WebSocket).next("welcome")).userId).toBe(user);
  });

  it("closes a socket on a shard with 4001 when its token expires (the shard's alarm is armed for it), and keeps the others", async () => {
    const { id } = await stage();
    const [user, other] = spread(newId("ex"), SHARDS, 2) as [string, string];
    const { token } = await mintToken(user, env.TOKEN_SECRET, 60, Date.now());
    const res = await SELF.fetch(`https://edgeroom.test/api/chatrooms/${id}/ws?token=${token}`, {
      headers: { Upgrade: "websocket" },
    });
    const short = frameQueue(res.webSocket as WebSocket);
    await short.next("welcome");
    const long = await viewer(id, other);
    const shard = shardStub(id, user, SHARDS);
    const armed = await runInDurableObject(shard, (_instance, state) => state.storage.getAlarm());
    expect(armed).not.toBeNull();
    expect(armed ?? Infinity).toBeLessThanOrEqual(Date.now() + 60_000);
    // The alarm's work, with the shard's clock moved past the expiry.
    await runInDurableObject(shard, (instance) =>
      (instance as unknown as { sockets: SocketHub }).sockets.closeExpired(Date.now() + 61_000),
    );
    expect(await short.closed).toMatchObject({ code: 4001 });
    expect(long.ws.readyState).toBe(WebSocket.READY_STATE_OPEN);
  });

  it("records no webhook event per viewer: twelve viewers coming and going on every shard leave only coalesced online events", async () => {
    const { id, host } = await stage();
    const eventSeq = () =>
      runInDurableObject(env.ROOMS.getByName(id), (_instance, state) =>
        Number(state.storage.sql.exec<{ n: number }>("SELECT event_seq AS n FROM meta").one().n),
      );
    const start = await eventSeq();
    const users = spread(newId("wh"), SHARDS, 12);
    const sockets = [];
    for (const user of users) sockets.push(await viewer(id, user));
    for (const socket of sockets.slice(0, 6)) {
      socket.ws.close(1000, "bye");
      await socket.closed;
    }
    for (const user of users.slice(0, 6)) await viewer(id, user);
    const count = () => admin<{ memberCount: number }>("/chatroom/info", { chatroomId: id });
    expect((await eventually(count, (reply) => reply.result?.memberCount === 12)).result?.memberCount).toBe(12);
    // Eighteen connects and six closes: at most one online event now and one at the end of the 10-s window.
    expect((await eventSeq()) - start).toBeLessThanOrEqual(2);
    // A host's message is an event, as in any room.
    const before = await eventSeq();
    await say(await viewer(id, host), "an event");
    expect((await eventSeq()) - before).toBe(1);
  });
});
