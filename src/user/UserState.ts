/**
 * @module UserState
 * One Durable Object per user (getByName(userId)), the authority for what is per user and not per
 * room (SPEC §8.1, §8.2): token revocation, the HTTP budget, room creations per hour, and the record
 * of rooms where the user has a socket open. The client API asks it once per call (`admit`).
 *
 * Storage is the key-value API, so an object that is only read (a user who never created a room,
 * opened a socket or was revoked) stores nothing and creates no table. The HTTP budget is memory
 * only: it refills at HTTP_RATE_PER_SEC, and the object is evicted only after it has been idle for
 * longer than the budget takes to refill, so an eviction gives nothing away.
 */
import { DurableObject } from "cloudflare:workers";
import { fail, ok, type Result } from "../errors";
import { type Limits, readLimits } from "../limits";
import { type Bucket, takeToken } from "../room/rate-limit";
import {
  applySocketChange,
  type ByteLog,
  currentRoomOf,
  isRevoked,
  type OpenRooms,
  openRoomIds,
  refundDaily,
  revokedSecond,
  type SocketChange,
  spendDaily,
  spendHourly,
} from "./rules";

/** Storage keys (key-value API). */
const KEY = {
  revokedAt: "revokedAt",
  rooms: "rooms",
  creations: "roomCreations",
  attachmentBytes: "attachmentBytes",
  pendingCloses: "pendingCloses",
} as const;

/** Rooms still to be told to close revoked sockets (their last attempt failed), retried from the alarm. */
interface PendingCloses {
  iatAtMost: number;
  rooms: string[];
  attempt: number;
}

/** Retries of a failed fan-out: 0.5 s doubling, five tries, so a transient failure still lands within 5 s. */
const CLOSE_RETRY_BASE_MS = 500;
const CLOSE_RETRIES = 5;

/**
 * After a revocation, a socket admitted just before it may report its room just after the fan-out.
 * Rooms reported within this long after a revocation are told to close revoked sockets too.
 */
const LATE_REPORT_MS = 60_000;

/** What a revocation did. */
export interface Revocation {
  /** When it took effect, epoch ms; tokens with iat ≤ floor(revokedAt / 1000) are refused. */
  revokedAt: number;
  iatAtMost: number;
  /** Rooms where the user had a socket open, told to close the revoked ones. */
  rooms: string[];
}

/** The per-user Durable Object. */
export class UserState extends DurableObject<Env> {
  private readonly limits: Limits;
  /** Caches of stored values; undefined until first read. */
  private revoked: number | null | undefined;
  private rooms: OpenRooms | undefined;
  private creations: number[] | undefined;
  /** The HTTP budget (memory only, see the module note). */
  private bucket: Bucket | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.limits = readLimits(env);
  }

  /**
   * The one check per client API call, after the token's signature: refused when the token is revoked
   * (nothing spent), else one token of the HTTP budget (HTTP_RATE_PER_SEC, HTTP_BURST).
   */
  async admit(iat: number): Promise<Result<null>> {
    if (isRevoked(iat, await this.loadRevokedAt())) {
      return fail("unauthorized", "the access token has been revoked: ask for a new one");
    }
    const { httpRatePerSec, httpBurst } = this.limits;
    const taken = takeToken(this.bucket, Date.now(), httpRatePerSec, httpBurst);
    if (!taken.allowed) {
      return fail("rate_limited", `too many requests: at most ${httpRatePerSec} per second per user`, {
        retryAfterSec: Math.max(1, Math.ceil(taken.retryAfterMs / 1000)),
      });
    }
    this.bucket = taken.bucket;
    return ok(null);
  }

  /**
   * Revokes every token issued up to now: from here on `admit` refuses them, and every room where the
   * user has a socket open closes those opened with them (4001) before this returns.
   */
  async revoke(): Promise<Revocation> {
    const revokedAt = Math.max(Date.now(), (await this.loadRevokedAt()) ?? 0);
    await this.ctx.storage.put(KEY.revokedAt, revokedAt);
    this.revoked = revokedAt;
    const rooms = openRoomIds(await this.loadRooms());
    const iatAtMost = revokedSecond(revokedAt);
    await this.closeRevokedSockets(rooms, iatAtMost, 0);
    return { revokedAt, iatAtMost, rooms };
  }

  /** When the latest revocation took effect (epoch ms), or null when the user's tokens were never revoked. */
  async revokedAt(): Promise<number | null> {
    return this.loadRevokedAt();
  }

  /** Takes one room creation from the hourly window (ROOMS_PER_HOUR); refused creations store nothing. */
  async spendRoomCreation(): Promise<Result<null>> {
    this.creations ??= (await this.ctx.storage.get<number[]>(KEY.creations)) ?? [];
    const spent = spendHourly(this.creations, Date.now(), this.limits.roomsPerHour);
    if (!spent.ok) {
      return fail("rate_limited", `too many rooms created: at most ${this.limits.roomsPerHour} per hour`, {
        retryAfterSec: spent.retryAfterSec,
      });
    }
    this.creations = spent.log;
    await this.ctx.storage.put(KEY.creations, spent.log);
    return ok(null);
  }

  /**
   * Counts `bytes` of uploads against ATTACHMENT_BYTES_PER_DAY (a sliding day), before the upload is
   * read; refused uploads store nothing. Answers the minute they were counted in, for a refund.
   */
  async spendAttachmentBytes(bytes: number): Promise<Result<{ slot: number }>> {
    const log = (await this.ctx.storage.get<ByteLog>(KEY.attachmentBytes)) ?? [];
    const limit = this.limits.attachmentBytesPerDay;
    const spent = spendDaily(log, bytes, Date.now(), limit);
    if (!spent.ok) {
      return fail("rate_limited", `upload quota used up: at most ${limit} bytes a day`, {
        retryAfterSec: spent.retryAfterSec,
      });
    }
    await this.ctx.storage.put(KEY.attachmentBytes, spent.log);
    return ok({ slot: spent.slot });
  }

  /** Gives back bytes counted for an upload that was then refused or failed (nothing of it was kept). */
  async refundAttachmentBytes(bytes: number, slot: number): Promise<void> {
    const log = await this.ctx.storage.get<ByteLog>(KEY.attachmentBytes);
    if (log) await this.ctx.storage.put(KEY.attachmentBytes, refundDaily(log, bytes, slot));
  }

  /** A room reports that this user's first (or another) socket opened there, or their last one closed. */
  async socketsChanged(chatroomId: string, change: SocketChange): Promise<void> {
    const now = Date.now();
    const rooms = applySocketChange(await this.loadRooms(), chatroomId, change, now);
    await this.ctx.storage.put(KEY.rooms, rooms);
    this.rooms = rooms;
    const revokedAt = await this.loadRevokedAt();
    if (change.open && revokedAt !== null && now - revokedAt < LATE_REPORT_MS) {
      // Not awaited: the room is waiting for this answer, and the close is a call back into it.
      this.ctx.waitUntil(this.closeRevokedSockets([chatroomId], revokedSecond(revokedAt), 0));
    }
  }

  /** The room the user most recently opened a socket in and still has one open there, or null. */
  async currentRoom(): Promise<{ chatroomId: string; clientId: string; platform: number } | null> {
    return currentRoomOf(await this.loadRooms());
  }

  /** Retries the rooms whose close failed. */
  override async alarm(): Promise<void> {
    const pending = await this.ctx.storage.get<PendingCloses>(KEY.pendingCloses);
    if (!pending) return;
    await this.ctx.storage.delete(KEY.pendingCloses);
    await this.closeRevokedSockets(pending.rooms, pending.iatAtMost, pending.attempt);
  }

  /** Tells each room to close this user's sockets with iat ≤ iatAtMost; failed rooms are retried. */
  private async closeRevokedSockets(rooms: string[], iatAtMost: number, attempt: number): Promise<void> {
    const userId = this.ctx.id.name;
    if (rooms.length === 0 || userId === undefined) return;
    const results = await Promise.allSettled(
      rooms.map((id) => this.env.ROOMS.getByName(id).revokeSockets(userId, iatAtMost)),
    );
    const failed = rooms.filter((_, i) => {
      const result = results[i];
      return result?.status !== "fulfilled" || !result.value.ok;
    });
    if (failed.length === 0) return;
    if (attempt + 1 >= CLOSE_RETRIES) {
      console.error(JSON.stringify({ at: `UserState:${userId}`, error: "revoked sockets not closed", rooms: failed }));
      return;
    }
    const pending = await this.ctx.storage.get<PendingCloses>(KEY.pendingCloses);
    const merged = [...new Set([...(pending?.rooms ?? []), ...failed])];
    const next = { iatAtMost: Math.max(iatAtMost, pending?.iatAtMost ?? 0), rooms: merged, attempt: attempt + 1 };
    await this.ctx.storage.put(KEY.pendingCloses, next);
    await this.ctx.storage.setAlarm(Date.now() + CLOSE_RETRY_BASE_MS * 2 ** attempt);
  }

  private async loadRevokedAt(): Promise<number | null> {
    if (this.revoked === undefined) this.revoked = (await this.ctx.storage.get<number>(KEY.revokedAt)) ?? null;
    return this.revoked;
  }

  private async loadRooms(): Promise<OpenRooms> {
    if (this.rooms === undefined) this.rooms = (await this.ctx.storage.get<OpenRooms>(KEY.rooms)) ?? new Map();
    return this.rooms;
  }
}
