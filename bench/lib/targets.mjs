// What differs between the two servers the bench drives with one generator: how a room is set up, the
// socket URL and first frame of each client, and the markers of the frames the generator looks for.
// edgeroom: members with tokens (signed admin API) in a room created with the typed client, socket
// `/api/chatrooms/<id>/ws`, ready on `welcome`, sends acked. The demo (workers-chat-demo): any room name,
// socket `/api/room/<name>/websocket`, first frame `{"name"}`, ready on `{"ready":true}`, no acks (a
// sender seeing its own broadcast is the server's acceptance).
import { roomSocketUrl } from "../../e2e/client.mjs";
import { EdgeroomApi } from "../../public/client.js";
import { adminOk } from "./admin.mjs";
import { mapLimit } from "./http.mjs";

const SETUP_CONCURRENCY = 16;

/** Frame markers per server (see loadgen-worker.mjs). */
export const PROTOCOLS = {
  edgeroom: {
    kind: "edgeroom",
    readyMark: '"type":"welcome"',
    errorMark: '"type":"error"',
    ackMark: '"type":"ack"',
    ackIdKey: '"clientMsgId":"',
    deflate: process.env.BENCH_DEFLATE === "1",
  },
  demo: {
    kind: "demo",
    readyMark: '"ready":true',
    errorMark: '{"error":',
    ackMark: null,
    ackIdKey: null,
    deflate: process.env.BENCH_DEFLATE === "1",
  },
};

/** `n` users of an edgeroom target with client tokens, made once per target and reused by later rooms. */
export async function users(target, n, runTag) {
  target.userPool ??= [];
  const pool = target.userPool;
  if (pool.length < n) {
    const ids = Array.from({ length: n - pool.length }, (_, i) => `b${runTag}-u${pool.length + i}`);
    const made = await mapLimit(ids, SETUP_CONCURRENCY, async (userId) => {
      const { token } = await adminOk(target.admin, "/user/get_token", { userId, ttlSeconds: 86_400 });
      return { userId, token };
    });
    pool.push(...made);
  }
  return pool.slice(0, n);
}

/**
 * The typed client for one user of an edgeroom target. Its retry after a 429 is off: the bench counts
 * the server's answers, not the client's patience.
 */
export function typedClient(target, token) {
  return new EdgeroomApi({ baseUrl: target.url, token, retry: { retries: 0 } });
}

/** A closed edgeroom room with every user as a member, created by users[0] with the typed client. */
export async function createEdgeroomRoom(target, members, title) {
  const host = members[0];
  const api = typedClient(target, host.token);
  const room = await api.createChatroom({
    hostId: host.userId,
    isOpen: false,
    users: members.map((u) => u.userId),
    title,
  });
  return room.chatroomId;
}

/**
 * A fresh room of `n` clients on `target`: { roomId, clients: [{ url, hello }], members }. `direct` uses
 * the runtime's own port instead of the dev proxy.
 */
export async function prepareRoom(target, { n, label, runTag, direct = false }) {
  const base = (direct ? target.directUrl : target.url).replace(/^http/, "ws");
  if (target.name === "demo") {
    const roomId = `${runTag}-${label}`.slice(0, 32);
    const url = `${base}/api/room/${encodeURIComponent(roomId)}/websocket`;
    return {
      roomId,
      clients: Array.from({ length: n }, (_, i) => ({ url, hello: `{"name":"u${i}"}` })),
      members: null,
    };
  }
  const members = await users(target, n, runTag);
  const roomId = await createEdgeroomRoom(target, members, `bench ${label}`);
  return { roomId, clients: members.map((u) => ({ url: roomSocketUrl(base, roomId, u.token), hello: null })), members };
}
