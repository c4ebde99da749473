/**
 * @module client/emitter
 * A tiny typed event emitter: one listener set per event name; a throwing listener is logged, never
 * allowed to break the caller (the socket's frame loop).
 */

/** A listener of event `K`. */
export type Listener<Events, K extends keyof Events> = (payload: Events[K]) => void;

/** Typed `on` / `off` / `emit` over an event map. */
export class Emitter<Events extends object> {
  private readonly listeners = new Map<keyof Events, Set<(payload: never) => void>>();

  /** Adds a listener; returns a function that removes it. */
  on<K extends keyof Events>(event: K, listener: Listener<Events, K>): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener as (payload: never) => void);
    return () => this.off(event, listener);
  }

  /** Removes a listener. */
  off<K extends keyof Events>(event: K, listener: Listener<Events, K>): void {
    this.listeners.get(event)?.delete(listener as (payload: never) => void);
  }

  /** Calls every listener of `event` with `payload`, in the order they were added. */
  protected emit<K extends keyof Events>(event: K, payload: Events[K]): void {
    const set = this.listeners.get(event);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        (listener as Listener<Events, K>)(payload);
      } catch (error) {
        // A listener's bug must not break the connection.
        console.error(error);
      }
    }
  }
}
