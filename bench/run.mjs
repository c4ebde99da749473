#!/usr/bin/env node
// edgeroom benchmarks (SPEC §7, §8.6): `npm run bench [-- <scenario>...] [--peer <dir>] [--quick] ...`.
//
// Starts its own `wrangler dev` servers on loopback (edgeroom with the limits each scenario needs, and
// the reference demo from --peer), runs the chosen scenarios (all by default) with one load generator,
// side by side where a scenario compares, and writes bench/results/<name>.json and bench/RESULTS.md
// (with SVG charts in bench/charts/). Everything is bounded: each scenario stops by itself and the run
// exits afterwards.
import { randomUUID } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg, release, totalmem } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { filesNeeded } from "./kinds/live.mjs";
import { reniceAll } from "./lib/cpu.mjs";
import { ensureOpenFiles } from "./lib/fd-limit.mjs";
import { LoadGenerator } from "./lib/loadgen.mjs";
import { renderMarkdown, writeCharts } from "./lib/report.mjs";
import { killAll, startDemo, startEdgeroom, WEBHOOKS, webhookTally } from "./lib/server.mjs";
import { findScenario, SCENARIOS } from "./scenarios.mjs";

const ROOT = new URL("..", import.meta.url).pathname;
const BENCH = new URL(".", import.meta.url).pathname;

const OPTIONS = {
  peer: { type: "string" },
  quick: { type: "boolean", default: false },
  reps: { type: "string" },
  threads: { type: "string", default: "2" },
  profile: { type: "boolean", default: false },
  "max-minutes": { type: "string", default: "90" },
  render: { type: "string", multiple: true },
  shards: { type: "string" },
  "connect-rate": { type: "string", default: "400" },
  "connect-in-flight": { type: "string", default: "128" },
  "msgs-per-sec": { type: "string" },
  "sockets-per-user": { type: "string" },
  save: { type: "boolean", default: false },
  out: { type: "string" },
  list: { type: "boolean", default: false },
  help: { type: "boolean", short: "h", default: false },
};

function usage() {
  return [
    "usage: npm run bench -- [scenario ...] [--peer <dir>] [--quick] [--reps N] [--threads N] [--profile] [--save] [--out NAME]",
    ...SCENARIOS.map((s) => `  ${s.name.padEnd(16)} ${s.about}${s.peer ? " [side by side]" : ""}`),
    "  --peer DIR   also run the reference demo (a clone of cloudflare/workers-chat-demo, see README.md) side by side",
    "  --quick      short durations, one run per server (smoke run); printed, not saved unless --save/--out",
    "  --reps N     interleaved runs per server and scenario, median reported (default 3; 1 with --quick)",
    "  --threads N  worker threads of the load generator (default 2)",
    "  --profile    one extra pass per scenario with the runtime's CPU profile (inspector) and perf;",
    "               top frames in the report, .cpuprofile files in bench/results/profiles/",
    "  --max-minutes N  stop the run (servers included) after N minutes (default 90)",
    "  --save       write bench/results/<date>.json, bench/RESULTS.md and the charts even for a partial or quick run",
    "  --out NAME   write bench/results/NAME.json only",
    "  --render FILE  write bench/RESULTS.md and the charts again from a saved results JSON (runs nothing);",
    "               repeat it to add the scenarios of other runs (e.g. a live-N run) to the first one's report",
    "  live-<N> options: --shards 4,8,16,32 (one live room per shard count; default 16), --connect-rate N",
    "               (opens/s, default 400), --connect-in-flight N (unanswered handshakes, default 128),",
    "               --msgs-per-sec N (total send rate; default: 20,000 deliveries/s offered),",
    "               --sockets-per-user N (1-5, default 5: fewer users, fewer user objects locally)",
    "  env: BENCH_SOURCE_DIR=<dir> serves edgeroom's sources from another tree (e.g. `git archive` of a commit);",
    "       BENCH_DEFLATE=1 offers permessage-deflate; BENCH_NICE=-10 raises the priority of the generator and servers;",
    "       BENCH_ACCESS_LOG=all runs edgeroom with its default access log (the bench uses errors: see README.md);",
    "       BENCH_WEBHOOKS=1 runs edgeroom with webhooks on, delivered to a local receiver",
  ].join("\n");
}

function readVersion(path) {
  try {
    return JSON.parse(readFileSync(join(ROOT, path), "utf8")).version;
  } catch {
    return null;
  }
}

function machineInfo() {
  const list = cpus();
  return {
    cpuModel: list[0]?.model ?? "unknown",
    cpuCount: list.length,
    totalMemGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    kernel: release(),
    node: process.version,
    wrangler: readVersion("node_modules/wrangler/package.json"),
    workerd: readVersion("node_modules/workerd/package.json"),
    ws: readVersion("node_modules/ws/package.json"),
  };
}

/** The servers of one group of scenarios: edgeroom with `profile` limits, and the demo when compared. */
async function openTargets(profile, withDemo, peerDir, log) {
  const targets = { edgeroom: await startEdgeroom(profile) };
  log(`edgeroom (${profile} limits) at ${targets.edgeroom.url}`);
  if (withDemo) {
    targets.demo = await startDemo(peerDir);
    log(`demo at ${targets.demo.url}`);
  }
  return targets;
}

/** Parameters of a scenario as run (for the JSON). */
function describe(spec) {
  return Object.fromEntries(Object.entries(spec).filter(([, v]) => typeof v !== "function"));
}

async function main() {
  const { values: opts, positionals } = parseArgs({ options: OPTIONS, allowPositionals: true });
  if (opts.list || opts.help) {
    console.log(usage());
    return 0;
  }
  if (opts.render) {
    const report = mergeRuns(opts.render.map((file) => JSON.parse(readFileSync(resolve(file), "utf8"))));
    writeCharts(report, join(BENCH, "charts"));
    writeFileSync(join(BENCH, "RESULTS.md"), renderMarkdown(report, readKept()));
    console.log("wrote bench/RESULTS.md and bench/charts/");
    return 0;
  }
  const chosen = positionals.length > 0 ? positionals.map((n) => findScenario(n)) : SCENARIOS.filter((s) => !s.optIn);
  const unknown = positionals.filter((_n, i) => !chosen[i]);
  if (unknown.length > 0) throw new Error(`unknown scenario ${unknown.join(", ")}\n${usage()}`);
  const peerDir = opts.peer ? resolve(opts.peer) : null;
  const reps = opts.quick ? 1 : Number(opts.reps ?? 3);
  const full = positionals.length === 0 && !opts.quick && !opts.out;
  const save = full || opts.save;

  const log = (line) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}`);
  const startedAt = new Date();
  // The run is bounded: on a signal or past its deadline, the servers are killed and the run exits.
  const abort = (why) => {
    console.error(`[bench] ${why}: stopping the servers`);
    killAll();
    process.exit(3);
  };
  process.on("SIGINT", () => abort("interrupted"));
  process.on("SIGTERM", () => abort("terminated"));
  setTimeout(
    () => abort(`deadline of ${opts["max-minutes"]} minutes passed`),
    Number(opts["max-minutes"]) * 60_000,
  ).unref();
  const runTag = randomUUID().slice(0, 6);
  // Thousands of sockets need as many descriptors here and in the runtime, which inherits the limit.
  const lives = chosen.filter((s) => s.kind === "live");
  // At most MAX_SOCKETS_PER_USER (5, the live server's value): more would be refused.
  const perUser = opts["sockets-per-user"] ? Math.min(5, Math.max(1, Number(opts["sockets-per-user"]))) : null;
  for (const spec of lives) if (perUser) spec.socketsPerUser = perUser;
  const most = Math.max(0, ...lives.map((s) => filesNeeded(s.clients, Math.ceil(s.clients / s.socketsPerUser))));
  const openFiles = most > 0 ? ensureOpenFiles(most) : null;
  if (openFiles?.problem) log(`open files: ${openFiles.problem}`);
  const nice = process.env.BENCH_NICE ? Number(process.env.BENCH_NICE) : null;
  const gens = { edgeroom: new LoadGenerator(Number(opts.threads)), demo: new LoadGenerator(Number(opts.threads)) };
  const results = {};
  const servers = {};
  let failures = 0;
  try {
    // One group per edgeroom server profile, in catalogue order; each group's servers stop after it.
    const groups = [...new Set(chosen.map((s) => s.server))];
    for (const profile of groups) {
      const specs = chosen.filter((s) => s.server === profile);
      const withDemo = Boolean(peerDir) && specs.some((s) => s.peer);
      const targets = await openTargets(profile, withDemo, peerDir, log);
      for (const t of Object.values(targets)) {
        servers[`${t.name}-${t.profile}`] = {
          name: t.name,
          profile: t.profile,
          vars: t.vars,
          accessLog: t.accessLog,
          webhooks: t.webhooks,
          source: t.source,
        };
      }
      const ctx = {
        targets,
        gens,
        quick: opts.quick,
        reps,
        profile: opts.profile,
        log,
        runTag,
        openFiles,
        liveShards: opts.shards ? opts.shards.split(",").map(Number) : null,
        connectRate: Number(opts["connect-rate"]),
        connectInFlight: Number(opts["connect-in-flight"]),
        liveMsgsPerSec: opts["msgs-per-sec"] ? Number(opts["msgs-per-sec"]) : null,
      };
      try {
        for (const spec of specs) {
          if (nice !== null)
            reniceAll([process.pid, ...Object.values(targets).flatMap((t) => t.processes.map((p) => p.pid))], nice);
          log(`${spec.name}: ${spec.about}`);
          const t0 = performance.now();
          try {
            const result = await spec.run(ctx, spec);
            results[spec.name] = {
              kind: spec.kind,
              spec: describe(spec),
              elapsedSec: Math.round((performance.now() - t0) / 1000),
              ...result,
            };
          } catch (error) {
            failures++;
            log(`${spec.name}: ERROR ${error.stack ?? error}`);
            results[spec.name] = { kind: spec.kind, spec: describe(spec), error: String(error.message ?? error) };
          }
        }
      } finally {
        for (const t of Object.values(targets)) await t.stop();
      }
    }
  } finally {
    await gens.edgeroom.stop();
    await gens.demo.stop();
  }
  const webhooks = WEBHOOKS ? webhookTally() : null;
  if (webhooks)
    log(`webhooks: ${webhooks.deliveries} deliveries received, ${webhooks.verified} with a valid signature`);

  const report = {
    date: startedAt.toISOString().slice(0, 10),
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    quick: opts.quick,
    reps,
    profile: opts.profile,
    peer: Boolean(peerDir),
    generatorThreads: Number(opts.threads),
    command: ["npm run bench --", ...process.argv.slice(2).map((a) => (a === opts.peer ? "<dir>" : a))].join(" "),
    machine: { ...machineInfo(), loadavgAtEnd: loadavg().map((x) => Math.round(x * 100) / 100) },
    nice,
    servers,
    webhooks,
    scenarios: results,
  };
  const name = opts.out ? opts.out.replace(/[^A-Za-z0-9_.-]/g, "_") : `${report.date}${opts.quick ? "-quick" : ""}`;
  report.resultsFile = `bench/results/${name}.json`;
  const markdown = renderMarkdown(report, readKept());
  if (save || opts.out) {
    writeFileSync(join(BENCH, "results", `${name}.json`), `${JSON.stringify(report, null, 2)}\n`);
    log(`wrote ${report.resultsFile}`);
  }
  if (save) {
    writeCharts(report, join(BENCH, "charts"));
    writeFileSync(join(BENCH, "RESULTS.md"), markdown);
    log("wrote bench/RESULTS.md and bench/charts/");
  } else console.log(`\n${markdown}`);
  return failures > 0 ? 1 : 0;
}

/**
 * One report from several saved runs: the first run's header, and the scenarios of each later run added
 * (a later run's scenario replaces one of the same name). Each added scenario keeps its run's facts.
 */
function mergeRuns([first, ...more]) {
  const report = { ...first, scenarios: { ...first.scenarios }, addedRuns: [] };
  for (const run of more) {
    const { scenarios, ...facts } = run;
    report.addedRuns.push(facts);
    for (const [name, result] of Object.entries(scenarios)) report.scenarios[name] = { ...result, run: facts };
  }
  return report;
}

/** The hand-written analysis of the current RESULTS.md (between the markers), kept when it is regenerated. */
function readKept() {
  const path = join(BENCH, "RESULTS.md");
  if (!existsSync(path)) return null;
  const m = readFileSync(path, "utf8").match(/<!-- analysis:start -->\n([\s\S]*?)<!-- analysis:end -->\n?([\s\S]*)$/);
  return m ? { analysis: m[1], trailer: m[2] } : null;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error.stack ?? error);
    process.exit(2);
  },
);
