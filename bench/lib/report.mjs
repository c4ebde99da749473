// Renders the results JSON as bench/RESULTS.md: machine, versions, one table per kind of scenario, the
// targets with pass/fail, CPU per process, and the profile. The hand-written analysis between the
// analysis markers is carried over from the previous RESULTS.md.

const fmt = (x, digits = 0) =>
  x === null || x === undefined || Number.isNaN(x)
    ? "n/a"
    : Number(x).toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
const ms = (x) => (x === null || x === undefined ? "n/a" : fmt(x, x < 10 ? 2 : 1));
/** "12% (2 tries)": CPU other processes used during the reported attempt. */
const disturbed = (i) => (i ? `${fmt(i.otherPct)}%${i.attempts > 1 ? ` (best of ${i.attempts})` : ""}` : "—");
const range = (r) => (Array.isArray(r) ? `${fmt(r[0])}–${fmt(r[1])}` : "—");

/** CPU of one role in a sampler result, as "% of one core". */
function pct(cpu, role) {
  const p = cpu?.processes?.find((x) => x.role === role);
  return p?.pctCore === undefined || p?.pctCore === null ? "—" : `${fmt(p.pctCore)}%`;
}

function waitOf(cpu, role) {
  const w = cpu?.processes?.find((x) => x.role === role)?.runWaitPct;
  return w === undefined || w === null ? "—" : `${fmt(w)}%`;
}

/** "93% R, 2% D" for one sampled main thread. */
function stateOf(states, label) {
  const t = states?.find((x) => x.label === label);
  if (!t || t.runningPct === null) return "—";
  return `${fmt(t.runningPct)}%${t.diskWaitPct ? ` + ${fmt(t.diskWaitPct)}% D` : ""}`;
}

function cpuSec(cpu, role) {
  return cpu?.processes?.find((x) => x.role === role)?.cpuSec ?? null;
}

function versus(value, reference, higherIsBetter = true) {
  if (value === null || value === undefined || !reference) return "—";
  const ratio = value / reference;
  return `${fmt(ratio, 2)}×${higherIsBetter ? "" : " (lower is better)"}`;
}

function fanoutRows(scenarios) {
  const rows = [];
  for (const [name, r] of Object.entries(scenarios)) {
    if (r.kind !== "fanout") continue;
    if (r.error || r.skipped) {
      rows.push(`| ${name} | ${r.error ? `error: ${r.error}` : `skipped: ${r.skipped}`} ||||||||||`);
      continue;
    }
    const ref = r.reference;
    rows.push(
      `| ${name} | ${r.via} | ${r.clients} | ${r.senders} × ${r.ratePerSender}/s × ${r.durationSec} s | ${fmt(r.connect?.connectAllMs)} ms${r.connect?.repeats > 1 ? ` (${fmt(r.connect.minMs)}–${fmt(r.connect.maxMs)}, median of ${r.connect.repeats})` : ""} | ${fmt(r.offeredDeliveriesPerSec)} | **${fmt(r.deliveriesPerSec)}** | ${ms(r.latencyMs.p50)} / ${ms(r.latencyMs.p95)} / **${ms(r.latencyMs.p99)}** / ${ms(r.latencyMs.max)} | ${fmt(r.lost)} / ${fmt(r.duplicates)} | ${disturbed(r.interference)} | ${ref ? `${fmt(ref.deliveriesPerSec)}/s, p99 ${range(ref.p99Ms)} ms${ref.connectAllMs ? `, connect ${range(ref.connectAllMs.map((x) => x / 1000))} s` : ""}` : "—"} |`,
    );
  }
  return rows;
}

function rampTable(name, r) {
  const lines = [
    `#### ${name} (${r.via}, ${r.steps?.[0]?.clients ?? "?"} clients, ${r.steps?.[0]?.senders ?? "?"} senders, ${r.stepSec} s per step)`,
    "",
    `Best step with p99 ≤ 100 ms and no loss: **${fmt(r.best?.deliveriesPerSec)} deliveries/s** (R = ${r.best?.ratePerSender ?? "n/a"} msg/s per sender). Stopped: ${r.stopReason}. Connect-all: ${fmt(r.connect?.connectAllMs)} ms.`,
    "",
    "| R msg/s/sender | offered deliveries/s | measured deliveries/s | p50 / p95 / p99 / max ms | send→ack p99 ms | send lag p99 ms | lost / dup | runtime CPU | proxy CPU | wrangler node | generator CPU | softirq | runtime main thread R (+D) | other processes | ok |",
    "|---:|---:|---:|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---|",
  ];
  for (const s of r.steps ?? []) {
    lines.push(
      `| ${s.ratePerSender} | ${fmt(s.offeredDeliveriesPerSec)} | ${fmt(s.deliveriesPerSec)} | ${ms(s.latencyMs.p50)} / ${ms(s.latencyMs.p95)} / ${ms(s.latencyMs.p99)} / ${ms(s.latencyMs.max)} | ${ms(s.ackLatencyMs.p99)} | ${ms(s.sendLagMs.p99)} | ${fmt(s.lost)} / ${fmt(s.duplicates)} | ${pct(s.cpu, "workerd (runtime)")} | ${pct(s.cpu, "workerd (dev proxy)")} | ${pct(s.cpu, "wrangler (node)")} | ${pct(s.cpu, "generator")} | ${columnPct(s.cpu, "softirq")} | ${stateOf(s.threadStates, "workerd (runtime)")} | ${disturbed(s.interference)} | ${s.ok ? "yes" : `no: ${s.reasons.join(", ")}`}${s.firstTry ? ` (2nd try; 1st: ${fmt(s.firstTry.deliveriesPerSec)}/s, p99 ${ms(s.firstTry.latencyMs.p99)} ms)` : ""} |`,
    );
  }
  return lines;
}

function httpRows(scenarios) {
  const rows = [];
  for (const [name, r] of Object.entries(scenarios)) {
    if (r.kind !== "http") continue;
    if (r.error) {
      rows.push(`| ${name} | error: ${r.error} |||||||||`);
      continue;
    }
    for (const [path, e] of Object.entries(r.endpoints)) {
      rows.push(
        `| ${name} | \`${path}\` | ${e.concurrency} | **${fmt(e.rps)}** | ${ms(e.latencyMs.p50)} / ${ms(e.latencyMs.p99)} / ${ms(e.latencyMs.max)} | ${fmt(e.requests)} / ${fmt(e.failures)} | ${pct(e.cpu, "workerd (runtime)")} | ${pct(e.cpu, "workerd (dev proxy)")} | ${pct(e.cpu, "generator")} | ${disturbed(e.interference)} |`,
      );
    }
  }
  return rows;
}

/** Seconds of a /proc/stat column as % of one core. */
function columnPct(cpu, name) {
  const sec = cpu?.machine?.columns?.[name];
  return sec === undefined ? "—" : `${fmt((100 * sec) / cpu.wallSec)}%`;
}

function diskOf(cpu) {
  const disks = cpu?.machine?.disks ?? [];
  if (disks.length === 0) return "—";
  return disks.map((d) => `${d.name} ${fmt(d.utilPct)}%, ${fmt(d.writtenMB, 1)} MB`).join("; ");
}

function otherProcs(cpu) {
  const list = cpu?.machine?.otherProcesses ?? [];
  if (list.length === 0) return "—";
  return list
    .slice(0, 3)
    .map((p) => `${p.comm} ${fmt(p.pctCore)}%`)
    .join(", ");
}

function cpuRows(scenarios) {
  const rows = [];
  const add = (label, cpu, deliveries) => {
    if (!cpu) return;
    const runtime = cpuSec(cpu, "workerd (runtime)");
    const proxy = cpuSec(cpu, "workerd (dev proxy)");
    const gen = cpuSec(cpu, "generator");
    const per = (sec) => (sec !== null && deliveries ? fmt((sec * 1e6) / deliveries, 1) : "—");
    rows.push(
      `| ${label} | ${fmt(cpu.wallSec, 1)} s | ${pct(cpu, "workerd (runtime)")} | ${pct(cpu, "workerd (dev proxy)")} | ${pct(cpu, "wrangler (node)")} | ${pct(cpu, "generator")} | ${columnPct(cpu, "softirq")} | ${columnPct(cpu, "steal")} | ${otherProcs(cpu)} | ${diskOf(cpu)} | ${cpu.machine ? `${fmt(cpu.machine.busyPct)}%` : "—"} | ${waitOf(cpu, "workerd (runtime)")} / ${waitOf(cpu, "workerd (dev proxy)")} / ${waitOf(cpu, "generator")} | ${per(runtime)} | ${per(proxy)} | ${per(gen)} |`,
    );
  };
  for (const [name, r] of Object.entries(scenarios)) {
    if (r.error || r.skipped) continue;
    if (r.kind === "fanout") {
      add(`${name} connect`, r.connectCpu, null);
      add(`${name} send`, r.cpu, r.deliveries);
    } else if (r.kind === "profile") {
      for (const ph of r.phases ?? []) {
        add(`${name} ${ph.connect ? "connect-all" : `R=${ph.ratePerSender}`} (under perf)`, ph.cpu, ph.deliveries);
      }
    } else if (r.kind === "ramp") {
      for (const s of r.steps) add(`${name} R=${s.ratePerSender}`, s.cpu, s.deliveries);
    } else if (r.kind === "http") {
      for (const [path, e] of Object.entries(r.endpoints)) add(`${name} ${path}`, e.cpu, null);
    }
  }
  return rows;
}

function threadLines(scenarios) {
  const lines = [];
  for (const [name, r] of Object.entries(scenarios)) {
    if (r.error || r.skipped || r.kind === "http" || r.kind === "profile") continue;
    const cpu = r.kind === "ramp" ? (r.firstFailing?.cpu ?? r.best?.cpu) : r.cpu;
    if (!cpu) continue;
    const label = r.kind === "ramp" ? `${name} R=${r.firstFailing?.ratePerSender ?? r.best?.ratePerSender}` : name;
    for (const p of cpu.processes) {
      if (!p.threads || p.threads.length === 0) continue;
      const top = p.threads
        .slice(0, 4)
        .map((t) => `${t.name} (tid ${t.tid}) ${fmt(t.pctCore)}%`)
        .join(", ");
      lines.push(
        `| ${label} | ${p.role} | ${fmt(p.userSec, 2)} / ${fmt(p.sysSec, 2)} | ${p.threads.length} | ${top} |`,
      );
    }
  }
  return lines;
}

function stateRows(scenarios) {
  const rows = [];
  const add = (label, states) => {
    if (!states) return;
    rows.push(
      `| ${label} | ${stateOf(states, "workerd (runtime)")} | ${stateOf(states, "workerd (dev proxy)")} | ${stateOf(states, "generator")} | ${states.find((t) => t.label === "workerd (runtime)")?.topDiskWaits?.join(", ") || "—"} |`,
    );
  };
  for (const [name, r] of Object.entries(scenarios)) {
    if (r.error || r.skipped) continue;
    if (r.kind === "fanout") {
      add(`${name} connect`, r.connect?.threadStates);
      add(`${name} send`, r.threadStates);
    } else if (r.kind === "profile")
      for (const ph of r.phases ?? [])
        add(`${name} ${ph.connect ? "connect-all" : `R=${ph.ratePerSender}`}`, ph.threadStates);
    else if (r.kind === "ramp") for (const s of r.steps) add(`${name} R=${s.ratePerSender}`, s.threadStates);
    else if (r.kind === "http")
      for (const [path, e] of Object.entries(r.endpoints)) add(`${name} ${path}`, e.threadStates);
  }
  return rows;
}

const CATEGORIES = [
  ["kernel", "kernel (syscalls, TCP, scheduler)"],
  ["runtime C++ (kj / capnp / workerd)", "runtime I/O (kj / capnp / workerd C++)"],
  ["JavaScript / V8", "JavaScript / V8 (JIT code, builtins, GC)"],
  ["SQLite", "SQLite"],
  ["node / libuv C++", "node / libuv C++"],
  ["allocator", "memory allocator"],
  ["libc", "libc"],
];

function perfLines(scenarios) {
  const r = Object.values(scenarios).find((x) => x.kind === "profile" && !x.error);
  if (!r) return ["(no profile scenario in this run)"];
  const lines = [];
  for (const ph of r.phases ?? []) {
    lines.push(`#### ${ph.title}${ph.connect ? `: ${fmt(ph.connect.connectAllMs)} ms` : ""}`, "");
    if (!ph.perf) {
      lines.push("(perf was not available)", "");
      continue;
    }
    lines.push(
      `| process | CPU (% of a core) | samples | ${CATEGORIES.map(([label]) => label).join(" | ")} | other |`,
      `|---|---:|---:|${CATEGORIES.map(() => "---:").join("|")}|---:|`,
    );
    for (const p of ph.perf) {
      if (p.error) {
        lines.push(`| perf error: ${p.error} |`);
        continue;
      }
      const cat = new Map((p.byCategory ?? []).map((c) => [c.what, c.pct]));
      const known = CATEGORIES.reduce((sum, [, key]) => sum + (cat.get(key) ?? 0), 0);
      const cpuP = ph.cpu?.processes?.find((x) => x.role === p.role);
      lines.push(
        `| ${p.role} | ${cpuP ? `${fmt(cpuP.pctCore)}%` : "—"} | ${fmt(p.samples)} | ${CATEGORIES.map(([, key]) => `${fmt(cat.get(key) ?? 0, 1)}%`).join(" | ")} | ${fmt(Math.max(0, 100 - known), 1)}% |`,
      );
    }
    lines.push("");
    for (const p of ph.perf) {
      if (p.error || p.samples < 100) continue;
      const top = p.bySymbol
        .slice(0, 10)
        .map((x) => `\`${x.what.replace(/\|/g, "\\|").slice(0, 90)}\` ${fmt(x.pct, 1)}%`)
        .join(", ");
      lines.push(`- **${p.role}** top symbols: ${top}`);
    }
    lines.push("");
  }
  return lines;
}

function targetRows(scenarios) {
  const rows = [];
  for (const [name, r] of Object.entries(scenarios)) {
    for (const t of r.targets ?? [])
      rows.push(`| ${name} | ${t.name} | ${t.actual} | ${t.pass ? "✅ pass" : "❌ fail"} |`);
  }
  return rows;
}

function referenceRows(scenarios) {
  const rows = [];
  for (const [name, r] of Object.entries(scenarios)) {
    const ref = r.reference;
    if (!ref || r.error || r.skipped) continue;
    const measured = r.kind === "ramp" ? r.best?.deliveriesPerSec : r.deliveriesPerSec;
    const p99 = r.kind === "ramp" ? r.best?.latencyMs?.p99 : r.latencyMs?.p99;
    rows.push(
      `| ${name} | ${fmt(ref.deliveriesPerSec)}/s${ref.p99Ms ? `, p99 ${range(ref.p99Ms)} ms` : ""}${ref.connectAllMs ? `, connect ${range(ref.connectAllMs)} ms` : ""} | ${fmt(measured)}/s, p99 ${ms(p99)} ms${ref.connectAllMs ? `, connect ${fmt(r.connect?.connectAllMs)} ms` : ""} | ${versus(measured, ref.deliveriesPerSec)} | ${ref.p99Ms && p99 !== null && p99 !== undefined ? (p99 <= ref.p99Ms[0] ? "better than the whole range" : p99 <= ref.p99Ms[1] ? "inside the range" : "worse") : "—"} |`,
    );
  }
  return rows;
}

/** `kept` = { analysis, trailer }: hand-written text carried over from the previous RESULTS.md. */
export function renderMarkdown(report, kept) {
  const analysis = kept?.analysis ?? null;
  const trailer = kept?.trailer?.trim() ? kept.trailer : "";
  const m = report.machine;
  const s = report.scenarios;
  const lines = [
    "# edgeroom benchmark results",
    "",
    `Run ${report.startedAt} → ${report.finishedAt}${report.quick ? " (**quick mode: short durations, smoke figures only**)" : ""}. Command: \`${report.command ?? "node bench/run.mjs"}\`. Raw figures: \`bench/results/${report.date}${report.quick ? "-quick" : ""}.json\`. Regenerate with \`npm run bench\` (all scenarios, 10–30 min depending on how busy the machine is) — see \`node bench/run.mjs --list\`.`,
    "",
    "## Machine and versions",
    "",
    "| | |",
    "|---|---|",
    `| CPU | ${m.cpuModel}, ${m.cpuCount} cores (generator, dev proxy and runtime share them) |`,
    `| Memory | ${m.totalMemGiB} GiB |`,
    `| Kernel | ${m.kernel} |`,
    `| Node (generator) | ${m.node}, ws ${m.ws} |`,
    `| wrangler / miniflare / workerd | ${m.wrangler} / ${m.miniflare} / ${m.workerd} |`,
    `| Server | ${report.target.external ? `external ${report.target.url}` : `own \`wrangler dev\` (fresh state, ${report.target.source?.snapshot ? "sources copied to a temp dir so edits cannot reload it mid-run" : "working tree"}), SEND_RATE_PER_SEC = SEND_BURST = 100000`}; runtime port ${report.target.directUrl ? "found" : "not found"} |`,
    `| Priority | ${report.target.nice === null || report.target.nice === undefined ? "default (nice 0)" : `generator and server threads at nice ${report.target.nice} (shared machine)`} |`,
    `| Code | ${report.target.source ? `commit ${report.target.source.commit?.slice(0, 10) ?? "?"}${report.target.source.uncommittedSrcFiles ? ` + ${report.target.source.uncommittedSrcFiles} uncommitted file(s) under src/` : ""}` : "n/a"} |`,
    "",
    "Method: one Node process opens every socket (`ws`, no permessage-deflate), the first S sockets send R msg/s each, interleaved evenly; each message's content starts with its send time (`performance.now()`), so latency = receive time − send time on one clock, for every delivery (one message at one client, the sender's own socket included). Lost = acked seqs a client had not received by the end of the drain (≤ 2 s after the last send); duplicates = a seq twice at one client. Deliveries/s = unique deliveries ÷ (last delivery − first send). The machine is shared with other jobs: each measured phase waits (≤ 30 s) for a quiet machine, is repeated (≤ 4 tries) when other processes used more than 8% of a core during it, and the least disturbed try is reported; the *other processes* columns give that try's interference. CPU = utime+stime from `/proc/<pid>/stat` over the phase, in % of one core.",
    "",
    "## Fan-out",
    "",
    "| scenario | via | clients | senders × rate × time | connect-all | offered deliveries/s | deliveries/s | latency p50 / p95 / p99 / max ms | lost / dup | other processes' CPU | reference (workers-chat-demo) |",
    "|---|---|---:|---|---:|---:|---:|---|---|---:|---|",
    ...fanoutRows(s),
    "",
    "## Saturation ramp",
    "",
  ];
  for (const [name, r] of Object.entries(s)) {
    if (r.kind !== "ramp") continue;
    if (r.error || r.skipped)
      lines.push(`#### ${name}: ${r.error ? `error: ${r.error}` : `skipped: ${r.skipped}`}`, "");
    else lines.push(...rampTable(name, r), "");
  }
  lines.push(
    "## HTTP APIs",
    "",
    "Closed loop at fixed concurrency through the dev proxy; admin calls are signed with a fresh nonce each.",
    "",
    "| scenario | endpoint | concurrency | req/s | latency p50 / p99 / max ms | requests / failures | runtime CPU | proxy CPU | generator CPU | other processes |",
    "|---|---|---:|---:|---|---|---:|---:|---:|---:|",
    ...httpRows(s),
    "",
    "## Versus the reference",
    "",
    "| scenario | reference (workers-chat-demo, similar machine) | edgeroom | throughput ratio | p99 vs reference range |",
    "|---|---|---|---:|---|",
    ...referenceRows(s),
    "",
    "## Targets",
    "",
    "| scenario | target | measured | result |",
    "|---|---|---|---|",
    ...targetRows(s),
    "",
    "## Profile / bottleneck",
    "",
    "### CPU per process (% of one core over each phase; µs of CPU per delivery)",
    "",
    "Process figures are utime+stime; *softirq* and *steal* are machine-wide (`/proc/stat`): softirq is kernel network work (loopback TCP receive) that is charged to no process, steal is time the hypervisor gave elsewhere. *Other processes* are the busiest processes outside the benchmark in the same window. *Disk* is the share of the phase with I/O in flight on each disk and what was written (SQLite commits of the room and the nonce guard wait for it; other jobs share the disk). Machine busy is % of all cores. *Run-queue wait* (`/proc/<pid>/task/*/schedstat`) is time a process's threads were runnable but not running, in % of the wall time: CPU contention rather than CPU use.",
    "",
    "| phase | wall | runtime workerd | dev-proxy workerd | wrangler node | generator | softirq | steal | other processes | disk util, written | machine busy | run-queue wait runtime / proxy / generator | µs runtime / delivery | µs proxy / delivery | µs generator / delivery |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---|---|---:|---|---:|---:|---:|",
    ...cpuRows(s),
    "",
    "### Threads (busiest threads of each process; a thread at ~100% is a single-thread limit)",
    "",
    "| phase | process | user / sys s | busy threads | busiest (% of one core) |",
    "|---|---|---|---:|---|",
    ...threadLines(s),
    "",
    "### Main threads (share of samples in state R = running or runnable, D = waiting for disk; 200 Hz)",
    "",
    "Each process's event loop runs on its main thread; a thread that is R nearly all the time cannot take more load, whatever its CPU figure (softirq work done while it runs is not charged to it; R also counts time waiting for a core).",
    "",
    "| phase | runtime main thread | dev-proxy main thread | generator main thread | runtime disk waits |",
    "|---|---:|---:|---:|---|",
    ...stateRows(s),
    "",
    "### perf",
    "",
    "`perf record -e cpu-clock -F 999` on the processes while the profile scenario runs (perf costs a little; the figures above were taken without it). Samples are grouped by process, then by kind of code.",
    "",
    ...perfLines(s),
    "",
    "### Analysis",
    "",
    "<!-- analysis:start -->",
    (analysis ?? "(write the analysis here; it is kept when the report is regenerated)").replace(/\n+$/, ""),
    "<!-- analysis:end -->",
  );
  return `${lines.join("\n")}\n${trailer}`;
}
