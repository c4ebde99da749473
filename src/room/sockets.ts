/**
 * @module sockets
 * The room's live connections over the hibernation API: identity in each socket's attachment and tag,
 * an online-count cache rebuilt after wake-up, and an outgoing queue that coalesces the frames bound
 * for one socket in the same turn into one `batch` frame (SPEC §4).
 */
import { encodeBatch } from "./protocol";

/** What a socket remembers across hibernation (kept small: the attachment limit is 2 KiB). */
export interface SocketIdentity {
  userId: string;
  connectedAt: number;
}

/** Close codes of SPEC §4. */
export const CLOSE_REMOVED = 4003;
export const CLOSE_ROOM_ENDED = 4004;

type Target = "all" | { only: WebSocket } | { except: WebSocket };
interface Outgoing {
  frame: string;
  target: Target;
}

function wants(target: Target, socket: WebSocket): boolean {
  if (target === "all") return true;
  return "only" in target ? target.only === socket : target.except !== socket;
}

/** The connection registry of one room object. */
export class SocketHub {
  private onlineCache: Map<string, number> | null = null;
  private queue: Outgoing[] = [];
  private flushScheduled = false;

  constructor(private readonly ctx: DurableObjectState) {}

  /** Accepts a socket for `userId`; returns true when it is the user's first live socket. */
  accept(socket: WebSocket, identity: SocketIdentity): boolean {
    // Read the cache before accepting, so a rebuild cannot count the new socket twice.
    const online = this.online();
    this.ctx.acceptWebSocket(socket, [identity.userId]);
    socket.serializeAttachment(identity);
    const count = (online.get(identity.userId) ?? 0) + 1;
    online.set(identity.userId, count);
    return count === 1;
  }

  /** Identity of a socket, or null for a socket that is not ours. */
  identity(socket: WebSocket): SocketIdentity | null {
    const value: unknown = socket.deserializeAttachment();
    if (typeof value !== "object" || value === null || typeof (value as SocketIdentity).userId !== "string") {
      return null;
    }
    return value as SocketIdentity;
  }

  /**
   * Forgets a closed socket; `wentOffline` is true once, when the user's last open socket goes.
   * Counts from the runtime's tag index, so a close and an error for the same socket agree.
   */
  release(socket: WebSocket): { userId: string; wentOffline: boolean } | null {
    const identity = this.identity(socket);
    if (!identity) return null;
    const online = this.online();
    const before = online.get(identity.userId) ?? 0;
    const remaining = this.ctx
      .getWebSockets(identity.userId)
      .filter((other) => other !== socket && other.readyState === WebSocket.READY_STATE_OPEN).length;
    if (remaining === 0) online.delete(identity.userId);
    else online.set(identity.userId, remaining);
    return { userId: identity.userId, wentOffline: before > 0 && remaining === 0 };
  }

  /** Live socket count per user; rebuilt from the runtime after the object wakes up. */
  online(): Map<string, number> {
    if (!this.onlineCache) {
      const online = new Map<string, number>();
      for (const socket of this.ctx.getWebSockets()) {
        const identity = socket.readyState === WebSocket.READY_STATE_OPEN ? this.identity(socket) : null;
        if (identity) online.set(identity.userId, (online.get(identity.userId) ?? 0) + 1);
      }
      this.onlineCache = online;
    }
    return this.onlineCache;
  }

  isOnline(userId: string): boolean {
    return (this.online().get(userId) ?? 0) > 0;
  }

  /** Queues a frame for every socket. */
  broadcast(frame: string, except?: WebSocket): void {
    this.push({ frame, target: except ? { except } : "all" });
  }

  /** Queues a frame for one socket, after whatever is already queued for it. */
  send(socket: WebSocket, frame: string): void {
    this.push({ frame, target: { only: socket } });
  }

  /** Queues a frame for every socket of one user. */
  sendToUser(userId: string, frame: string): void {
    for (const socket of this.ctx.getWebSockets(userId)) this.send(socket, frame);
  }

  /** Sends the queue now, then closes the user's sockets with `code`. */
  closeUser(userId: string, code: number, reason: string): void {
    this.flush();
    for (const socket of this.ctx.getWebSockets(userId)) this.close(socket, code, reason);
  }

  /** Sends the queue now, then closes every socket with `code`. */
  closeAll(code: number, reason: string): void {
    this.flush();
    for (const socket of this.ctx.getWebSockets()) this.close(socket, code, reason);
    this.onlineCache = new Map();
  }

  private close(socket: WebSocket, code: number, reason: string): void {
    try {
      socket.close(code, reason);
    } catch {
      // Already closing: nothing left to tell it.
    }
  }

  private push(outgoing: Outgoing): void {
    this.queue.push(outgoing);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      queueMicrotask(() => this.flush());
    }
  }

  /** Writes queued frames: one frame as is, several as one batch; shared lists are encoded once. */
  flush(): void {
    this.flushScheduled = false;
    const queue = this.queue;
    if (queue.length === 0) return;
    this.queue = [];
    const everyone = queue.every((item) => item.target === "all");
    const shared = everyone
      ? queue.length === 1
        ? (queue[0] as Outgoing).frame
        : encodeBatch(queue.map((q) => q.frame))
      : null;
    for (const socket of this.ctx.getWebSockets()) {
      let payload = shared;
      if (payload === null) {
        const frames = queue.filter((item) => wants(item.target, socket)).map((item) => item.frame);
        if (frames.length === 0) continue;
        payload = frames.length === 1 ? (frames[0] as string) : encodeBatch(frames);
      }
      try {
        socket.send(payload);
      } catch {
        // The socket closed under us; its close event cleans up.
      }
    }
  }
}
