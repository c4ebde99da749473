/**
 * Abuse of the real-time protocol (SPEC §4): garbage, binary and oversized frames, floods past the
 * rate limit, and hundreds of connect/disconnect cycles. The abuser gets error frames and keeps its
 * socket; everyone else sees exactly the accepted traffic and a correct presence count.
 */
import fc from "fast-check";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { newId } from "../helpers/admin";
import type { Frame, TestSocket } from "../helpers/socket";
import { apiJson, connectTo, socket } from "./worker";

/** SEND_BURST in the test pool (vitest.config.ts) and the default refill rate (SPEC §4). */
const BURST = 10;
const RATE_PER_SEC = 5;
const FRAME_LIMIT = 16 * 1024;
/** Answered by the runtime with a pong, not by the room (README). */
const PING = '{"type":"ping"}';

beforeAll(() => {
  vi.spyOn(console, "log").mockImplementation(() => {});
});

/** A closed room with a host and members; returns its id and the user ids. */
async function room(members: number): Promise<{ id: string; host: string; users: string[] }> {
  const host = newId("h");
  const users = Array.from({ length: members }, (_, i) => `${host}-u${i}`);
  const created = await apiJson("POST", "/chatroom", {
    as: host,
    body: { hostId: host, isOpen: false, users: [host, ...users] },
  });
  expect(created.status).toBe(201);
  return { id: String(created.body.data?.chatroomId), host, users };
}

/** Connects and consumes the welcome. */
async function join(id: string, userId: string, query = ""): Promise<{ socket: TestSocket; welcome: Frame }> {
  const opened = await connectTo(id, userId, query);
  return { socket: opened, welcome: await opened.next("welcome") };
}

/** The next `count` frames of the given type, in order. */
async function take(s: TestSocket, type: string, count: number): Promise<Frame[]> {
  const frames: Frame[] = [];
  for (let i = 0; i < count; i++) frames.push(await s.next(type));
  return frames;
}

/** Sends a marker message and reads every frame up to it: what arrived in between, nothing more. */
async function drainUntilMarker(sender: TestSocket, readers: TestSocket[], marker: string): Promise<Frame[][]> {
  sender.send({ type: "send", clientMsgId: marker, content: marker });
  return Promise.all(
    readers.map(async (reader) => {
      const seen: Frame[] = [];
      for (;;) {
        const frame = await reader.next();
        seen.push(frame);
        if (frame.type === "message" && frame.clientMsgId === marker) return seen;
      }
    }),
  );
}

async function lastSeq(id: string, as: string): Promise<number> {
  const info = await apiJson("GET", `/chatrooms/${id}`, { as });
  return Number(info.body.data?.lastSeq);
}

/** A frame the protocol refuses: not JSON, not an object, or an object with no valid `type`. */
const garbageFrame = fc
  .oneof(
    fc.string({ unit: "binary" }).filter((text) => {
      try {
        JSON.parse(text);
        return false;
      } catch {
        return true;
      }
    }),
    fc.constantFrom(
      "NaN",
      "{",
      "[]",
      "null",
      "0",
      '"send"',
      '{"type":"send"}',
      '{"type":"read","seq":-1}',
      '{"type":"history","before":0}',
    ),
    fc
      .jsonValue({ maxDepth: 3 })
      .filter(
        (value) =>
          typeof value !== "object" ||
          value === null ||
          Array.isArray(value) ||
          !["send", "read", "typing", "history"].includes(String((value as { type?: unknown }).type)),
      )
      .map((value) => JSON.stringify(value)),
    fc
      .constantFrom("__proto__", "constructor", "prototype")
      .map((key) => `{"${key}":{"type":"typing"},"type":{"toString":"send"}}`),
  )
  .filter((frame) => frame !== PING);

describe("socket abuse", () => {
  it("answers each garbage, binary and oversized frame with one error frame, keeps the socket, and tells no one else", async () => {
    const { id, host, users } = await room(1);
    const abuser = (await join(id, host)).socket;
    const other = (await join(id, users[0] as string)).socket;
    await abuser.next("presence");
    const frames = fc.sample(garbageFrame, 300);
    const oversized = [
      "x".repeat(FRAME_LIMIT + 1),
      JSON.stringify({ type: "send", clientMsgId: "big", content: "é".repeat(9000) }),
      JSON.stringify({ type: "send", clientMsgId: "big2", content: "ok", pad: "😀".repeat(FRAME_LIMIT / 4) }),
    ];
    const binary = [new Uint8Array([0x7b, 0x7d]), new ArrayBuffer(0), new Uint8Array(FRAME_LIMIT + 10).buffer];
    for (const frame of frames) abuser.send(frame);
    for (const frame of oversized) abuser.send(frame);
    for (const frame of binary) abuser.ws.send(frame);
    const errors = await take(abuser, "error", frames.length + oversized.length + binary.length);
    // Counted, not aligned: the pool's Durable Object wrapper awaits a module import before each
    // webSocketMessage, so frames sent in one burst may be handled out of order in tests.
    const tally = (code: string) => errors.filter((frame) => frame.code === code).length;
    expect(tally("BAD_REQUEST")).toBe(frames.length + binary.length);
    expect(tally("PAYLOAD_TOO_LARGE")).toBe(oversized.length);
    expect(errors.every((frame) => typeof frame.message === "string" && !/\n\s+at /.test(String(frame.message)))).toBe(
      true,
    );
    expect(abuser.pending.filter((frame) => frame.type === "ack" || frame.type === "message")).toEqual([]);
    expect(await lastSeq(id, host)).toBe(0);

    // A frame of exactly 16 KiB is still accepted; the socket works as before.
    const exact = JSON.stringify({ type: "send", clientMsgId: "exact", content: "fits", pad: "" });
    abuser.send(exact.replace('"pad":""', `"pad":"${"p".repeat(FRAME_LIMIT - exact.length)}"`));
    expect(await abuser.next("ack")).toMatchObject({ clientMsgId: "exact", seq: 1, duplicate: false });
    const [seenByOther] = await drainUntilMarker(abuser, [other], "after");
    expect(seenByOther?.map((frame) => [frame.type, frame.clientMsgId])).toEqual([
      ["message", "exact"],
      ["message", "after"],
    ]);
    expect(abuser.ws.readyState).toBe(WebSocket.READY_STATE_OPEN);
    expect(other.ws.readyState).toBe(WebSocket.READY_STATE_OPEN);
  });

  it("cuts a flood of 200 sends at the burst: one RATE_LIMITED notice a second, the socket stays open, and others receive exactly the accepted messages", async () => {
    const { id, host, users } = await room(2);
    const [flooder, reader] = users as [string, string];
    const h = (await join(id, host)).socket;
    const f = (await join(id, flooder)).socket;
    const r = (await join(id, reader)).socket;
    const started = Date.now();
    for (let i = 0; i < 200; i++) f.send({ type: "send", clientMsgId: `f${i}`, content: `flood ${i}` });
    // A socket's frames are handled in order: the answer to this history frame comes after every send's.
    f.send({ type: "history", limit: 1 });
    const replies: Frame[] = [];
    for (;;) {
      const frame = await f.next();
      if (frame.type === "history") break;
      if (frame.type === "ack" || frame.type === "error") replies.push(frame);
    }
    const elapsedMs = Date.now() - started;
    const acks = replies.filter((frame) => frame.type === "ack");
    const refused = replies.filter((frame) => frame.type === "error");
    // The bucket holds BURST tokens and refills at RATE_PER_SEC while the flood is processed.
    expect(acks.length).toBeGreaterThanOrEqual(BURST);
    expect(acks.length).toBeLessThanOrEqual(BURST + Math.floor((elapsedMs / 1000) * RATE_PER_SEC));
    expect(acks.map((frame) => frame.seq)).toEqual(acks.map((_, i) => i + 1));
    // The refused sends are not answered one by one: at most one notice per second (SPEC §8.1).
    expect(refused.length).toBeGreaterThanOrEqual(1);
    expect(refused.length).toBeLessThanOrEqual(Math.ceil(elapsedMs / 1000) + 1);
    expect(refused.every((frame) => frame.code === "RATE_LIMITED" && Number(frame.retryAfterSec) >= 1)).toBe(true);
    const accepted = acks.map((frame) => frame.clientMsgId);
    expect(refused.every((frame) => !accepted.includes(frame.clientMsgId))).toBe(true);

    // Others see exactly the accepted messages, in order, then the host's marker.
    for (const seen of await drainUntilMarker(h, [r, h], "marker")) {
      const messages = seen.filter((frame) => frame.type === "message");
      expect(messages.map((frame) => frame.clientMsgId)).toEqual([...accepted, "marker"]);
      expect(messages.map((frame) => frame.seq)).toEqual(messages.map((_, i) => i + 1));
      expect(seen.filter((frame) => frame.type === "error")).toEqual([]);
    }
    expect(f.ws.readyState).toBe(WebSocket.READY_STATE_OPEN);
    const history = await apiJson("GET", `/chatrooms/${id}/messages?after=0&limit=100`, { as: reader });
    const stored = ((history.body.data?.messages ?? []) as Frame[]).map((message) => message.clientMsgId);
    expect(stored).toEqual([...accepted, "marker"]);
  });

  it("survives 300 connect/disconnect cycles of one user: others get one online and one offline per cycle, and presence ends right", async () => {
    const { id, host, users } = await room(3);
    const [churner, watcher, late] = users as [string, string, string];
    const h = (await join(id, host)).socket;
    const w = (await join(id, watcher)).socket;
    await h.next("presence");
    for (let cycle = 0; cycle < 300; cycle++) {
      const { socket: s, welcome } = await join(id, churner);
      expect(welcome.onlineCount).toBe(3);
      s.ws.close(1000, "bye");
      expect((await s.closed).code).toBe(1000);
    }
    // Refused upgrades (an outsider, a bad since) leave no trace for the members either.
    for (let i = 0; i < 20; i++) {
      const refused = await socket(id, `${host}-outsider-${i}`);
      expect(refused instanceof Response && refused.status).toBe(403);
    }
    const presence = (s: TestSocket) =>
      s.pending.filter((frame) => frame.type === "presence" && frame.userId !== watcher);
    for (const s of [h, w]) {
      const seen = await drainUntilMarker(h, [s], `marker-${s === h ? "h" : "w"}`);
      const changes = seen[0]?.filter((frame) => frame.type === "presence" && frame.userId === churner) ?? [];
      expect(changes).toHaveLength(600);
      expect(changes.every((frame, i) => frame.online === (i % 2 === 0))).toBe(true);
      expect(changes.every((frame, i) => frame.count === (i % 2 === 0 ? 3 : 2))).toBe(true);
      expect(presence(s)).toEqual([]);
    }
    const { welcome } = await join(id, late);
    expect(welcome.onlineCount).toBe(3);
    expect((welcome.online as string[]).sort()).toEqual([host, watcher, late].sort());
    expect(await h.next("presence")).toMatchObject({ userId: late, online: true, count: 3 });
  });

  it("keeps presence right when one user opens 50 sockets at once and closes them all", async () => {
    const { id, host, users } = await room(1);
    const [many] = users as [string];
    const h = (await join(id, host)).socket;
    const sockets = await Promise.all(Array.from({ length: 50 }, () => join(id, many)));
    expect(await h.next("presence")).toMatchObject({ userId: many, online: true, count: 2 });
    await Promise.all(
      sockets.map(async ({ socket: s }) => {
        s.ws.close(1000, "bye");
        await s.closed;
      }),
    );
    expect(await h.next("presence")).toMatchObject({ userId: many, online: false, count: 1 });
    const [seen] = await drainUntilMarker(h, [h], "marker");
    expect(seen?.filter((frame) => frame.type === "presence")).toEqual([]);
  });
});
