// Client API calls (SPEC §3) and a closed-loop HTTP load runner at fixed concurrency.
import { LatencyRecorder } from "./stats.mjs";

/** One client API call with the ACCESS-TOKEN header; resolves to { status, body }. */
export async function api(baseUrl, method, path, { token, body } = {}) {
  const headers = {};
  if (token) headers["ACCESS-TOKEN"] = token;
  if (body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(`${baseUrl}/api${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed = null;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = text;
  }
  return { status: res.status, body: parsed };
}

/** Runs `tasks` with at most `limit` in flight; resolves to their results in order. */
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

/**
 * Closed loop: `concurrency` workers call `request(i)` back to back for `durationMs` (and at most
 * `maxRequests` in all). `request` resolves to true on success, else to a
 * short description of the failure. Returns requests/s and latency figures.
 */
export async function closedLoop({ concurrency, durationMs, maxRequests = 1_000_000, request }) {
  const latencies = new LatencyRecorder(4096);
  let started = 0;
  let failures = 0;
  const firstFailures = [];
  const t0 = performance.now();
  const end = t0 + durationMs;
  async function worker() {
    while (performance.now() < end && started < maxRequests) {
      const i = started++;
      const s = performance.now();
      let ok = false;
      try {
        ok = await request(i);
      } catch (error) {
        if (firstFailures.length < 3) firstFailures.push(String(error));
      }
      latencies.push(performance.now() - s);
      if (ok !== true) {
        failures++;
        if (firstFailures.length < 3 && typeof ok === "string") firstFailures.push(ok);
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  const wall = (performance.now() - t0) / 1000;
  return {
    concurrency,
    requests: latencies.count,
    failures,
    firstFailures,
    wallSec: Math.round(wall * 1000) / 1000,
    rps: Math.round(latencies.count / wall),
    latencyMs: latencies.summary(),
  };
}
