/**
 * @module client/heartbeat
 * Pings on an interval and reports a dead connection when no frame answers within the timeout.
 * Any incoming frame counts as an answer (the runtime answers `ping` with `pong` without waking the room).
 */

/** A ping loop with a pong deadline. */
export class Heartbeat {
  private interval: ReturnType<typeof setInterval> | null = null;
  private deadline: ReturnType<typeof setTimeout> | null = null;

  constructor(
    /** Sends a ping; false when the connection cannot send right now. */
    private readonly ping: () => boolean,
    /** Called once when a ping went unanswered. */
    private readonly onTimeout: () => void,
    private readonly intervalMs: number,
    private readonly timeoutMs: number,
  ) {}

  /** Starts (or restarts) pinging. */
  start(): void {
    this.stop();
    this.interval = setInterval(() => {
      if (this.deadline || !this.ping()) return;
      this.deadline = setTimeout(() => {
        this.deadline = null;
        this.onTimeout();
      }, this.timeoutMs);
    }, this.intervalMs);
  }

  /** Something arrived: the connection is alive. */
  alive(): void {
    if (this.deadline) clearTimeout(this.deadline);
    this.deadline = null;
  }

  /** Stops pinging. */
  stop(): void {
    this.alive();
    if (this.interval) clearInterval(this.interval);
    this.interval = null;
  }
}
