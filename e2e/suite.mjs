// One `wrangler dev` per describe block, for the e2e files that talk to rooms as several users: the
// server started before the block's tests and stopped after them, every socket the block opened with
// `connect` closed first (an open socket keeps the run waiting), and each user's client token fetched
// once. Kept apart from harness.mjs and client.mjs because it registers node:test hooks, and the
// benchmarks import those two.
import { after, before } from "node:test";
import { clientApi, RoomSocket, tokenFor } from "./client.mjs";
import { startServer } from "./harness.mjs";

/**
 * Registers the enclosing describe block's before/after hooks (`vars` as for `startServer`). Returns
 * { server, api, token, connect }: `server` is the harness server once the block's tests run; `api`,
 * `token(userId)` and `connect(chatroomId, userId, { since })` call it, and `connect` resolves once the
 * welcome frame arrived, kept as `socket.welcome`.
 */
export function serverForSuite(vars = {}) {
  let server;
  const tokens = new Map();
  const sockets = [];

  async function token(userId) {
    if (!tokens.has(userId)) tokens.set(userId, await tokenFor(server, userId));
    return tokens.get(userId);
  }

  async function connect(chatroomId, userId, options) {
    const socket = await RoomSocket.open(server.wsUrl, chatroomId, await token(userId), options);
    sockets.push(socket);
    socket.welcome = await socket.next("welcome");
    return socket;
  }

  before(async () => {
    server = await startServer(vars);
  });
  after(async () => {
    await Promise.all(sockets.map((socket) => socket.close()));
    await server?.stop();
  });

  return {
    get server() {
      return server;
    },
    api: (method, path, userToken, body) => clientApi(server.url)(method, path, userToken, body),
    token,
    connect,
  };
}
