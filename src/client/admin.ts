/**
 * @module client/admin
 * A small caller of the signed Wildfire admin API (SPEC §2) for servers, scripts and tests: it signs
 * with the one implementation in src/admin/sign.ts. Runs wherever `fetch` and WebCrypto exist (Node 20,
 * browsers, Workers); the CLI and the end-to-end harness use it from the bundle (public/client.js).
 */
import { signHeaders } from "../admin/sign";

/** The Wildfire envelope: code 0 on success, `result` when the route has one. */
export interface AdminEnvelope<R = Record<string, unknown>> {
  code: number;
  msg: string;
  result?: R;
}

/** Options of {@link AdminClient}. */
export interface AdminClientOptions {
  /** Origin of the server, e.g. `http://127.0.0.1:8787`. */
  baseUrl: string;
  /** The server's ADMIN_SECRET. */
  secret: string;
  /** A fetch implementation; defaults to the global one. */
  fetch?: typeof fetch;
}

/** Per-call overrides, for tests that forge or replay signatures. */
export interface AdminCallOptions {
  nonce?: string;
  timestamp?: number;
  secret?: string;
  /** Extra headers; they win over the signing headers. */
  headers?: Record<string, string>;
}

/** The server answered, but not with a Wildfire envelope (an HTTP error, a proxy page). */
export class AdminHttpError extends Error {
  override readonly name = "AdminHttpError";
  constructor(
    readonly status: number,
    readonly text: string,
  ) {
    super(`HTTP ${status}: ${text.slice(0, 200)}`);
  }
}

function isEnvelope(value: unknown): value is AdminEnvelope {
  return typeof value === "object" && value !== null && typeof (value as AdminEnvelope).code === "number";
}

/** Signed calls to `/admin/*`. */
export class AdminClient {
  readonly baseUrl: string;
  private readonly secret: string;
  private readonly fetcher: typeof fetch;

  constructor(options: AdminClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
    this.secret = options.secret;
    this.fetcher = options.fetch ?? ((input, init) => fetch(input, init));
  }

  /** One signed POST; resolves to the raw Response. `path` is relative to /admin, e.g. `/chatroom/info`. */
  async request(path: string, body: unknown, options: AdminCallOptions = {}): Promise<Response> {
    const signed = await signHeaders(options.secret ?? this.secret, options.timestamp ?? Date.now(), options.nonce);
    return this.fetcher(`${this.baseUrl}/admin${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...signed, ...options.headers },
      body: JSON.stringify(body),
    });
  }

  /** One signed call; resolves to the envelope whatever its code, or throws {@link AdminHttpError}. */
  async call<R = Record<string, unknown>>(
    path: string,
    body: unknown,
    options: AdminCallOptions = {},
  ): Promise<AdminEnvelope<R>> {
    const response = await this.request(path, body, options);
    const text = await response.text();
    let parsed: unknown = null;
    try {
      parsed = JSON.parse(text);
    } catch {
      // Reported below.
    }
    if (!response.ok || !isEnvelope(parsed)) throw new AdminHttpError(response.status, text);
    return parsed as AdminEnvelope<R>;
  }
}
