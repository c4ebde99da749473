// Renders a run's results (run.mjs) as bench/RESULTS.md and the SVG charts in bench/charts/: side-by-side
// tables per scenario with the ratio edgeroom / demo, the ramp per server, the SPEC §8.6 targets, the
// HTTP APIs with their profiles, the overload timeline and the heavy legitimate users. Every figure is
// shown with the generator's event-loop lag and the machine's idle time, so a reader sees which side
// saturated. The hand-written analysis between the analysis markers is carried over.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { KNEE_P99_MS } from "../kinds/fanout.mjs";
import { liveSection } from "./report-live.mjs";
import { barChart, COLORS, lineChart } from "./svg.mjs";

const fmt = (x, digits = 0) =>
  x === null || x === undefined || Number.isNaN(x)
    ? "n/a"
    : Number(x).toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
const ms = (x) => (x === null || x === undefined ? "n/a" : fmt(x, x < 10 ? 2 : 1));
const us = (x) => (x === null || x === undefined ? "n/a" : fmt(x, x < 10 ? 2 : 1));
const ratio = (a, b) => (a === null || a === undefined || !b ? "—" : `${fmt(a / b, 2)}×`);
const TARGETS = ["edgeroom", "demo"];

/** Rows of a side-by-side table: [label, key, formatter, "lower"|"higher" is better]. */
const FANOUT_ROWS = [
  ["deliveries/s", "deliveriesPerSec", (x) => fmt(x), "higher"],
  ["latency p50 ms", "p50", ms, "lower"],
  ["latency p99 ms", "p99", ms, "lower"],
  ["send→ack p99 ms (demo: echo to sender)", "ackP99", ms, "lower"],
  ["lost / duplicates (worst run)", null, null, null],
  ["runtime CPU µs per delivery", "runtimeUsPerDelivery", us, "lower"],
  ["runtime CPU, % of a core", "runtimePct", (x) => fmt(x), "lower"],
  ["deliveries per frame", "deliveriesPerFrame", (x) => fmt(x, 2), null],
  ["connect-all ms", "connectAllMs", (x) => fmt(x), "lower"],
  ["generator: event-loop lag p99 ms", "generatorLagP99", ms, null],
  ["generator CPU µs per delivery", "generatorUsPerDelivery", us, null],
  ["machine idle %", "idlePct", (x) => fmt(x), null],
];

function sideBySide(r) {
  const present = TARGETS.filter((t) => r.byTarget?.[t]);
  const lines = [
    `| figure (median of runs) | ${present.join(" | ")} | edgeroom / demo |`,
    `|---|${present.map(() => "---:").join("|")}|---:|`,
  ];
  for (const [label, key, f, better] of FANOUT_ROWS) {
    if (key === null) {
      lines.push(
        `| ${label} | ${present.map((t) => `${fmt(r.byTarget[t].median.lost)} / ${fmt(r.byTarget[t].median.duplicates)}`).join(" | ")} | |`,
      );
      continue;
    }
    const v = present.map((t) => r.byTarget[t].median[key]);
    const rat = present.length === 2 ? ratio(v[0], v[1]) : "—";
    lines.push(
      `| ${label} | ${v.map(f).join(" | ")} | ${rat}${better && rat !== "—" ? ` (${better} is better)` : ""} |`,
    );
  }
  const runs = present.map((t) => `${t}: ${r.byTarget[t].runs.length}`).join(", ");
  lines.push(
    "",
    `Runs per server: ${runs}. All runs' p99 (ms): ${present.map((t) => `${t} ${r.byTarget[t].runs.map((x) => ms(x.latencyMs.p99)).join(", ")}`).join("; ")}.`,
  );
  return lines;
}

function rampTables(r) {
  const lines = [];
  for (const t of TARGETS) {
    const x = r.byTarget?.[t];
    if (!x) continue;
    lines.push(
      `#### ${t}: knee **${x.knee ? `${fmt(x.knee.offered)} offered, ${fmt(x.knee.deliveriesPerSec)} delivered/s` : "below the first step"}** (stopped at ${x.stopReason})`,
      "",
      "| offered/s | delivered/s | p50 / p99 ms | ack p99 ms | lost | runtime µs/delivery | runtime % core | generator % core | gen. lag p99 ms | idle % | ok |",
      "|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---|",
    );
    for (const s of x.steps) {
      const m = s.median;
      const genPct = median(s.runs.map((run) => run.cpu?.processes?.find((p) => p.role === "generator")?.pctCore));
      lines.push(
        `| ${fmt(s.offered)} | ${fmt(m.deliveriesPerSec)} | ${ms(m.p50)} / ${ms(m.p99)} | ${ms(m.ackP99)} | ${fmt(m.lost)} | ${us(m.runtimeUsPerDelivery)} | ${fmt(m.runtimePct)} | ${fmt(genPct)} | ${ms(m.generatorLagP99)} | ${fmt(m.idlePct)} | ${s.ok ? "yes" : `no: ${s.reasons.join(", ")}`} |`,
      );
    }
    lines.push("");
  }
  return lines;
}

function median(values) {
  const xs = values.filter((x) => typeof x === "number").sort((a, b) => a - b);
  return xs.length ? xs[Math.floor(xs.length / 2)] : null;
}

/** SPEC §8.6 targets, where both servers ran. */
function targetRows(s) {
  const rows = [];
  for (const [name, r] of Object.entries(s)) {
    if (r.kind !== "fanout" || !r.byTarget?.demo) continue;
    const e = r.byTarget.edgeroom.median;
    const d = r.byTarget.demo.median;
    rows.push(`| ${name}: p50 ≤ demo | ${ms(e.p50)} vs ${ms(d.p50)} ms | ${e.p50 <= d.p50 ? "✅" : "❌"} |`);
    rows.push(`| ${name}: p99 ≤ demo | ${ms(e.p99)} vs ${ms(d.p99)} ms | ${e.p99 <= d.p99 ? "✅" : "❌"} |`);
    if (name === "fanout-500") {
      rows.push(
        `| ${name}: runtime CPU per delivery ≤ demo | ${us(e.runtimeUsPerDelivery)} vs ${us(d.runtimeUsPerDelivery)} µs | ${e.runtimeUsPerDelivery <= d.runtimeUsPerDelivery ? "✅" : "❌"} |`,
      );
    }
  }
  const ramp = s["ramp-200"];
  if (ramp?.byTarget?.demo) {
    const e = ramp.byTarget.edgeroom.knee?.offered ?? 0;
    const d = ramp.byTarget.demo.knee?.offered ?? 0;
    rows.push(
      `| ramp-200: knee ≥ 3× demo | ${fmt(e)} vs ${fmt(d)} offered/s (${ratio(e, d)}) | ${d > 0 && e >= 3 * d ? "✅" : "❌"} |`,
    );
  }
  return rows;
}

function profileLines(title, p) {
  if (!p) return [];
  if (p.error) return [`- ${title}: profile failed (${p.error})`];
  const lines = [
    `**${title}** — ${fmt(p.busyMs)} ms busy of ${fmt(p.sampledMs)} ms sampled (\`${p.file}\`). Self time, top frames:`,
    "",
    "| frame | self ms | % of busy |",
    "|---|---:|---:|",
    ...p.selfTop
      .slice(0, 12)
      .map((f) => `| \`${f.frame.replace(/\|/g, "\\|")}\` | ${fmt(f.ms, 1)} | ${fmt(f.pctOfBusy, 1)} |`),
    "",
    `By module (self): ${p.byModule
      .slice(0, 8)
      .map((m) => `${m.frame} ${fmt(m.pctOfBusy, 1)}%`)
      .join(", ")}.`,
    "",
    `Inclusive (self + callees): ${p.totalTop
      .slice(0, 10)
      .map((f) => `\`${f.frame}\` ${fmt(f.pctOfBusy, 0)}%`)
      .join(", ")}.`,
    "",
  ];
  return lines;
}

function nativeLine(n) {
  if (!n?.samples) return [];
  return [
    `Native (perf, runtime process): ${n.byCategory
      .slice(0, 6)
      .map((c) => `${c.what} ${fmt(c.pct, 1)}%`)
      .join(", ")}; top symbols: ${n.bySymbol
      .slice(0, 6)
      .map((x) => `\`${x.what.slice(0, 60)}\` ${fmt(x.pct, 1)}%`)
      .join(", ")}.`,
    "",
  ];
}

function httpLines(s) {
  const lines = [
    "| scenario | endpoint | concurrency | req/s | p50 / p99 ms | failures | runtime µs/request | dev proxy µs/request | wrangler µs/request | runtime % core | generator % core | gen. lag p99 ms | idle % |",
    "|---|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|",
  ];
  const profiles = [];
  for (const [name, r] of Object.entries(s)) {
    if (r.kind !== "http" || r.error) continue;
    for (const [path, e] of Object.entries(r.endpoints)) {
      const m = e.median;
      lines.push(
        `| ${name} | \`${path}\` | ${e.concurrency} | **${fmt(m.rps)}** | ${ms(m.p50)} / ${ms(m.p99)} | ${fmt(m.failures)} | ${us(m.runtimeUsPerRequest)} | ${us(m.proxyUsPerRequest)} | ${us(m.wranglerUsPerRequest)} | ${fmt(m.runtimePct)} | ${fmt(m.generatorPct)} | ${ms(m.generatorLagP99)} | ${fmt(m.idlePct)} |`,
      );
      if (e.profile)
        profiles.push(
          ...profileLines(`${path} (profiled pass: ${fmt(e.profile.rps)} req/s)`, e.profile.js),
          ...nativeLine(e.profile.native),
        );
    }
  }
  return [...lines, "", ...profiles];
}

/**
 * p50 / p99 of answers that came, unless more than 1% never came within the drain: then the percentile
 * is only known to exceed the phase and its drain.
 */
function tail(latency, missing, total, drainMs) {
  if (total > 0 && missing / total > 0.01) {
    return `> ${fmt(drainMs)} ms after the last send: ${fmt(missing)} of ${fmt(total)} (${fmt((100 * missing) / total, 1)}%) never arrived (of those that did: ${ms(latency.p50)} / ${ms(latency.p99)} ms)`;
  }
  return `${ms(latency.p50)} / **${ms(latency.p99)}** ms`;
}

function overloadLines(r) {
  if (!r || r.error) return [r?.error ? `error: ${r.error}` : "(not run)"];
  const t = r.timeline;
  // Sends the room shed silently were never stored: then only acked sends owe deliveries.
  const shed = r.unanswered > 0 && r.stored !== null && r.stored <= r.accepted;
  const expected = (shed ? r.accepted : r.sent - r.refused) * r.liveClients;
  const lines = [
    `Room budget ROOM_SENDS_PER_SEC: ${r.roomBudget}. Offered ${fmt(r.offeredSendsPerSec)} sends/s from one socket for ${fmt(r.durationSec)} s; sent ${fmt(r.sent)} (${fmt(r.sentPerSec)}/s), acked ${fmt(r.accepted)} (${fmt(r.acceptedPerSec)}/s), refused by an error frame naming the send ${fmt(r.refused)}; ROOM_BUSY frames ${fmt(r.busyErrors)} (retryAfterSec ${JSON.stringify(r.retryAfterSec)}); ${shed ? `**shed without a frame of their own (not stored; the room sends one ROOM_BUSY notice a second per socket): ${fmt(r.unanswered)}**` : `**unanswered after a ${fmt(r.drainMs)} ms drain: ${fmt(r.unanswered)}**`}. Stored: **${fmt(r.stored)}** messages. Ack p50 / p99 ${shed ? `${ms(r.ackLatencyMs.p50)} / **${ms(r.ackLatencyMs.p99)}** ms (acked sends)` : tail(r.ackLatencyMs, r.unanswered, r.sent, r.drainMs)}; delivery p50 / p99 ${tail(r.latencyMs, expected - r.deliveries, expected, r.drainMs)} to ${fmt(r.liveClients)} clients (lost ${fmt(r.lost)}). Generator lag p99 ${ms(r.generatorLagMs.p99)} ms, machine idle ${fmt(r.machine.idlePct)}%.`,
    "",
    "![overload timeline](charts/overload-timeline.svg)",
    "",
    `| sent in slot (${t.slotMs} ms) | acked | ack p50 / p99 ms | deliveries | delivery p50 / p99 ms |`,
    "|---:|---:|---|---:|---|",
  ];
  t.delivery.forEach((d, i) => {
    const a = t.ack[i];
    if (!a.count && !d.count) return;
    lines.push(
      `| ${fmt((i * t.slotMs) / 1000, 1)} s | ${fmt(a.count)} | ${ms(a.p50)} / ${ms(a.p99)} | ${fmt(d.count)} | ${ms(d.p50)} / ${ms(d.p99)} |`,
    );
  });
  return lines;
}

function heavyLines(s) {
  const lines = [];
  const b = s["admin-batch"];
  if (b && !b.error) {
    lines.push(
      `**admin-batch** (${b.spec.about}): ${fmt(b.requests)} calls at ${fmt(b.rps)}/s${b.skipped ? ` (${fmt(b.skipped)} more not sent: 256 already in flight)` : ""}, **${fmt(b.successPct, 1)}% succeeded**; outcomes ${JSON.stringify(b.byOutcome)}; latency p50 / p99 ${ms(b.latencyMs.p50)} / ${ms(b.latencyMs.p99)} ms; schedule lag p99 ${ms(b.scheduleLagMs.p99)} ms; generator lag p99 ${ms(b.mainThreadLagMs?.p99)} ms; machine idle ${fmt(b.machine.idlePct)}%.`,
      "",
    );
  } else if (b?.error) lines.push(`admin-batch: error: ${b.error}`, "");
  const h = s["host-moderation"];
  if (h && !h.error) {
    const m = h.moderation;
    lines.push(
      `**host-moderation** (${h.spec.about}): ${fmt(m.requests)} restriction calls, **${fmt(m.successPct, 1)}% succeeded**; outcomes ${JSON.stringify(m.byOutcome)}; latency p50 / p99 ${ms(m.latencyMs.p50)} / ${ms(m.latencyMs.p99)} ms. The room meanwhile: ${fmt(h.fanout.deliveriesPerSec)} deliveries/s, p50 / p99 ${ms(h.fanout.latencyMs.p50)} / ${ms(h.fanout.latencyMs.p99)} ms, lost ${fmt(h.fanout.lost)}, send errors ${JSON.stringify(h.fanout.errors)}; generator lag p99 ${ms(h.fanout.generatorLagMs.p99)} ms; machine idle ${fmt(h.machine.idlePct)}%.`,
      "",
    );
  } else if (h?.error) lines.push(`host-moderation: error: ${h.error}`, "");
  return lines.length ? lines : ["(not run)"];
}

function fanoutProfiles(s) {
  const lines = [];
  for (const [name, r] of Object.entries(s)) {
    for (const [t, p] of Object.entries(r.profiles ?? {})) {
      lines.push(...profileLines(`${name}, ${t}, send phase`, p.send), ...nativeLine(p.native));
    }
  }
  return lines;
}

/** Writes the charts of a run into `dir` (bench/charts). */
export function writeCharts(report, dir) {
  mkdirSync(dir, { recursive: true });
  const s = report.scenarios;
  const ramp = s["ramp-200"];
  if (ramp?.byTarget) {
    const series = [];
    const cpu = [];
    for (const t of TARGETS) {
      const steps = ramp.byTarget[t]?.steps;
      if (!steps) continue;
      series.push({
        name: `${t} p50`,
        color: COLORS[t],
        dash: "5 4",
        points: steps.map((x) => [x.offered, x.median.p50]),
      });
      series.push({ name: `${t} p99`, color: COLORS[t], points: steps.map((x) => [x.offered, x.median.p99]) });
      cpu.push({ name: t, color: COLORS[t], points: steps.map((x) => [x.offered, x.median.runtimeUsPerDelivery]) });
    }
    writeFileSync(
      join(dir, "latency-vs-load.svg"),
      lineChart({
        title: "Latency vs offered load (200 clients, 10 senders)",
        xLabel: "offered deliveries/s",
        yLabel: "latency ms (log)",
        series,
        logX: true,
        logY: true,
        hLines: [{ y: KNEE_P99_MS, label: `${KNEE_P99_MS} ms bound` }],
      }),
    );
    writeFileSync(
      join(dir, "cpu-vs-load.svg"),
      lineChart({
        title: "Runtime CPU per delivery vs offered load",
        xLabel: "offered deliveries/s",
        yLabel: "µs of workerd CPU per delivery (log)",
        series: cpu,
        logX: true,
        logY: true,
      }),
    );
  }
  const groups = Object.entries(s)
    .filter(([, r]) => r.kind === "fanout" && r.byTarget)
    .map(([name, r]) => ({
      label: name,
      bars: TARGETS.filter((t) => r.byTarget[t]).map((t) => ({
        name: t,
        color: COLORS[t],
        value: r.byTarget[t].median.runtimeUsPerDelivery,
      })),
    }));
  if (groups.length)
    writeFileSync(
      join(dir, "cpu-per-delivery.svg"),
      barChart({ title: "Runtime CPU per delivery (median)", yLabel: "µs of workerd CPU per delivery", groups }),
    );
  const latency = Object.entries(s)
    .filter(([, r]) => r.kind === "fanout" && r.byTarget)
    .map(([name, r]) => ({
      label: name,
      bars: TARGETS.filter((t) => r.byTarget[t]).flatMap((t) => [
        { name: `${t} p50`, color: `${COLORS[t]}99`, value: r.byTarget[t].median.p50 },
        { name: `${t} p99`, color: COLORS[t], value: r.byTarget[t].median.p99 },
      ]),
    }));
  if (latency.length)
    writeFileSync(
      join(dir, "fanout-latency.svg"),
      barChart({ title: "Fan-out latency (median of runs)", yLabel: "ms", groups: latency }),
    );
  const o = s.overload;
  if (o?.timeline) {
    const x = (i) => ((i + 0.5) * o.timeline.slotMs) / 1000;
    writeFileSync(
      join(dir, "overload-timeline.svg"),
      lineChart({
        title: `Overload: ${o.offeredSendsPerSec} sends/s from one socket`,
        xLabel: "send time, s",
        yLabel: "p99 latency ms (log)",
        logY: true,
        series: [
          { name: "ack p99", color: COLORS.edgeroom, points: o.timeline.ack.map((a, i) => [x(i), a.p99]) },
          { name: "delivery p99", color: COLORS.demo, points: o.timeline.delivery.map((d, i) => [x(i), d.p99]) },
        ],
      }),
    );
  }
}

/** `kept` = { analysis, trailer }: hand-written text carried over from the previous RESULTS.md. */
export function renderMarkdown(report, kept) {
  const m = report.machine;
  const s = report.scenarios;
  const server = (key) => report.servers[key];
  const edgeroom = Object.values(report.servers).find((x) => x.name === "edgeroom");
  const demo = Object.values(report.servers).find((x) => x.name === "demo");
  const lines = [
    "# edgeroom benchmark results",
    "",
    `Run ${report.startedAt} → ${report.finishedAt}${report.quick ? " (**quick mode: short runs, smoke figures only**)" : ""}. Command: \`${report.command}\`. Raw figures: \`${report.resultsFile}\`. ${report.reps} interleaved run(s) per server and scenario (edgeroom, demo, edgeroom, …), median reported; load generator: ${report.generatorThreads} worker threads.`,
    "",
    "| | |",
    "|---|---|",
    `| Machine | ${m.cpuModel}, ${m.cpuCount} cores shared by generator, dev proxies and runtimes; ${m.totalMemGiB} GiB; kernel ${m.kernel}; load average at the end ${m.loadavgAtEnd.join(" / ")} |`,
    `| Versions | Node ${m.node}, ws ${m.ws}, wrangler ${m.wrangler}, workerd ${m.workerd} |`,
    `| edgeroom | commit ${edgeroom?.source?.commit?.slice(0, 10) ?? "?"}${edgeroom?.source?.uncommittedFiles ? ` + ${edgeroom.source.uncommittedFiles} uncommitted file(s)` : ""}; servers: ${Object.entries(
      report.servers,
    )
      .filter(([, x]) => x.name === "edgeroom")
      .map(([k]) => `\`${server(k).profile}\``)
      .join(
        ", ",
      )} limits (see bench/lib/server.mjs); access log \`ACCESS_LOG=${edgeroom?.accessLog ?? "all"}\`; webhooks ${edgeroom?.webhooks ? "on (WEBHOOK_URL: a local receiver)" : "off"} |`,
    `| reference | ${demo ? `cloudflare/workers-chat-demo ${demo.source?.commit?.slice(0, 10) ?? ""}, per-IP limiter off (${Object.keys(demo.vars).join(", ")}=1)` : "not run (no --peer)"} |`,
    "",
    "Method: every client is a `ws` socket (no permessage-deflate) in the generator's worker threads; the first S sockets send R msg/s each, evenly interleaved; a message's content carries its send time on the machine's monotonic clock, so latency = receive − send for every delivery (one message at one client, the sender included). The generator finds those markers in the frame bytes (no JSON.parse per frame; a `batch` frame costs one scan). Accepted = acked (edgeroom) or echoed to the sender (demo); lost = accepted but not received by a connected client within the 2 s drain. CPU = utime+stime from /proc over the phase; *idle* = machine idle time (/proc/stat) during it; *generator lag* = event-loop delay p99 of its busiest thread: a high lag or ~0% idle means the figure measures the machine or the generator, not the server.",
    "",
    "## Side by side",
    "",
    "![latency vs offered load](charts/latency-vs-load.svg)",
    "",
    "![fan-out latency](charts/fanout-latency.svg) ![runtime CPU per delivery](charts/cpu-per-delivery.svg)",
    "",
    "![runtime CPU per delivery vs load](charts/cpu-vs-load.svg)",
    "",
  ];
  for (const [name, r] of Object.entries(s)) {
    if (r.kind !== "fanout") continue;
    lines.push(`### ${name}: ${r.spec.about}`, "", ...(r.error ? [`error: ${r.error}`] : sideBySide(r)), "");
  }
  const ramp = s["ramp-200"];
  if (ramp) {
    lines.push(
      `### ramp-200: ${ramp.spec.about}`,
      "",
      `Knee = highest offered load whose median step has p99 ≤ ${KNEE_P99_MS} ms, no loss and ≥ 90% delivered. A server leaves the ramp when it loses messages or delivers < 90%, or misses the bound two steps in a row.`,
      "",
      ...(ramp.error ? [`error: ${ramp.error}`] : rampTables(ramp)),
    );
  }
  const targets = targetRows(s);
  if (targets.length)
    lines.push("### SPEC §8.6 targets", "", "| target | edgeroom vs demo | |", "|---|---|---|", ...targets, "");
  const fp = fanoutProfiles(s);
  if (fp.length) lines.push("### Profiles of the fan-out runs (profiled pass, not counted above)", "", ...fp);
  lines.push(
    "## HTTP APIs (edgeroom)",
    "",
    ...httpLines(s),
    "## Overload",
    "",
    ...overloadLines(s.overload),
    "",
    "## Heavy legitimate users (every limit at its default)",
    "",
    ...heavyLines(s),
    ...liveSection(report),
  );
  lines.push(
    "## Analysis",
    "",
    "<!-- analysis:start -->",
    (kept?.analysis ?? "(write the analysis here; it is kept when the report is regenerated)").replace(/\n+$/, ""),
    "<!-- analysis:end -->",
  );
  const trailer = kept?.trailer?.trim() ? kept.trailer : "";
  return `${lines.join("\n")}\n${trailer}`;
}
