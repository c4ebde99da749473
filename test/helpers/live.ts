/** Test helpers for live rooms (SPEC §8.5): a room, viewers on chosen shards, the objects' counters. */
import { env } from "cloudflare:test";
import { expect } from "vitest";
import { shardName, shardOf } from "../../src/live/shard-of";
import { admin, newId } from "./admin";
import { connect, type Frame, type TestSocket } from "./socket";

/** Creates a live room through the admin API with `shards` shard objects; returns its id. */
export async function liveRoom(shards = 4, fields: Record<string, unknown> = {}): Promise<string> {
  const chatroomId = newId("live");
  const created = await admin("/chatroom/create", { chatroomId, title: "Live", mode: "live", shards, ...fields });
  expect(created.code).toBe(0);
  return chatroomId;
}

/** A viewer's socket, with its welcome frame and its user id. */
export type Viewer = TestSocket & { welcome: Frame; userId: string };

/** Opens a viewer's socket and takes its welcome. */
export async function viewer(id: string, userId: string, query = ""): Promise<Viewer> {
  const socket = await connect(id, userId, query);
  const welcome = await socket.next("welcome");
  expect(welcome).toMatchObject({ chatroomId: id, userId, mode: "live" });
  return Object.assign(socket, { welcome, userId });
}

/**
 * One viewer per entry of `indexes`, each a fresh user on that shard of live room `id` (which has
 * `shards` shards), opened one after the other in that order.
 */
export async function viewersOnShards<const Indexes extends readonly number[]>(
  id: string,
  shards: number,
  indexes: Indexes,
): Promise<{ [K in keyof Indexes]: Viewer }> {
  const prefix = newId("v");
  const viewers: Viewer[] = [];
  for (const [position, index] of indexes.entries()) {
    viewers.push(await viewer(id, onShard(`${prefix}-${position}`, shards, index)));
  }
  // One viewer per index, in order: the tuple type lets a caller destructure them.
  return viewers as { [K in keyof Indexes]: Viewer };
}

/**
 * `count` user ids whose shards are spread over the room: the first `shards` land on distinct shards,
 * the rest wherever their hash puts them.
 */
export function spread(prefix: string, shards: number, count: number): string[] {
  const users: string[] = [];
  const seen = new Set<number>();
  for (let i = 0; users.length < count; i++) {
    const user = `${prefix}-${i}`;
    const shard = shardOf(user, shards);
    if (seen.size < shards && seen.has(shard)) continue;
    seen.add(shard);
    users.push(user);
  }
  return users;
}

/** A user id that maps to shard `index` of a room with `shards` shards. */
export function onShard(prefix: string, shards: number, index: number): string {
  for (let i = 0; ; i++) if (shardOf(`${prefix}-${i}`, shards) === index) return `${prefix}-${i}`;
}

/** The shard object that holds a user's sockets. */
export function shardStub(chatroomId: string, userId: string, shards: number) {
  return env.SHARDS.getByName(shardName(chatroomId, shardOf(userId, shards)));
}

/** Polls `read` until `check` passes or `timeoutMs` elapses; returns the last value read (the caller asserts). */
export async function eventually<T>(
  read: () => Promise<T>,
  check: (value: T) => boolean,
  timeoutMs = 5000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (check(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** A live room object's work counters (RPC), its fan-out's beside its own. */
export async function roomWork(chatroomId: string) {
  const answer = await env.ROOMS.getByName(chatroomId).workCounters();
  if (!answer.ok) throw new Error(answer.message);
  const { fanout, ...room } = answer.value;
  if (!fanout) throw new Error(`${chatroomId} is not a live room`);
  return { ...room, ...fanout };
}

/** Takes `count` message frames from a socket (others stay queued) and returns their seqs. */
export async function seqsOf(socket: TestSocket, count: number, timeoutMs = 5000): Promise<number[]> {
  const seqs: number[] = [];
  while (seqs.length < count) seqs.push(Number((await socket.next("message", timeoutMs)).seq));
  return seqs;
}

/** 1..n. */
export function upTo(n: number, from = 1): number[] {
  return Array.from({ length: n - from + 1 }, (_, i) => from + i);
}

/** The ack or error answering the frame with `clientMsgId` (other frames stay queued). */
export function answerTo(socket: TestSocket, clientMsgId: string, timeoutMs = 5000): Promise<Frame> {
  return socket.next(undefined, timeoutMs, (frame) => {
    return (frame.type === "ack" || frame.type === "error") && frame.clientMsgId === clientMsgId;
  });
}

/** Sends a chat message and waits for its ack (failing on an error frame for it). */
export async function say(socket: TestSocket, clientMsgId: string, content = clientMsgId): Promise<Frame> {
  socket.send({ type: "send", clientMsgId, content });
  const answer = await answerTo(socket, clientMsgId);
  expect(answer.type, JSON.stringify(answer)).toBe("ack");
  return answer;
}

/** Every message seq a socket has queued, in order, taken out of its queue (the rest stays). */
export function takeMessages(socket: TestSocket): number[] {
  const seqs = socket.pending.filter((frame) => frame.type === "message").map((frame) => Number(frame.seq));
  socket.pending.splice(0, socket.pending.length, ...socket.pending.filter((frame) => frame.type !== "message"));
  return seqs;
}
