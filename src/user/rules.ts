/**
 * @module user/rules
 * Pure rules of the per-user object (SPEC §8.1, §8.2): token revocation, the hourly room-creation
 * window, and the record of rooms where the user has a socket open. Clocks are passed in.
 */

/** The last second whose tokens a revocation at `revokedAt` (epoch ms) refuses. */
export function revokedSecond(revokedAt: number): number {
  return Math.floor(revokedAt / 1000);
}

/**
 * True when a token issued at `iat` (epoch seconds) is revoked: iat ≤ floor(revokedAt / 1000). A token
 * minted in the same second as the revocation is refused too, because seconds cannot tell whether it
 * came before or after it.
 */
export function isRevoked(iat: number, revokedAt: number | null): boolean {
  return revokedAt !== null && iat <= revokedSecond(revokedAt);
}

/** Milliseconds to wait before minting a token that a revocation at `revokedAt` does not refuse. */
export function mintDelayMs(revokedAt: number | null, now: number): number {
  if (revokedAt === null) return 0;
  return Math.max(0, (revokedSecond(revokedAt) + 1) * 1000 - now);
}

/** One hour, the window of ROOMS_PER_HOUR. */
export const HOUR_MS = 3_600_000;

/**
 * Takes one slot of a sliding one-hour window holding at most `limit` events (the creation times in
 * `log`, epoch ms). Exact: never more than `limit` creations in any hour.
 */
export function spendHourly(
  log: readonly number[],
  now: number,
  limit: number,
): { ok: true; log: number[] } | { ok: false; retryAfterSec: number } {
  const recent = log.filter((at) => at > now - HOUR_MS).sort((a, b) => a - b);
  if (recent.length < limit) return { ok: true, log: [...recent, now] };
  // The slot frees when the oldest creation that keeps the window full leaves it.
  const frees = (recent[recent.length - limit] ?? now) + HOUR_MS;
  return { ok: false, retryAfterSec: Math.max(1, Math.ceil((frees - now) / 1000)) };
}

/** A change of the user's sockets in one room, as the room reports it. */
export interface SocketChange {
  /** true: a socket opened (the first, or another one); false: the user's last socket there closed. */
  open: boolean;
  clientId: string;
  platform: number;
  /** When it happened, epoch ms on the room's clock. */
  at: number;
}

/** The user's rooms, by chatroomId: the latest change seen for each (a Map: ids may be "__proto__"). */
export type OpenRooms = ReadonlyMap<string, SocketChange>;

/** How long a closed room is remembered, so a late "open" from before the close cannot revive it. */
export const CLOSED_KEPT_MS = HOUR_MS;

/**
 * Applies one change; reports arrive coalesced and may overtake each other, so a change older than
 * what is recorded for that room is ignored. Closed rooms are kept for CLOSED_KEPT_MS, then dropped.
 */
export function applySocketChange(
  rooms: OpenRooms,
  chatroomId: string,
  change: SocketChange,
  now: number,
): Map<string, SocketChange> {
  const known = rooms.get(chatroomId);
  const next = new Map<string, SocketChange>();
  for (const [id, entry] of rooms) {
    if (entry.open || entry.at > now - CLOSED_KEPT_MS) next.set(id, entry);
  }
  if (known === undefined || change.at >= known.at) next.set(chatroomId, { ...change });
  return next;
}

/** The room the user most recently opened a socket in and still has one open, or null. */
export function currentRoomOf(rooms: OpenRooms): { chatroomId: string; clientId: string; platform: number } | null {
  let best: [string, SocketChange] | null = null;
  for (const entry of rooms) {
    if (entry[1].open && (best === null || entry[1].at > best[1].at)) best = entry;
  }
  return best && { chatroomId: best[0], clientId: best[1].clientId, platform: best[1].platform };
}

/** The rooms where the user has a socket open. */
export function openRoomIds(rooms: OpenRooms): string[] {
  return [...rooms].filter(([, entry]) => entry.open).map(([id]) => id);
}

/** One day, the window of ATTACHMENT_BYTES_PER_DAY. */
export const DAY_MS = 86_400_000;
/** Upload bytes are counted per minute, so a day's record has at most 1,440 entries however many uploads. */
export const BYTE_SLOT_MS = 60_000;

/** Bytes uploaded per minute: [start of the minute (epoch ms), bytes]. */
export type ByteLog = readonly (readonly [number, number])[];

/**
 * Spends `bytes` of a sliding one-day window holding at most `limit` bytes. The window slides by the
 * minute: bytes counted in a minute leave it one day after that minute began. Refused: the seconds until
 * enough bytes have left it (a day when `bytes` alone exceeds the limit).
 */
export function spendDaily(
  log: ByteLog,
  bytes: number,
  now: number,
  limit: number,
): { ok: true; log: [number, number][]; slot: number } | { ok: false; retryAfterSec: number } {
  const recent = log.filter(([slot, spent]) => slot > now - DAY_MS && spent > 0).sort((a, b) => a[0] - b[0]);
  const used = recent.reduce((sum, [, spent]) => sum + spent, 0);
  const slot = now - (now % BYTE_SLOT_MS);
  if (used + bytes <= limit) {
    const others = recent.filter(([at]) => at !== slot).map(([at, spent]): [number, number] => [at, spent]);
    const before = recent.find(([at]) => at === slot)?.[1] ?? 0;
    return { ok: true, log: [...others, [slot, before + bytes]], slot };
  }
  if (bytes > limit) return { ok: false, retryAfterSec: DAY_MS / 1000 };
  let freed = 0;
  for (const [at, spent] of recent) {
    freed += spent;
    if (used - freed + bytes <= limit)
      return { ok: false, retryAfterSec: Math.max(1, Math.ceil((at + DAY_MS - now) / 1000)) };
  }
  return { ok: false, retryAfterSec: DAY_MS / 1000 };
}

/** Gives back `bytes` spent in the minute `slot` (an upload refused after its bytes were counted). */
export function refundDaily(log: ByteLog, bytes: number, slot: number): [number, number][] {
  return log.map(([at, spent]): [number, number] => [at, at === slot ? Math.max(0, spent - bytes) : spent]);
}
