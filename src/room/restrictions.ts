/**
 * @module restrictions
 * Pure expiry rules for mutes and no-entry bans (SPEC §2, §4): a restriction stops counting the
 * moment its expiry passes, whether or not the alarm has run yet.
 */

/** 1 mute, 2 no entry (ban) — the Wildfire status values. */
export type RestrictionStatus = 1 | 2;

/** Who set a restriction: 1 a manager, 2 the host, 3 the admin API (SPEC §8.1 "Roles"). */
export type SetterRank = 1 | 2 | 3;

/** The rank each kind of setter acts with. */
export const SETTER_RANK = { manager: 1, host: 2, admin: 3 } as const satisfies Record<string, SetterRank>;

/** One user's restriction in a room. expiresAt is epoch ms; 0 means forever. */
export interface Restriction {
  userId: string;
  status: RestrictionStatus;
  expiresAt: number;
  reason: string | null;
  /** Rank of whoever set it; only that rank or higher may lift or shorten it. */
  setBy: SetterRank;
}

/** True while the restriction still applies at `now`. */
export function isActive(restriction: Pick<Restriction, "expiresAt">, now: number): boolean {
  return restriction.expiresAt === 0 || restriction.expiresAt > now;
}

/** The restriction if it is still active at `now`, else null. */
export function activeOrNull<T extends Pick<Restriction, "expiresAt">>(
  restriction: T | null | undefined,
  now: number,
): T | null {
  return restriction && isActive(restriction, now) ? restriction : null;
}

/** True while the user is banned (no entry) at `now`: the one ban rule every path uses. */
export function isBanned(
  restriction: Pick<Restriction, "status" | "expiresAt"> | null | undefined,
  now: number,
): boolean {
  return activeOrNull(restriction, now)?.status === 2;
}

/** True while the user is muted at `now`. */
export function isMuted(
  restriction: Pick<Restriction, "status" | "expiresAt"> | null | undefined,
  now: number,
): boolean {
  return activeOrNull(restriction, now)?.status === 1;
}

/** True when `next` ends before `current` (0 is forever, so nothing ends after it). */
function endsEarlier(current: number, next: number): boolean {
  if (current === 0) return next !== 0;
  return next !== 0 && next < current;
}

/**
 * Whether a setter of `rank` may replace the user's current restriction with `next` (null = lift).
 * A restriction set by a higher rank may be made harsher or longer by a lower one, never lifted,
 * softened (ban → mute) or shortened (SPEC §8.1).
 */
export function mayChangeRestriction(
  current: Restriction | null,
  rank: SetterRank,
  next: Pick<Restriction, "status" | "expiresAt"> | null,
  now: number,
): boolean {
  const active = activeOrNull(current, now);
  if (!active || rank >= active.setBy) return true;
  if (next === null || next.status < active.status) return false;
  return !endsEarlier(active.expiresAt, next.expiresAt);
}

/** Earliest future expiry among the restrictions (forever ones never expire), or null. */
export function nextExpiry(restrictions: Iterable<Pick<Restriction, "expiresAt">>): number | null {
  let earliest: number | null = null;
  for (const { expiresAt } of restrictions) {
    if (expiresAt !== 0 && (earliest === null || expiresAt < earliest)) earliest = expiresAt;
  }
  return earliest;
}

/**
 * Resolves the absolute expiry of a new restriction from either an absolute time or a duration.
 * Returns the epoch ms (0 = forever) or a message naming the wrong field.
 */
export function resolveExpiry(
  input: { expiresAt?: number; durationSeconds?: number },
  now: number,
): { expiresAt: number } | { field: string; problem: string } {
  if (input.expiresAt !== undefined && input.durationSeconds !== undefined) {
    return { field: "expiresAt", problem: "give expiresAt or durationSeconds, not both" };
  }
  if (input.durationSeconds !== undefined) {
    return { expiresAt: input.durationSeconds === 0 ? 0 : now + input.durationSeconds * 1000 };
  }
  const expiresAt = input.expiresAt ?? 0;
  if (expiresAt !== 0 && expiresAt <= now) {
    return { field: "expiresAt", problem: "must be in the future (epoch ms), or 0 for forever" };
  }
  return { expiresAt };
}
