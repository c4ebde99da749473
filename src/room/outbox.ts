/**
 * @module outbox
 * Index changes a room records for the D1 directory (SPEC §1), and the retry backoff. The room writes
 * each change in the same transaction as its state change; directory/store.ts turns them into
 * idempotent upserts applied in one batch.
 */

/** The room's row in the directory. */
export interface RoomIndexRow {
  chatroomId: string;
  title: string;
  isOpen: boolean;
  state: 0 | 1 | 2;
  hostId: string | null;
  memberCount: number;
  thumbnails: string[];
  startAt: number | null;
  durationMinutes: number | null;
  startedAt: number | null;
  createdAt: number;
  updatedAt: number;
  /** Fixed at creation; absent in changes recorded before live rooms existed. */
  mode?: "normal" | "live";
  shards?: number;
}

/** One change to the directory. Applying the same change twice has the effect of applying it once. */
export type IndexChange =
  | { op: "room"; room: RoomIndexRow }
  | {
      op: "member";
      chatroomId: string;
      userId: string;
      role: string;
      joinedAt: number;
      /** The open profile the member shows in this room (absent in changes recorded by the first release). */
      openProfileId?: number | null;
    }
  | { op: "unmember"; chatroomId: string; userId: string }
  | { op: "clearMembers"; chatroomId: string }
  | {
      op: "activity";
      chatroomId: string;
      lastSeq: number;
      preview: string;
      senderId: string;
      at: number;
      deleted?: boolean;
    }
  | { op: "read"; chatroomId: string; userId: string; seq: number }
  | { op: "mention"; chatroomId: string; userId: string; seq: number };

/** First retry after a failed flush, and the cap (the index converges within seconds of recovery). */
export const RETRY_BASE_MS = 500;
export const RETRY_MAX_MS = 10_000;
/** Chat activity and read markers are pushed to the index at most this often (coalesced). */
export const ACTIVITY_FLUSH_MS = 1000;

/**
 * Delay before the next flush attempt after `failures` consecutive failures: exponential, capped,
 * with "equal jitter" (half fixed, half random from `random` in [0, 1)) so that rooms which failed
 * together during a D1 outage do not all retry in the same instant.
 */
export function retryDelayMs(failures: number, random: number): number {
  const base = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** Math.max(0, failures - 1));
  return Math.round(base / 2 + (base / 2) * Math.min(Math.max(random, 0), 1));
}
