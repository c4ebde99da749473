// Runs one measured piece of work against one server: CPU of its processes and of the generator, the
// machine's idle time (/proc/stat), the scheduler state of the main threads, and — on a profiled pass —
// a JavaScript CPU profile of the runtime through its inspector plus a native `perf` profile.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { CpuSampler, interferencePct, waitForQuiet } from "./cpu.mjs";
import { moduleOfFrame, startCpuProfile } from "./inspector.mjs";
import { startPerf } from "./perf.mjs";
import { sampleThreadStates } from "./threadstate.mjs";

const PROFILES_DIR = new URL("../results/profiles/", import.meta.url).pathname;

/** Samples the main (event-loop) thread of each workerd of the target and of the generator. */
function mainThreads(target) {
  const threads = target.processes
    .filter((p) => p.role.startsWith("workerd"))
    .map((p) => ({ label: p.role, pid: p.pid, tid: p.pid }));
  threads.push({ label: "generator", pid: process.pid, tid: process.pid });
  return sampleThreadStates(threads);
}

/** µs of CPU of one role per unit (delivery, request); null when unknown. */
export function cpuPer(cpu, role, units) {
  const p = cpu?.processes?.find((x) => x.role === role);
  if (!p || p.cpuSec === null || !units) return null;
  return Math.round((p.cpuSec * 1e7) / units) / 10;
}

/** % of one core used by a role over the window. */
export function cpuPct(cpu, role) {
  return cpu?.processes?.find((x) => x.role === role)?.pctCore ?? null;
}

/**
 * Runs `fn()` against `target` and measures around it. `finish(raw)` turns the raw outcome into figures
 * once sampling stopped (so the generator's own bookkeeping is not counted). With `profile`, also
 * records the runtime's CPU profile (written to bench/results/profiles/<profileName>.cpuprofile) and perf;
 * `attribute(profile, moduleOfFrame)` then splits it further (live-N: by object) into `jsProfile.byObject`.
 */
export async function measured(
  ctx,
  target,
  fn,
  { finish = (raw) => raw, profile = false, profileName = "profile", attribute = null } = {},
) {
  await target.refresh();
  const busyBeforePct = await waitForQuiet({ maxWaitMs: ctx.quick ? 1000 : 3000 });
  let cdp = null;
  let perf = null;
  if (profile) {
    cdp = await startCpuProfile(target.inspectorPort).catch((error) => ({ error: String(error.message ?? error) }));
    const runtime = target.processes.filter((p) => p.role === "workerd (runtime)");
    perf = await startPerf(runtime, { frequency: 499 });
  }
  const states = mainThreads(target);
  const lag = monitorEventLoopDelay({ resolution: 5 });
  lag.enable();
  const sampler = new CpuSampler(target.processes).start();
  const raw = await fn();
  const cpu = sampler.stop();
  lag.disable();
  const threadStates = await states.stop();
  let jsProfile = null;
  if (cdp?.stop) {
    const { profile: rawProfile, summary } = await cdp.stop();
    mkdirSync(PROFILES_DIR, { recursive: true });
    const file = `${profileName.replace(/[^A-Za-z0-9_.-]/g, "_")}.cpuprofile`;
    writeFileSync(join(PROFILES_DIR, file), JSON.stringify(rawProfile));
    jsProfile = { file: `bench/results/profiles/${file}`, ...summary };
    if (attribute) jsProfile.byObject = attribute(rawProfile, moduleOfFrame);
  } else if (cdp?.error) jsProfile = { error: cdp.error };
  const nativeProfile = perf ? await perf.stop() : null;
  const result = await finish(raw);
  return {
    ...result,
    cpu,
    threadStates,
    // The generator's main thread (HTTP scenarios run their requests on it; fan-out has its own figure).
    mainThreadLagMs: { p99: Math.round(lag.percentile(99) / 1e4) / 100, max: Math.round(lag.max / 1e4) / 100 },
    machine: {
      idlePct: cpu.machine ? Math.round((100 - cpu.machine.busyPct) * 10) / 10 : null,
      busyBeforePct,
      otherProcessesPct: interferencePct(cpu),
    },
    ...(profile ? { profiled: true, jsProfile, nativeProfile: nativeProfile?.[0] ?? null } : {}),
  };
}
