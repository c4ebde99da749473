// Signed Wildfire admin calls (SPEC §2) through the typed client's AdminClient (public/client.js), the
// one signing implementation; this file only adds what the bench needs: the outcome of every call as a
// value (an envelope, or the HTTP status when the answer was not one) and SDK-style nonces.
import { AdminClient, AdminHttpError } from "../../public/client.js";

/** A nonce as the official Wildfire SDK draws it: an integer in 3..100,002. */
export const wildfireNonce = () => String(Math.floor(Math.random() * 100_000) + 3);

/**
 * A caller of the admin API of one server: admin(path, body) resolves to the envelope (with
 * `httpStatus`), or to { code: null, httpStatus, text } when the server did not answer with one. `nonce`
 * draws each call's nonce (the client's own, a random UUID, by default).
 */
export function adminClient(baseUrl, secret, { nonce } = {}) {
  const client = new AdminClient({ baseUrl, secret });
  return async function admin(path, body) {
    try {
      return { ...(await client.call(path, body, nonce ? { nonce: nonce() } : {})), httpStatus: 200 };
    } catch (error) {
      if (error instanceof AdminHttpError)
        return { code: null, httpStatus: error.status, text: error.text.slice(0, 80) };
      throw error;
    }
  };
}

/** Like admin() but throws unless the envelope says code 0; returns its result. */
export async function adminOk(admin, path, body) {
  const reply = await admin(path, body);
  if (reply.code !== 0) throw new Error(`admin ${path} failed: ${JSON.stringify(reply)}`);
  return reply.result;
}
