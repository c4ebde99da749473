#!/usr/bin/env node
// edgeroom benchmarks (SPEC §7): `npm run bench [-- <scenario>... --quick --save --list]`.
//
// Starts its own `wrangler dev` (send rate limit raised) unless BENCH_URL (+ BENCH_ADMIN_SECRET) names a
// running server, runs the chosen scenarios (all by default), and prints a summary. A full run (every
// default scenario, not --quick) — or any run with --save — writes bench/results/<date>.json and
// bench/RESULTS.md. Everything is bounded: each scenario stops by itself and the run exits afterwards.
import { randomUUID } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg, release, totalmem } from "node:os";
import { join } from "node:path";
import { reniceAll, waitForQuiet } from "./lib/cpu.mjs";
import { renderMarkdown } from "./lib/report.mjs";
import { openTarget } from "./lib/server.mjs";
import { findScenario, SCENARIOS } from "./scenarios.mjs";

const ROOT = new URL("..", import.meta.url).pathname;
const BENCH = new URL(".", import.meta.url).pathname;

function usage() {
  return [
    "usage: node bench/run.mjs [scenario ...] [--quick] [--save] [--list]",
    `  scenarios: ${SCENARIOS.map((s) => s.name).join(", ")}`,
    "             any fan-out or ramp scenario with -direct appended skips the dev proxy",
    "  --quick    short durations (smoke run); results are printed, not saved",
    "  --save     write bench/results/<date>.json and bench/RESULTS.md even for a partial or quick run",
    "  --out=NAME write the raw figures to bench/results/NAME.json only (RESULTS.md untouched)",
    "  env: BENCH_URL + BENCH_ADMIN_SECRET target a running server; BENCH_DIRECT_URL its runtime port;",
    "       BENCH_SOURCE_DIR=<dir> serves the sources of another tree (e.g. `git archive` of a commit);",
    "       BENCH_DEFLATE=1 offers permessage-deflate; BENCH_NICE=-10 raises the priority of the generator",
    "       and the server (all their threads) on a machine shared with other jobs",
  ].join("\n");
}

function parseArgs(argv) {
  const opts = { quick: false, save: false, list: false, out: null, names: [] };
  for (const arg of argv) {
    if (arg.startsWith("--out=")) opts.out = arg.slice("--out=".length);
    else if (arg === "--quick") opts.quick = true;
    else if (arg === "--save") opts.save = true;
    else if (arg === "--list" || arg === "--help" || arg === "-h") opts.list = true;
    else if (arg.startsWith("-")) throw new Error(`unknown option ${arg}\n${usage()}`);
    else opts.names.push(arg);
  }
  return opts;
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
    miniflare: readVersion("node_modules/miniflare/package.json"),
    ws: readVersion("node_modules/ws/package.json"),
  };
}

function evaluate(spec, result) {
  return (spec.targets ?? []).map((t) => {
    try {
      return { name: t.name, ...t.check(result) };
    } catch (error) {
      return { name: t.name, actual: `n/a (${error.message})`, pass: false };
    }
  });
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.list) {
    console.log(usage());
    return 0;
  }
  const chosen = opts.names.length > 0 ? opts.names.map((n) => findScenario(n)) : SCENARIOS;
  const unknown = opts.names.filter((_name, i) => !chosen[i]);
  if (unknown.length > 0) throw new Error(`unknown scenario ${unknown.join(", ")}\n${usage()}`);
  const full = opts.names.length === 0 && !opts.quick && !opts.out;
  const save = full || opts.save;

  const log = (line) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}`);
  const startedAt = new Date();
  log(`starting${process.env.BENCH_URL ? ` against ${process.env.BENCH_URL}` : " wrangler dev"}`);
  const target = await openTarget();
  log(`target ${target.url}${target.directUrl ? `, runtime port ${target.directUrl}` : ""}`);
  for (const p of target.processes) log(`  process ${p.role} pid ${p.pid}`);

  const ctx = { target, quick: opts.quick, log, runTag: randomUUID().slice(0, 6) };
  // Optional: a higher priority for the generator and the server on a machine shared with other jobs.
  const nice = process.env.BENCH_NICE ? Number(process.env.BENCH_NICE) : null;
  if (nice !== null) log(`priority: nice ${nice} for the generator and the server processes`);
  const results = {};
  let failures = 0;
  try {
    for (const spec of chosen) {
      if (spec.direct && !(await target.refresh()).directUrl) {
        log(`${spec.name}: skipped (runtime port not found)`);
        results[spec.name] = { skipped: "runtime port not found" };
        continue;
      }
      const before = target.processes.map((p) => p.pid).join(",");
      await target.refresh();
      if (target.processes.map((p) => p.pid).join(",") !== before) {
        log(`  server processes changed: ${target.processes.map((p) => `${p.role} ${p.pid}`).join(", ")}`);
        log(`  wrangler output (tail):\n${target.output().slice(-3000)}`);
      }
      if (nice !== null) reniceAll([process.pid, ...target.processes.map((p) => p.pid)], nice);
      const idleBusyPct = await waitForQuiet({ maxWaitMs: opts.quick ? 3000 : 20_000 });
      log(`${spec.name}: machine busy ${idleBusyPct}% before start`);
      const t0 = performance.now();
      try {
        const result = await spec.run(ctx, spec);
        const targets = evaluate(spec, result);
        results[spec.name] = {
          kind: spec.kind,
          spec: describe(spec, opts.quick),
          reference: spec.reference ?? null,
          machineBusyBeforePct: idleBusyPct,
          elapsedSec: Math.round((performance.now() - t0) / 100) / 10,
          ...result,
          targets,
        };
        for (const t of targets) log(`  target ${t.name}: ${t.actual} ${t.pass ? "PASS" : "FAIL"}`);
      } catch (error) {
        failures++;
        log(`${spec.name}: ERROR ${error.stack ?? error}`);
        results[spec.name] = {
          kind: spec.kind,
          spec: describe(spec, opts.quick),
          error: String(error.message ?? error),
        };
      }
    }
  } finally {
    log("stopping server");
    await target.stop();
  }

  const report = {
    date: startedAt.toISOString().slice(0, 10),
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    quick: opts.quick,
    command: [
      ...Object.entries(process.env)
        .filter(([name]) => name.startsWith("BENCH_") && name !== "BENCH_ADMIN_SECRET")
        .map(([name, value]) => `${name}=${value}`),
      "node bench/run.mjs",
      ...process.argv.slice(2),
    ].join(" "),
    machine: { ...machineInfo(), loadavgAtEnd: loadavg().map((x) => Math.round(x * 100) / 100) },
    target: {
      external: target.external,
      url: target.url,
      directUrl: target.directUrl,
      processes: target.processes,
      source: target.source,
      nice,
      vars: target.external ? null : { SEND_RATE_PER_SEC: "100000", SEND_BURST: "100000" },
    },
    scenarios: results,
  };
  const markdown = renderMarkdown(report, readExistingAnalysis());
  if (opts.out) {
    const outPath = join(BENCH, "results", `${opts.out.replace(/[^A-Za-z0-9_.-]/g, "_")}.json`);
    writeFileSync(outPath, `${JSON.stringify(report, null, 2)}\n`);
    log(`wrote ${outPath}`);
    console.log(`\n${markdown}`);
  } else if (save) {
    const jsonPath = join(BENCH, "results", `${report.date}${opts.quick ? "-quick" : ""}.json`);
    writeFileSync(jsonPath, `${JSON.stringify(report, null, 2)}\n`);
    writeFileSync(join(BENCH, "RESULTS.md"), markdown);
    log(`wrote ${jsonPath} and bench/RESULTS.md`);
  } else {
    console.log(`\n${markdown}`);
  }
  return failures > 0 ? 1 : 0;
}

/** The scenario parameters as run (for the JSON). */
function describe(spec, quick) {
  const { run: _run, targets: _targets, reference: _reference, ...rest } = spec;
  return { ...rest, quick };
}

/**
 * The hand-written parts of the current RESULTS.md, kept when it is regenerated: the analysis between
 * the markers and any sections after the end marker.
 */
function readExistingAnalysis() {
  const path = join(BENCH, "RESULTS.md");
  if (!existsSync(path)) return null;
  const text = readFileSync(path, "utf8");
  const m = text.match(/<!-- analysis:start -->\n([\s\S]*?)<!-- analysis:end -->\n?([\s\S]*)$/);
  return m ? { analysis: m[1], trailer: m[2] } : null;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error.stack ?? error);
    process.exit(2);
  },
);
