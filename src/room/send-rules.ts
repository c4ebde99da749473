/**
 * @module send-rules
 * The checks of SPEC §4 that every stored chat message passes, in order; the first failure wins.
 * One implementation serves the socket, the HTTP send and the admin send.
 */
import { type Failure, fail } from "../errors";
import { type ActorRole, isModerator } from "./permissions";
import { type Bucket, slowModeWaitMs, takeToken } from "./rate-limit";
import { isBanned, isMuted, type Restriction } from "./restrictions";

/**
 * contentType prefixes only the server produces (admin sends are stored as `wildfire/<type>`; `system/`
 * is kept for server notices), so a user cannot forge a message that looks like the server's (SPEC §8.1).
 */
const RESERVED_CONTENT_TYPE = /^(wildfire|system)\//i;

/** True when a contentType is reserved for messages the server sends. */
export function isReservedContentType(contentType: string): boolean {
  return RESERVED_CONTENT_TYPE.test(contentType.trim());
}

/** Room state: 0 normal, 1 not started (scheduled), 2 ended. */
export type RoomState = 0 | 1 | 2;

/** What the rules need to know about the sender and the room at `now`. */
export interface SendContext {
  state: RoomState;
  role: ActorRole;
  restriction: Pick<Restriction, "status" | "expiresAt"> | null;
  muteAll: boolean;
  slowModeSeconds: number;
  lastSentAt: number | null;
  bucket: Bucket | null;
  ratePerSec: number;
  burst: number;
  /** Admin sends are the server's own: they skip mute, mute-all and slow mode, not the rate limit. */
  bypassModeration: boolean;
}

/** Either the new bucket to persist with the message, or why the send is refused. */
export type SendDecision = { ok: true; bucket: Bucket } | Failure;

/** Applies the send rules in SPEC order: membership, room state, mute, mute-all, slow mode, rate. */
export function checkSend(context: SendContext, now: number): SendDecision {
  if (context.role === "none") return fail("not_in_room", "you are not a member of this room");
  if (context.state === 1) return fail("conflict", "the room has not started yet");
  if (context.state === 2) return fail("conflict", "the room has ended");
  if (!context.bypassModeration) {
    if (isBanned(context.restriction, now)) return fail("banned", "you are banned from this room");
    const restriction = context.restriction;
    if (restriction && isMuted(restriction, now)) {
      return fail("muted", restriction.expiresAt ? `you are muted until ${restriction.expiresAt}` : "you are muted");
    }
    const moderator = isModerator(context.role);
    if (context.muteAll && !moderator) return fail("muted", "the room is muted: only host and managers may speak");
    const waitMs = moderator ? 0 : slowModeWaitMs(context.lastSentAt, now, context.slowModeSeconds);
    if (waitMs > 0) {
      return fail("rate_limited", "slow mode: wait before sending again", {
        retryAfterSec: Math.ceil(waitMs / 1000),
      });
    }
  }
  const take = takeToken(context.bucket, now, context.ratePerSec, context.burst);
  if (!take.allowed) {
    return fail("rate_limited", "sending too fast", { retryAfterSec: Math.ceil(take.retryAfterMs / 1000) });
  }
  return { ok: true, bucket: take.bucket };
}
