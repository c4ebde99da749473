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

/** Longest time a frame waits to be coalesced with others while the room is busy. */
export const COALESCE_MS = 10;

/** One frame as is, several as one batch, none as null. */
function payloadOf(items: readonly Outgoing[]): string | null {
  if (items.length === 0) return null;
  return items.length === 1 ? (items[0] as Outgoing).frame : encodeBatch(items.map((item) => item.frame));
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
  private lastFlushAt = 0;
  /** Sockets accepted since the last flush, with how many queued frames predate them. */
  private fresh = new Map<WebSocket, number>();

  constructor(private readonly ctx: DurableObjectState) {}

  /** Accepts a socket for `userId`; returns true when it is the user's first live socket. */
  accept(socket: WebSocket, identity: SocketIdentity): boolean {
    // Frames queued before this socket existed belong to the sockets open then, not to it.
    this.fresh.set(socket, this.queue.length);
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

  /**
   * Schedules a flush: right after this turn when the room is quiet, or at most COALESCE_MS after the
   * last flush when it is busy, so that under load each socket gets one batch per window instead of
   * one frame per message.
   */
  private push(outgoing: Outgoing): void {
    this.queue.push(outgoing);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    const wait = this.lastFlushAt + COALESCE_MS - Date.now();
    if (wait <= 0) queueMicrotask(() => this.flush());
    else setTimeout(() => this.flush(), wait);
  }

  /** Writes queued frames: one frame as is, several as one batch. */
  flush(): void {
    this.flushScheduled = false;
    this.lastFlushAt = Date.now();
    const queue = this.queue;
    const fresh = this.fresh;
    this.fresh = new Map();
    if (queue.length === 0) return;
    this.queue = [];
    // Sockets named by a targeted frame get their own list; every other socket gets the same
    // string, encoded once.
    const named = new Set<WebSocket>();
    for (const { target } of queue) if (target !== "all") named.add("only" in target ? target.only : target.except);
    const shared = payloadOf(queue.filter((item) => item.target === "all" || "except" in item.target));
    for (const socket of this.ctx.getWebSockets()) {
      const from = fresh.get(socket) ?? 0;
      const own = named.has(socket) || from > 0;
      const payload = own ? payloadOf(queue.slice(from).filter((item) => wants(item.target, socket))) : shared;
      if (payload === null) continue;
      try {
        socket.send(payload);
      } catch {
        // The socket closed under us; its close event cleans up.
      }
    }
  }
}
