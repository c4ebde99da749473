/**
 * A live room moderates as other rooms do (SPEC §8.5, issue 17 point 1), with the rule for each role:
 * host, manager, viewer (signed in, never joined), banned viewer and a caller who is not signed in.
 * Restrictions reach the user's shard before the call answers; every shard hears the frames.
 */
import { env, runInDurableObject, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { shardOf } from "../../src/live/shard-of";
import type { ShardState } from "../../src/live/shard-sessions";
import { admissionRefusal } from "../../src/live/shard-sessions";
import type { RoomCore } from "../../src/room/core";
import { admin, newId, tokenFor } from "../helpers/admin";
import { api } from "../helpers/api";
import { answerTo, onShard, say, seqsOf, shardStub, spread, viewer } from "../helpers/live";
import type { Frame, TestSocket } from "../helpers/socket";

const SHARDS = 4;

/** A live room created through the client API by its host, with a manager and three viewers on distinct shards. */
async function stage() {
  const tag = newId("lm");
  const [host, manager] = [`${tag}-host`, `${tag}-mgr`];
  const created = await api("POST", "/chatroom", {
    as: host,
    body: { hostId: host, isOpen: true, users: [host, manager], mode: "live", shards: SHARDS },
  });
  expect(created.status).toBe(201);
  const id = String(created.body.data?.chatroomId);
  expect((await api("PUT", `/chatrooms/${id}/managers/${manager}`, { as: host })).status).toBe(200);
  const [a, b, c] = spread(`${tag}-v`, SHARDS, 3) as [string, string, string];
  return { id, host, manager, a, b, c, outsider: `${tag}-out` };
}

const restrict = (id: string, as: string, userId: string, body: Record<string, unknown>) =>
  api("PUT", `/chatrooms/${id}/restrictions/${userId}`, { as, body });

const lastSeq = async (id: string) =>
  Number((await api("GET", `/chatrooms/${id}`, { as: newId("peek") })).body.data?.lastSeq);

const blackList = async (id: string) =>
  (await admin<{ infos: { userId: string; state: number }[] }>("/chatroom/get_black_status", { chatroomId: id })).result
    ?.infos ?? [];

/** The next moderation frame about `userId`. */
const moderation = (socket: TestSocket, event: string, userId?: string) =>
  socket.next(
    "moderation",
    5000,
    (frame: Frame) => frame.event === event && (userId === undefined || frame.userId === userId),
  );

describe("live-room moderation by role", () => {
  it("mutes a viewer: host and manager may, a viewer may not and changes nothing; the muted viewer's sends are refused on their shard and nothing is stored; every shard hears it", async () => {
    const { id, host, manager, a, b, c } = await stage();
    const [sa, sb, sc] = [await viewer(id, a), await viewer(id, b), await viewer(id, c)];
    // A viewer may not restrict anyone, nor may someone without a token.
    expect((await restrict(id, b, a, { status: 1 })).body).toMatchObject({ status: 403, code: "FORBIDDEN" });
    const anonymous = await SELF.fetch(`https://edgeroom.test/api/chatrooms/${id}/restrictions/${a}`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ status: 1 }),
    });
    expect(anonymous.status).toBe(401);
    expect(await blackList(id)).toEqual([]);
    // The manager mutes a, the host mutes b: each on its own shard, heard on every shard.
    expect((await restrict(id, manager, a, { status: 1 })).status).toBe(200);
    expect((await restrict(id, host, b, { status: 1, durationSeconds: 600 })).status).toBe(200);
    for (const socket of [sa, sb, sc]) {
      expect(await moderation(socket, "muted", a)).toMatchObject({ userId: a });
      expect(await moderation(socket, "muted", b)).toMatchObject({ userId: b });
    }
    const before = await lastSeq(id);
    sa.send({ type: "send", clientMsgId: "hush", content: "can I?" });
    expect(await answerTo(sa, "hush")).toMatchObject({ type: "error", code: "MUTED" });
    // A muted viewer reconnecting learns it in the welcome.
    const again = await viewer(id, b);
    expect(again.welcome.restriction).toMatchObject({ status: 1 });
    // Unmuted viewers still speak; the refused send was never stored or broadcast.
    expect(await say(sc, "fine")).toMatchObject({ seq: before + 1 });
    expect(await seqsOf(sa, 1)).toEqual([before + 1]);
    expect(sa.pending.filter((frame) => frame.type === "message")).toEqual([]);
    // The manager cannot lift the host's mute (a higher rank set it); the host can.
    expect((await api("DELETE", `/chatrooms/${id}/restrictions/${b}`, { as: manager })).status).toBe(403);
    expect((await api("DELETE", `/chatrooms/${id}/restrictions/${b}`, { as: host })).status).toBe(200);
    expect(await moderation(sc, "unmuted", b)).toMatchObject({ userId: b });
    expect(await say(again, "back")).toMatchObject({ seq: before + 2 });
  });

  it("bans a viewer until a time: closed 4003 at once, refused at connect, over HTTP and by the shard until then; admitted after, and every shard hears the lift", async () => {
    const { id, host, a, b, c, outsider } = await stage();
    const [sa, sb, sc] = [await viewer(id, a), await viewer(id, b), await viewer(id, c)];
    // Someone else on a's shard keeps it holding the room's view after a's socket is gone.
    await viewer(id, onShard(`${a}-n`, SHARDS, shardOf(a, SHARDS)));
    const until = Date.now() + 60_000;
    expect((await restrict(id, host, a, { status: 2, expiresAt: until })).status).toBe(200);
    // The shard was told before the call answered: the socket is already closing.
    expect((await sa.closed).code).toBe(4003);
    for (const socket of [sb, sc]) expect(await moderation(socket, "banned", a)).toMatchObject({ until });
    const refused = await SELF.fetch(`https://edgeroom.test/api/chatrooms/${id}/ws?token=${await tokenFor(a)}`, {
      headers: { Upgrade: "websocket" },
    });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { code: string }).code).toBe("BANNED");
    for (const path of ["messages", "messages/search?q=x"]) {
      expect((await api("GET", `/chatrooms/${id}/${path}`, { as: a })).body).toMatchObject({ code: "BANNED" });
    }
    const send = await api("POST", `/chatrooms/${id}/messages`, { as: a, body: { clientMsgId: "x", content: "x" } });
    expect(send.body).toMatchObject({ status: 403, code: "BANNED" });
    // A banned viewer cannot ban back, and a manager or viewer cannot lift the host's ban.
    expect((await restrict(id, a, outsider, { status: 2 })).body).toMatchObject({ code: "BANNED" });
    expect((await api("DELETE", `/chatrooms/${id}/restrictions/${a}`, { as: b })).status).toBe(403);

    // Past the expiry (the clock moved in each object): the shard admits a, and the room's alarm lifts
    // the ban and tells every shard.
    const shard = shardStub(id, a, SHARDS);
    const later = until + 1000;
    const session = { userId: a, iat: 0, exp: 0, clientId: "", platform: 0, since: null, updatesSince: null };
    const refusals = await runInDurableObject(shard, (instance) => {
      const state = (instance as unknown as { state: ShardState }).state;
      return [admissionRefusal(state, session, Date.now())?.kind ?? null, admissionRefusal(state, session, later)];
    });
    expect(refusals).toEqual(["banned", null]);
    await runInDurableObject(env.ROOMS.getByName(id), (instance) =>
      (instance as unknown as { room: RoomCore }).room.onAlarm(later),
    );
    for (const socket of [sb, sc]) expect(await moderation(socket, "unbanned", a)).toMatchObject({ userId: a });
    expect(await blackList(id)).toEqual([]);
  });

  it("kicks a viewer: their sockets close with 4003 and they may come back; a viewer may not kick, a manager may not kick the host", async () => {
    const { id, host, manager, a, b, c } = await stage();
    const [sa, sb] = [await viewer(id, a), await viewer(id, b)];
    const sHost = await viewer(id, host);
    expect((await api("DELETE", `/chatrooms/${id}/members/${a}`, { as: b })).status).toBe(403);
    expect((await api("DELETE", `/chatrooms/${id}/members/${host}`, { as: manager })).status).toBe(403);
    expect(sa.ws.readyState).toBe(WebSocket.READY_STATE_OPEN);
    expect(sHost.ws.readyState).toBe(WebSocket.READY_STATE_OPEN);
    expect((await api("DELETE", `/chatrooms/${id}/members/${a}`, { as: manager })).status).toBe(200);
    expect((await sa.closed).code).toBe(4003);
    expect(await sb.next("member", 5000, (frame: Frame) => frame.event === "kicked")).toMatchObject({ userId: a });
    // A kick is not a ban: the viewer comes back and speaks.
    const back = await viewer(id, a);
    expect(back.welcome.restriction).toBeNull();
    expect(await say(back, "I'm back")).toMatchObject({ duplicate: false });
    expect((await api("DELETE", `/chatrooms/${id}/members/${c}`, { as: host })).status).toBe(200);
  });

  it("mute-all silences viewers on every shard while host and managers still speak", async () => {
    const { id, host, manager, a, b } = await stage();
    const [sa, sb] = [await viewer(id, a), await viewer(id, b)];
    const [sHost, sManager] = [await viewer(id, host), await viewer(id, manager)];
    expect((await api("PUT", `/chatrooms/${id}/settings`, { as: a, body: { muteAll: true } })).status).toBe(403);
    expect((await api("PUT", `/chatrooms/${id}/settings`, { as: manager, body: { muteAll: true } })).status).toBe(200);
    for (const socket of [sa, sb, sHost]) {
      expect(await socket.next("moderation", 5000, (frame: Frame) => frame.event === "muteAll")).toMatchObject({
        on: true,
      });
    }
    // A viewer connecting now learns it in the welcome.
    expect((await viewer(id, `${a}-late`)).welcome.muteAll).toBe(true);
    sa.send({ type: "send", clientMsgId: "quiet", content: "hello?" });
    expect(await answerTo(sa, "quiet")).toMatchObject({ type: "error", code: "MUTED" });
    const [fromHost, fromManager] = [await say(sHost, "host speaks"), await say(sManager, "manager speaks")];
    for (const socket of [sa, sb]) expect(await seqsOf(socket, 2)).toEqual([fromHost.seq, fromManager.seq]);
  });

  it("slow mode paces viewers, not host or managers", async () => {
    const { id, host, a } = await stage();
    const [sa, sHost] = [await viewer(id, a), await viewer(id, host)];
    expect((await api("PUT", `/chatrooms/${id}/settings`, { as: host, body: { slowModeSeconds: 30 } })).status).toBe(
      200,
    );
    await sa.next("room", 5000, (frame: Frame) => frame.event === "updated");
    await say(sa, "first");
    sa.send({ type: "send", clientMsgId: "second", content: "too soon" });
    expect(await answerTo(sa, "second")).toMatchObject({ type: "error", code: "RATE_LIMITED", retryAfterSec: 30 });
    for (const n of [1, 2, 3]) await say(sHost, `host ${n}`);
  });

  it("ends: every viewer on every shard is told and closed with 4004, and no one connects after", async () => {
    const { id, host, a, b, c } = await stage();
    const sockets = [await viewer(id, a), await viewer(id, b), await viewer(id, c)];
    expect((await admin("/chatroom/del", { chatroomId: id })).code).toBe(0);
    for (const socket of sockets) {
      expect((await socket.closed).code).toBe(4004);
      expect(socket.pending.filter((frame) => frame.type === "room").map((frame) => frame.event)).toEqual([
        "ending",
        "ended",
      ]);
    }
    const after = await SELF.fetch(`https://edgeroom.test/api/chatrooms/${id}/ws?token=${await tokenFor(host)}`, {
      headers: { Upgrade: "websocket" },
    });
    expect(after.status).toBe(409);
  });
});
