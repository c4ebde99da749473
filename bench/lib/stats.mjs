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
