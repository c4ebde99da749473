/**
 * @module client/resume
 * Where a reconnect picks up (SPEC §4 resume, §8.3 missed updates): the highest message seq seen and
 * the room's update counter seen (recalls, edits, reactions), and the socket URL that carries them.
 */
import type { ServerFrame } from "./types";

/** The resume point of one room's socket. */
export class ResumePoint {
  constructor(
    /** Highest message seq seen (null: none yet; the welcome's lastSeq becomes the start). */
    public seq: number | null = null,
    /** Highest update seq seen (null: none yet; the welcome's lastUpdateSeq becomes the start). */
    public updateSeq: number | null = null,
  ) {}

  /** Records a message seq (also for messages fetched over HTTP). */
  markSeen(seq: number): void {
    if (this.seq === null || seq > this.seq) this.seq = seq;
  }

  /** Records an update seq. */
  markUpdate(updateSeq: number): void {
    if (this.updateSeq === null || updateSeq > this.updateSeq) this.updateSeq = updateSeq;
  }

  /** Follows the frames that move the resume point. */
  follow(frame: ServerFrame): void {
    if (frame.type === "welcome") {
      if (this.seq === null) this.seq = frame.lastSeq;
      if (this.updateSeq === null) this.updateSeq = frame.lastUpdateSeq;
    } else if (frame.type === "message") this.markSeen(frame.seq);
    else if (frame.type === "message_update" || frame.type === "reaction") this.markUpdate(frame.updateSeq);
  }

  /** `&since=…&updatesSince=…` for the socket URL (empty before anything was seen). */
  query(): string {
    if (this.seq === null) return "";
    return this.updateSeq === null ? `&since=${this.seq}` : `&since=${this.seq}&updatesSince=${this.updateSeq}`;
  }
}

/** The HTTP origin of `baseUrl` (ws(s) → http(s)); the page's own origin when empty. */
export function httpBase(baseUrl: string | undefined): string {
  const base = baseUrl || (globalThis as { location?: { origin: string } }).location?.origin || "";
  return base.replace(/\/+$/, "").replace(/^ws/i, "http");
}

/** The socket URL of a room, with the token and the resume point. */
export function socketUrl(base: string, chatroomId: string, token: string, resume: ResumePoint): string {
  const path = `/api/chatrooms/${encodeURIComponent(chatroomId)}/ws?token=${encodeURIComponent(token)}`;
  return `${base.replace(/^http/i, "ws")}${path}${resume.query()}`;
}
