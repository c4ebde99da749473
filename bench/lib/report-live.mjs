// The live-N section of bench/RESULTS.md: per scenario, the live room(s) beside the ordinary room with
// the same audience and generator (medians of the interleaved runs), each object's work from
// /admin/chatroom/live_stats, and the profiled pass's CPU split by object with the costs that follow
// (the inputs of docs/scale.md).
import { PROFILE_CONNECT_MAX } from "../kinds/live.mjs";

const fmt = (x, digits = 0) =>
  x === null || x === undefined || Number.isNaN(x)
    ? "n/a"
    : Number(x).toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
const ms = (x) => (x === null || x === undefined ? "n/a" : fmt(x, x < 10 ? 2 : 1));
const label = (v) => (v.live ? `live, ${v.shards} shards` : "ordinary room");

function runFacts(r, report) {
  const run = r.run ?? report;
  const source = Object.values(run.servers ?? {}).find((x) => x.name === "edgeroom")?.source;
  const commit = source?.commit
    ? `commit ${source.commit.slice(0, 10)}${source.uncommittedFiles ? " + uncommitted files" : ""}`
    : "";
  return `Run ${run.startedAt} → ${run.finishedAt}${run.quick ? " (quick mode: smoke figures only)" : ""}; \`${run.command}\`; ${commit}; ${run.reps} interleaved run(s) per room, medians; raw figures \`${run.resultsFile}\`; load average at the end ${run.machine?.loadavgAtEnd?.join(" / ") ?? "n/a"} on ${run.machine?.cpuCount ?? "?"} cores.`;
}

function sideBySide(r) {
  const keys = Object.keys(r.byVariant);
  const v = keys.map((k) => r.byVariant[k]);
  const first = (x) => x.runs[0]?.connect;
  const rows = [
    [
      "sockets connected (first run)",
      (x) =>
        `${fmt(first(x)?.ready)} / ${fmt(r.clients)}${first(x)?.complete === false ? ` (within ${fmt(first(x).timeoutMs / 1000)} s)` : ""}`,
    ],
    ["connect-all ms", (x) => fmt(x.median?.connectAllMs)],
    ["connects/s", (x) => fmt(x.median?.connectsPerSec)],
    ["runtime CPU µs per connect", (x) => fmt(x.median?.runtimeUsPerConnect)],
    ["runtime memory per socket, KiB (RSS growth while connecting)", (x) => fmt(x.median?.rssKiBPerSocket, 1)],
    ["deliveries/s", (x) => `${fmt(x.median?.deliveriesPerSec)} of ${fmt(x.median?.offeredDeliveriesPerSec)} offered`],
    ["latency p50 / p99 ms", (x) => `${ms(x.median?.p50)} / ${ms(x.median?.p99)}`],
    ["send→ack p99 ms", (x) => ms(x.median?.ackP99)],
    ["lost / duplicates (worst run)", (x) => `${fmt(x.median?.lost)} / ${fmt(x.median?.duplicates)}`],
    ["runtime CPU µs per delivery", (x) => fmt(x.median?.runtimeUsPerDelivery, 1)],
    ["generator: event-loop lag p99 ms", (x) => ms(x.median?.generatorLagP99)],
    ["machine idle % (send phase)", (x) => fmt(x.median?.idlePct)],
  ];
  return [
    `| figure (median of runs) | ${v.map(label).join(" | ")} |`,
    `|---|${keys.map(() => "---:").join("|")}|`,
    ...rows.map(([name, f]) => `| ${name} | ${v.map(f).join(" | ")} |`),
  ];
}

function workTable(r) {
  const lines = [
    "| object (first run) | messages | pushes (per message) | socket writes (per message) | calls from shards: send / connect phase | sockets |",
    "|---|---:|---:|---:|---:|---:|",
  ];
  for (const v of Object.values(r.byVariant)) {
    const w = v.runs[0]?.work;
    if (!w) continue;
    const m = w.send.room.messages;
    const per = (x) => (m ? fmt(x / m, 1) : "n/a");
    const room = w.send.room;
    lines.push(
      `| room object (${label(v)}) | ${fmt(m)} | ${room.pushes === null ? "—" : `${fmt(room.pushes)} (${per(room.pushes)})`} | ${fmt(room.socketWrites)} (${per(room.socketWrites)}) | ${room.callsFromShards === null ? "—" : `${fmt(room.callsFromShards)} / ${fmt(w.connect.room.callsFromShards)}`} | ${fmt(room.sockets)} |`,
    );
    if (v.live) {
      const s = w.send.shards;
      const range = (x) => `${fmt(x.sum)} (${fmt(x.min)}–${fmt(x.max)} per shard)`;
      lines.push(
        `| ${fmt(s.active)} shards (${label(v)}) | — | ${range(s.pushes)} received | ${range(s.socketWrites)} (${per(s.socketWrites.sum)}) | ${fmt(s.batches.sum)} forwarding calls for ${fmt(s.forwarded.sum)} frames | ${range(s.sockets)} |`,
      );
    }
  }
  return lines;
}

function costLines(r) {
  const lines = [
    "| room, phase | room object | socket holders | Worker | other objects | runtime (native, GC) | unattributed | room µs per message | room µs per message per shard | socket holders µs per delivery | µs per connect: room / holders / Worker / other |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
  ];
  const tops = [];
  for (const v of Object.values(r.byVariant)) {
    for (const phase of ["connect", "send"]) {
      const c = v.profiled?.costs?.[phase];
      if (!c) continue;
      const s = c.sharePct;
      const pc = c.perConnectUs;
      lines.push(
        `| ${label(v)}, ${phase} (${fmt(c.runtimeCpuMs)} ms runtime CPU) | ${fmt(s.room, 1)}% | ${fmt(s.sockets, 1)}% | ${fmt(s.worker, 1)}% | ${fmt(s.otherObjects, 1)}% | ${fmt(s.runtime, 1)}% | ${fmt(s.unattributed, 1)}% | ${phase === "send" ? fmt(c.roomUsPerMessage, 0) : "—"} | ${phase === "send" && c.roomUsPerMessagePerShard !== null ? fmt(c.roomUsPerMessagePerShard, 0) : "—"} | ${phase === "send" ? fmt(c.socketsUsPerDelivery, 1) : "—"} | ${phase === "connect" ? `${fmt(pc.room)} / ${fmt(pc.sockets)} / ${fmt(pc.worker)} / ${fmt(pc.otherObjects)}` : "—"} |`,
      );
      const top = v.profiled.profile?.[phase]?.byObject?.top ?? {};
      const named = ["room", "shards", "hub", "worker", "otherObjects"]
        .filter((cat) => top[cat]?.length)
        .map(
          (cat) =>
            `${cat}: ${top[cat]
              .slice(0, 3)
              .map((f) => `\`${f.frame}\` ${fmt(f.pct, 1)}%`)
              .join(", ")}`,
        );
      if (named.length) tops.push(`- ${label(v)}, ${phase}: ${named.join("; ")}`);
    }
  }
  if (lines.length === 2) return ["(no profiled pass: run with --profile)"];
  return [...lines, "", "Top frames (self, % of busy samples):", "", ...tops];
}

function sweepLines(r) {
  const live = Object.entries(r.byVariant).filter(([, v]) => v.live);
  if (live.length < 2) return [];
  const lines = [
    "#### By shard count",
    "",
    "Costs and pushes of the profiled pass; latency, deliveries and idle are the medians of the measured runs.",
    "",
    "| shards | pushes per message | room µs per message | room µs per message per shard | shards µs per delivery | shards µs per socket write | deliveries/s | p50 / p99 ms | idle % |",
    "|---:|---:|---:|---:|---:|---:|---:|---|---:|",
  ];
  for (const [, v] of live) {
    const c = v.profiled?.costs?.send;
    const w = v.profiled?.work?.send;
    const perWrite =
      c && w?.shards.socketWrites.sum ? (c.runtimeCpuMs * 10 * c.sharePct.sockets) / w.shards.socketWrites.sum : null;
    lines.push(
      `| ${v.shards} | ${w ? fmt(w.room.pushes / w.room.messages, 2) : "n/a"} | ${fmt(c?.roomUsPerMessage)} | ${fmt(c?.roomUsPerMessagePerShard)} | ${fmt(c?.socketsUsPerDelivery, 1)} | ${fmt(perWrite, 1)} | ${fmt(v.median?.deliveriesPerSec)} | ${ms(v.median?.p50)} / ${ms(v.median?.p99)} | ${fmt(v.median?.idlePct)} |`,
    );
  }
  const points = live
    .map(([, v]) => [v.shards, v.profiled?.costs?.send?.roomUsPerMessage])
    .filter(([, y]) => typeof y === "number");
  const fit = leastSquares(points);
  if (fit) {
    lines.push(
      "",
      `Least-squares fit over these ${points.length} points: room µs per message ≈ ${fmt(fit.a)} + ${fmt(fit.b, 1)} × shards.`,
    );
  }
  return [...lines, ""];
}

/** y ≈ a + b·x through the points, or null with fewer than two distinct x. */
function leastSquares(points) {
  const n = points.length;
  if (n < 2) return null;
  const mx = points.reduce((t, [x]) => t + x, 0) / n;
  const my = points.reduce((t, [, y]) => t + y, 0) / n;
  const sxx = points.reduce((t, [x]) => t + (x - mx) ** 2, 0);
  if (sxx === 0) return null;
  const b = points.reduce((t, [x, y]) => t + (x - mx) * (y - my), 0) / sxx;
  return { a: my - b * mx, b };
}

/** The "Live rooms" section, or [] when no live-N scenario ran. */
export function liveSection(report) {
  const live = Object.entries(report.scenarios).filter(([, r]) => r.kind === "live");
  if (live.length === 0) return [];
  const lines = [
    "",
    "## Live rooms: live-N (SPEC §8.5)",
    "",
    "N sockets (up to 5 per user: MAX_SOCKETS_PER_USER and CONNECTS_PER_10S at their defaults; tokens minted in bulk by the bench) connect, paced, to one live room whose shards hold them, and the same audience to an ordinary room whose object holds every socket; runs interleaved, medians reported. Sockets and calls use the runtime's own port, not the dev proxy. Then S senders share the offered load for the phase. Work per object comes from `POST /admin/chatroom/live_stats` before and after each phase; the profiled pass (`--profile`, not counted in the medians) splits the runtime's CPU by object: locally every object runs in one workerd process and one isolate, so each object's share of the profile's busy samples, times the runtime's CPU over the phase, is its cost (bench/lib/attribute.mjs). *Socket holders* are the shards of a live room, or the ordinary room's own socket hub.",
    "",
  ];
  for (const [name, r] of live) {
    lines.push(`### ${name}: ${r.spec?.about ?? ""}`, "", runFacts(r, report), "");
    if (r.error) {
      lines.push(`error: ${r.error}`, "");
      continue;
    }
    lines.push(
      `${fmt(r.clients)} sockets of ${fmt(r.users)} users; ${r.senders} senders × ${fmt(r.ratePerSender, 2)} msg/s; connects paced at ≤ ${fmt(r.connectRate)}/s with ≤ ${fmt(r.connectInFlight)} unanswered; open-file limit ${fmt(r.openFiles?.after?.soft)}.`,
      "",
      ...sideBySide(r),
      "",
      "#### Work per object (send phase of the first run; counters of `live_stats`)",
      "",
      ...workTable(r),
      "",
      "#### CPU by object (profiled pass: share of the isolate's busy samples, and the costs)",
      "",
      ...costLines(r),
      ...(r.clients > PROFILE_CONNECT_MAX
        ? [
            "",
            `Connect phases above ${fmt(PROFILE_CONNECT_MAX)} sockets are not profiled: with the inspector attached, wrangler's dev proxy keeps connections to its own process per upgrade and runs out of descriptors (bench/kinds/live.mjs).`,
          ]
        : []),
      "",
      ...sweepLines(r),
    );
  }
  return lines;
}
