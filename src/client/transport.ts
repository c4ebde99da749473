/**
 * @module client/transport
 * One WebSocket at a time for {@link RoomSocket}: opens it, writes to it, keeps it alive with a
 * heartbeat and reports its end once, with what is known about why (upgraded or not, refused status).
 */
import { CloseCode, refusedStatus } from "./close-policy";
import { Heartbeat } from "./heartbeat";
import type { WebSocketConstructor, WebSocketLike } from "./socket-types";

const OPEN = 1;
const PING = '{"type":"ping"}';

/** How a connection ended. */
export interface TransportClose {
  code: number;
  reason: string;
  /** Whether the upgrade succeeded (false: refused before it, or unreachable). */
  upgraded: boolean;
  /** The HTTP status of a refused upgrade, when the transport tells it (Node `ws`), else null. */
  refusedStatus: number | null;
}

/** What the transport reports. */
export interface TransportHandlers {
  data(data: unknown): void;
  closed(close: TransportClose): void;
}

/** Owns the current WebSocket; every connection gets a new generation number. */
export class Transport {
  private ws: WebSocketLike | null = null;
  private current = 0;
  private readonly heartbeat: Heartbeat;

  constructor(
    private readonly Ctor: WebSocketConstructor,
    private readonly handlers: TransportHandlers,
    timing: { pingIntervalMs: number; pongTimeoutMs: number },
  ) {
    this.heartbeat = new Heartbeat(
      () => this.write(PING),
      () => this.dropDead(),
      timing.pingIntervalMs,
      timing.pongTimeoutMs,
    );
  }

  /** Whether a connection is open or being opened. */
  get active(): boolean {
    return this.ws !== null;
  }

  /** The current connection's number (frames written on it can be told apart from older ones). */
  get generation(): number {
    return this.current;
  }

  /** Opens a new connection to `url`. */
  open(url: string): void {
    this.current += 1;
    let upgraded = false;
    let status: number | null = null;
    let ws: WebSocketLike;
    try {
      ws = new this.Ctor(url);
    } catch (error) {
      this.handlers.closed({ code: CloseCode.Abnormal, reason: String(error), upgraded, refusedStatus: null });
      return;
    }
    this.ws = ws;
    ws.addEventListener("open", () => {
      if (ws !== this.ws) return;
      upgraded = true;
      this.heartbeat.start();
    });
    ws.addEventListener("message", (event) => {
      if (ws !== this.ws) return;
      this.heartbeat.alive();
      this.handlers.data(event.data);
    });
    ws.addEventListener("error", (event) => {
      // A close event follows; keep the refused upgrade's status where the transport tells it.
      status = refusedStatus(event.message) ?? status;
    });
    ws.addEventListener("close", (event) => {
      if (ws !== this.ws) return;
      this.forget();
      const code = event.code ?? CloseCode.Abnormal;
      this.handlers.closed({ code, reason: event.reason ?? "", upgraded, refusedStatus: status });
    });
  }

  /** Writes a text frame; false when not open. */
  write(text: string): boolean {
    const ws = this.ws;
    if (!ws || ws.readyState !== OPEN) return false;
    try {
      ws.send(text);
      return true;
    } catch {
      return false;
    }
  }

  /** Closes the current connection without reporting it (the caller already knows why). */
  close(code: number, reason: string): void {
    const ws = this.ws;
    this.forget();
    try {
      ws?.close(code, reason);
    } catch {
      // Already closed.
    }
  }

  private forget(): void {
    this.ws = null;
    this.heartbeat.stop();
  }

  /** A ping went unanswered: the connection is dead; close it and report it. */
  private dropDead(): void {
    if (!this.ws) return;
    this.close(4000, "heartbeat timeout");
    this.handlers.closed({
      code: CloseCode.Abnormal,
      reason: "heartbeat timeout",
      upgraded: true,
      refusedStatus: null,
    });
  }
}
