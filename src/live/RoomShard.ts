/**
 * @module RoomShard
 * One shard of a live room (SPEC §8.5): a Durable Object per (room, shard index) that holds the
 * sockets of the users `hash(userId) % shards` maps to it. It never decides a rule: the room tells it
 * (hello, pushes, restrictions), and it forwards its sockets' frames to the room in batches. Per
 * message the room does one push per shard; the shard does the work per viewer.
 *
 * Memory only: the sockets survive hibernation in the runtime; the view and the ring are reloaded by
 * a hello to the room after a restart or a wake-up, and sockets that outlived the memory get the next
 * push whole (they had every push before it).
 */
import { DurableObject } from "cloudflare:workers";
import { clientErrorResponse } from "../api/codes";
import { ok, type Result } from "../errors";
import { readLimits } from "../limits";
import { parseClientFrame } from "../room/frames";
import { PresenceReporter } from "../room/presence-report";
import { PING, PONG } from "../room/protocol";
import { isBanned, type Restriction } from "../room/restrictions";
import { CLOSE_REMOVED, SocketHub } from "../room/sockets";
import { readUpgrade } from "../room/upgrade";
import { Forwarder } from "./forwarder";
import { ReportTimer } from "./report-timer";
import { RING_SIZE, Ring, type StreamEntry } from "./ring";
import type { ShardPush, ShardReport } from "./shard-protocol";
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
  private roomStub: RoomStub | null = null;
  private state: sessions.ShardState | null = null;
  private hello: Promise<sessions.ShardState> | null = null;
  private epoch = "";
  private lastPush = 0;
  /** The shard lost its memory but not its sockets (hibernation): what they were sent is unknown. */
  private wokeWithSockets = false;
  private readonly forwarder: Forwarder;
  private readonly reports = new ReportTimer((forced) => this.report(forced));
  /** What the room last heard; null when it must hear again whatever it is. */
  private reported: ShardReport | null = null;
  /** Work counters (SPEC §8.5 "Targets": per-object work); `deliveries` counts frames × sockets. */
  private readonly work = { pushes: 0, entries: 0, deliveries: 0 };

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    const name = ctx.id.name ?? "";
    const cut = name.lastIndexOf("#");
    this.chatroomId = name.slice(0, cut);
    this.index = Number(name.slice(cut + 1));
    const reporter = new PresenceReporter(async (userId, change) => {
      await env.USERS.getByName(userId).socketsChanged(this.chatroomId, change);
    });
    this.sockets = new SocketHub(ctx, () => this.reportSoon(REPORT_MS), reporter);
    this.forwarder = new Forwarder({
      call: (items) => this.callRoom((room) => room.shardFrames(items)),
      answer: (socket, frames) => {
        if (this.state) sessions.answer(this.state, socket, frames, Date.now());
      },
      send: (socket, frame) => this.sockets.send(socket, frame),
      log: (error) => console.error(JSON.stringify({ at: `RoomShard:${name}`, error })),
    });
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(PING, PONG));
  }

  /**
   * Calls the room. One stub carries every call, so the room sees them in the order they were made
   * (a hello after a report of no one is never overtaken by it); a stub is broken for good once the
   * room object was reset, so a failed call drops it and the next call gets a new one.
   */
  private async callRoom<T>(call: (room: RoomStub) => T): Promise<Awaited<T>> {
    this.roomStub ??= this.env.ROOMS.getByName(this.chatroomId);
    const room = this.roomStub;
    try {
      return await call(room);
    } catch (error) {
      if (this.roomStub === room) this.roomStub = null;
      throw error;
    }
  }

  /** The room's view and ring, asked for once after the object starts (or after it went idle). */
  private ensure(): Promise<sessions.ShardState> {
    if (this.state) return Promise.resolve(this.state);
    this.hello ??= this.callRoom((room) => room.shardHello(this.index)).then(
      (answer) => {
        if (!answer.ok) throw new Error(`hello refused: ${answer.message}`);
        const { view, restrictions, recent, updates, updatesFrom } = answer.value;
        const ring = new Ring((recent[0]?.seq ?? view.lastSeq + 1) - 1, updatesFrom);
        ring.add([...recent, ...updates]);
        this.epoch = answer.value.epoch;
        this.lastPush = answer.value.lastPush;
        this.wokeWithSockets = this.sockets.onlineCount() > 0;
        const byUser = new Map(restrictions.map((restriction) => [restriction.userId, restriction]));
        const reply = (socket: WebSocket, frame: string) => this.forwarder.reply(socket, frame);
        const { chatroomId, sockets } = this;
        this.state = { chatroomId, view, restrictions: byUser, ring, sockets, limits: readLimits(this.env), reply };
        // The room now pushes to this shard: it must hear what the shard holds, even if that is no one.
        this.reported = null;
        this.reportSoon(REPORT_MS);
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
    this.reportSoon(REPORT_MS);
    await this.armExpiry();
    return new Response(null, { status: 101, webSocket: pair[0] });
  }

  override async webSocketMessage(socket: WebSocket, data: string | ArrayBuffer): Promise<void> {
    const identity = this.sockets.identity(socket);
    if (!identity) return socket.close(1008, "unknown socket");
    const state = await this.ensure();
    const outcome = sessions.onMessage(state, socket, identity, parseClientFrame(data), Date.now());
    if ("forward" in outcome) this.forwarder.forward(socket, { userId: identity.userId, frame: outcome.forward });
  }

  override async webSocketClose(socket: WebSocket, code: number, reason: string): Promise<void> {
    this.sockets.release(socket);
    this.reportSoon(REPORT_MS);
    try {
      socket.close(code === 1005 || code === 1006 ? 1000 : code, reason);
    } catch {
      // Already closed.
    }
  }

  override async webSocketError(socket: WebSocket): Promise<void> {
    this.sockets.release(socket);
    this.reportSoon(REPORT_MS);
  }

  /** Closes sockets whose token expired, then waits for the next expiry. */
  override async alarm(): Promise<void> {
    this.sockets.closeExpired(Date.now());
    await this.armExpiry();
  }

  // ── RPC from the room ────────────────────────────────────────────────

  /** One ordered push of the room's broadcast stream: fan it out and keep it in the ring. */
  async deliver(push: ShardPush): Promise<void> {
    // An empty shard that forgot the room is not woken up by a push: it tells the room it has no one.
    if (!this.state && !this.hello && this.sockets.onlineCount() === 0) {
      this.reported = null;
      this.reportSoon(0);
      return;
    }
    const state = await this.ensure();
    if (push.epoch === this.epoch && push.n <= this.lastPush) return;
    const restarted = push.epoch !== this.epoch;
    const firstSeq = push.entries.find((entry) => entry.seq !== undefined)?.seq;
    // After a wake-up with sockets, the ring came from the room's storage, not from pushes: the sockets
    // got every push up to the hello's position, so this push goes to them whole.
    const woke = this.wokeWithSockets;
    this.wokeWithSockets = false;
    // A room that restarted may have stored what it never pushed; a gap in seqs is a push it dropped.
    // Either way the room's storage has it. Until that arrived this push is not taken (it is retried).
    if (!woke && (restarted || (firstSeq !== undefined && firstSeq > state.ring.lastSeq + 1))) {
      await this.catchUp(state, firstSeq);
    }
    this.epoch = push.epoch;
    this.lastPush = push.n;
    this.work.pushes++;
    this.fanOut(state, push.entries, woke);
    state.view = push.view;
    // A restarted room knows no audience until the shards report: this one reports now.
    if (restarted) {
      this.reported = null;
      this.reportSoon(0);
    }
  }

  /**
   * Fetches from the room what the ring misses, page by page (RING_SIZE messages each) until it reaches
   * `beforeSeq` or the room has nothing more: the ring must never hold a hole it would replay as whole.
   */
  private async catchUp(state: sessions.ShardState, beforeSeq: number | undefined): Promise<void> {
    for (;;) {
      const { lastSeq, lastUpdateSeq } = state.ring;
      const missed = await this.callRoom((room) => room.shardCatchUp(lastSeq, lastUpdateSeq));
      if (!missed.ok) throw new Error(`catch-up refused: ${missed.message}`);
      const messages = missed.value.filter((entry) => entry.seq !== undefined).length;
      this.fanOut(
        state,
        missed.value.filter((entry) => beforeSeq === undefined || entry.seq === undefined || entry.seq < beforeSeq),
      );
      const behind = beforeSeq === undefined ? messages >= RING_SIZE : state.ring.lastSeq < beforeSeq - 1;
      if (state.ring.lastSeq === lastSeq || !behind) return;
    }
  }

  /** Sends to every socket what the ring has not seen yet (a frame can reach the shard twice), or `all`. */
  private fanOut(state: sessions.ShardState, entries: readonly StreamEntry[], all = false): void {
    const added = state.ring.add(entries);
    const fresh = all ? entries : added;
    for (const entry of fresh) this.sockets.broadcast(entry.frame);
    this.work.entries += fresh.length;
    let sockets = 0;
    for (const open of this.sockets.online().values()) sockets += open;
    this.work.deliveries += fresh.length * sockets;
  }

  /** A restriction set or lifted: a ban closes the user's sockets here at once (4003). */
  async restrict(userId: string, restriction: Restriction | null): Promise<void> {
    // A shard that holds no one and forgot the room loads every restriction at its next hello.
    if (!this.state && !this.hello && this.sockets.onlineCount() === 0) return;
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
    this.reportSoon(REPORT_MS);
  }

  async closeRevoked(userId: string, iatAtMost: number): Promise<number> {
    return this.sockets.closeRevoked(userId, iatAtMost);
  }

  /** This object's work so far: its counters, the sockets it holds and its socket writes. */
  async workCounters(): Promise<
    Result<
      typeof this.work & { forwarded: number; batches: number; sockets: number; online: number; socketWrites: number }
    >
  > {
    const { forwarded, batches } = this.forwarder;
    return ok({
      ...this.work,
      forwarded,
      batches,
      sockets: this.ctx.getWebSockets().length,
      online: this.sockets.onlineCount(),
      socketWrites: this.sockets.socketWrites(),
    });
  }

  // ── to the room ─────────────────────────────────────────────────────

  /**
   * Tells the room this shard's audience: within REPORT_MS of a change (or at once, `delay` 0), and
   * every HEARTBEAT_MS while it has sockets. An empty shard is no longer pushed to, so it forgets the
   * room's view and says hello again when a socket next arrives.
   */
  private reportSoon(delay: number): void {
    this.reports.schedule(delay, delay === HEARTBEAT_MS);
  }

  private report(forced: boolean): void {
    const state = this.state;
    const staff = state ? [state.view.hostId, ...state.view.managers].filter((id): id is string => !!id) : [];
    const report = { online: this.sockets.onlineCount(), staff: staff.filter((id) => this.sockets.isOnline(id)) };
    if (report.online > 0) this.reportSoon(HEARTBEAT_MS);
    const last = this.reported;
    const same = last !== null && report.online === last.online && report.staff.join() === last.staff.join();
    if (same && !forced) return;
    this.reported = report;
    // A hello still on its way belongs to a socket being admitted: keep what it brings.
    if (report.online === 0 && this.state) {
      this.state = null;
      this.hello = null;
    }
    void this.callRoom((room) => room.shardReport(this.index, report)).catch((error: unknown) => {
      this.reported = null;
      console.error(JSON.stringify({ at: `RoomShard:${this.chatroomId}#${this.index}`, error: String(error) }));
    });
  }

  private async armExpiry(): Promise<void> {
    const next = this.sockets.nextTokenExpiry();
    if (next !== null) await this.ctx.storage.setAlarm(next);
  }
}
