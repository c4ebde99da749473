/**
 * @module presence-report
 * The room's reports to each user's object of where they have a socket open (SPEC §8.2
 * `user_chatroom`, and the rooms a token revocation must reach, §8.1). Reports are coalesced per user
 * (the latest state wins) and sent shortly after the change, never on the message path; a report
 * that fails is kept (unless a newer one replaced it) and retried with backoff. Memory only: an
 * eviction in the instant after a connect can lose one report, which the next change repairs.
 */
import type { SocketChange } from "../user/rules";

/** How long changes gather before they are sent (a reconnect storm becomes one report per user). */
export const REPORT_DELAY_MS = 200;
/** Reports sent at once; the rest follow in the next round. */
const REPORTS_PER_ROUND = 100;
/** Retry backoff after a failed round: doubling from the delay, capped. */
const RETRY_MAX_MS = 30_000;

/** Where reports go: the user's object (`USERS.getByName(userId).socketsChanged`). */
export type ReportSink = (userId: string, change: SocketChange) => Promise<void>;

/** Coalesced, retried reports of one room. */
export class PresenceReporter {
  private pending = new Map<string, SocketChange>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private failures = 0;

  constructor(private readonly send: ReportSink) {}

  /** A socket of the user opened (each one: the latest is the user's current room). */
  opened(userId: string, change: Omit<SocketChange, "open">): void {
    this.queue(userId, { ...change, open: true });
  }

  /** The user's last socket in this room closed. */
  closed(userId: string, at: number): void {
    this.queue(userId, { open: false, clientId: "", platform: 0, at });
  }

  private queue(userId: string, change: SocketChange): void {
    this.pending.set(userId, change);
    this.schedule(REPORT_DELAY_MS);
  }

  private schedule(delayMs: number): void {
    if (this.timer !== null) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, delayMs);
  }

  /** Sends one round of reports; what fails stays queued unless a newer change replaced it. */
  async flush(): Promise<void> {
    const round = [...this.pending].slice(0, REPORTS_PER_ROUND);
    for (const [userId] of round) this.pending.delete(userId);
    const results = await Promise.allSettled(round.map(([userId, change]) => this.send(userId, change)));
    let failed = 0;
    results.forEach((result, i) => {
      const [userId, change] = round[i] as [string, SocketChange];
      if (result.status === "rejected" && !this.pending.has(userId)) {
        this.pending.set(userId, change);
        failed++;
      }
    });
    this.failures = failed > 0 ? this.failures + 1 : 0;
    if (failed > 0) {
      console.error(
        JSON.stringify({
          at: "ChatRoom.presence",
          failed,
          error: String(results.find((r) => r.status === "rejected")),
        }),
      );
    }
    if (this.pending.size > 0) {
      this.schedule(Math.min(RETRY_MAX_MS, REPORT_DELAY_MS * 2 ** this.failures));
    }
  }
}
