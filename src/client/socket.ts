/**
 * @module client/socket
 * `RoomSocket`: one room's real-time connection (SPEC §4, §8.1) over the standard WebSocket API, so the
 * same code runs in browsers (global WebSocket) and in Node (pass `WebSocket` from the `ws` package).
 *
 * - unpacks `batch` frames and emits every server frame, in order, to typed listeners;
 * - reconnects with backoff after an unexpected close, resuming with `?since=<lastSeq>`; a connect
 *   refused with 429 waits the Retry-After;
 * - stays closed after 1000 (left), 4003 (removed), 4004 (room ended), 4008 (closed for abuse) or `close()`;
 * - after 4001 (or 401 before the upgrade) asks for a new token (`getToken`, `tokenExpired`) and
 *   reconnects only with one; never a reconnect loop on a dead token;
 * - `RATE_LIMITED` / `ROOM_BUSY` frames become a `throttled` event; sends in flight reject with the
 *   retry hint, and new sends reject at once until it passes;
 * - `send()` resolves on the matching `ack` and re-sends unacknowledged messages after a reconnect
 *   (the server's clientMsgId dedupe makes that safe).
 */
import {
  CloseCode,
  CONNECT_RETRY_FALLBACK_MS,
  closeAction,
  closeReason,
  isThrottleCode,
  MAX_TOKEN_REFRESHES,
  reconnectDelay,
} from "./close-policy";
import { Emitter } from "./emitter";
import { SocketError } from "./errors";
import { parseFrames, sessionEnd } from "./frames";
import { probeRefusal } from "./refusal";
import { httpBase, ResumePoint, socketUrl } from "./resume";
import { newClientMsgId, type SendAck, SendQueue } from "./send-queue";
import type {
  CloseInfo,
  RoomSocketEvents,
  RoomSocketOptions,
  SendOptions,
  SocketStatus,
  StatusInfo,
  ThrottleInfo,
  WebSocketConstructor,
} from "./socket-types";
import { Transport, type TransportClose } from "./transport";
import type { FrameOf, SendMessageBody, ServerFrame } from "./types";

export { FINAL_CLOSE_CODES } from "./close-policy";
export { newClientMsgId } from "./send-queue";
export type * from "./socket-types";

/** One room's live connection. Call {@link RoomSocket.connect} to start. */
export class RoomSocket extends Emitter<RoomSocketEvents> {
  private readonly options: RoomSocketOptions;
  private readonly fetcher: typeof fetch | null;
  private readonly pending = new SendQueue();
  private readonly transport: Transport;
  private token: string;
  private userId: string | null = null;
  private readonly resume: ResumePoint;
  private currentStatus: SocketStatus = "idle";
  private attempt = 0;
  private tokenRefreshes = 0;
  private stopped = false;
  private throttle: ThrottleInfo | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(options: RoomSocketOptions) {
    super();
    this.options = options;
    this.token = options.token;
    this.resume = new ResumePoint(options.since ?? null, options.updatesSince ?? null);
    const Ctor = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
    if (!Ctor) throw new TypeError("no WebSocket implementation: pass options.WebSocket (e.g. from the ws package)");
    const globalFetch = (globalThis as { fetch?: typeof fetch }).fetch;
    this.fetcher = options.fetch ?? (globalFetch ? (input, init) => globalFetch(input, init) : null);
    this.transport = new Transport(
      Ctor,
      { data: (data) => this.onData(data), closed: (close) => void this.onClose(close) },
      { pingIntervalMs: options.pingIntervalMs ?? 25_000, pongTimeoutMs: options.pongTimeoutMs ?? 10_000 },
    );
  }

  /** The room this socket belongs to. */
  get chatroomId(): string {
    return this.options.chatroomId;
  }

  /** Current status. */
  get status(): SocketStatus {
    return this.currentStatus;
  }

  /** The highest message seq seen (null before the first welcome when no `since` was given). */
  get lastSeq(): number | null {
    return this.resume.seq;
  }

  /** The highest update seq seen (recalls, edits, reactions; null before the first welcome). */
  get lastUpdateSeq(): number | null {
    return this.resume.updateSeq;
  }

  /** Messages not yet acknowledged, by clientMsgId. */
  get unacked(): string[] {
    return this.pending.ids;
  }

  /** The current throttle (RATE_LIMITED / ROOM_BUSY) while it lasts, else null. */
  get throttled(): ThrottleInfo | null {
    if (this.throttle && this.throttle.until <= Date.now()) this.throttle = null;
    return this.throttle;
  }

  /** Records messages fetched over HTTP (e.g. after `resync`) so a resume starts after them. */
  markSeen(seq: number): void {
    this.resume.markSeen(seq);
  }

  /** Opens the connection (no-op when already connecting, open, or waiting for a token). */
  connect(): this {
    if (this.stopped) throw new SocketError("CLOSED", "this socket was closed; create a new one");
    if (this.transport.active || this.timer || this.currentStatus === "needs-token") return this;
    this.open();
    return this;
  }

  /** Supplies a new access token: used from the next connection on, at once when one is awaited. */
  setToken(token: string): void {
    this.token = token;
    if (this.stopped || this.currentStatus !== "needs-token") return;
    this.clearTimer();
    this.open();
  }

  /** Closes for good (code 1000) and rejects unacknowledged sends. */
  close(reason = "client closed"): void {
    if (this.stopped) return;
    this.stopped = true;
    this.transport.close(CloseCode.Normal, reason);
    this.finish({ code: CloseCode.Normal, reason, final: true });
  }

  /**
   * Sends a chat message. Resolves with the ack (seq, ts, duplicate) or rejects with a SocketError:
   * the room's refusal (MUTED, RATE_LIMITED + retryAfterSec, …), or CLOSED when the socket closed for
   * good first. Queued while disconnected and re-sent after every reconnect until acknowledged.
   * `options.attachments` carries ids from `EdgeroomApi.upload` (the text may then be empty).
   */
  send(content: string, options: SendOptions = {}): Promise<SendAck> {
    if (this.stopped) return Promise.reject(new SocketError("CLOSED", "the connection is closed"));
    const throttle = this.throttled;
    if (throttle) {
      const left = Math.max(1, Math.ceil((throttle.until - Date.now()) / 1000));
      return Promise.reject(new SocketError(throttle.code, throttle.message, left));
    }
    const { clientMsgId = newClientMsgId(), ...extra } = options;
    const frame: SendMessageBody & { type: "send" } = { type: "send", clientMsgId, content, ...extra };
    return this.pending.add(clientMsgId, JSON.stringify(frame), (text) => this.writeSend(text));
  }

  /** Moves the read marker (dropped while disconnected; returns whether it was sent). */
  read(seq: number): boolean {
    return this.currentStatus === "open" && this.transport.write(JSON.stringify({ type: "read", seq }));
  }

  /** Tells the others you are typing (not sent while throttled: every frame spends the socket's budget). */
  typing(): boolean {
    return this.currentStatus === "open" && !this.throttled && this.transport.write('{"type":"typing"}');
  }

  /** Asks for a page of history; the answer arrives as a `history` frame. */
  requestHistory(query: { before?: number; limit?: number } = {}): boolean {
    return (
      this.currentStatus === "open" &&
      !this.throttled &&
      this.transport.write(JSON.stringify({ type: "history", ...query }))
    );
  }

  // ── connection ───────────────────────────────────────────────────────

  private open(): void {
    this.timer = null;
    this.setStatus({ status: this.attempt === 0 ? "connecting" : "reconnecting", attempt: this.attempt });
    this.transport.open(socketUrl(httpBase(this.options.baseUrl), this.chatroomId, this.token, this.resume));
  }

  /** Writes a send when open: the connection it went out on, or 0. */
  private writeSend(text: string): number {
    return this.currentStatus === "open" && this.transport.write(text) ? this.transport.generation : 0;
  }

  private onData(data: unknown): void {
    for (const frame of parseFrames(data)) this.onFrame(frame);
  }

  private onFrame(frame: ServerFrame): void {
    this.resume.follow(frame);
    if (frame.type === "welcome") {
      this.userId = frame.userId;
      this.attempt = 0;
      this.tokenRefreshes = 0;
      this.setStatus({ status: "open", attempt: 0 });
    } else if (frame.type === "ack") {
      const { clientMsgId, seq, ts, duplicate } = frame;
      this.pending.acked({ clientMsgId, seq, ts, duplicate });
    } else if (frame.type === "error") this.onError(frame);
    this.emit(frame.type, frame as never);
    this.emit("frame", frame);
    // After the welcome (and whatever the server queued with it), re-send what is still unacknowledged.
    if (frame.type === "welcome") this.pending.resend((text) => this.writeSend(text));
    const ending = sessionEnd(frame, this.userId);
    if (ending) this.endedByServer(ending.code, ending.reason);
  }

  private onError(frame: FrameOf<"error">): void {
    const error = new SocketError(frame.code, frame.message, frame.retryAfterSec);
    if (frame.clientMsgId !== undefined) this.pending.refused(frame.clientMsgId, error);
    if (!isThrottleCode(frame.code)) return;
    const retryAfterSec = frame.retryAfterSec ?? 1;
    const until = Date.now() + retryAfterSec * 1000;
    this.throttle = { code: frame.code, message: frame.message, retryAfterSec, until, clientMsgId: frame.clientMsgId };
    // The room sends at most one such frame per second and drops the frames refused meanwhile without
    // an answer: every send written on this connection and still unanswered would otherwise hang.
    this.pending.refuseWritten(this.transport.generation, error);
    this.emit("throttled", this.throttle);
  }

  private endedByServer(code: number, reason: string): void {
    if (this.stopped) return;
    this.stopped = true;
    this.transport.close(CloseCode.Normal, reason);
    this.finish({ code, reason, final: true });
  }

  private async onClose(close: TransportClose): Promise<void> {
    this.clearTimer();
    if (this.stopped) return;
    let info: CloseInfo = { code: close.code, reason: closeReason(close.code, close.reason), final: false };
    const action = closeAction(close.code);
    if (action === "final") return this.stop(info);
    if (action === "token") return this.needToken(info);
    // A 429 the transport saw (Node `ws`) without a Retry-After of its own: wait one connect window.
    let retryAfterMs = close.refusedStatus === 429 ? CONNECT_RETRY_FALLBACK_MS : 0;
    if (!close.upgraded && this.fetcher) {
      // Refused before the upgrade (401/403/409/429): the browser only says 1006, so ask over HTTP why.
      const refusal = await probeRefusal(this.fetcher, httpBase(this.options.baseUrl), this.chatroomId, this.token);
      if (this.stopped) return;
      if (refusal) info = { ...info, reason: refusal.error.message, error: refusal.error };
      if (refusal?.kind === "final") return this.stop(info);
      if (refusal?.kind === "token") return this.needToken(info);
      // The probe met the same per-user HTTP budget as the upgrade: its Retry-After is the one to wait.
      if (refusal?.kind === "wait") retryAfterMs = refusal.ms;
    }
    this.attempt += 1;
    const retryInMs = reconnectDelay(this.attempt, {
      minMs: this.options.minReconnectDelayMs ?? 500,
      maxMs: this.options.maxReconnectDelayMs ?? 15_000,
      retryAfterMs,
    });
    this.emit("close", info);
    this.setStatus({ status: "reconnecting", attempt: this.attempt, retryInMs, close: info });
    this.timer = setTimeout(() => this.open(), retryInMs);
  }

  /** The token was refused: wait for a new one (asking `getToken`), spacing repeated refreshes. */
  private needToken(info: CloseInfo): void {
    this.tokenRefreshes += 1;
    if (this.tokenRefreshes > MAX_TOKEN_REFRESHES) {
      this.stop({ ...info, reason: `${info.reason}; new tokens were refused too` });
      return;
    }
    const refused = this.token;
    this.emit("close", info);
    this.setStatus({ status: "needs-token", attempt: this.attempt, close: info });
    this.emit("tokenExpired", { code: info.code, reason: info.reason, error: info.error });
    const getToken = this.options.getToken;
    if (!getToken || this.currentStatus !== "needs-token") return;
    // A token minted in the second of a revocation is refused too (iat ≤ revokedAt, §8.1): wait a
    // little longer before each further refresh.
    const delay = this.tokenRefreshes === 1 ? 0 : reconnectDelay(this.tokenRefreshes - 1, { minMs: 1000, maxMs: 4000 });
    this.timer = setTimeout(async () => {
      this.timer = null;
      let next: string | null = null;
      try {
        next = await getToken();
      } catch (error) {
        console.error(error);
      }
      if (next && next !== refused && this.currentStatus === "needs-token") this.setToken(next);
    }, delay);
  }

  private stop(info: CloseInfo): void {
    this.stopped = true;
    this.finish({ ...info, final: true });
  }

  private finish(info: CloseInfo): void {
    this.clearTimer();
    this.throttle = null;
    const error = new SocketError("CLOSED", `the connection closed: ${info.reason || info.code}`);
    this.pending.refuseAll(error);
    this.emit("close", info);
    this.setStatus({ status: "closed", attempt: this.attempt, close: info });
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private setStatus(info: StatusInfo): void {
    this.currentStatus = info.status;
    this.emit("status", info);
  }
}
