/** Test helpers for WebSockets through the Worker: open, read frames (batches unpacked) with a timeout. */
import { SELF } from "cloudflare:test";
import { expect } from "vitest";
import { tokenFor } from "./admin";
import { checkFrame, conformed } from "./conformance";

/** A frame as parsed JSON. */
export type Frame = Record<string, unknown> & { type: string };

/** A client socket with a frame queue. */
export interface TestSocket {
  ws: WebSocket;
  /**
   * Next frame (optionally the next of a type that passes `match`, leaving others queued), or throws
   * after `timeoutMs`.
   */
  next(type?: string, timeoutMs?: number, match?: (frame: Frame) => boolean): Promise<Frame>;
  send(frame: unknown): void;
  closed: Promise<{ code: number; reason: string }>;
  /** Frames received so far and not yet consumed. */
  pending: Frame[];
}

/**
 * The answer to a socket upgrade as `userId`, checked against the route: 101 with its `webSocket` not yet
 * accepted, or the refusal. For tests of the upgrade itself; `openSocket` and `connect` go on from it.
 */
export async function upgrade(roomId: string, userId: string, query = ""): Promise<Response> {
  const token = await tokenFor(userId);
  const url = `https://edgeroom.test/api/chatrooms/${roomId}/ws?token=${token}${query}`;
  return conformed("GET", url, await SELF.fetch(url, { headers: { Upgrade: "websocket" } }));
}

/** Opens a socket to a room as `userId`; resolves with the Response when the upgrade is refused. */
export async function openSocket(roomId: string, userId: string, query = ""): Promise<TestSocket | Response> {
  const res = await upgrade(roomId, userId, query);
  return res.webSocket ? frameQueue(res.webSocket) : res;
}

/** Opens `count` sockets as `userId`, expecting every upgrade to succeed; returns them accepted, frames unread. */
export async function openRawSockets(roomId: string, userId: string, count: number): Promise<WebSocket[]> {
  const open: WebSocket[] = [];
  for (let i = 0; i < count; i++) {
    const res = await upgrade(roomId, userId);
    expect(res.status, `socket ${i + 1} of ${userId}`).toBe(101);
    const ws = res.webSocket as WebSocket;
    ws.accept();
    open.push(ws);
  }
  return open;
}

/** Accepts a client socket and queues its frames (batches unpacked) for `next`; each is checked against the server-frame union. */
export function frameQueue(ws: WebSocket): TestSocket {
  ws.accept();
  const pending: Frame[] = [];
  const waiters: (() => void)[] = [];
  const broken: string[] = [];
  ws.addEventListener("message", (event) => {
    const parsed = JSON.parse(String(event.data)) as Frame;
    const problem = checkFrame(parsed);
    if (problem !== null) broken.push(problem);
    const frames = parsed.type === "batch" ? (parsed.frames as Frame[]) : [parsed];
    pending.push(...frames);
    for (const wake of waiters.splice(0)) wake();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.addEventListener("close", (event) => {
      resolve({ code: event.code, reason: event.reason });
      for (const wake of waiters.splice(0)) wake();
    });
  });
  async function next(type?: string, timeoutMs = 3000, match: (frame: Frame) => boolean = () => true): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (broken.length > 0) throw new Error(`conformance: ${broken[0]}`);
      const index = pending.findIndex((frame) => (type === undefined || frame.type === type) && match(frame));
      if (index >= 0) return pending.splice(index, 1)[0] as Frame;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${type ?? "frame"} within ${timeoutMs} ms; have ${JSON.stringify(pending)}`);
      await Promise.race([
        new Promise<void>((resolve) => waiters.push(resolve)),
        new Promise((resolve) => setTimeout(resolve, left)),
      ]);
    }
  }
  return {
    ws,
    next,
    send: (frame) => ws.send(typeof frame === "string" ? frame : JSON.stringify(frame)),
    closed,
    pending,
  };
}

/** Opens a socket and fails the test when the upgrade is refused. */
export async function connect(roomId: string, userId: string, query = ""): Promise<TestSocket> {
  const socket = await openSocket(roomId, userId, query);
  if (socket instanceof Response) throw new Error(`upgrade refused: ${socket.status} ${await socket.text()}`);
  return socket;
}

/**
 * Sends 50 garbage frames every 100 ms (500 a second, against the default frame budget's refill of 20) until the
 * server closes the socket, for at most 6 s; resolves with the close, or null when it stayed open.
 */
export async function floodUntilClosed(socket: TestSocket): Promise<{ code: number; reason: string } | null> {
  let closed: { code: number; reason: string } | null = null;
  void socket.closed.then((value) => {
    closed = value;
  });
  for (let round = 0; round < 60 && !closed; round++) {
    for (let i = 0; i < 50; i++) socket.send("not json");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return closed;
}
