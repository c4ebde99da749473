// Optional native profile with Linux `perf`: samples the given processes (cpu-clock, no call graphs) while
// a scenario runs, then summarises where each process spent its samples (by DSO and by symbol), from
// `perf script` so that samples are grouped by process (pid), whatever the thread.
// Skipped (null) when perf is missing or not permitted.
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export function perfAvailable() {
  try {
    execFileSync("perf", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** Starts recording `pids`; resolves to { stop() } where stop() resolves to the summary (or null). */
export async function startPerf(processes, { frequency = 999 } = {}) {
  if (!perfAvailable() || processes.length === 0) return { stop: async () => null };
  const dir = mkdtempSync(join(tmpdir(), "edgeroom-perf-"));
  const file = join(dir, "perf.data");
  const child = spawn(
    "perf",
    ["record", "-e", "cpu-clock", "-F", String(frequency), "-p", processes.map((p) => p.pid).join(","), "-o", file],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr.on("data", (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise((resolve) => child.on("exit", resolve));
  await new Promise((resolve) => setTimeout(resolve, 300));
  return {
    async stop() {
      child.kill("SIGINT");
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 20_000))]);
      if (child.exitCode === null) child.kill("SIGKILL");
      try {
        return summarise(file, processes);
      } catch (error) {
        return [{ error: `${String(error)} ${stderr.slice(-500)}` }];
      } finally {
        if (process.env.BENCH_KEEP_PERF === "1") console.log(`perf data kept at ${file}`);
        else rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** Per-process sample counts by DSO and by symbol, from `perf script` (robust across perf versions). */
function summariseAll(file) {
  const text = execFileSync("perf", ["script", "-i", file, "-F", "pid,tid,ip,sym,dso"], {
    encoding: "utf8",
    maxBuffer: 512 * 1024 * 1024,
    stdio: ["ignore", "pipe", "ignore"],
  });
  const byPid = new Map();
  for (const line of text.split("\n")) {
    const m = line.match(/^\s*(\d+)\/(\d+)\s+[0-9a-f]+\s+(.*?)\s*\(([^()]*)\)\s*$/);
    if (!m) continue;
    const pid = Number(m[1]);
    let entry = byPid.get(pid);
    if (!entry) {
      entry = { samples: 0, dso: new Map(), sym: new Map(), category: new Map() };
      byPid.set(pid, entry);
    }
    const dso = shortDso(m[4]);
    const sym = `${shortSymbol(m[3] || "[unknown]")}  (${dso})`;
    entry.samples++;
    entry.dso.set(dso, (entry.dso.get(dso) ?? 0) + 1);
    entry.sym.set(sym, (entry.sym.get(sym) ?? 0) + 1);
    const category = categorise(m[3], dso);
    entry.category.set(category, (entry.category.get(category) ?? 0) + 1);
  }
  return byPid;
}

/** C++ symbols without template arguments (kj::Foo<…>::bar), so rows stay readable. */
function shortSymbol(sym) {
  let out = "";
  let depth = 0;
  for (const ch of sym) {
    if (ch === "<") {
      if (depth === 0) out += "<…>";
      depth++;
    } else if (ch === ">" && depth > 0) depth--;
    else if (depth === 0) out += ch;
  }
  return out;
}

/** A coarse bucket for a sample: kernel, JavaScript/V8, the runtime's own I/O code, allocator, libc. */
function categorise(sym, dso) {
  if (dso === "[kernel.kallsyms]") return "kernel (syscalls, TCP, scheduler)";
  if (
    /^(sqlite3|wal[A-Z]|pcache|btree|vdbe|unix(Shm|Sync|Write|Read|Lock|Open)|keywordCode|releaseMemArray)|Sqlite/.test(
      sym,
    )
  ) {
    return "SQLite";
  }
  if (dso.startsWith("[JIT]") || /^(Builtins_|v8::|v8_|cppgc::|unibrow::|simdutf::)/.test(sym)) {
    return "JavaScript / V8 (JIT code, builtins, GC)";
  }
  if (
    /^(tcmalloc|TCMalloc)/.test(sym) ||
    sym.includes("malloc") ||
    sym.startsWith("operator new") ||
    sym.startsWith("free")
  ) {
    return "memory allocator";
  }
  if (dso === "workerd" && /^(kj::|capnp::|workerd::|non-virtual thunk to kj|non-virtual thunk to workerd)/.test(sym)) {
    return "runtime I/O (kj / capnp / workerd C++)";
  }
  if (dso === "node" && /^(node::|uv_|uv__)/.test(sym)) return "node / libuv C++";
  if (dso.startsWith("libc") || dso.startsWith("ld-linux")) return "libc";
  return `other (${dso})`;
}

/** Short DSO names: basename, with JIT maps folded into one. */
function shortDso(dso) {
  if (dso.includes("perf-") && dso.endsWith(".map")) return "[JIT]";
  if (dso.startsWith("[")) return dso;
  return dso.split("/").pop() || dso;
}

function top(map, total, limit) {
  return [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([what, n]) => ({ pct: Math.round((1000 * n) / total) / 10, what }));
}

function summarise(file, processes) {
  const byPid = summariseAll(file);
  return processes.map((p) => {
    const entry = byPid.get(p.pid);
    if (!entry) return { role: p.role, pid: p.pid, samples: 0, byCategory: [], byDso: [], bySymbol: [] };
    return {
      role: p.role,
      pid: p.pid,
      samples: entry.samples,
      byCategory: top(entry.category, entry.samples, 10),
      byDso: top(entry.dso, entry.samples, 8),
      bySymbol: top(entry.sym, entry.samples, 15),
    };
  });
}
