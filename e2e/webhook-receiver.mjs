// A real webhook receiver for the tests (SPEC §8.4): a local HTTP server that does what an integrator's
// endpoint must do — verify X-Edgeroom-Signature over timestamp + "." + body with the shared secret,
// refuse old timestamps, record each event — and that can be told to fail. The e2e suite starts one per
// test file; the Workers pool's vitest config starts one for the functional project.
//
//   POST <any other path>          a delivery: 204 when verified and not told to fail, 401 when forged
//   PUT  /control/<chatroomId>      {"failFirst": n} answers 500 to the first n tries of each event of
//                                   that room; {"down": true} answers 503 to all of them; {"status": s}
//                                   answers s; {"delayMs": ms} answers only after ms
//   GET  /deliveries/<chatroomId>   every try received for that room, in arrival order (JSON)
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer } from "node:http";

/** How old a delivery's timestamp may be before it is refused as a replay. */
export const MAX_AGE_MS = 5 * 60_000;

/** Whether `signature` is `sha256=` + hex HMAC-SHA256(secret, timestamp + "." + body). */
export function verifySignature(secret, timestamp, body, signature) {
  const expected = Buffer.from(`sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`);
  const given = Buffer.from(String(signature ?? ""));
  return expected.length === given.length && timingSafeEqual(expected, given);
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on("data", (chunk) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/**
 * Starts a receiver on a free loopback port. Returns { url (where to deliver), origin, deliveries(chatroomId),
 * events(chatroomId) (verified and acknowledged, deduplicated by eventId, ordered by eventSeq),
 * control(chatroomId, mode), stop() }.
 */
export async function startReceiver(secret, { port = 0 } = {}) {
  const log = new Map();
  const modes = new Map();
  const triesOf = new Map();
  const record = (chatroomId, entry) => {
    if (!log.has(chatroomId)) log.set(chatroomId, []);
    log.get(chatroomId).push(entry);
  };

  async function onDelivery(req, res) {
    const body = await readBody(req);
    const timestamp = String(req.headers["x-edgeroom-timestamp"] ?? "");
    const verified = verifySignature(secret, timestamp, body, req.headers["x-edgeroom-signature"]);
    const fresh = Math.abs(Date.now() - Number(timestamp)) <= MAX_AGE_MS;
    let event = null;
    try {
      event = JSON.parse(body);
    } catch {
      // recorded as unparseable below
    }
    const chatroomId = String(event?.chatroomId ?? "");
    const tries = (triesOf.get(event?.eventId) ?? 0) + 1;
    triesOf.set(event?.eventId, tries);
    const mode = modes.get(chatroomId) ?? {};
    let status = 204;
    if (!verified || !fresh) status = 401;
    else if (mode.down) status = 503;
    else if (tries <= (mode.failFirst ?? 0)) status = 500;
    else if (mode.status) status = mode.status;
    record(chatroomId, {
      at: Date.now(),
      event,
      status,
      verified,
      fresh,
      attemptHeader: Number(req.headers["x-edgeroom-attempt"]),
      eventIdHeader: req.headers["x-edgeroom-event-id"],
      contentType: req.headers["content-type"],
    });
    if (mode.delayMs) await new Promise((resolve) => setTimeout(resolve, mode.delayMs));
    res.writeHead(status, status >= 300 && status < 400 ? { location: "/elsewhere" } : {}).end();
  }

  async function onRequest(req, res) {
    const [, head, id] = (req.url ?? "").split("/");
    const chatroomId = decodeURIComponent(id ?? "");
    if (req.method === "PUT" && head === "control") {
      modes.set(chatroomId, JSON.parse((await readBody(req)) || "{}"));
      return res.writeHead(204).end();
    }
    if (req.method === "GET" && head === "deliveries") {
      return res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(log.get(chatroomId) ?? []));
    }
    if (req.method === "POST") return onDelivery(req, res);
    res.writeHead(404).end();
  }

  const server = createServer((req, res) => {
    onRequest(req, res).catch(() => res.writeHead(500).end());
  });
  await new Promise((resolve) => server.listen(port, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${server.address().port}`;
  const deliveries = (chatroomId) => [...(log.get(chatroomId) ?? [])];
  return {
    url: `${origin}/hooks`,
    origin,
    server,
    deliveries,
    /** The events acknowledged for a room, each once (deduplicated by eventId), in eventSeq order. */
    events(chatroomId) {
      const unique = new Map();
      for (const d of deliveries(chatroomId)) if (d.status === 204) unique.set(d.event.eventId, d.event);
      return [...unique.values()].sort((a, b) => a.eventSeq - b.eventSeq);
    },
    /** Deliveries received so far in all rooms, and how many of them carried a valid, fresh signature. */
    tally() {
      const all = [...log.values()].flat();
      return { deliveries: all.length, verified: all.filter((d) => d.verified && d.fresh).length };
    },
    control(chatroomId, mode) {
      modes.set(chatroomId, mode);
    },
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
