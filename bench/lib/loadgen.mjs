// The load generator's main thread: spreads one room's sockets over worker threads (loadgen-worker.mjs),
// starts each measured phase on all of them at one shared start time, waits for the drain, and merges
// what the threads counted into the phase's figures. One delivery = one measured message arriving at
// one client; accepted = acked by edgeroom (or, for the demo, echoed to its sender); lost = accepted
// but never seen by a client that was connected when the phase began; a duplicate = seen twice.
import { monitorEventLoopDelay } from "node:perf_hooks";
import { Worker } from "node:worker_threads";
import { clock, sleep } from "./clock.mjs";
import { LatencyRecorder, SlotHistogram } from "./stats.mjs";

const round = (x, digits = 2) => (x === null || x === undefined ? null : Math.round(x * 10 ** digits) / 10 ** digits);

/** A recorder filled from transferred Float64Arrays. */
function merged(arrays) {
  const total = arrays.reduce((n, a) => n + a.length, 0);
  const r = new LatencyRecorder(Math.max(1, total));
  for (const a of arrays) {
    r.values.set(a, r.count);
    r.count += a.length;
  }
  return r;
}

export class LoadGenerator {
  /** `threads` worker threads; `protocol` = the target's markers (targets.mjs). */
  constructor(threads) {
    this.workers = Array.from({ length: threads }, () => new Worker(new URL("./loadgen-worker.mjs", import.meta.url)));
    this.nextId = 1;
    this.pending = new Map();
    this.phaseNo = 0;
    this.readyAt = new Map();
    this.failures = [];
    this.clientCount = 0;
    for (const w of this.workers) {
      w.on("message", (m) => this.onMessage(m));
      w.on("error", (error) => {
        for (const [, p] of this.pending) p.reject(error);
        this.pending.clear();
      });
    }
  }

  onMessage(m) {
    if (m.type === "reply") {
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (m.error) p?.reject(new Error(m.error));
      else p?.resolve(m.value);
    } else if (m.type === "ready") this.readyAt.set(m.index, m.at);
    else if (m.type === "failed") this.failures.push({ index: m.index, error: m.error });
  }

  call(worker, msg) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ ...msg, id });
    });
  }

  all(msg) {
    return Promise.all(this.workers.map((w) => this.call(w, msg)));
  }

  /**
   * Opens every client ({ url, hello }), spread round-robin over the threads, and resolves when each is
   * ready (welcome / ready frame), failed, or the timeout passed. All at once by default; `ratePerSec`
   * and `maxInFlight` pace the opens (shared among the threads). `retries` reopens the clients that
   * failed, after the others settled, as a client reconnects (connect-all then includes the retries).
   */
  async connect(protocol, list, { timeoutMs = 60_000, ratePerSec = 0, maxInFlight = 0, retries = 0 } = {}) {
    await this.all({ type: "protocol", protocol });
    this.readyAt.clear();
    this.failures = [];
    this.clientCount = list.length;
    const t0 = clock();
    const deadline = t0 + timeoutMs;
    const open = async (indexes) => {
      const settled = this.readyAt.size + this.failures.length + indexes.length;
      await Promise.all(
        this.workers.map((w, k) =>
          this.call(w, {
            type: "connect",
            timeoutMs: Math.max(0, deadline - clock()),
            ratePerSec: ratePerSec / this.workers.length,
            maxInFlight: Math.ceil(maxInFlight / this.workers.length),
            list: indexes
              .filter((index) => index % this.workers.length === k)
              .map((index) => ({ ...list[index], index })),
          }),
        ),
      );
      while (this.readyAt.size + this.failures.length < settled && clock() < deadline) await sleep(10);
    };
    await open(list.map((_c, index) => index));
    const failedFirst = this.failures.length;
    for (let r = 0; r < retries && this.failures.length > 0 && clock() < deadline; r++) {
      const again = this.failures.map((f) => f.index);
      this.failures = [];
      await sleep(1000);
      await open(again);
    }
    const times = [...this.readyAt.values()].map((t) => t - t0);
    const per = merged([Float64Array.from(times)]);
    return {
      clients: list.length,
      ready: this.readyAt.size,
      failed: this.failures.length,
      retried: retries > 0 ? failedFirst : undefined,
      failures: this.failures.slice(0, 3).map((f) => `client ${f.index}: ${f.error}`),
      timedOut: this.readyAt.size + this.failures.length < list.length,
      connectAllMs: Math.round(times.length ? Math.max(...times) : clock() - t0),
      perClientMs: per.summary(),
    };
  }

  /** Frames that arrived outside phases (connect storms) and unexpected closes, summed over threads. */
  async otherFrames() {
    const out = {};
    for (const part of await this.all({ type: "others" })) {
      for (const [k, v] of Object.entries(part)) out[k] = (out[k] ?? 0) + v;
    }
    return out;
  }

  /** Waits until no frame arrived for `quietMs` (bounded): a saturated server's backlog has drained. */
  async settle({ quietMs = 1000, maxMs = 20_000 } = {}) {
    const t0 = clock();
    for (;;) {
      const last = Math.max(...(await this.all({ type: "status" })).map((s) => s.lastFrameAt ?? 0));
      const now = clock();
      if (now - last >= quietMs || now - t0 > maxMs) return Math.round(now - t0);
      await sleep(100);
    }
  }

  /**
   * One measured phase: the first `senders` clients send `rate` msg/s each for `durationMs`; then a drain
   * (≤ drainMs) until every sent message is accepted or refused and every accepted one reached every
   * live client. Resolves to a function that computes the figures (run it after CPU sampling stopped).
   */
  async runPhase({ senders, rate, durationMs, drainMs = 2000, contentBytes = 64, slotMs = 250, padding }) {
    const no = ++this.phaseNo;
    const perSender = Math.max(1, Math.round((rate * durationMs) / 1000));
    const pad = padding ?? "x".repeat(Math.max(1, contentBytes - 30));
    const start = clock() + 50;
    const bySender = this.workers.map(() => []);
    for (let s = 0; s < senders; s++) bySender[s % this.workers.length].push({ index: s, s });
    const mainLag = monitorEventLoopDelay({ resolution: 5 });
    mainLag.enable();
    await Promise.all(
      this.workers.map((w, k) =>
        this.call(w, {
          type: "phase",
          phase: {
            no,
            start,
            rate,
            perSender,
            totalSenders: senders,
            durationMs,
            slotMs,
            padding: pad,
            senders: bySender[k],
          },
        }),
      ),
    );
    const planned = senders * perSender;
    await sleep(Math.max(0, start + durationMs - clock()));
    let status;
    for (;;) {
      status = await this.all({ type: "status" });
      if (status.every((s) => s.sendDone)) break;
      await sleep(5);
    }
    const sendEnd = clock();
    const deadline = sendEnd + drainMs;
    for (;;) {
      const total = (key) => status.reduce((n, s) => n + s[key], 0);
      const sent = total("sent");
      if (total("accepted") + total("refused") >= sent && total("deliveries") >= total("accepted") * total("live"))
        break;
      if (clock() > deadline) break;
      await sleep(10);
      status = await this.all({ type: "status" });
    }
    const drainEnd = clock();
    const parts = await this.all({ type: "end" });
    mainLag.disable();
    const accepted = new Uint8Array(parts[0].accepted.length);
    for (const p of parts) for (let i = 0; i < accepted.length; i++) accepted[i] |= p.accepted[i];
    const refused = new Uint8Array(accepted.length);
    for (const p of parts) for (let i = 0; i < refused.length; i++) refused[i] |= p.refused[i];
    const losses = await this.all({ type: "loss", accepted });
    const info = {
      parts,
      losses,
      accepted,
      refused,
      senders,
      rate,
      durationMs,
      start,
      sendEnd,
      drainEnd,
      slotMs,
      planned,
    };
    return () => summarise({ ...info, mainLag, clients: this.clientCount });
  }

  async closeAll(timeoutMs = 5000) {
    await this.all({ type: "close", timeoutMs });
  }

  async stop() {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** The figures of one phase from the threads' raw parts (`ph`: what runPhase gathered). */
function summarise(ph) {
  const { parts, losses, accepted, refused, durationMs, start, slotMs } = ph;
  const sum = (key) => parts.reduce((n, p) => n + p[key], 0);
  const live = sum("live");
  let acceptedCount = 0;
  let refusedCount = 0;
  for (let i = 0; i < accepted.length; i++) {
    acceptedCount += accepted[i];
    refusedCount += refused[i] & (accepted[i] ^ 1);
  }
  const deliveries = sum("deliveries");
  const lastDeliveryAt = Math.max(...parts.map((p) => p.lastDeliveryAt));
  const window = (lastDeliveryAt > start ? lastDeliveryAt : ph.drainEnd) - start;
  const slots = Math.ceil(durationMs / slotMs) + 1;
  const timeline = new SlotHistogram(slots);
  const ackTimeline = new SlotHistogram(slots);
  for (const p of parts) {
    timeline.add(new SlotHistogram(slots, p.timeline));
    ackTimeline.add(new SlotHistogram(slots, p.ackTimeline));
  }
  const errors = {};
  const retryAfterSec = {};
  for (const p of parts) {
    for (const [k, v] of Object.entries(p.errors)) errors[k] = (errors[k] ?? 0) + v;
    for (const [k, v] of Object.entries(p.retryAfterSec)) retryAfterSec[k] = (retryAfterSec[k] ?? 0) + v;
  }
  const lagOf = (key) => round(Math.max(...parts.map((p) => p.lagMs[key])));
  return {
    clients: ph.clients,
    liveClients: live,
    senders: ph.senders,
    ratePerSender: ph.rate,
    durationSec: durationMs / 1000,
    offeredMsgsPerSec: ph.senders * ph.rate,
    offeredDeliveriesPerSec: ph.senders * ph.rate * ph.clients,
    planned: ph.planned,
    sent: sum("sent"),
    notSent: sum("notSent"),
    accepted: acceptedCount,
    refused: refusedCount,
    unanswered: sum("sent") - acceptedCount - refusedCount,
    duplicateAcks: sum("duplicateAcks"),
    errors,
    retryAfterSec,
    expectedDeliveries: acceptedCount * live,
    deliveries,
    lost: losses.reduce((n, l) => n + l.lost, 0),
    clientsWithLoss: losses.reduce((n, l) => n + l.clientsWithLoss, 0),
    duplicates: sum("duplicates"),
    strayFromOtherPhases: sum("stray"),
    frames: sum("frames"),
    bytes: sum("bytes"),
    deliveriesPerFrame: round(deliveries / Math.max(1, sum("frames"))),
    deliveriesPerSec: Math.round(deliveries / (window / 1000)),
    sendSec: round((ph.sendEnd - start) / 1000, 3),
    drainMs: Math.round(ph.drainEnd - ph.sendEnd),
    latencyMs: merged(parts.map((p) => p.latencies)).summary(),
    ackLatencyMs: merged(parts.map((p) => p.ackLatencies)).summary(),
    refusalLatencyMs: merged(parts.map((p) => p.refusalLatencies)).summary(),
    sendLagMs: merged(parts.map((p) => p.sendLags)).summary(),
    // The generator's own health: event-loop delay of its busiest thread, and of the main thread.
    generatorLagMs: { p50: lagOf("p50"), p99: lagOf("p99"), max: lagOf("max"), threads: parts.length },
    mainLagMs: { p99: round(ph.mainLag.percentile(99) / 1e6), max: round(ph.mainLag.max / 1e6) },
    timeline: { slotMs, delivery: timeline.summary(), ack: ackTimeline.summary() },
  };
}
