/**
 * @module ChatRoom
 * One Durable Object per chatroom, the only writer of its state (SPEC §1). Entry points load,
 * decide with the pure rules, persist in one transaction with the outbox, then talk to sockets.
 * Memory holds caches only: after eviction or hibernation the object behaves the same.
 */
import { DurableObject } from "cloudflare:workers";
import { CLIENT_ERRORS, clientErrorResponse } from "../api/codes";
import { signedAttachmentUrl } from "../attachments/url";
import { type Failure, fail, ok, type Result } from "../errors";
import { type Limits, readLimits } from "../limits";
import type { ForwardedFrame, ShardReport } from "../live/shard-protocol";
import { AttachmentSweeper } from "./attachment-sweeper";
import * as attachments from "./attachments";
import { RoomCore } from "./core";
import { type FrameJob, FrameQueue } from "./frame-queue";
import { parseClientFrame } from "./frames";
import { RoomIndexer } from "./indexer";
import * as live from "./live";
import * as membership from "./membership";
import * as changes from "./message-changes";
import * as messaging from "./messaging";
import { wireAttachments } from "./messaging";
import * as moderation from "./moderation";
import { OnlineAnnouncer } from "./online-announcer";
import { PresenceReporter } from "./presence-report";
import { encode, PING, PONG, type SendMessage } from "./protocol";
import * as sessions from "./sessions";
import { ShardFanout } from "./shard-fanout";
import { SocketHub } from "./sockets";
import { type RoomMeta, RoomStore } from "./store";
import type { Actor, AdminRoomInput, CreateRoomInput, SettingsPatch } from "./types";
import { readUpgrade } from "./upgrade";
import { WebhookOutbox } from "./webhook-outbox";

export type { Actor, CreateRoomInput, SettingsPatch } from "./types";

/** The chatroom Durable Object. */
export class ChatRoom extends DurableObject<Env> {
  private readonly store: RoomStore;
  private readonly hub: SocketHub;
  private readonly limits: Limits;
  private readonly indexer: RoomIndexer;
  private readonly room: RoomCore;
  private readonly frames: FrameQueue;
  /** Calls from a live room's shards and the client frames they forwarded (work counters). */
  private readonly fromShards = { calls: 0, frames: 0 };
  /** A live room's online count, told coalesced (frames and webhook events). */
  private readonly online = new OnlineAnnouncer(
    (count) => this.run(() => ok(this.room.hub.broadcast(encode({ type: "online", count })))),
    (count) => this.run((now) => ok(this.room.write(now, (tx) => tx.event("online", { count })))),
  );

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.limits = readLimits(env);
    this.store = new RoomStore(ctx.storage);
    const reporter = new PresenceReporter(async (userId, change) => {
      const chatroomId = this.room.id();
      if (chatroomId) await env.USERS.getByName(userId).socketsChanged(chatroomId, change);
    });
    this.hub = new SocketHub(ctx, (userId) => sessions.announceOffline(this.room, userId), reporter);
    this.frames = new FrameQueue(
      (jobs) => this.runFrames(jobs),
      () => ctx.storage.sync(),
    );
    this.indexer = new RoomIndexer(env.DB, this.store);
    // Webhooks are off while WEBHOOK_URL is unset: then no event is even recorded (SPEC §8.4).
    const webhooks = env.WEBHOOK_URL ? new WebhookOutbox(env.WEBHOOKS, this.store, () => this.settle()) : undefined;
    const ttl = this.limits.attachmentUrlTtlS;
    const signAttachment = (chatroomId: string, id: string, now: number) =>
      signedAttachmentUrl(env.TOKEN_SECRET, chatroomId, id, now, ttl);
    const sweeper = new AttachmentSweeper(env.ATTACHMENTS, this.store, () => this.settle());
    const liveFanout = (meta: Readonly<RoomMeta>, active: number[]) =>
      new ShardFanout(
        {
          chatroomId: meta.chatroomId,
          shards: meta.shards,
          shard: (name) => env.SHARDS.getByName(name),
          view: () => live.liveView(this.room),
          onOnlineChanged: (count) => this.online.changed(count),
        },
        active,
      );
    const options = { webhooks, signAttachment, sweeper, liveFanout };
    this.room = new RoomCore(this.store, this.hub, this.indexer, this.limits, ctx.storage, options);
    // Pings are answered by the runtime without waking a hibernated object (SPEC §4).
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(PING, PONG));
    // A room that was never created stays without tables: probes of unknown ids store nothing.
    void ctx.blockConcurrencyWhile(() => this.room.load(Date.now()));
  }

  // ── RPC: admin and client API ────────────────────────────────────────

  /** Admin create-or-update (Wildfire chatroom/create). */
  async adminUpsert(chatroomId: string, input: AdminRoomInput) {
    return this.runAndIndex((now) => membership.adminUpsert(this.room, chatroomId, input, now));
  }

  /** FlameTalk create: a new room with host and members. */
  async create(input: CreateRoomInput) {
    return this.runAndIndex((now) => membership.create(this.room, input, now));
  }

  /** Room info for the admin (actor admin) or a user. */
  async info(actor: Actor) {
    return this.run((now) => membership.info(this.room, actor, now));
  }

  /** Ends the room (admin del); unknown rooms succeed without writing anything. */
  async end() {
    return this.runAndIndex((now) => this.room.end("deleted", now));
  }

  async setRestriction(actor: Actor, userId: string, status: 0 | 1 | 2, expiresAt: number, reason: string | null) {
    const result = await this.runAndIndex((now) =>
      moderation.setRestriction(this.room, actor, userId, status, expiresAt, reason, now),
    );
    // A live room tells the user's shard before answering, so a banned viewer is closed at once and
    // refused at connect (SPEC §8.5).
    const viaShard = this.room.live;
    if (result.ok && viaShard) {
      const restriction = this.store.restrictions.get(userId);
      await viaShard.userShard(userId).restrict(userId, restriction);
    }
    return result;
  }

  async restrictions() {
    return this.run((now) => moderation.restrictions(this.room, now));
  }

  async setManager(actor: Actor, userId: string, on: boolean) {
    return this.runAndIndex((now) => moderation.setManager(this.room, actor, userId, on, now));
  }

  async managers() {
    return this.run(() => moderation.managers(this.room));
  }

  async members(offset: number, limit: number) {
    return this.run(() => membership.members(this.room, offset, limit));
  }

  async join(userId: string, face: { imageUrl: string | null; openProfileId: number | null }) {
    return this.runAndIndex((now) => membership.join(this.room, userId, face, now));
  }

  async leave(userId: string) {
    return this.runAndIndex((now) => membership.leave(this.room, userId, now));
  }

  async invite(actor: Actor, users: { userId: string; imageUrl: string | null }[]) {
    return this.runAndIndex((now) => membership.invite(this.room, actor, users, now));
  }

  async kick(actor: Actor, userId: string) {
    return this.runAndIndex((now) => membership.kick(this.room, actor, userId, now));
  }

  async updateSettings(actor: Actor, patch: SettingsPatch) {
    return this.runAndIndex((now) => moderation.updateSettings(this.room, actor, patch, now));
  }

  async history(actor: Actor, query: { before?: number; after?: number; limit: number }) {
    return this.run((now) => messaging.history(this.room, actor, query, now));
  }

  async send(senderId: string, message: SendMessage, options: { admin: boolean }) {
    return this.run((now) => messaging.send(this.room, senderId, message, options.admin, now));
  }

  async search(actor: Actor, query: { q: string; before?: number; limit: number }) {
    return this.run((now) => messaging.search(this.room, actor, query, now));
  }

  async recall(actor: Actor, seq: number) {
    return this.run((now) => changes.recall(this.room, actor, seq, now));
  }

  async edit(userId: string, seq: number, content: string) {
    return this.run((now) => changes.edit(this.room, userId, seq, content, now));
  }

  async react(userId: string, seq: number, emoji: string, add: boolean) {
    return this.run((now) => changes.react(this.room, userId, seq, emoji, add, now));
  }

  /** Whether the user may upload an attachment now (asked before the upload is read). */
  async uploadGate(userId: string) {
    return this.run((now) => attachments.uploadRefusal(this.room, userId, now));
  }

  /** Registers an uploaded object; answers its wire shape with a signed URL. */
  async registerAttachment(userId: string, upload: attachments.UploadedAttachment) {
    return this.run((now) => {
      const registered = attachments.registerAttachment(this.room, userId, upload, now);
      if (!registered.ok) return registered;
      return ok(wireAttachments(this.room, [upload.id], new Map([[upload.id, registered.value]]), now)[0]);
    });
  }

  async memberFace(actor: Actor, userId: string) {
    return this.run((now) => membership.memberFace(this.room, actor, userId, now));
  }

  async memberPage(actor: Actor, after: number, limit: number) {
    return this.run((now) => membership.memberPage(this.room, actor, after, limit, now));
  }

  async markRead(userId: string, seq: number) {
    return this.run((now) => messaging.markRead(this.room, userId, seq, now));
  }

  // ── WebSocket entry points ───────────────────────────────────────────

  override async fetch(request: Request): Promise<Response> {
    const session = readUpgrade(request);
    if (!session) return clientErrorResponse("invalid_param", "upgrade: expected a WebSocket upgrade");
    const accepted = this.run((now) => {
      const refusal = sessions.admissionRefusal(this.room, session, now);
      if (refusal) return refusal;
      const pair = new WebSocketPair();
      sessions.connect(this.room, pair[1], session, now);
      return ok(pair[0]);
    });
    if (!accepted.ok) return clientErrorResponse(accepted.kind, accepted.message, accepted.retryAfterSec);
    return new Response(null, { status: 101, webSocket: accepted.value });
  }

  /** Closes the user's sockets opened with a token issued at or before `iatAtMost` (revocation, 4001). */
  async revokeSockets(userId: string, iatAtMost: number) {
    const viaShard = this.room.live;
    if (viaShard) return ok({ closed: await viaShard.closeRevoked(userId, iatAtMost) });
    return this.run(() => ok({ closed: this.hub.closeRevoked(userId, iatAtMost) }));
  }

  // ── RPC: the shards of a live room (SPEC §8.5) ──────────────────────

  /** How this room is reached (its mode and shard count), for a Worker that has no index row for it yet. */
  async modeOf() {
    return this.run(() => {
      const meta = this.room.meta;
      return meta ? ok({ mode: meta.mode, shards: meta.shards }) : fail("not_found", "chatroom does not exist");
    });
  }

  /** A shard starts: the room's view, active restrictions and recent messages; it is pushed to from now on. */
  async shardHello(index: number) {
    this.fromShards.calls++;
    return this.run((now) => live.shardHello(this.room, index, now));
  }

  /** A shard's forwarded frames, handled in order in one transaction; the frames to answer each with. */
  async shardFrames(items: ForwardedFrame[]) {
    this.fromShards.calls++;
    this.fromShards.frames += items.length;
    return this.run((now) => ok(this.store.transaction(() => live.shardFrames(this.room, items, now))));
  }

  /** A shard's audience report. */
  async shardReport(index: number, report: ShardReport) {
    this.fromShards.calls++;
    return this.run((now) => live.shardReport(this.room, index, report, now));
  }

  /** Message frames after `afterSeq` and update frames after `afterUpdateSeq`, for a shard that missed some. */
  async shardCatchUp(afterSeq: number, afterUpdateSeq: number) {
    this.fromShards.calls++;
    return this.run(() => ok(live.catchUp(this.room, afterSeq, afterUpdateSeq)));
  }

  /**
   * Work counters of this object: what a live room's per-message cost is made of (SPEC §8.5). Messages
   * are the sequencer's position; a live room's fan-out counts its pushes, a normal room its socket writes.
   */
  async workCounters() {
    return this.run(() => {
      const meta = this.room.meta;
      if (!meta) return fail("not_found", "chatroom does not exist");
      const live = this.room.live;
      return ok({
        mode: meta.mode,
        shards: meta.shards,
        lastSeq: this.room.lastSeq,
        sockets: this.hub.socketCount(),
        online: this.hub.onlineCount(),
        socketWrites: this.hub.socketWrites(),
        fanout: live ? { ...live.counters(), activeShards: live.activeShards(), fromShards: this.fromShards } : null,
      });
    });
  }

  override async webSocketMessage(socket: WebSocket, data: string | ArrayBuffer): Promise<void> {
    if (!this.hub.identity(socket)) return socket.close(1008, "unknown socket");
    const frame = parseClientFrame(data);
    const job = (now: number) => {
      // Read at run time: an earlier frame of the same batch may have spent this socket's budget.
      const identity = this.hub.identity(socket);
      try {
        if (identity) sessions.onMessage(this.room, socket, identity, frame, now);
      } catch (error) {
        // An internal error answers the frame; the connection stays (SPEC §4).
        this.logError(error);
        this.hub.send(
          socket,
          encode({ type: "error", code: CLIENT_ERRORS.server_error.code, message: "internal error" }),
        );
      }
    };
    this.frames.handle(job, Date.now(), (one) => this.runFrames([one]));
  }

  /**
   * Runs frame jobs between the room's time rules, all in one transaction: under load that is one
   * commit for a whole batch of sends (each job's own writes are savepoints inside it).
   */
  private runFrames(jobs: FrameJob[]): void {
    const ran = this.run((now) =>
      ok(
        this.store.transaction(() => {
          for (const job of jobs) job(now);
        }),
      ),
    );
    // Only a failure of the commit itself gets here: the caches may be ahead of storage, so reload them.
    if (!ran.ok) void this.ctx.blockConcurrencyWhile(() => this.room.load(Date.now()));
  }

  override async webSocketClose(socket: WebSocket, code: number, reason: string): Promise<void> {
    this.run(() => ok(sessions.disconnect(this.room, socket)));
    try {
      // Always answer the close so the client's handshake completes (see TOOLCHAIN pitfalls).
      socket.close(code === 1005 || code === 1006 ? 1000 : code, reason);
    } catch {
      // Already closed.
    }
  }

  override async webSocketError(socket: WebSocket): Promise<void> {
    this.run(() => ok(sessions.disconnect(this.room, socket)));
  }

  override async alarm(): Promise<void> {
    await this.room.onAlarm(Date.now());
  }

  // ── helpers ──────────────────────────────────────────────────────────

  /**
   * Runs a command and answers once it has pushed its directory changes to D1 (or failed to: the
   * alarm retries), so a caller that reads the directory next sees them (e.g. create → userChatroomId).
   * The flush is announced, so settling the command arms no alarm for it; a refused command wrote
   * nothing, and its flush only pushes what an earlier start left pending.
   */
  private async runAndIndex<T>(command: (now: number) => Result<T>): Promise<Result<T>> {
    this.indexer.announceFlush();
    const result = this.run(command);
    try {
      await this.indexer.flushSoon();
    } catch (error) {
      // Not a D1 refusal (that records its retry): plan the alarm for what is still pending.
      this.logError(error);
      this.settle();
    }
    return result;
  }

  /**
   * Runs a command between the room's time rules: catch-up before it, the alarm re-planned after it.
   * Unexpected errors become a logged server_error result, never an exception across RPC.
   */
  private run<T>(command: (now: number) => Result<T>): Result<T> {
    const now = Date.now();
    try {
      this.room.catchUp(now);
      return command(now);
    } catch (error) {
      this.logError(error);
      return fail("server_error", "internal error") satisfies Failure;
    } finally {
      this.settle();
    }
  }

  private settle(): void {
    try {
      this.room.settle(Date.now());
    } catch (error) {
      this.logError(error);
    }
  }

  private logError(error: unknown): void {
    console.error(JSON.stringify({ at: `ChatRoom:${this.room.id()}`, error: String(error) }));
  }
}
