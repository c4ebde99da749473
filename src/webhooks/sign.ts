/**
 * @module webhooks/sign
 * The signature of a webhook delivery (SPEC §8.4): `X-Edgeroom-Signature: sha256=<hex>` where the hex is
 * HMAC-SHA256(WEBHOOK_SECRET, timestamp + "." + body) and the timestamp is `X-Edgeroom-Timestamp`
 * (epoch ms). Signing the timestamp with the body lets a receiver refuse replays of old deliveries.
 */

const encoder = new TextEncoder();
/** Imported keys by secret: importing costs more than signing, and the secret rarely changes. */
const keys = new Map<string, Promise<CryptoKey>>();

function keyFor(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (key === undefined) {
    key = crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    keys.set(secret, key);
  }
  return key;
}

/** The `X-Edgeroom-Signature` value for a body sent at `timestamp`. */
export async function webhookSignature(secret: string, timestamp: string, body: string): Promise<string> {
  const mac = await crypto.subtle.sign("HMAC", await keyFor(secret), encoder.encode(`${timestamp}.${body}`));
  return `sha256=${[...new Uint8Array(mac)].map((byte) => byte.toString(16).padStart(2, "0")).join("")}`;
}
