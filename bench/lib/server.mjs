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
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../../e2e/harness.mjs";
import { startReceiver } from "../../e2e/webhook-receiver.mjs";
import { adminClient } from "./admin.mjs";
import { processesNamed, procStat } from "./cpu.mjs";

const HIGH = "100000";
/** Every per-user and per-socket limit raised: what is measured is the room, not a limiter. */
const RAISED = {
  SEND_RATE_PER_SEC: HIGH,
  SEND_BURST: HIGH,
  FRAME_RATE_PER_SEC: HIGH,
  FRAME_BURST: HIGH,
  HISTORY_FRAMES_PER_SEC: HIGH,
  CONNECTS_PER_10S: HIGH,
  MAX_SOCKETS_PER_USER: "1000",
  HTTP_RATE_PER_SEC: HIGH,
  HTTP_BURST: HIGH,
  ROOMS_PER_HOUR: HIGH,
  AUTH_FAILS_PER_MIN: HIGH,
};

/**
 * The edgeroom servers a run may start, by the limits they get: `raised` (fan-out, ramp and API
 * scenarios: the room budget raised too, so the ramp finds the room's own knee), `budget` (per-user
 * limits raised, the room budget ROOM_SENDS_PER_SEC at its default: the overload scenario) and
 * `defaults` (every limit at its SPEC default: the heavy legitimate users), and `live` (`raised` with
 * MAX_MEMBERS raised for the ordinary room of the live-N scenario, and the per-user socket limits at
 * their defaults).
 */
export const SERVER_VARS = {
  raised: { ...RAISED, ROOM_SENDS_PER_SEC: HIGH },
  // live-N: thousands of members in the ordinary room beside the live one; sockets per user and connects
  // per user at their SPEC defaults (the scenario stays under them).
  live: {
    ...RAISED,
    ROOM_SENDS_PER_SEC: HIGH,
    MAX_MEMBERS: "1000000",
    MAX_SOCKETS_PER_USER: "5",
    CONNECTS_PER_10S: "10",
  },
  budget: RAISED,
  defaults: {},
};

/**
 * edgeroom's access log in the bench: `errors` by default, so a figure measures the product and not
 * `wrangler dev` relaying one log line per request (its node process parses and reprints each one,
 * on the same cores). BENCH_ACCESS_LOG=all measures the product's default setting instead.
 */
export const ACCESS_LOG = process.env.BENCH_ACCESS_LOG ?? "errors";

/**
 * BENCH_WEBHOOKS=1 runs edgeroom with webhooks on (SPEC §8.4): WEBHOOK_URL points at a local receiver
 * (the e2e suite's, which verifies every signature), so each message also writes its outbox row and
 * goes through the queue to a real HTTP endpoint. Off by default, as in a deployment without WEBHOOK_URL.
 */
export const WEBHOOKS = process.env.BENCH_WEBHOOKS === "1";

/** The var the reference demo's one-line change reads to skip its per-IP rate limiter. */
export const DEMO_LIMITER_VAR = "RATE_LIMIT_OFF";

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

/** Loopback TCP connections `pid` holds open: [{ localPort, peerPort }]. */
function connectionsOf(pid) {
  let text = "";
  try {
    text = execFileSync("ss", ["-tnpH", "state", "established"], { encoding: "utf8" });
  } catch {
    return [];
  }
  const out = [];
  for (const line of text.split("\n")) {
    if (!line.includes(`pid=${pid},`)) continue;
    const ports = [...line.matchAll(/(?:127\.0\.0\.1|\[::1\]|\[::ffff:127\.0\.0\.1\]):(\d+)/g)].map((m) =>
      Number(m[1]),
    );
    if (ports.length >= 2) out.push({ localPort: ports[0], peerPort: ports[1] });
  }
  return out;
}

/**
 * The runtime's own HTTP port: of the runtime's listening ports, one the dev proxy is connected to
 * (after a request through the proxy) that answers `readyPath`. Only those are asked: another of the
 * runtime's ports is workerd's --debug-port, a Cap'n Proto listener that logs "RPC connection broken
 * … incoming RPC message exceeds size limit" for every HTTP request sent to it.
 */
async function findDirectUrl(runtimePid, proxyPid, proxyUrl, readyPath) {
  const listening = new Set(
    listeners()
      .filter((l) => l.pid === runtimePid)
      .map((l) => l.port),
  );
  try {
    await (await fetch(`${proxyUrl}${readyPath}`, { signal: AbortSignal.timeout(5000) })).arrayBuffer();
  } catch {
    return null;
  }
  const candidates = new Set(
    connectionsOf(proxyPid)
      .map((c) => c.peerPort)
      .filter((port) => listening.has(port)),
  );
  for (const port of candidates) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}${readyPath}`, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      if (res.ok) return `http://127.0.0.1:${port}`;
    } catch {
      // the runtime's inspector, which the proxy also holds a connection to
    }
  }
  return null;
}

const ROOT = new URL("../..", import.meta.url).pathname;
const WRANGLER = join(ROOT, "node_modules", "wrangler", "bin", "wrangler.js");
const EDGEROOM_FILES = ["src", "migrations", "public", "wrangler.toml", "package.json", "tsconfig.json"];
const DEMO_FILES = ["src", "wrangler.toml", "package.json"];

/** Where edgeroom's sources are copied from: the working tree, or BENCH_SOURCE_DIR (e.g. a `git archive`). */
const SOURCE_DIR = process.env.BENCH_SOURCE_DIR ? process.env.BENCH_SOURCE_DIR.replace(/\/+$/, "") : ROOT;

function git(cwd, ...args) {
  try {
    return execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return null;
  }
}

/** git HEAD and uncommitted files under src/ of the tree the server runs (no paths: they go in the report). */
function sourceInfo(dir) {
  const dirty = git(dir, "status", "--porcelain", "--", "src", "migrations", "wrangler.toml");
  return { commit: git(dir, "rev-parse", "HEAD"), uncommittedFiles: dirty ? dirty.split("\n").length : 0 };
}

/** Servers started and not yet stopped: process group → temp dir. */
const running = new Map();

/** Kills every server still running and removes its temp dir (on a signal or the run's deadline). */
export function killAll() {
  for (const [pid, dir] of running) {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // already gone
    }
    rmSync(dir, { recursive: true, force: true });
  }
  running.clear();
}

/**
 * `wrangler dev` on a copy of `files` from `sourceDir`, with fresh state (D1 migrations applied when
 * `migrate`), the given vars, and an inspector port. Resolves once /health (or `readyPath`) answers.
 */
async function startWrangler({ sourceDir, files, vars, migrate, readyPath, label }) {
  const dir = mkdtempSync(join(tmpdir(), `bench-${label}-`));
  const app = join(dir, "app");
  const state = join(dir, "state");
  for (const entry of files) {
    if (existsSync(join(sourceDir, entry))) cpSync(join(sourceDir, entry), join(app, entry), { recursive: true });
  }
  symlinkSync(join(ROOT, "node_modules"), join(app, "node_modules"), "dir");
  const env = { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true" };
  if (migrate) {
    const res = spawnSync(
      process.execPath,
      [WRANGLER, "d1", "migrations", "apply", "DB", "--local", "--persist-to", state],
      {
        cwd: app,
        env,
        encoding: "utf8",
        timeout: 120_000,
      },
    );
    if (res.status !== 0) throw new Error(`migrations failed: ${res.stderr}`);
  }
  const port = await freePort();
  const inspectorPort = await freePort();
  const args = [
    WRANGLER,
    "dev",
    "--ip",
    "127.0.0.1",
    "--port",
    String(port),
    "--inspector-port",
    String(inspectorPort),
  ];
  args.push("--persist-to", state);
  for (const [name, value] of Object.entries(vars)) args.push("--var", `${name}:${value}`);
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
  running.set(child.pid, dir);
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`wrangler dev (${label}) exited early:\n${output}`);
    try {
      const res = await fetch(`${url}${readyPath}`, { signal: AbortSignal.timeout(2000) });
      if (res.status < 500) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      kill("SIGKILL");
      throw new Error(`wrangler dev (${label}) did not become ready:\n${output}`);
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
    running.delete(child.pid);
  }
  return { url, port, inspectorPort, readyPath, stop, output: () => output };
}

/** Adds process discovery to a started server: `refresh()` finds its processes and runtime port again. */
async function withProcesses(server) {
  const target = { ...server, processes: [], directUrl: null };
  target.refresh = async () => {
    const { processes, runtimePid } = discoverProcesses(server.port);
    target.processes = processes;
    target.directUrl =
      runtimePid && processes.some((p) => p.role === "workerd (dev proxy)")
        ? await findDirectUrl(
            runtimePid,
            processes.find((p) => p.role === "workerd (dev proxy)")?.pid,
            server.url,
            server.readyPath,
          )
        : null;
    return target;
  };
  return target.refresh();
}

/** Starts edgeroom with the limits of `SERVER_VARS[profile]`. */
export async function startEdgeroom(profile) {
  const adminSecret = `bench-admin-${randomUUID()}`;
  const tokenSecret = `bench-token-${randomUUID()}`;
  const vars = {
    ADMIN_SECRET: adminSecret,
    TOKEN_SECRET: tokenSecret,
    DEV_MODE: "false",
    ACCESS_LOG,
    ...SERVER_VARS[profile],
    ...(WEBHOOKS ? await webhookReceiverVars() : {}),
  };
  const server = await startWrangler({
    sourceDir: SOURCE_DIR,
    files: EDGEROOM_FILES,
    vars,
    migrate: true,
    readyPath: "/health",
    label: `edgeroom-${profile}`,
  });
  const target = await withProcesses(server);
  return Object.assign(target, {
    name: "edgeroom",
    profile,
    adminSecret,
    // Known to the bench because it chose it: live-N mints its clients' tokens in bulk (lib/tokens.mjs).
    tokenSecret,
    admin: adminClient(server.url, adminSecret),
    vars: SERVER_VARS[profile],
    accessLog: ACCESS_LOG,
    webhooks: WEBHOOKS,
    source: { ...sourceInfo(SOURCE_DIR), fromOtherTree: SOURCE_DIR !== ROOT },
  });
}

/** The webhook receivers started by this run (BENCH_WEBHOOKS=1). */
const receivers = [];

/** Webhook deliveries received in this run, and how many were signed correctly. */
export function webhookTally() {
  const tallies = receivers.map((receiver) => receiver.tally());
  return {
    deliveries: tallies.reduce((sum, t) => sum + t.deliveries, 0),
    verified: tallies.reduce((sum, t) => sum + t.verified, 0),
  };
}

/** Starts a local webhook receiver for one edgeroom server; its vars point the server at it. */
async function webhookReceiverVars() {
  const secret = `bench-webhook-${randomUUID()}`;
  const receiver = await startReceiver(secret);
  receivers.push(receiver);
  // It lives as long as the bench process, which exits when the run is over.
  receiver.server.unref();
  return { WEBHOOK_URL: receiver.url, WEBHOOK_SECRET: secret };
}

/**
 * Starts the reference demo from `peerDir` (a clone of cloudflare/workers-chat-demo with the one-line
 * change that skips its rate limiter when DEMO_LIMITER_VAR is set; see the README).
 */
export async function startDemo(peerDir) {
  const chat = join(peerDir, "src", "chat.mjs");
  if (!existsSync(chat))
    throw new Error(`--peer: no src/chat.mjs in the given folder (expected a clone of workers-chat-demo)`);
  if (!readFileSync(chat, "utf8").includes(DEMO_LIMITER_VAR)) {
    throw new Error(
      `--peer: src/chat.mjs does not read env.${DEMO_LIMITER_VAR}; make the one-line change described in README.md (Performance) so its per-IP rate limiter is skipped when the var is set`,
    );
  }
  const server = await startWrangler({
    sourceDir: peerDir,
    files: DEMO_FILES,
    vars: { [DEMO_LIMITER_VAR]: "1" },
    migrate: false,
    readyPath: "/",
    label: "demo",
  });
  const target = await withProcesses(server);
  return Object.assign(target, {
    name: "demo",
    profile: "demo",
    vars: { [DEMO_LIMITER_VAR]: "1" },
    source: { commit: git(peerDir, "rev-parse", "HEAD") },
  });
}
