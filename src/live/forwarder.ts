/**
 * @module live/forwarder
 * A shard's frames on their way to the room (SPEC §8.5): forwarded in batches, one batch at the room at
 * a time, so frames that arrive meanwhile go in the next one; each answered in the order it arrived.
 * What the shard answers itself (a bad frame, a rate notice) waits behind the frames still at the room,
 * so a socket's answers keep the order of its frames.
 */
import { encode } from "../room/protocol";
import type { ForwardedFrame } from "./shard-protocol";

/** Frames forwarded to the room in one call. */
const FORWARD_BATCH = 200;

/** A frame waiting to be answered in order: forwarded to the room, or answered by the shard itself. */
type Pending = { socket: WebSocket; item: ForwardedFrame } | { socket: WebSocket; local: string };

/** How a forwarder reaches the room and the sockets. */
export interface ForwarderDeps {
  /** The room's answers, one list of frames per forwarded frame; rejects when the room was not reached. */
  call(items: ForwardedFrame[]): Promise<{ ok: true; value: string[][] } | { ok: false; message: string }>;
  /** Passes the room's answer to a frame to its socket. */
  answer(socket: WebSocket, frames: readonly string[]): void;
  /** Sends one frame to one socket. */
  send(socket: WebSocket, frame: string): void;
  /** Logs a failure to reach the room. */
  log(error: string): void;
}

/** One shard's ordered queue of frames to the room. */
export class Forwarder {
  private queue: Pending[] = [];
  private busy = false;
  /** Frames forwarded so far and the calls that carried them (work counters). */
  forwarded = 0;
  batches = 0;

  constructor(private readonly deps: ForwarderDeps) {}

  /** Forwards a socket's frame to the room. */
  forward(socket: WebSocket, item: ForwardedFrame): void {
    this.enqueue({ socket, item });
  }

  /** Answers a frame the shard handled itself, after the answers to frames still at the room. */
  reply(socket: WebSocket, frame: string): void {
    if (this.busy || this.queue.length > 0) this.enqueue({ socket, local: frame });
    else this.deps.send(socket, frame);
  }

  private enqueue(pending: Pending): void {
    this.queue.push(pending);
    if (!this.busy) void this.drain();
  }

  private async drain(): Promise<void> {
    this.busy = true;
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, FORWARD_BATCH);
      const items = batch.flatMap((entry) => ("item" in entry ? [entry.item] : []));
      this.forwarded += items.length;
      if (items.length > 0) this.batches++;
      const replies = items.length > 0 ? await this.answers(items) : [];
      let next = 0;
      for (const entry of batch) {
        if ("local" in entry) this.deps.send(entry.socket, entry.local);
        else this.deps.answer(entry.socket, replies[next++] ?? []);
      }
    }
    this.busy = false;
  }

  /**
   * The room's answers. A call that fails (the room restarting) is made once more: every forwarded
   * frame is safe to repeat (a send by its clientMsgId, the rest by what they change). After that, each
   * frame gets SERVER_ERROR, naming the send it answers.
   */
  private async answers(items: ForwardedFrame[]): Promise<string[][]> {
    let failure = "";
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const answered = await this.deps.call(items);
        if (answered.ok) return answered.value;
        failure = answered.message;
        break;
      } catch (error) {
        failure = String(error);
      }
    }
    this.deps.log(failure);
    return items.map(({ frame }) => [unavailable(frame.type === "send" ? frame.clientMsgId : undefined)]);
  }
}

/** The error frame a socket gets when the room could not be reached for its frame. */
function unavailable(clientMsgId: string | undefined): string {
  return encode({
    type: "error",
    code: "SERVER_ERROR",
    message: "the room is unavailable: retry shortly",
    clientMsgId,
  });
}
