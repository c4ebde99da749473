// Load runners for HTTP calls: closed loop at fixed concurrency (throughput) and open loop at a fixed
// rate (a client that does not slow down when the server does: a batch job, a moderator). A request is a
// function resolving to true on success or to a short label of the outcome otherwise (e.g. "code 250").
import { clock, sleep } from "./clock.mjs";
import { LatencyRecorder } from "./stats.mjs";

/** Runs `task` over `items` with at most `limit` in flight; resolves to the results in order. */
export async function mapLimit(items, limit, task) {
  const results = new Array(items.length);
  let next = 0;
  async function worker() {
    while (next < items.length) {
      const i = next++;
      results[i] = await task(items[i], i);
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Counts outcomes and latencies of requests. */
class Outcomes {
  constructor() {
    this.latency = new LatencyRecorder(4096);
    this.okLatency = new LatencyRecorder(4096);
    this.failures = 0;
    this.byOutcome = {};
  }

  async time(request, i) {
    const s = clock();
    let outcome;
    try {
      outcome = await request(i);
    } catch (error) {
      outcome = `threw ${String(error.message ?? error).slice(0, 80)}`;
    }
    const ms = clock() - s;
    this.latency.push(ms);
    const key = outcome === true ? "ok" : String(outcome);
    this.byOutcome[key] = (this.byOutcome[key] ?? 0) + 1;
    if (outcome === true) this.okLatency.push(ms);
    else this.failures++;
  }

  summary(wallMs) {
    const n = this.latency.count;
    return {
      requests: n,
      failures: this.failures,
      successPct: n ? Math.round((1000 * (n - this.failures)) / n) / 10 : null,
      byOutcome: this.byOutcome,
      wallSec: Math.round(wallMs) / 1000,
      rps: Math.round(n / (wallMs / 1000)),
      latencyMs: this.latency.summary(),
      okLatencyMs: this.okLatency.summary(),
    };
  }
}

/**
 * Closed loop: `concurrency` workers call `request(i)` back to back for `durationMs` (at most
 * `maxRequests` in all). Returns requests/s, outcomes and latency figures.
 */
export async function closedLoop({ concurrency, durationMs, maxRequests = 1_000_000, request }) {
  const out = new Outcomes();
  let started = 0;
  const t0 = clock();
  const end = t0 + durationMs;
  async function worker() {
    while (clock() < end && started < maxRequests) await out.time(request, started++);
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { concurrency, ...out.summary(clock() - t0) };
}

/**
 * Open loop: `request(i)` is started every 1000/rate ms for `durationMs`, whether or not earlier ones
 * have answered (at most `maxInFlight` at once; a request that would exceed it is counted as skipped).
 * `offsets` (ms from the start, ascending) replaces the even schedule, e.g. to add a burst.
 */
export async function openLoop({ rate, durationMs, request, maxInFlight = 256, offsets = null }) {
  const out = new Outcomes();
  const total = offsets ? offsets.length : Math.max(1, Math.round((rate * durationMs) / 1000));
  const at = (i) => (offsets ? offsets[i] : (i * 1000) / rate);
  const t0 = clock();
  let inFlight = 0;
  let skipped = 0;
  const lag = new LatencyRecorder(total);
  const running = [];
  for (let i = 0; i < total; i++) {
    const due = t0 + at(i);
    const wait = due - clock();
    if (wait > 0) await sleep(wait);
    lag.push(Math.max(0, clock() - due));
    if (inFlight >= maxInFlight) {
      skipped++;
      continue;
    }
    inFlight++;
    running.push(
      out.time(request, i).finally(() => {
        inFlight--;
      }),
    );
  }
  await Promise.all(running);
  return { offeredRps: rate, skipped, scheduleLagMs: lag.summary(), ...out.summary(clock() - t0) };
}
