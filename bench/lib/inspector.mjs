// CPU profile of a `wrangler dev` runtime through its inspector (`--inspector-port`): the Chrome DevTools
// protocol over a WebSocket, Profiler.start / Profiler.stop. The profile covers the Worker's isolate —
// every Durable Object of the script runs in it — so it shows JavaScript frames by function and module;
// time in the runtime's C++ (sockets, SQLite, I/O) appears as "(program)". wrangler's inspector proxy
// enables the Debugger and Network domains while a client is attached, which costs the runtime a little:
// figures taken while profiling are never the ones reported as measurements.
import WebSocket from "ws";
import { withTimeout } from "../../e2e/client.mjs";

const round = (x, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

/** Longest wait for the inspector socket or one call (Profiler.stop returns a large profile). */
const CALL_TIMEOUT_MS = 60_000;

/** A CDP session: call(method, params) resolves to the result (replies are told apart by `id`). */
async function session(port) {
  const list = await (await fetch(`http://127.0.0.1:${port}/json`, { signal: AbortSignal.timeout(5000) })).json();
  const url = list[0]?.webSocketDebuggerUrl;
  if (!url) throw new Error("inspector: no target");
  const ws = new WebSocket(url);
  // Bounded: a dev proxy out of descriptors accepts the socket late or never.
  await withTimeout(
    new Promise((resolve, reject) => {
      ws.once("open", resolve);
      ws.once("error", reject);
    }),
    CALL_TIMEOUT_MS,
    "the inspector socket",
  ).catch((error) => {
    ws.terminate();
    throw error;
  });
  let next = 1;
  const pending = new Map();
  ws.on("message", (data) => {
    const m = JSON.parse(String(data));
    // A reply carries our id (the proxy's own calls use ids from 100000001; events have none). wrangler's
    // proxy relays a reply with an empty result as the request itself, without `result`.
    const p = typeof m.id === "number" ? pending.get(m.id) : undefined;
    if (!p) return;
    pending.delete(m.id);
    if (m.error) p.reject(new Error(`inspector: ${m.error.message}`));
    else p.resolve(m.result ?? {});
  });
  const call = (method, params = {}) =>
    withTimeout(
      new Promise((resolve, reject) => {
        const id = next++;
        pending.set(id, { resolve, reject });
        ws.send(JSON.stringify({ id, method, params }));
      }),
      CALL_TIMEOUT_MS,
      method,
    );
  return { call, close: () => ws.close() };
}

/**
 * Starts profiling the runtime behind `inspectorPort`, sampling every `intervalUs`. Resolves to
 * { stop() } where stop() resolves to { profile (raw .cpuprofile), summary }.
 */
export async function startCpuProfile(inspectorPort, { intervalUs = 250 } = {}) {
  const s = await session(inspectorPort);
  await s.call("Profiler.enable");
  await s.call("Profiler.setSamplingInterval", { interval: intervalUs });
  await s.call("Profiler.start");
  return {
    async stop() {
      try {
        const { profile } = await s.call("Profiler.stop");
        moduleMaps = await moduleMapsOf(s, profile);
        return { profile, summary: summariseProfile(profile) };
      } finally {
        s.close();
      }
    },
  };
}

/**
 * Line → module of each script the profile ran (wrangler's esbuild bundle names each module's code with
 * a `// src/room/store.ts` or `// ../…/node_modules/hono/…` comment), from Debugger.getScriptSource.
 */
async function moduleMapsOf(s, profile) {
  const ids = new Set(profile.nodes.filter((n) => n.callFrame.url).map((n) => n.callFrame.scriptId));
  const maps = new Map();
  // Enabled only now, after profiling: a debugger agent slows the isolate down.
  await s.call("Debugger.enable").catch(() => {});
  for (const scriptId of ids) {
    const map = [];
    try {
      const { scriptSource } = await s.call("Debugger.getScriptSource", { scriptId });
      (scriptSource ?? "").split("\n").forEach((text, i) => {
        const m = text.match(/^\/\/ (\S+\.(?:ts|js|mjs|cjs))$/);
        if (m) map.push([i, m[1].replace(/^.*node_modules\//, "")]);
      });
    } catch {
      // no source: frames keep the bundle's file and line
    }
    maps.set(scriptId, map);
  }
  await s.call("Debugger.disable").catch(() => {});
  return maps;
}

let moduleMaps = new Map();

/** The source module of a profile call frame (as of the last profile stopped), or null. */
export function moduleOfFrame(callFrame) {
  return callFrame.url ? moduleOf(callFrame.scriptId, callFrame.lineNumber) : null;
}

function moduleOf(scriptId, line) {
  let found = null;
  for (const [at, name] of moduleMaps.get(scriptId) ?? []) {
    if (at > line) break;
    found = name;
  }
  return found;
}

/** The profiler's own pseudo-frames. */
const SPECIAL = new Set(["(root)", "(program)", "(idle)", "(garbage collector)"]);

/** "fn (module)" for a call frame; bundle-internal frames without a module keep the file name. */
function frameLabel(cf) {
  const fn = cf.functionName || "(anonymous)";
  if (!cf.url) return fn;
  const module = moduleOf(cf.scriptId, cf.lineNumber);
  const file = module ?? cf.url.split("/").pop();
  return `${fn} (${file}${module ? "" : `:${cf.lineNumber + 1}`})`;
}

/**
 * Self time by frame (where the CPU was), total time by frame (self + callees), and self time by module,
 * in ms and % of the sampled time; "(idle)" is time the isolate waited for work.
 */
export function summariseProfile(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfUs = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = profile.timeDeltas[i + 1] ?? 0;
    selfUs.set(profile.samples[i], (selfUs.get(profile.samples[i]) ?? 0) + dt);
  }
  const self = new Map();
  const total = new Map();
  const modules = new Map();
  let all = 0;
  let idle = 0;
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    all += us;
    let label = frameLabel(node.callFrame);
    // A native frame (console.log, SQL exec, crypto) is named after the script frame that called it,
    // and counted in that frame's module.
    let scriptNode = node;
    if (!node.callFrame.url && !SPECIAL.has(node.callFrame.functionName)) {
      let at = parent.get(id);
      while (at !== undefined && !byId.get(at).callFrame.url) at = parent.get(at);
      if (at !== undefined) {
        scriptNode = byId.get(at);
        label = `${label} ← ${frameLabel(scriptNode.callFrame)}`;
      }
    }
    if (label === "(idle)") {
      idle += us;
      continue;
    }
    self.set(label, (self.get(label) ?? 0) + us);
    const module = node.callFrame.url
      ? (moduleOf(node.callFrame.scriptId, node.callFrame.lineNumber) ?? "(bundle)")
      : label;
    modules.set(module, (modules.get(module) ?? 0) + us);
    // Inclusive time: count each distinct label once per stack.
    const seen = new Set();
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const l = frameLabel(byId.get(at).callFrame);
      if (seen.has(l) || l === "(root)") continue;
      seen.add(l);
      total.set(l, (total.get(l) ?? 0) + us);
    }
  }
  const busy = all - idle;
  const top = (map, n) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([frame, us]) => ({ frame, ms: round(us / 1000), pctOfBusy: busy > 0 ? round((100 * us) / busy) : 0 }));
  return {
    sampledMs: round(all / 1000),
    busyMs: round(busy / 1000),
    idleMs: round(idle / 1000),
    samples: profile.samples.length,
    selfTop: top(self, 20),
    totalTop: top(total, 20),
    byModule: top(modules, 15),
  };
}
