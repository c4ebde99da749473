/**
 * The room tells each user's object where they have a socket open (SPEC §8.2 `user_chatroom`), so the
 * admin API can answer which room a user is in and a token revocation reaches their open sockets.
 */
import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { mintToken } from "../../src/api/tokens";
import { admin, newId } from "../helpers/admin";
import { api } from "../helpers/api";
import { connect, frameQueue } from "../helpers/socket";

/** Polls the admin API until `check` passes (reports are coalesced for a moment), or fails after 5 s. */
async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const value = await read();
    if (check(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function room(host: string, users: string[]): Promise<string> {
  const res = await api("POST", "/chatroom", {
    as: host,
    body: { hostId: host, isOpen: false, users: [host, ...users] },
  });
  return String(res.body.data?.chatroomId);
}

const userChatroom = (userId: string) =>
  admin<{ userId: string; chatroomId: string; clientId: string; platform: number }>("/chatroom/user_chatroom", {
    userId,
  });

describe("open-room reports", () => {
  it("answers user_chatroom with the room the user most recently opened a socket in, and 253 once all are closed", async () => {
    const host = newId("h");
    const user = `${host}-u`;
    const first = await room(host, [user]);
    const second = await room(host, [user]);
    expect((await userChatroom(user)).code).toBe(253);
    const a = await connect(first, user, "&clientId=phone-1&platform=2");
    await a.next("welcome");
    const inFirst = await eventually(
      () => userChatroom(user),
      (reply) => reply.code === 0,
    );
    expect(inFirst).toMatchObject({
      code: 0,
      result: { userId: user, chatroomId: first, clientId: "phone-1", platform: 2 },
    });
    const b = await connect(second, user, "&clientId=web&platform=5");
    await b.next("welcome");
    const inSecond = await eventually(
      () => userChatroom(user),
      (reply) => reply.result?.chatroomId === second,
    );
    expect(inSecond.result).toMatchObject({ chatroomId: second, clientId: "web", platform: 5 });
    b.ws.close(1000, "bye");
    await b.closed;
    const back = await eventually(
      () => userChatroom(user),
      (reply) => reply.result?.chatroomId === first,
    );
    expect(back.result?.chatroomId).toBe(first);
    a.ws.close(1000, "bye");
    await a.closed;
    expect(
      (
        await eventually(
          () => userChatroom(user),
          (reply) => reply.code === 253,
        )
      ).code,
    ).toBe(253);
  });

  it("lets a token revocation close the user's open sockets with 4001 while a new token works", async () => {
    const host = newId("h");
    const user = `${host}-u`;
    const id = await room(host, [user]);
    // The socket's token was issued a few seconds ago.
    const { token } = await mintToken(user, env.TOKEN_SECRET, 3600, Date.now() - 5000);
    const res = await SELF.fetch(`https://edgeroom.test/api/chatrooms/${id}/ws?token=${token}`, {
      headers: { Upgrade: "websocket" },
    });
    const socket = frameQueue(res.webSocket as WebSocket);
    await socket.next("welcome");
    await eventually(
      () => userChatroom(user),
      (reply) => reply.code === 0,
    );
    expect((await admin("/user/revoke_tokens", { userId: user })).code).toBe(0);
    expect(await socket.closed).toMatchObject({ code: 4001 });
    // Tokens issued in the second of the revocation are refused too (iat has whole seconds): the new
    // one is minted in the next second.
    await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 5));
    const fresh = await connect(id, user);
    expect((await fresh.next("welcome")).userId).toBe(user);
  });
});
