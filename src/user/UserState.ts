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
  currentRoomOf,
  isRevoked,
  type OpenRooms,
  openRoomIds,
  revokedSecond,
  type SocketChange,
  spendHourly,
} from "./rules";

/** Storage keys (key-value API). */
const KEY = { revokedAt: "revokedAt", rooms: "rooms", creations: "roomCreations" } as const;

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

  /** Revokes every token issued up to now; returns what it did. */
  async revoke(): Promise<Revocation> {
    const revokedAt = Math.max(Date.now(), (await this.loadRevokedAt()) ?? 0);
    await this.ctx.storage.put(KEY.revokedAt, revokedAt);
    this.revoked = revokedAt;
    const rooms = openRoomIds(await this.loadRooms());
    return { revokedAt, iatAtMost: revokedSecond(revokedAt), rooms };
  }

  /** When the latest revocation took effect (epoch ms), or null when the user's tokens were never revoked. */
  async revokedAt(): Promise<number | null> {
    return this.loadRevokedAt();
  }

  /** Takes one room creation from the hourly window (ROOMS_PER_HOUR); refused creations store nothing. */
  async spendRoomCreation(): Promise<Result<null>> {
    const log = (await this.ctx.storage.get<number[]>(KEY.creations)) ?? [];
    const spent = spendHourly(log, Date.now(), this.limits.roomsPerHour);
    if (!spent.ok) {
      return fail("rate_limited", `too many rooms created: at most ${this.limits.roomsPerHour} per hour`, {
        retryAfterSec: spent.retryAfterSec,
      });
    }
    await this.ctx.storage.put(KEY.creations, spent.log);
    return ok(null);
  }

  /** A room reports that this user's first (or another) socket opened there, or their last one closed. */
  async socketsChanged(chatroomId: string, change: SocketChange): Promise<void> {
    const rooms = applySocketChange(await this.loadRooms(), chatroomId, change, Date.now());
    await this.ctx.storage.put(KEY.rooms, rooms);
    this.rooms = rooms;
  }

  /** The room the user most recently opened a socket in and still has one open there, or null. */
  async currentRoom(): Promise<{ chatroomId: string; clientId: string; platform: number } | null> {
    return currentRoomOf(await this.loadRooms());
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
