/**
 * @module live/report-timer
 * When a shard tells the room its audience (SPEC §8.5): one timer, due at the earliest of what was
 * asked — a change asks for a report within REPORT_MS, the heartbeat within HEARTBEAT_MS, a restarted
 * room at once — so a change never waits for a later heartbeat.
 */

/** One pending report, at the earliest time asked for. */
export class ReportTimer {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private due = 0;
  private forced = false;

  /** @param fire sends the report; `forced` when it must go even if unchanged (the heartbeat). */
  constructor(private readonly fire: (forced: boolean) => void) {}

  /** Asks for a report within `delay` ms; a pending one due sooner stands. */
  schedule(delay: number, forced = false): void {
    const due = Date.now() + delay;
    this.forced ||= forced;
    if (this.timer !== null) {
      if (this.due <= due) return;
      clearTimeout(this.timer);
    }
    this.due = due;
    this.timer = setTimeout(() => {
      this.timer = null;
      const wasForced = this.forced;
      this.forced = false;
      this.fire(wasForced);
    }, delay);
  }
}
