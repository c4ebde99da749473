// Samples the scheduler state of a few threads (R running/runnable, S sleeping, D uninterruptible, e.g.
// waiting for fsync) from /proc at a fixed rate, in a worker thread so the generator's event loop does
// not skew the sampling. A thread that is R (or D) nearly all the time is a single-thread bottleneck,
// whatever its CPU figure says (softirq work done on its behalf is not charged to it).
import { readFileSync } from "node:fs";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";

if (!isMainThread && workerData?.threadStateSampler) {
  const { threads, intervalMs } = workerData;
  const counts = threads.map(() => ({ samples: 0, R: 0, S: 0, D: 0, other: 0, waits: {} }));
  let stopped = false;
  parentPort.on("message", () => {
    stopped = true;
  });
  const sample = () => {
    threads.forEach((t, i) => {
      const c = counts[i];
      try {
        const stat = readFileSync(`/proc/${t.pid}/task/${t.tid}/stat`, "utf8");
        const state = stat[stat.lastIndexOf(")") + 2];
        c.samples++;
        if (state === "R" || state === "S" || state === "D") c[state]++;
        else c.other++;
        if (state === "D") {
          const wchan = readFileSync(`/proc/${t.pid}/task/${t.tid}/wchan`, "utf8") || "?";
          c.waits[wchan] = (c.waits[wchan] ?? 0) + 1;
        }
      } catch {
        // thread gone
      }
    });
  };
  // The worker's own event loop: a timer per sample, the stop message in between.
  const loop = () => {
    if (stopped) {
      parentPort.postMessage(counts);
      return;
    }
    sample();
    setTimeout(loop, intervalMs);
  };
  loop();
}

/**
 * Starts sampling `threads` ([{ label, pid, tid }]) every `intervalMs`. Returns { stop() } resolving to
 * [{ label, samples, runningPct, diskWaitPct, sleepingPct, topDiskWaits }].
 */
export function sampleThreadStates(threads, intervalMs = 5) {
  const worker = new Worker(new URL(import.meta.url), {
    workerData: { threadStateSampler: true, threads: threads.map(({ pid, tid }) => ({ pid, tid })), intervalMs },
  });
  const result = new Promise((resolve) => {
    worker.once("message", resolve);
    worker.once("error", () => resolve(null));
  });
  return {
    async stop() {
      worker.postMessage("stop");
      const counts = await Promise.race([result, new Promise((resolve) => setTimeout(() => resolve(null), 3000))]);
      await worker.terminate();
      if (!counts) return null;
      const pct = (n, total) => (total ? Math.round((1000 * n) / total) / 10 : null);
      return threads.map((t, i) => {
        const c = counts[i];
        return {
          label: t.label,
          tid: t.tid,
          samples: c.samples,
          runningPct: pct(c.R, c.samples),
          diskWaitPct: pct(c.D, c.samples),
          sleepingPct: pct(c.S, c.samples),
          topDiskWaits: Object.entries(c.waits)
            .sort((a, b) => b[1] - a[1])
            .slice(0, 3)
            .map(([wchan, n]) => `${wchan} ${pct(n, c.samples)}%`),
        };
      });
    },
  };
}
