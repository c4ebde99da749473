// Signed Wildfire admin calls (SPEC §2): headers nonce, timestamp (ms), sign = sha1hex(nonce|secret|timestamp).
import { createHash, randomUUID } from "node:crypto";

/** The Wildfire signature of one call. */
export function sign(nonce, secret, timestamp) {
  return createHash("sha1").update(`${nonce}|${secret}|${timestamp}`).digest("hex");
}

const runId = randomUUID().slice(0, 8);
let counter = 0;

/** A caller of the admin API of one server: admin(path, body) resolves to the parsed envelope. */
export function adminClient(baseUrl, secret) {
  return async function admin(path, body) {
    const nonce = `b${runId}${++counter}`;
    const timestamp = String(Date.now());
    const res = await fetch(`${baseUrl}/admin${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", nonce, timestamp, sign: sign(nonce, secret, timestamp) },
      body: JSON.stringify(body),
    });
    return res.json();
  };
}

/** Like admin() but throws unless the envelope says code 0; returns its result. */
export async function adminOk(admin, path, body) {
  const reply = await admin(path, body);
  if (reply.code !== 0) throw new Error(`admin ${path} failed: ${JSON.stringify(reply)}`);
  return reply.result;
}
