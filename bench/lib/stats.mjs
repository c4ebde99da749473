// Latency samples in a growable Float64Array (no per-sample allocation) and exact percentiles.

const round2 = (x) => Math.round(x * 100) / 100;

/** Collects samples (ms); summary() sorts a copy once and reads exact percentiles. */
export class LatencyRecorder {
  constructor(initialCapacity = 65_536) {
    this.values = new Float64Array(initialCapacity);
    this.count = 0;
  }

  push(value) {
    if (this.count === this.values.length) {
      const bigger = new Float64Array(this.values.length * 2);
      bigger.set(this.values);
      this.values = bigger;
    }
    this.values[this.count++] = value;
  }

  reset() {
    this.count = 0;
  }

  /** { count, mean, p50, p95, p99, max } in ms (nulls when empty). */
  summary() {
    const n = this.count;
    if (n === 0) return { count: 0, mean: null, p50: null, p95: null, p99: null, max: null };
    const sorted = this.values.slice(0, n).sort();
    let sum = 0;
    for (let i = 0; i < n; i++) sum += sorted[i];
    return {
      count: n,
      mean: round2(sum / n),
      p50: round2(percentile(sorted, 0.5)),
      p95: round2(percentile(sorted, 0.95)),
      p99: round2(percentile(sorted, 0.99)),
      max: round2(sorted[n - 1]),
    };
  }
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted, q) {
  if (sorted.length === 0) return null;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank];
}

/** Log-scale latency buckets: 5% wide from 0.05 ms to ~100 s (per-slot percentiles over time). */
const BUCKET_BASE_MS = 0.05;
const BUCKET_GROWTH = Math.log(1.05);
export const BUCKETS = 300;

/** The bucket of a latency in ms. */
export function bucketOf(ms) {
  if (!(ms > BUCKET_BASE_MS)) return 0;
  return Math.min(BUCKETS - 1, 1 + Math.floor(Math.log(ms / BUCKET_BASE_MS) / BUCKET_GROWTH));
}

/** The upper bound (ms) of a bucket. */
export function bucketUpperMs(b) {
  return BUCKET_BASE_MS * Math.exp(b * BUCKET_GROWTH);
}

/**
 * Latency per time slot (by send time): `slots` histograms of BUCKETS counts in one Uint32Array, so
 * worker threads can fill their own and the main thread adds them up.
 */
export class SlotHistogram {
  constructor(slots, counts = new Uint32Array(slots * BUCKETS)) {
    this.slots = slots;
    this.counts = counts;
  }

  push(slot, ms) {
    if (slot >= 0 && slot < this.slots) this.counts[slot * BUCKETS + bucketOf(ms)]++;
  }

  add(other) {
    for (let i = 0; i < this.counts.length; i++) this.counts[i] += other.counts[i];
  }

  /** Per slot: { count, p50, p99, max } (bucket upper bounds, ms; nulls for an empty slot). */
  summary() {
    const out = [];
    for (let s = 0; s < this.slots; s++) {
      const row = this.counts.subarray(s * BUCKETS, (s + 1) * BUCKETS);
      let n = 0;
      for (let b = 0; b < BUCKETS; b++) n += row[b];
      if (n === 0) {
        out.push({ count: 0, p50: null, p99: null, max: null });
        continue;
      }
      const at = (q) => {
        const rank = Math.max(1, Math.ceil(q * n));
        let seen = 0;
        for (let b = 0; b < BUCKETS; b++) {
          seen += row[b];
          if (seen >= rank) return round2(bucketUpperMs(b));
        }
        return null;
      };
      out.push({ count: n, p50: at(0.5), p99: at(0.99), max: at(1) });
    }
    return out;
  }
}

/** Median of numbers (nulls skipped); null when none. */
export function median(values) {
  const xs = values.filter((x) => x !== null && x !== undefined && !Number.isNaN(x)).sort((a, b) => a - b);
  if (xs.length === 0) return null;
  const mid = Math.floor(xs.length / 2);
  return xs.length % 2 ? xs[mid] : (xs[mid - 1] + xs[mid]) / 2;
}
