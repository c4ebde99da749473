/**
 * @module online-announcer
 * A live room's audience is presence (SPEC §8.5): no frame or webhook event per viewer, only the
 * count — an `online` frame at most every ONLINE_FRAME_MS, a webhook `online` event at most every
 * ONLINE_EVENT_MS, each with the latest count, and the last change always told.
 */

/** At most one `online` frame per this interval. */
export const ONLINE_FRAME_MS = 1000;
/** At most one `online` webhook event per this interval. */
export const ONLINE_EVENT_MS = 10_000;

/** Coalesces online-count changes into frames and events. */
export class OnlineAnnouncer {
  private latest = 0;
  private framed = 0;
  private evented = 0;
  private frameTimer: ReturnType<typeof setTimeout> | null = null;
  private eventTimer: ReturnType<typeof setTimeout> | null = null;
  private lastEventAt = 0;

  constructor(
    private readonly frame: (count: number) => void,
    private readonly event: (count: number) => void,
  ) {}

  /** The total online count changed. */
  changed(count: number): void {
    this.latest = count;
    this.frameTimer ??= setTimeout(() => {
      this.frameTimer = null;
      if (this.latest !== this.framed) {
        this.framed = this.latest;
        this.frame(this.latest);
      }
    }, ONLINE_FRAME_MS);
    if (this.eventTimer === null) {
      const wait = Math.max(0, this.lastEventAt + ONLINE_EVENT_MS - Date.now());
      this.eventTimer = setTimeout(() => {
        this.eventTimer = null;
        if (this.latest !== this.evented) {
          this.evented = this.latest;
          this.lastEventAt = Date.now();
          this.event(this.latest);
        }
      }, wait);
    }
  }
}
