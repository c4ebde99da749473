/**
 * Sockets and their tokens (SPEC §8.1 "Tokens"): a socket is closed with 4001 when its token expires
 * (driven by the alarm and checked on every frame), and on revocation of the tokens it was opened with.
 */
import { env, runInDurableObject, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { mintToken } from "../../src/api/tokens";
import type { RoomCore } from "../../src/room/core";
import { onMessage } from "../../src/room/sessions";
import { newId } from "../helpers/admin";
import { api } from "../helpers/api";
import { frameQueue, type TestSocket } from "../helpers/socket";

interface Testable {
  room: { onAlarm(now: number): Promise<void> };
}

async function room(host: string, users: string[]): Promise<string> {
  const res = await api("POST", "/chatroom", {
    as: host,
    body: { hostId: host, isOpen: false, users: [host, ...users] },
  });
  return String(res.body.data?.chatroomId);
}

/** Opens a socket with a token minted at `issuedAt` for `ttlSeconds`. */
async function socketWith(id: string, userId: string, ttlSeconds: number, issuedAt = Date.now()): Promise<TestSocket> {
  const { token } = await mintToken(userId, env.TOKEN_SECRET, ttlSeconds, issuedAt);
  const res = await SELF.fetch(`https://edgeroom.test/api/chatrooms/${id}/ws?token=${token}`, {
    headers: { Upgrade: "websocket" },
  });
  if (!res.webSocket) throw new Error(`refused: ${res.status} ${await res.text()}`);
  const socket = frameQueue(res.webSocket);
  await socket.next("welcome");
  return socket;
}

describe("socket tokens", () => {
  it("closes a socket with 4001 when its token expires, from the alarm, and keeps the others", async () => {
    const host = newId("h");
    const id = await room(host, [`${host}-m`]);
    const short = await socketWith(id, `${host}-m`, 60);
    const long = await socketWith(id, host, 3600);
    const stub = env.ROOMS.getByName(id);
    const armed = await runInDurableObject(stub, (_instance, state) => state.storage.getAlarm());
    expect(armed).not.toBeNull();
    expect(armed ?? 0).toBeLessThanOrEqual(Date.now() + 60_000);
    await runInDurableObject(stub, (instance) => (instance as unknown as Testable).room.onAlarm(Date.now() + 61_000));
    expect(await short.closed).toMatchObject({ code: 4001 });
    expect(await long.next("presence")).toMatchObject({ userId: `${host}-m`, online: false });
    expect(long.ws.readyState).toBe(WebSocket.READY_STATE_OPEN);
  });

  it("closes a socket with 4001 on its next frame once its token has expired, before handling the frame", async () => {
    const host = newId("h");
    const id = await room(host, []);
    const socket = await socketWith(id, host, 60);
    // The frame is handled with the room's clock moved past the expiry, ahead of the alarm.
    await runInDurableObject(env.ROOMS.getByName(id), (instance, state) => {
      const { room: core } = instance as unknown as { room: RoomCore };
      const [server] = state.getWebSockets(host);
      const identity = server ? core.sockets.identity(server) : null;
      if (!server || !identity) throw new Error("no socket");
      const frame = { ok: true as const, value: { type: "send" as const, clientMsgId: "late", content: "x" } };
      onMessage(core, server, identity, frame, Date.now() + 61_000);
    });
    expect(await socket.closed).toMatchObject({ code: 4001 });
    const history = await api("GET", `/chatrooms/${id}/messages`, { as: host });
    expect(history.body.data?.messages).toEqual([]);
  });

  it("revokeSockets closes only the sockets whose token was issued at or before the cut-off", async () => {
    const host = newId("h");
    const user = `${host}-m`;
    const id = await room(host, [user]);
    const old = await socketWith(id, user, 3600, Date.now() - 10_000);
    const fresh = await socketWith(id, user, 3600);
    const cutoff = Math.floor((Date.now() - 5_000) / 1000);
    const result = await env.ROOMS.getByName(id).revokeSockets(user, cutoff);
    expect(result).toEqual({ ok: true, value: { closed: 1 } });
    expect(await old.closed).toMatchObject({ code: 4001, reason: "token revoked" });
    fresh.send({ type: "send", clientMsgId: "still", content: "here" });
    expect(await fresh.next("ack")).toMatchObject({ clientMsgId: "still" });
  });
});
