// The server under test: its own `wrangler dev` with the send rate limit raised, or an existing one at
// BENCH_URL (+ BENCH_ADMIN_SECRET). Also finds the processes behind it (the dev proxy's workerd, the
// runtime's workerd, wrangler's node) and the runtime's own port, so a scenario can skip the dev proxy
// and the report can say where CPU goes.
//
// The own server runs from a snapshot of the working tree (src/, migrations/, public/, config) in a temp
// directory: `wrangler dev` watches its sources and would reload the runtime mid-run when someone edits
// src/. BENCH_NO_SNAPSHOT=1 runs the e2e harness's startServer() on the working tree instead;
// BENCH_SOURCE_DIR=<dir> copies the sources from another tree (e.g. `git archive <commit>` output).
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { cpSync, existsSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, startServer } from "../../e2e/harness.mjs";
import { adminClient } from "./admin.mjs";
import { processesNamed, procStat } from "./cpu.mjs";

/** Vars every benchmark server gets: the rate limiter must not be what is measured. */
export const BENCH_VARS = { SEND_RATE_PER_SEC: "100000", SEND_BURST: "100000" };

/** Listening TCP sockets on loopback with their owning process: [{ port, pid, comm }]. */
function listeners() {
  let text = "";
  try {
    text = execFileSync("ss", ["-ltnpH"], { encoding: "utf8" });
  } catch {
    return [];
  }
  const out = [];
  for (const line of text.split("\n")) {
    const addr = line.match(/\s(?:127\.0\.0\.1|\[::1\]|\[::ffff:127\.0\.0\.1\]|0\.0\.0\.0|\*):(\d+)\s/);
    if (!addr) continue;
    for (const m of line.matchAll(/\("([^"]+)",pid=(\d+)/g)) {
      out.push({ port: Number(addr[1]), pid: Number(m[2]), comm: m[1] });
    }
  }
  return out;
}

/**
 * The processes serving `port`: the workerd that listens on it, its parent (wrangler's node) and the
 * parent's other workerd children. With two workerd siblings the one on `port` is the dev proxy and
 * the other the runtime; with one it is the runtime itself.
 */
export function discoverProcesses(port) {
  const owner = listeners().find((l) => l.port === port && l.comm === "workerd");
  if (!owner) return { processes: [], runtimePid: null };
  const parent = procStat(owner.pid)?.ppid ?? null;
  const siblings = processesNamed("workerd").filter((p) => p.ppid === parent && p.pid !== owner.pid);
  const processes = [];
  let runtimePid = owner.pid;
  if (siblings.length > 0) {
    processes.push({ role: "workerd (dev proxy)", pid: owner.pid });
    runtimePid = siblings[0].pid;
    for (const s of siblings) processes.push({ role: "workerd (runtime)", pid: s.pid });
  } else {
    processes.push({ role: "workerd (runtime)", pid: owner.pid });
  }
  const parentStat = parent ? procStat(parent) : null;
  if (parentStat && parentStat.comm === "node") processes.push({ role: "wrangler (node)", pid: parent });
  return { processes, runtimePid };
}

/** The runtime's own HTTP port: the one of its listening ports that answers /health. */
async function findDirectUrl(runtimePid, proxyPort) {
  const ports = listeners()
    .filter((l) => l.pid === runtimePid && l.port !== proxyPort)
    .map((l) => l.port);
  for (const port of ports) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(2000) });
      const body = await res.text();
      if (res.ok && body.includes("ok")) return `http://127.0.0.1:${port}`;
    } catch {
      // not an HTTP port (inspector, debug port)
    }
  }
  return null;
}

const ROOT = new URL("../..", import.meta.url).pathname;
const SNAPSHOT = ["src", "migrations", "public", "wrangler.toml", "package.json", "tsconfig.json"];

/** Where the server's sources are copied from: the working tree, or BENCH_SOURCE_DIR (e.g. a `git archive`). */
const SOURCE_DIR = process.env.BENCH_SOURCE_DIR ? process.env.BENCH_SOURCE_DIR.replace(/\/+$/, "") : ROOT;

/** git HEAD and uncommitted files under src/ of the working tree (what the snapshot contains). */
function sourceInfo() {
  if (SOURCE_DIR !== ROOT) return { sourceDir: SOURCE_DIR };
  const git = (...args) => {
    try {
      return execFileSync("git", args, { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    } catch {
      return null;
    }
  };
  const dirty = git("status", "--porcelain", "--", "src", "migrations", "wrangler.toml");
  return { commit: git("rev-parse", "HEAD"), uncommittedSrcFiles: dirty ? dirty.split("\n").length : 0 };
}

/** `wrangler dev` on a copy of the sources, with fresh state, migrations applied and the given vars. */
async function startSnapshotServer(vars) {
  const dir = mkdtempSync(join(tmpdir(), "edgeroom-bench-"));
  const app = join(dir, "app");
  const state = join(dir, "state");
  for (const entry of SNAPSHOT) {
    if (existsSync(join(SOURCE_DIR, entry))) cpSync(join(SOURCE_DIR, entry), join(app, entry), { recursive: true });
  }
  symlinkSync(join(ROOT, "node_modules"), join(app, "node_modules"), "dir");
  const wrangler = join(ROOT, "node_modules", "wrangler", "bin", "wrangler.js");
  const env = { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true" };
  const migrate = spawnSync(
    process.execPath,
    [wrangler, "d1", "migrations", "apply", "DB", "--local", "--persist-to", state],
    { cwd: app, env, encoding: "utf8", timeout: 120_000 },
  );
  if (migrate.status !== 0) throw new Error(`migrations failed: ${migrate.stderr}`);
  const port = await freePort();
  const adminSecret = `bench-admin-${randomUUID()}`;
  const allVars = {
    ADMIN_SECRET: adminSecret,
    TOKEN_SECRET: `bench-token-${randomUUID()}`,
    DEV_MODE: "false",
    ...vars,
  };
  const args = [wrangler, "dev", "--ip", "127.0.0.1", "--port", String(port), "--persist-to", state];
  for (const [name, value] of Object.entries(allVars)) args.push("--var", `${name}:${value}`);
  const child = spawn(process.execPath, args, { cwd: app, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  let output = "";
  const collect = (chunk) => {
    output = (output + chunk).slice(-20_000);
  };
  child.stdout.on("data", collect);
  child.stderr.on("data", collect);
  const url = `http://127.0.0.1:${port}`;
  const kill = (signal) => {
    try {
      process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  };
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited early:\n${output}`);
    try {
      const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      kill("SIGKILL");
      throw new Error(`wrangler dev did not become ready:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  async function stop() {
    kill("SIGTERM");
    await new Promise((resolve) => {
      const timer = setTimeout(() => {
        kill("SIGKILL");
        resolve();
      }, 5000);
      child.on("exit", () => {
        clearTimeout(timer);
        resolve();
      });
      if (child.exitCode !== null) resolve();
    });
    rmSync(dir, { recursive: true, force: true });
  }
  return { url, adminSecret, stop, output: () => output };
}

/**
 * Opens the target. Returns { url, directUrl, adminSecret, admin, processes, external, source, stop(),
 * refresh() }. `directUrl` is null when the runtime's own port could not be found (or there is no dev
 * proxy). refresh() finds the processes again (wrangler restarts the runtime on a reload).
 */
export async function openTarget() {
  let url;
  let adminSecret;
  let stop = async () => {};
  let source = null;
  let output = () => "";
  const external = Boolean(process.env.BENCH_URL);
  if (external) {
    url = process.env.BENCH_URL.replace(/\/+$/, "");
    adminSecret = process.env.BENCH_ADMIN_SECRET;
    if (!adminSecret) throw new Error("BENCH_URL needs BENCH_ADMIN_SECRET (the server's ADMIN_SECRET)");
  } else {
    source = { ...sourceInfo(), snapshot: process.env.BENCH_NO_SNAPSHOT !== "1" };
    const server = source.snapshot ? await startSnapshotServer(BENCH_VARS) : await startServer(BENCH_VARS);
    url = server.url;
    adminSecret = server.adminSecret;
    stop = server.stop;
    output = server.output;
  }
  const parsed = new URL(url);
  const port = Number(parsed.port || (parsed.protocol === "https:" ? 443 : 80));
  const local = ["127.0.0.1", "localhost", "[::1]"].includes(parsed.hostname);
  const target = {
    url,
    directUrl: null,
    adminSecret,
    admin: adminClient(url, adminSecret),
    external,
    source,
    stop,
    output: () => output(),
  };
  target.refresh = async () => {
    const { processes, runtimePid } = local ? discoverProcesses(port) : { processes: [], runtimePid: null };
    target.processes = processes;
    let directUrl = process.env.BENCH_DIRECT_URL?.replace(/\/+$/, "") ?? null;
    if (!directUrl && runtimePid && processes.some((p) => p.role === "workerd (dev proxy)")) {
      directUrl = await findDirectUrl(runtimePid, port);
    }
    target.directUrl = directUrl;
    return target;
  };
  return target.refresh();
}
