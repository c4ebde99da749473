// Signed Wildfire admin calls (SPEC §2): headers nonce, timestamp (ms), sign = sha1hex(nonce|secret|timestamp).
import { createHash, randomUUID } from "node:crypto";
import { requestJson } from "../../e2e/client.mjs";

/** The Wildfire signature of one call. */
export function sign(nonce, secret, timestamp) {
  return createHash("sha1").update(`${nonce}|${secret}|${timestamp}`).digest("hex");
}

const runId = randomUUID().slice(0, 8);
let counter = 0;

/** A fresh nonce per call (never repeats within a run). */
export const uniqueNonce = () => `b${runId}${++counter}`;

/** A nonce as the official Wildfire SDK draws it: an integer in 3..100,002. */
export const wildfireNonce = () => String(Math.floor(Math.random() * 100_000) + 3);

/**
 * A caller of the admin API of one server: admin(path, body, { nonce }) resolves to the parsed envelope
 * (with `httpStatus`), or to { code: null, httpStatus } when the body is not an envelope.
 */
export function adminClient(baseUrl, secret, { nonce: makeNonce = uniqueNonce } = {}) {
  return async function admin(path, body, { nonce = makeNonce() } = {}) {
    const timestamp = String(Date.now());
    const res = await requestJson(`${baseUrl}/admin${path}`, {
      method: "POST",
      headers: { nonce, timestamp, sign: sign(nonce, secret, timestamp) },
      body,
    });
    return res.body && typeof res.body === "object"
      ? { ...res.body, httpStatus: res.status }
      : { code: null, httpStatus: res.status };
  };
}

/** Like admin() but throws unless the envelope says code 0; returns its result. */
export async function adminOk(admin, path, body) {
  const reply = await admin(path, body);
  if (reply.code !== 0) throw new Error(`admin ${path} failed: ${JSON.stringify(reply)}`);
  return reply.result;
}
