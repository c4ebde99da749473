/**
 * @module drain
 * Drains rows a room wrote inside a transaction (an outbox: webhook events, R2 keys to delete) to a
 * service outside the object, after the commit. One run at a time, batch by batch; a batch leaves
 * storage only once the service took it, so nothing is lost to a crash (it is sent again instead).
 * A failure stops the run and sets a retry time with backoff, which the room's alarm honours.
 */
import { retryDelayMs } from "./outbox";

/** How a drain reads, sends and drops its batches. */
export interface DrainSteps<Batch> {
  /** The oldest batch waiting in storage, or null when none is left. */
  next(): Batch | null;
  send(batch: Batch): Promise<void>;
  /** Drops a batch the service took from storage. */
  sent(batch: Batch): void;
}

/** One outbox's sender. */
export class Drain<Batch> {
  private inFlight: Promise<void> | null = null;
  #dirty = false;
  #failures = 0;
  #retryAt: number | null = null;

  /**
   * @param name names the drain in the error log.
   * @param onFailed lets the room plan its alarm for the retry.
   */
  constructor(
    private readonly name: string,
    private readonly steps: DrainSteps<Batch>,
    private readonly onFailed: () => void,
  ) {}

  /** Rows may be waiting in storage. */
  get dirty(): boolean {
    return this.#dirty;
  }

  /** Failed sends in a row since the last success. */
  get failures(): number {
    return this.#failures;
  }

  /** When to try again after a failure (null: not failing). */
  get retryAt(): number | null {
    return this.#retryAt;
  }

  get running(): boolean {
    return this.inFlight !== null;
  }

  /** Notes that a commit left rows in storage (or that some may be there, at start). */
  markDirty(): void {
    this.#dirty = true;
  }

  /** Sends every waiting batch; a call while a run is on joins it. */
  flush(): Promise<void> {
    this.inFlight ??= this.run().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  private async run(): Promise<void> {
    for (;;) {
      const batch = this.steps.next();
      if (batch === null) {
        this.#dirty = false;
        return;
      }
      try {
        await this.steps.send(batch);
      } catch (error) {
        this.#failures++;
        this.#retryAt = Date.now() + retryDelayMs(this.#failures, Math.random());
        console.error(JSON.stringify({ at: this.name, failures: this.#failures, error: String(error) }));
        this.onFailed();
        return;
      }
      this.#failures = 0;
      this.#retryAt = null;
      this.steps.sent(batch);
    }
  }
}
