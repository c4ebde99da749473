/**
 * Calls into the Worker for the reliability suites. Requests go straight to the Worker's fetch
 * handler (the same Hono app `SELF` serves, with the real DO and D1 bindings), because in this pool
 * every `SELF.fetch` gets slower the more a test file has made (≈3 ms at first, >100 ms after
 * ~600 calls), which would make thousands of fuzz cases take minutes.
 */
import { createExecutionContext, env } from "cloudflare:test";
import { wildfireSign } from "../../src/admin/sign";
import { app } from "../../src/index";
import { tokenFor } from "../helpers/admin";
import { conformed } from "../helpers/conformance";
import { frameQueue, type TestSocket } from "../helpers/socket";

const ORIGIN = "https://edgeroom.test";

/** One request through the Worker's fetch handler; the answer is checked against its route's schema. */
export async function call(path: string, init: RequestInit = {}): Promise<Response> {
  const url = `${ORIGIN}${path}`;
  return conformed(init.method ?? "GET", url, await app.fetch(new Request(url, init), env, createExecutionContext()));
}

/** A signed admin call with a raw body; `sign` overrides let tests forge headers. */
export async function adminCall(
  path: string,
  raw: string,
  options: { nonce?: string; timestamp?: number; secret?: string; headers?: Record<string, string> } = {},
): Promise<Response> {
  const nonce = options.nonce ?? crypto.randomUUID();
  const timestamp = String(options.timestamp ?? Date.now());
  const sign = await wildfireSign(nonce, options.secret ?? env.ADMIN_SECRET, timestamp);
  return call(`/admin${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", nonce, timestamp, sign, ...options.headers },
    body: raw,
  });
}

/** A signed admin call that must answer HTTP 200; returns the Wildfire envelope. */
export async function adminJson<R = Record<string, unknown>>(
  path: string,
  body: unknown,
): Promise<{ code: number; msg: string; result?: R }> {
  const res = await adminCall(path, JSON.stringify(body));
  if (res.status !== 200) throw new Error(`admin ${path}: HTTP ${res.status}`);
  return (await res.json()) as { code: number; msg: string; result?: R };
}

const tokens = new Map<string, string>();

/** A cached valid token for `userId`. */
export async function token(userId: string): Promise<string> {
  let value = tokens.get(userId);
  if (!value) {
    value = await tokenFor(userId);
    tokens.set(userId, value);
  }
  return value;
}

/** A client API call as `as` (or with explicit headers), with a JSON or raw body. */
export async function apiCall(
  method: string,
  path: string,
  options: { as?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {},
): Promise<Response> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (options.as) headers["access-token"] = await token(options.as);
  Object.assign(headers, options.headers);
  const body = options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  return call(`/api${path}`, { method, headers, body });
}

/** A client API call parsed as the envelope. */
export async function apiJson(
  method: string,
  path: string,
  options: { as?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: { data?: Record<string, unknown>; code?: string; message?: string } }> {
  const res = await apiCall(method, path, options);
  return { status: res.status, body: (await res.json()) as { data?: Record<string, unknown>; code?: string } };
}

/** Opens a socket to a room as `userId`, or returns the refusal. Frames in batches are unpacked. */
export async function socket(roomId: string, userId: string, query = ""): Promise<TestSocket | Response> {
  const res = await call(`/api/chatrooms/${roomId}/ws?token=${await token(userId)}${query}`, {
    headers: { Upgrade: "websocket" },
  });
  return res.webSocket ? frameQueue(res.webSocket) : res;
}

/** Opens a socket and fails when the upgrade is refused. */
export async function connectTo(roomId: string, userId: string, query = ""): Promise<TestSocket> {
  const opened = await socket(roomId, userId, query);
  if (opened instanceof Response) throw new Error(`upgrade refused: ${opened.status} ${await opened.text()}`);
  return opened;
}
