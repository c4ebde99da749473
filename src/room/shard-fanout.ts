/**
 * @module shard-fanout
 * A live room's connections are its shards (SPEC §8.5): a broadcast becomes one ordered push per
 * active shard (PushQueue), never work per viewer; closing a user's sockets is one call to that user's
 * shard; the online count is the sum of the shards' reports. The room keeps, per shard, only a queue
 * and the last report — O(shards), whatever the audience.
 */
import type { StreamEntry } from "../live/ring";
import { shardName, shardOf } from "../live/shard-of";
import type { ShardReport, ShardView, StreamPosition } from "../live/shard-protocol";
import type { Fanout, StreamTag } from "./fanout";
import { PushQueue } from "./push-queue";
import type { Restriction } from "./restrictions";

/** How long a close waits for a shard that keeps failing to take the frames before it. */
const CLOSE_WAIT_MS = 10_000;

/** Resolves when the queue drained, or after CLOSE_WAIT_MS when its shard keeps failing. */
function drainedOrLate(queue: PushQueue | undefined): Promise<void> {
  if (!queue) return Promise.resolve();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, CLOSE_WAIT_MS);
  });
  return Promise.race([queue.drained(), late]).finally(() => clearTimeout(timer));
}

/** The shard objects' methods the room calls. */
export interface ShardStub {
  deliver(push: { epoch: string; n: number; entries: StreamEntry[]; view: ShardView }): Promise<void>;
  closeUser(userId: string, code: number, reason: string): Promise<void>;
  closeAll(code: number, reason: string): Promise<void>;
  closeRevoked(userId: string, iatAtMost: number): Promise<number>;
  restrict(userId: string, restriction: Restriction | null): Promise<void>;
}

/** How the room reaches its shards and its own state. */
export interface ShardFanoutDeps {
  chatroomId: string;
  shards: number;
  shard(name: string): ShardStub;
  view(): ShardView;
  /** Called when the total online count changed (the room tells everyone, coalesced). */
  onOnlineChanged(count: number): void;
}

/** Work counters of the room object (per-object costs, SPEC §8.5 "Targets"). */
export interface FanoutCounters {
  broadcasts: number;
  pushes: number;
  /** Audience reports received from shards. */
  reports: number;
}

/** A live room's fan-out through its shards. */
export class ShardFanout implements Fanout {
  /** A new epoch per room object start: shards reset their push numbering when it changes. */
  private readonly epoch = crypto.randomUUID();
  /** One stream per shard ever pushed to (at most `shards`), kept while paused so numbering goes on. */
  private readonly queues = new Map<number, PushQueue>();
  private readonly active = new Set<number>();
  private readonly reports = new Map<number, ShardReport>();
  private pending: StreamEntry[] = [];
  private scheduled = false;
  private broadcasts = 0;
  private viewOfTurn: ShardView | null = null;
  private reportsReceived = 0;

  constructor(
    private readonly deps: ShardFanoutDeps,
    active: Iterable<number>,
  ) {
    const restarted = [...active].flatMap((index) => this.activate(index) ?? []);
    // A restarted room tells the shards that were active its new epoch at once: each fetches what the
    // room stored but never pushed, and reports its audience again (SPEC §8.5). After this turn: the
    // push reads the room's view, which reads this object.
    queueMicrotask(() => {
      for (const queue of restarted) queue.sync();
    });
  }

  /** Starts (or resumes) pushing to a shard; its stream, or null for an index out of range. */
  activate(index: number): PushQueue | null {
    if (!Number.isInteger(index) || index < 0 || index >= this.deps.shards) return null;
    let queue = this.queues.get(index);
    if (!queue) {
      const name = shardName(this.deps.chatroomId, index);
      // A stub is broken for good once its object was reset: a failed push gets a new one.
      let stub: ShardStub | null = null;
      queue = new PushQueue((n, entries) => {
        stub ??= this.deps.shard(name);
        const target = stub;
        return target.deliver({ epoch: this.epoch, n, entries, view: this.view() }).catch((error: unknown) => {
          if (stub === target) stub = null;
          throw error;
        });
      });
      this.queues.set(index, queue);
    }
    this.active.add(index);
    queue.resume();
    return queue;
  }

  /** The room's view, read once per turn: one flush pushes to every shard with the same one. */
  private view(): ShardView {
    if (!this.viewOfTurn) {
      this.viewOfTurn = this.deps.view();
      queueMicrotask(() => {
        this.viewOfTurn = null;
      });
    }
    return this.viewOfTurn;
  }

  /** Where a shard that says hello joins the stream (after activating it). */
  position(index: number): StreamPosition {
    return { epoch: this.epoch, lastPush: this.queues.get(index)?.position ?? 0 };
  }

  /** Stops pushing to a shard that has no sockets left. */
  deactivate(index: number): void {
    this.active.delete(index);
    this.queues.get(index)?.pause();
    this.report(index, { online: 0, staff: [] });
  }

  /** The shards being pushed to. */
  activeShards(): number[] {
    return [...this.active].sort((a, b) => a - b);
  }

  /** Records a shard's report; tells the room when the total changed. */
  report(index: number, report: ShardReport): void {
    this.reportsReceived++;
    const before = this.onlineCount();
    if (report.online === 0) this.reports.delete(index);
    else this.reports.set(index, report);
    const after = this.onlineCount();
    if (after !== before) this.deps.onOnlineChanged(after);
  }

  broadcast(frame: string, tag?: StreamTag): void {
    this.broadcasts++;
    this.pending.push({ frame, ...tag });
    if (this.scheduled) return;
    this.scheduled = true;
    // Everything broadcast in this turn goes out as one push per shard.
    queueMicrotask(() => this.flush());
  }

  /** Hands the turn's frames to every active shard's queue. */
  flush(): void {
    this.scheduled = false;
    if (this.pending.length === 0) return;
    const entries = this.pending;
    this.pending = [];
    for (const index of this.active) this.queues.get(index)?.add(entries);
  }

  closeUser(userId: string, code: number, reason: string): void {
    this.flush();
    void this.userShard(userId)
      .closeUser(userId, code, reason)
      .catch((error: unknown) => console.error(JSON.stringify({ at: "ChatRoom.closeUser", error: String(error) })));
  }

  closeAll(code: number, reason: string): void {
    this.flush();
    for (let index = 0; index < this.deps.shards; index++) {
      // The room's last frames (an ended room's `ending` and `ended`) travel in the shard's stream, a
      // separate call from this close: the close waits until the shard took them, or CLOSE_WAIT_MS.
      const queue = this.active.has(index) ? this.queues.get(index) : undefined;
      void drainedOrLate(queue)
        .then(() => this.deps.shard(shardName(this.deps.chatroomId, index)).closeAll(code, reason))
        .catch((error: unknown) => console.error(JSON.stringify({ at: "ChatRoom.closeAll", error: String(error) })));
    }
  }

  /** Closes a user's sockets opened with a token issued at or before `iatAtMost` (revocation). */
  closeRevoked(userId: string, iatAtMost: number): Promise<number> {
    return this.userShard(userId).closeRevoked(userId, iatAtMost);
  }

  isOnline(userId: string): boolean {
    for (const report of this.reports.values()) if (report.staff.includes(userId)) return true;
    return false;
  }

  onlineCount(): number {
    let total = 0;
    for (const report of this.reports.values()) total += report.online;
    return total;
  }

  /** Shards hold the sockets and close them at their token's expiry themselves. */
  nextTokenExpiry(): null {
    return null;
  }

  closeExpired(): void {}

  /** The room object's work so far. */
  counters(): FanoutCounters {
    // Queues are kept while paused, so the sum never goes back.
    let pushes = 0;
    for (const queue of this.queues.values()) pushes += queue.pushes;
    return { broadcasts: this.broadcasts, pushes, reports: this.reportsReceived };
  }

  /** The shard that holds a user's sockets. */
  userShard(userId: string): ShardStub {
    return this.deps.shard(shardName(this.deps.chatroomId, shardOf(userId, this.deps.shards)));
  }
}
