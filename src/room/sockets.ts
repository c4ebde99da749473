/**
 * @module sockets
 * The room's live connections over the hibernation API (SPEC §4): each socket's identity lives in its
 * attachment and its user id in its tag, so both survive hibernation; the maps here are caches rebuilt
 * after wake-up. Outgoing frames go through one queue that coalesces what is bound for one socket into
 * a `batch` frame (see {@link SocketHub.flush}).
 */
import { type Failure, fail } from "../errors";
import type { Limits } from "../limits";
import { countWrites, emptyMeter, flushDelay } from "./coalesce";
import type { Fanout } from "./fanout";
import type { PresenceReporter } from "./presence-report";
import { encodeBatch } from "./protocol";
import { admitConnect, type FrameBudget, typingDue } from "./socket-budget";

/** What a socket remembers across hibernation (kept small: the attachment limit is 2 KiB). */
export interface SocketIdentity {
  userId: string;
  connectedAt: number;
  /** The token's issue and expiry times in seconds (revocation and expiry close with 4001); 0 = unknown. */
  iat: number;
  exp: number;
  /** What the client said it is (Wildfire `user_chatroom`): free text and a platform number. */
  clientId: string;
  platform: number;
  /** Backup of the frame budget, written when the socket is refused (SPEC §8.1). */
  budget?: FrameBudget;
}

/** Close codes of SPEC §4 and §8.1. */
export const CLOSE_TOKEN = 4001;
export const CLOSE_REMOVED = 4003;
export const CLOSE_ROOM_ENDED = 4004;
export const CLOSE_ABUSE = 4008;

type Target = "all" | { only: WebSocket } | { except: WebSocket };
interface Outgoing {
  frame: string;
  target: Target;
}

/** Size of the connect log above which users with no recent connect are swept from it. */
const CONNECT_LOG_SWEEP = 1000;
/** Largest batch frame sent (SPEC §8.1): clients and proxies that cap frames at 1 MiB still take it. */
export const BATCH_MAX_BYTES = 512 * 1024;

/**
 * Payloads for one socket: one frame as is, several joined into `batch` frames, each batch kept under
 * BATCH_MAX_BYTES (a single frame larger than that goes alone; frames are ≤ 16 KiB in practice).
 * Lengths are UTF-16 units, an upper bound on bytes only for ASCII, so the bound is taken as 3 bytes a unit.
 */
export function payloadsOf(frames: readonly string[], maxBytes = BATCH_MAX_BYTES): string[] {
  if (frames.length <= 1) return [...frames];
  const payloads: string[] = [];
  let group: string[] = [];
  let size = 0;
  const close = () => {
    if (group.length > 0) payloads.push(group.length === 1 ? (group[0] as string) : encodeBatch(group));
    group = [];
    size = 0;
  };
  for (const frame of frames) {
    const bytes = frame.length * 3 + 1;
    if (size + bytes > maxBytes - 32) close();
    group.push(frame);
    size += bytes;
  }
  close();
  return payloads;
}

function wants(target: Target, socket: WebSocket): boolean {
  if (target === "all") return true;
  return "only" in target ? target.only === socket : target.except !== socket;
}

function isIdentity(value: unknown): value is SocketIdentity {
  return typeof value === "object" && value !== null && typeof (value as SocketIdentity).userId === "string";
}

/** Retry-After for a connect refused because the user already has MAX_SOCKETS_PER_USER open. */
const SOCKETS_FULL_RETRY_SEC = 5;

/** The connection registry of one room (or shard) object. */
export class SocketHub implements Fanout {
  /** Identity per open socket, and open sockets per user; null until rebuilt after wake-up. */
  private sessions: Map<WebSocket, SocketIdentity> | null = null;
  private onlineCounts = new Map<string, number>();
  private queue: Outgoing[] = [];
  private flushScheduled = false;
  private lastFlushAt = 0;
  /** Socket writes in the last second: the load that sets the coalescing window. */
  private meter = emptyMeter();
  /** Socket writes since the object started (per-object work counters, SPEC §8.5). */
  private written = 0;
  /** Sockets accepted since the last flush, with how many queued frames predate them. */
  private fresh = new Map<WebSocket, number>();
  /** Per-user throttles kept in memory (an eviction forgets them, which only ever lets one more through). */
  private typingAt = new Map<string, number>();
  private connectsAt = new Map<string, number[]>();

  /**
   * @param onOffline called when a socket the room closes itself (kick, ban, expiry, abuse) was its
   *   user's last: presence is told at once, not when the client's close handshake arrives.
   */
  constructor(
    private readonly ctx: DurableObjectState,
    private readonly onOffline: (userId: string) => void = () => {},
    /** Tells each user's object where they have a socket open (SPEC §8.2 user_chatroom, §8.1 revocation). */
    private readonly reporter: Pick<PresenceReporter, "opened" | "closed"> | null = null,
  ) {}

  /** Whether a user's `typing` goes out now (TYPING_INTERVAL_MS); records it when it does. */
  typingDue(userId: string, now: number, intervalMs: number): boolean {
    if (!typingDue(this.typingAt.get(userId), now, intervalMs)) return false;
    this.typingAt.set(userId, now);
    return true;
  }

  /**
   * Why the user may not open another socket here now (SPEC §8.1: MAX_SOCKETS_PER_USER open, then
   * CONNECTS_PER_10S), or null; a connect that passes is counted.
   */
  connectRefusal(
    userId: string,
    now: number,
    limits: Pick<Limits, "maxSocketsPerUser" | "connectsPer10s">,
  ): Failure | null {
    const { maxSocketsPerUser, connectsPer10s } = limits;
    if (this.openSockets(userId).length >= maxSocketsPerUser) {
      return fail("rate_limited", `too many open sockets: at most ${maxSocketsPerUser} per user in a room`, {
        retryAfterSec: SOCKETS_FULL_RETRY_SEC,
      });
    }
    const connect = this.admitConnect(userId, now, connectsPer10s);
    if (!connect.ok) {
      return fail("rate_limited", `too many connects: at most ${connectsPer10s} per 10 s`, {
        retryAfterSec: connect.retryAfterSec,
      });
    }
    return null;
  }

  /** Counts a connect against CONNECTS_PER_10S for the user, or says how long to wait. */
  private admitConnect(
    userId: string,
    now: number,
    limit: number,
  ): { ok: true } | { ok: false; retryAfterSec: number } {
    const verdict = admitConnect(this.connectsAt.get(userId) ?? [], now, limit);
    this.connectsAt.set(userId, verdict.recent);
    // Forget users whose connects have all left the window, so the map stays as small as the churn.
    if (this.connectsAt.size > CONNECT_LOG_SWEEP) {
      for (const [user, times] of this.connectsAt)
        if (times.every((at) => now - at >= 10_000)) this.connectsAt.delete(user);
    }
    return verdict.ok ? { ok: true } : { ok: false, retryAfterSec: verdict.retryAfterSec };
  }

  /** Accepts a socket for `identity.userId`; returns true when it is the user's first live socket. */
  accept(socket: WebSocket, identity: SocketIdentity): boolean {
    // Frames queued before this socket existed belong to the sockets open then, not to it.
    this.fresh.set(socket, this.queue.length);
    // Build the caches before accepting, so a rebuild cannot count the new socket twice.
    const sessions = this.all();
    this.ctx.acceptWebSocket(socket, [identity.userId]);
    socket.serializeAttachment(identity);
    sessions.set(socket, identity);
    const count = (this.onlineCounts.get(identity.userId) ?? 0) + 1;
    this.onlineCounts.set(identity.userId, count);
    const { clientId, platform, connectedAt } = identity;
    this.reporter?.opened(identity.userId, { clientId, platform, at: connectedAt });
    return count === 1;
  }

  /** Identity of a socket, or null for a socket that is not ours. */
  identity(socket: WebSocket): SocketIdentity | null {
    const cached = this.all().get(socket);
    if (cached) return cached;
    const value: unknown = socket.deserializeAttachment();
    return isIdentity(value) ? value : null;
  }

  /** Keeps a socket's frame budget in memory and, when `backup`, in its attachment. */
  saveBudget(socket: WebSocket, budget: FrameBudget, backup: boolean): void {
    const identity = this.identity(socket);
    if (!identity) return;
    const updated = { ...identity, budget };
    this.all().set(socket, updated);
    if (backup) {
      try {
        socket.serializeAttachment(updated);
      } catch {
        // Closed under us.
      }
    }
  }

  /**
   * Forgets a closed socket; `wentOffline` is true once, when the user's last open socket goes.
   * Counts from the runtime's tag index, so a close and an error for the same socket agree.
   */
  release(socket: WebSocket): { userId: string; wentOffline: boolean } | null {
    const identity = this.identity(socket);
    if (!identity) return null;
    this.all().delete(socket);
    const before = this.onlineCounts.get(identity.userId) ?? 0;
    const remaining = this.openSockets(identity.userId).filter((other) => other !== socket).length;
    if (remaining === 0) {
      this.onlineCounts.delete(identity.userId);
      this.typingAt.delete(identity.userId);
    } else this.onlineCounts.set(identity.userId, remaining);
    const wentOffline = before > 0 && remaining === 0;
    if (wentOffline) this.reporter?.closed(identity.userId, Date.now());
    return { userId: identity.userId, wentOffline };
  }

  /** Live socket count per user. */
  online(): Map<string, number> {
    this.all();
    return this.onlineCounts;
  }

  isOnline(userId: string): boolean {
    return (this.online().get(userId) ?? 0) > 0;
  }

  /** A user's open sockets in this room. */
  openSockets(userId: string): WebSocket[] {
    return this.ctx.getWebSockets(userId).filter((socket) => socket.readyState === WebSocket.READY_STATE_OPEN);
  }

  /** The earliest token expiry (epoch ms) of an open socket, or null (the alarm closes it then). */
  nextTokenExpiry(): number | null {
    let earliest: number | null = null;
    for (const identity of this.all().values()) {
      if (identity.exp > 0 && (earliest === null || identity.exp * 1000 < earliest)) earliest = identity.exp * 1000;
    }
    return earliest;
  }

  /** Closes, with 4001, every socket whose token has expired at `now`. */
  closeExpired(now: number): void {
    const expired = [...this.all()].filter(([, identity]) => identity.exp > 0 && identity.exp * 1000 <= now);
    if (expired.length === 0) return;
    this.flush();
    for (const [socket] of expired) this.close(socket, CLOSE_TOKEN, "token expired");
  }

  /** Closes, with 4001, a user's sockets opened with a token issued at or before `iatAtMost` (seconds). */
  closeRevoked(userId: string, iatAtMost: number): number {
    const revoked = this.openSockets(userId).filter((socket) => (this.identity(socket)?.iat ?? 0) <= iatAtMost);
    if (revoked.length > 0) this.flush();
    for (const socket of revoked) this.close(socket, CLOSE_TOKEN, "token revoked");
    return revoked.length;
  }

  /** Queues a frame for every socket. */
  broadcast(frame: string): void {
    this.push({ frame, target: "all" });
  }

  /** Queues a frame for every socket but one (presence and typing of the socket's own user). */
  broadcastExcept(frame: string, except: WebSocket): void {
    this.push({ frame, target: { except } });
  }

  /** Distinct users online. */
  onlineCount(): number {
    return this.online().size;
  }

  /** Open sockets this object holds. */
  socketCount(): number {
    return this.all().size;
  }

  /** Socket writes (one frame or one `batch` to one socket) since the object started. */
  socketWrites(): number {
    return this.written;
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

  /** Sends the queue now, then closes one socket with `code`. */
  closeSocket(socket: WebSocket, code: number, reason: string): void {
    this.flush();
    this.close(socket, code, reason);
  }

  /** Sends the queue now, then closes every socket with `code`. */
  closeAll(code: number, reason: string): void {
    this.flush();
    const now = Date.now();
    for (const userId of this.online().keys()) this.reporter?.closed(userId, now);
    for (const socket of this.ctx.getWebSockets()) {
      try {
        socket.close(code, reason);
      } catch {
        // Already closing.
      }
    }
    this.sessions = new Map();
    this.onlineCounts = new Map();
  }

  private close(socket: WebSocket, code: number, reason: string): void {
    try {
      socket.close(code, reason);
    } catch {
      // Already closing: nothing left to tell it.
    }
    const released = this.release(socket);
    if (released?.wentOffline) this.onOffline(released.userId);
  }

  /** The identity cache, rebuilt from the runtime's sockets after wake-up. */
  private all(): Map<WebSocket, SocketIdentity> {
    if (!this.sessions) {
      const sessions = new Map<WebSocket, SocketIdentity>();
      const counts = new Map<string, number>();
      for (const socket of this.ctx.getWebSockets()) {
        if (socket.readyState !== WebSocket.READY_STATE_OPEN) continue;
        const value: unknown = socket.deserializeAttachment();
        if (!isIdentity(value)) continue;
        sessions.set(socket, value);
        counts.set(value.userId, (counts.get(value.userId) ?? 0) + 1);
      }
      this.sessions = sessions;
      this.onlineCounts = counts;
    }
    return this.sessions;
  }

  /**
   * Schedules a flush: right after this turn when the room is quiet (or sent nothing during the last
   * window), else when the coalescing window that the current load calls for closes (coalesce.ts).
   */
  private push(outgoing: Outgoing): void {
    this.queue.push(outgoing);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    const wait = flushDelay(this.meter, this.lastFlushAt, Date.now());
    if (wait <= 0) queueMicrotask(() => this.flush());
    else setTimeout(() => this.flush(), wait);
  }

  /**
   * Writes the queue. Frames for "all" are the common case: every socket gets the same payloads,
   * encoded once. A socket that is also owed its own frames (an ack, an error, a history page) gets
   * them after the shared payloads, encoded for it alone — so the work per flush grows with the queue
   * plus the sockets, never their product. Only a socket that must not see part of the queue (one
   * accepted mid-window, whose welcome must come first, or one a frame excludes) gets its own list, in
   * queue order.
   */
  flush(): void {
    this.flushScheduled = false;
    this.lastFlushAt = Date.now();
    const queue = this.queue;
    const fresh = this.fresh;
    this.fresh = new Map();
    if (queue.length === 0) return;
    this.queue = [];
    const own = new Map<WebSocket, string[]>();
    const excluded = new Set<WebSocket>();
    const sharedFrames: string[] = [];
    for (const { frame, target } of queue) {
      if (target === "all") sharedFrames.push(frame);
      else if ("except" in target) {
        sharedFrames.push(frame);
        excluded.add(target.except);
      } else {
        const frames = own.get(target.only);
        if (frames) frames.push(frame);
        else own.set(target.only, [frame]);
      }
    }
    const shared = payloadsOf(sharedFrames);
    let writes = 0;
    // The identity cache holds exactly the open sockets: no runtime call per flush.
    for (const socket of this.all().keys()) {
      const from = fresh.get(socket);
      let payloads = shared;
      // A socket accepted in this window hears nothing queued before it, and its welcome first even when
      // the queue was empty as it arrived.
      if (from !== undefined || excluded.has(socket)) {
        payloads = payloadsOf(
          queue
            .slice(from ?? 0)
            .filter((item) => wants(item.target, socket))
            .map((item) => item.frame),
        );
      } else {
        const frames = own.get(socket);
        if (frames) payloads = shared.concat(payloadsOf(frames));
      }
      for (const payload of payloads) {
        try {
          socket.send(payload);
          writes++;
        } catch {
          // The socket closed under us; its close event cleans up.
          break;
        }
      }
    }
    this.meter = countWrites(this.meter, writes, this.lastFlushAt);
    this.written += writes;
  }
}
