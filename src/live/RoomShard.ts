/**
 * @module RoomShard
 * One shard of a live room (SPEC §8.5): a Durable Object per (room, shard index) that holds the
 * sockets of the users `hash(userId) % shards` maps to it. It never decides a rule: the room tells it
 * (hello, pushes, restrictions), and it forwards its sockets' frames to the room in batches. Per
 * message the room does one push per shard; the shard does the work per viewer.
 *
 * Memory only (the sockets survive hibernation in the runtime; the view and the ring are reloaded by
 * a hello to the room after a restart or a wake-up).
 */
import { DurableObject } from "cloudflare:workers";
import { clientErrorResponse } from "../api/codes";
import { fail, ok, type Result } from "../errors";
import { readLimits } from "../limits";
import { parseClientFrame } from "../room/frames";
import { PresenceReporter } from "../room/presence-report";
import { PING, PONG } from "../room/protocol";
import { isBanned, type Restriction } from "../room/restrictions";
import { CLOSE_REMOVED, SocketHub } from "../room/sockets";
import { readUpgrade } from "../room/upgrade";
import { Ring } from "./ring";
import type { ForwardedFrame, ShardPush, ShardReport } from "./shard-protocol";
import * as sessions from "./shard-sessions";

/** The room's stub as a shard uses it. */
type RoomStub = ReturnType<Env["ROOMS"]["getByName"]>;

/** How often at most a shard reports its audience to the room. */
const REPORT_MS = 500;
/** A shard with sockets reports at least this often, so a restarted room relearns its audience. */
const HEARTBEAT_MS = 10_000;

/** The shard object. */
export class RoomShard extends DurableObject<Env> {
  private readonly sockets: SocketHub;
  private readonly chatroomId: string;
  private readonly index: number;
  private readonly room: RoomStub;
  private state: sessions.ShardState | null = null;
  private hello: Promise<sessions.ShardState> | null = null;
  private epoch = "";
  private lastPush = 0;
  private forwarding = false;
  private forwardQueue: { socket: WebSocket; item: ForwardedFrame }[] = [];
  private reportTimer: ReturnType<typeof setTimeout> | null = null;
  private reported: ShardReport = { online: 0, staff: [] };
  /** Work counters (SPEC §8.5 "Targets": per-object work); `batches` = forwarding RPCs to the room. */
  private readonly work = { pushes: 0, entries: 0, forwarded: 0, batches: 0 };

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    const name = ctx.id.name ?? "";
    const cut = name.lastIndexOf("#");
    this.chatroomId = name.slice(0, cut);
    this.index = Number(name.slice(cut + 1));
    this.room = env.ROOMS.getByName(this.chatroomId);
    const reporter = new PresenceReporter(async (userId, change) => {
      await env.USERS.getByName(userId).socketsChanged(this.chatroomId, change);
    });
    this.sockets = new SocketHub(ctx, () => this.reportSoon(), reporter);
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(PING, PONG));
  }

  /** The room's view and ring, asked for once after the object starts. */
  private ensure(): Promise<sessions.ShardState> {
    if (this.state) return Promise.resolve(this.state);
    this.hello ??= this.room.shardHello(this.index).then(
      (answer) => {
        if (!answer.ok) throw new Error(`hello refused: ${answer.message}`);
        const { view, restrictions, recent } = answer.value;
        const ring = new Ring((recent[0]?.seq ?? view.lastSeq + 1) - 1, view.lastUpdateSeq);
        ring.add(recent);
        const limits = readLimits(this.env);
        const byUser = new Map(restrictions.map((restriction) => [restriction.userId, restriction]));
        this.state = { chatroomId: this.chatroomId, view, restrictions: byUser, ring, sockets: this.sockets, limits };
        return this.state;
      },
      (error: unknown) => {
        this.hello = null;
        throw error;
      },
    );
    return this.hello;
  }

  override async fetch(request: Request): Promise<Response> {
    const session = readUpgrade(request);
    if (!session) return clientErrorResponse("invalid_param", "upgrade: expected a WebSocket upgrade");
    const state = await this.ensure();
    const now = Date.now();
    const refusal = sessions.admissionRefusal(state, session, now);
    if (refusal) return clientErrorResponse(refusal.kind, refusal.message, refusal.retryAfterSec);
    const pair = new WebSocketPair();
    sessions.connect(state, pair[1], session, now);
    this.reportSoon();
    await this.armExpiry();
    return new Response(null, { status: 101, webSocket: pair[0] });
  }

  override async webSocketMessage(socket: WebSocket, data: string | ArrayBuffer): Promise<void> {
    const identity = this.sockets.identity(socket);
    if (!identity) return socket.close(1008, "unknown socket");
    const state = await this.ensure();
    const outcome = sessions.onMessage(state, socket, identity, parseClientFrame(data), Date.now());
    if ("forward" in outcome) this.forward(socket, { userId: identity.userId, frame: outcome.forward });
  }

  override async webSocketClose(socket: WebSocket, code: number, reason: string): Promise<void> {
    this.sockets.release(socket);
    this.reportSoon();
    try {
      socket.close(code === 1005 || code === 1006 ? 1000 : code, reason);
    } catch {
      // Already closed.
    }
  }

  override async webSocketError(socket: WebSocket): Promise<void> {
    this.sockets.release(socket);
    this.reportSoon();
  }

  /** Closes sockets whose token expired, then waits for the next expiry. */
  override async alarm(): Promise<void> {
    this.sockets.closeExpired(Date.now());
    await this.armExpiry();
  }

  // ── RPC from the room ────────────────────────────────────────────────

  /** One ordered push of the room's broadcast stream: fan it out and keep it in the ring. */
  async deliver(push: ShardPush): Promise<void> {
    const state = await this.ensure();
    if (push.epoch === this.epoch && push.n <= this.lastPush) return;
    this.epoch = push.epoch;
    this.lastPush = push.n;
    this.work.pushes++;
    const firstSeq = push.entries.find((entry) => entry.seq !== undefined)?.seq;
    // The room restarted between a commit and its push: fetch what this shard never got, in order.
    if (firstSeq !== undefined && firstSeq > state.ring.lastSeq + 1) {
      const missed = await this.room.shardCatchUp(state.ring.lastSeq);
      if (missed.ok)
        this.fanOut(
          state,
          missed.value.filter((entry) => (entry.seq ?? 0) < firstSeq),
        );
    }
    this.fanOut(state, push.entries);
    state.view = push.view;
  }

  private fanOut(state: sessions.ShardState, entries: ShardPush["entries"]): void {
    const fresh = entries.filter((entry) => entry.seq === undefined || entry.seq > state.ring.lastSeq);
    for (const entry of fresh) this.sockets.broadcast(entry.frame);
    state.ring.add(fresh);
    this.work.entries += fresh.length;
  }

  /** A restriction set or lifted: a ban closes the user's sockets here at once (4003). */
  async restrict(userId: string, restriction: Restriction | null): Promise<void> {
    const state = await this.ensure();
    if (restriction) state.restrictions.set(userId, restriction);
    else state.restrictions.delete(userId);
    if (isBanned(restriction, Date.now())) this.sockets.closeUser(userId, CLOSE_REMOVED, "banned");
  }

  async closeUser(userId: string, code: number, reason: string): Promise<void> {
    this.sockets.closeUser(userId, code, reason);
  }

  async closeAll(code: number, reason: string): Promise<void> {
    this.sockets.closeAll(code, reason);
    this.reportSoon();
  }

  async closeRevoked(userId: string, iatAtMost: number): Promise<number> {
    return this.sockets.closeRevoked(userId, iatAtMost);
  }

  /** This object's work so far: its counters, the sockets it holds and its socket writes. */
  async workCounters(): Promise<Result<typeof this.work & { sockets: number; online: number; socketWrites: number }>> {
    return ok({
      ...this.work,
      sockets: this.ctx.getWebSockets().length,
      online: this.sockets.onlineCount(),
      socketWrites: this.sockets.socketWrites(),
    });
  }

  // ── to the room ─────────────────────────────────────────────────────

  /** Forwards a frame; while a batch is at the room, later frames wait and go in the next one, in order. */
  private forward(socket: WebSocket, item: ForwardedFrame): void {
    this.forwardQueue.push({ socket, item });
    if (!this.forwarding) void this.forwardBatch();
  }

  private async forwardBatch(): Promise<void> {
    this.forwarding = true;
    while (this.forwardQueue.length > 0) {
      const batch = this.forwardQueue.splice(0, 200);
      this.work.forwarded += batch.length;
      this.work.batches++;
      let replies: string[][];
      try {
        const answered = await this.room.shardFrames(batch.map((entry) => entry.item));
        replies = answered.ok ? answered.value : batch.map(() => [unavailable(answered.message)]);
      } catch (error) {
        replies = batch.map(() => [unavailable(String(error))]);
      }
      const now = Date.now();
      batch.forEach((entry, i) => {
        if (this.state) sessions.answer(this.state, entry.socket, replies[i] ?? [], now);
      });
    }
    this.forwarding = false;
  }

  /**
   * Tells the room this shard's audience: at most every REPORT_MS when it changes, every HEARTBEAT_MS
   * while it has sockets. An empty shard is no longer pushed to, so it forgets the room's view and says
   * hello again when a socket next arrives.
   */
  private reportSoon(delay = REPORT_MS): void {
    this.reportTimer ??= setTimeout(() => {
      this.reportTimer = null;
      const state = this.state;
      const staff = state ? [state.view.hostId, ...state.view.managers].filter((id): id is string => !!id) : [];
      const report = { online: this.sockets.onlineCount(), staff: staff.filter((id) => this.sockets.isOnline(id)) };
      const same = report.online === this.reported.online && report.staff.join() === this.reported.staff.join();
      if (report.online > 0) this.reportSoon(HEARTBEAT_MS);
      if (same && delay !== HEARTBEAT_MS) return;
      this.reported = report;
      if (report.online === 0) {
        this.state = null;
        this.hello = null;
      }
      void this.room.shardReport(this.index, report).catch((error: unknown) => {
        console.error(JSON.stringify({ at: `RoomShard:${this.chatroomId}#${this.index}`, error: String(error) }));
      });
    }, delay);
  }

  private async armExpiry(): Promise<void> {
    const next = this.sockets.nextTokenExpiry();
    if (next !== null) await this.ctx.storage.setAlarm(next);
  }
}

/** The error frame a socket gets when the room could not be reached for its frame. */
function unavailable(detail: string): string {
  console.error(JSON.stringify({ at: "RoomShard.forward", error: detail }));
  const failure = fail("server_error", "the room is unavailable: retry shortly");
  return JSON.stringify({ type: "error", code: "SERVER_ERROR", message: failure.message });
}
