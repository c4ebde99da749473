/**
 * @module client/send-queue
 * The socket's unacknowledged sends, by clientMsgId: each keeps its frame text (re-sent after a
 * reconnect, safe thanks to the server's dedupe) and the connection it was last written on.
 */
import { SocketError } from "./errors";
import type { SendResult } from "./types";

/** A send's outcome: the ack and its clientMsgId. */
export type SendAck = SendResult & { clientMsgId: string };

interface Entry {
  text: string;
  /** The connection it was last written on (0: not yet written). */
  generation: number;
  resolve: (ack: SendAck) => void;
  reject: (error: SocketError) => void;
}

/** Pending sends in the order they were made. */
export class SendQueue {
  private readonly entries = new Map<string, Entry>();

  /** The clientMsgIds still waiting for an answer. */
  get ids(): string[] {
    return [...this.entries.keys()];
  }

  /** Adds a send (superseding one with the same id); `write` says on which connection it went out, or 0. */
  add(clientMsgId: string, text: string, write: (text: string) => number): Promise<SendAck> {
    this.entries.get(clientMsgId)?.reject(new SocketError("SUPERSEDED", "sent again with the same clientMsgId"));
    return new Promise((resolve, reject) => {
      const entry: Entry = { text, generation: 0, resolve, reject };
      this.entries.set(clientMsgId, entry);
      entry.generation = write(text);
    });
  }

  /** Writes every pending send again (after a welcome); `write` returns the connection or 0. */
  resend(write: (text: string) => number): void {
    for (const entry of this.entries.values()) {
      const generation = write(entry.text);
      if (generation) entry.generation = generation;
    }
  }

  /** Resolves the matching send with its ack. */
  acked(ack: SendAck): void {
    const entry = this.entries.get(ack.clientMsgId);
    if (!entry) return;
    this.entries.delete(ack.clientMsgId);
    entry.resolve(ack);
  }

  /** Rejects the matching send. */
  refused(clientMsgId: string, error: SocketError): void {
    const entry = this.entries.get(clientMsgId);
    if (!entry) return;
    this.entries.delete(clientMsgId);
    entry.reject(error);
  }

  /** Rejects every send written on connection `generation` (and still unanswered). */
  refuseWritten(generation: number, error: SocketError): void {
    for (const [id, entry] of this.entries) if (entry.generation === generation) this.refused(id, error);
  }

  /** Rejects everything (the socket closed for good). */
  refuseAll(error: SocketError): void {
    const all = [...this.entries.values()];
    this.entries.clear();
    for (const entry of all) entry.reject(error);
  }
}

/** A fresh client message id (crypto.randomUUID where available, e.g. not on plain-http LAN pages). */
export function newClientMsgId(): string {
  const c = (globalThis as { crypto?: Crypto }).crypto;
  if (c && typeof c.randomUUID === "function") return c.randomUUID();
  const bytes = new Uint8Array(16);
  if (c) c.getRandomValues(bytes);
  else for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
