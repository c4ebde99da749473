/** Test helpers: signed admin calls, client tokens and fresh ids. */
import { env, runInDurableObject, SELF } from "cloudflare:test";
import { wildfireSign } from "../../src/admin/sign";
import { mintToken } from "../../src/api/tokens";
import { conformed } from "./conformance";

/** A Wildfire envelope as returned by the admin API. */
export interface AdminReply<R = Record<string, unknown>> {
  code: number;
  msg: string;
  result?: R;
}

/** Signs and sends an admin call; `headers` overrides the signing headers. */
export async function admin<R = Record<string, unknown>>(
  path: string,
  body: unknown,
  options: { headers?: Record<string, string>; raw?: string; secret?: string; timestamp?: number; nonce?: string } = {},
): Promise<AdminReply<R>> {
  const res = await adminRaw(path, body, options);
  if (res.status !== 200) throw new Error(`admin ${path}: HTTP ${res.status}`);
  return (await res.json()) as AdminReply<R>;
}

/** The raw Response of a signed admin call (checked against its route's declared answer). */
export async function adminRaw(
  path: string,
  body: unknown,
  options: { headers?: Record<string, string>; raw?: string; secret?: string; timestamp?: number; nonce?: string } = {},
): Promise<Response> {
  const nonce = options.nonce ?? crypto.randomUUID();
  const timestamp = String(options.timestamp ?? Date.now());
  const sign = await wildfireSign(nonce, options.secret ?? env.ADMIN_SECRET, timestamp);
  const url = `https://edgeroom.test/admin${path}`;
  const res = await SELF.fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", nonce, timestamp, sign, ...options.headers },
    body: options.raw ?? JSON.stringify(body),
  });
  return conformed("POST", url, res);
}

/** A fresh id for a room or user, unique per test. */
export function newId(prefix = "t"): string {
  return `${prefix}-${crypto.randomUUID().slice(0, 13)}`;
}

/** A valid client token for `userId`. */
export async function tokenFor(userId: string, ttlSeconds = 3600): Promise<string> {
  return (await mintToken(userId, env.TOKEN_SECRET, ttlSeconds, Date.now())).token;
}

/** Creates a Wildfire-style (admin) room and returns its id. */
export async function adminRoom(fields: Record<string, unknown> = {}): Promise<string> {
  const chatroomId = newId("room");
  const reply = await admin<{ chatroomId: string }>("/chatroom/create", { chatroomId, title: "Room", ...fields });
  if (reply.code !== 0) throw new Error(`create failed: ${reply.msg}`);
  return chatroomId;
}

/**
 * Evicts one object the way the runtime may at any moment: memory and sockets are lost, storage
 * stays. (abortAllDurableObjects() also works, but leaves the pool hanging on the next test file.)
 */
export async function evict(stub: DurableObjectStub): Promise<void> {
  await runInDurableObject(stub, (_instance, state) => state.abort("evicted by test")).catch((error: unknown) => {
    if (!String(error).includes("evicted by test")) throw error;
  });
}
