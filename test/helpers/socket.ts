/** Test helpers for WebSockets through the Worker: open, read frames (batches unpacked) with a timeout. */
import { SELF } from "cloudflare:test";
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

/** Opens a socket to a room as `userId`; resolves with the Response when the upgrade is refused. */
export async function openSocket(roomId: string, userId: string, query = ""): Promise<TestSocket | Response> {
  const token = await tokenFor(userId);
  const url = `https://edgeroom.test/api/chatrooms/${roomId}/ws?token=${token}${query}`;
  const res = await conformed("GET", url, await SELF.fetch(url, { headers: { Upgrade: "websocket" } }));
  return res.webSocket ? frameQueue(res.webSocket) : res;
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
