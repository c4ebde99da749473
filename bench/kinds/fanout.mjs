// Fan-out in one room, side by side: the same generator and schedule against edgeroom and the reference
// demo, runs interleaved (edgeroom, demo, edgeroom, demo, …) and the median of the runs reported per
// server. `fanout` connects a fresh room per run (connect-all is measured too) and sends at one rate;
// `ramp` keeps one room per server and raises the offered load step by step until a server saturates
// (loss or under 90% of the offered rate, or p99 over the bound twice in a row); its knee is the highest
// step whose median met the bound with no loss.
import { sleep } from "../lib/clock.mjs";
import { cpuPct, cpuPer, measured } from "../lib/measure.mjs";
import { median } from "../lib/stats.mjs";
import { PROTOCOLS, prepareRoom } from "../lib/targets.mjs";

const DRAIN_MS = 2000;
/** The ramp's latency bound (SPEC §8.6 knee: highest offered rate with p99 ≤ this and no loss). */
export const KNEE_P99_MS = 100;
const RUNTIME = "workerd (runtime)";

/** The servers a scenario runs on: edgeroom, and the demo when it is there and the scenario compares. */
export function targetsOf(ctx, spec) {
  return Object.values(ctx.targets).filter((t) => t.name === "edgeroom" || (spec.peer && t.name === "demo"));
}

/** The figures of one send phase that the side-by-side tables compare. */
export function figuresOf(r) {
  return {
    offeredDeliveriesPerSec: r.offeredDeliveriesPerSec,
    deliveriesPerSec: r.deliveriesPerSec,
    p50: r.latencyMs.p50,
    p99: r.latencyMs.p99,
    ackP99: r.ackLatencyMs.p99,
    lost: r.lost + r.unanswered,
    duplicates: r.duplicates,
    deliveriesPerFrame: r.deliveriesPerFrame,
    runtimeUsPerDelivery: cpuPer(r.cpu, RUNTIME, r.deliveries),
    runtimePct: cpuPct(r.cpu, RUNTIME),
    proxyUsPerDelivery: cpuPer(r.cpu, "workerd (dev proxy)", r.deliveries),
    generatorUsPerDelivery: cpuPer(r.cpu, "generator", r.deliveries),
    generatorLagP99: r.generatorLagMs.p99,
    sendLagP99: r.sendLagMs.p99,
    idlePct: r.machine.idlePct,
    otherProcessesPct: r.machine.otherProcessesPct,
  };
}

/** Per-figure medians of runs (loss and duplicates: the worst run). */
export function medianOf(list) {
  if (list.length === 0) return null;
  const out = {};
  for (const key of Object.keys(list[0])) {
    const values = list.map((f) => f[key]);
    out[key] = key === "lost" || key === "duplicates" ? Math.max(...values) : median(values);
  }
  return out;
}

/** One measured send phase on a connected generator. */
function sendPhase(ctx, target, gen, spec, rate, durationMs, profile, profileName) {
  return measured(
    ctx,
    target,
    () => gen.runPhase({ senders: spec.senders, rate, durationMs, drainMs: DRAIN_MS, slotMs: spec.slotMs ?? 250 }),
    { finish: (f) => f(), profile, profileName },
  );
}

/** A fresh room on `target`, connected (measured). Throws when not every client got in. */
async function connectRoom(ctx, target, spec, label, profile) {
  const room = await prepareRoom(target, { n: spec.clients, label, runTag: ctx.runTag });
  const gen = ctx.gens[target.name];
  const connect = await measured(ctx, target, () => gen.connect(PROTOCOLS[target.name], room.clients), {
    profile,
    profileName: `${ctx.runTag}-${label}-${target.name}-connect`,
  });
  if (connect.ready !== spec.clients) {
    await gen.closeAll();
    throw new Error(
      `${target.name}: only ${connect.ready}/${spec.clients} clients connected: ${connect.failures.join("; ")}`,
    );
  }
  // Let the connect storm's presence/join frames settle before measuring.
  await sleep(ctx.quick ? 300 : 1000);
  connect.framesDuringConnect = await gen.otherFrames();
  return { room, connect };
}

/** fanout: connect a fresh room, send at one rate, close; per server, the median of the runs. */
export async function fanout(ctx, spec) {
  const durationMs = (ctx.quick ? spec.quickSec : spec.durationSec) * 1000;
  const targets = targetsOf(ctx, spec);
  const runs = Object.fromEntries(targets.map((t) => [t.name, []]));
  const profiles = {};
  const passes = [...Array.from({ length: ctx.reps }, (_, i) => i + 1), ...(ctx.profile ? ["profile"] : [])];
  for (const pass of passes) {
    for (const target of targets) {
      const profile = pass === "profile";
      const label = `${spec.name}-${pass}`;
      ctx.log(`  ${target.name} ${profile ? "profiled pass" : `run ${pass}/${ctx.reps}`}: ${spec.clients} clients`);
      const { connect } = await connectRoom(ctx, target, spec, label, profile);
      const gen = ctx.gens[target.name];
      try {
        const send = await sendPhase(
          ctx,
          target,
          gen,
          spec,
          spec.rate,
          durationMs,
          profile,
          `${ctx.runTag}-${label}-${target.name}-send`,
        );
        const { cpu: connectCpu, threadStates: _t, ...connectRest } = connect;
        const run = {
          connect: {
            ...connectRest,
            runtimeCpuSec: connectCpu.processes.find((p) => p.role === RUNTIME)?.cpuSec ?? null,
          },
          ...send,
        };
        ctx.log(
          `    connect-all ${connect.connectAllMs} ms; ${send.deliveriesPerSec}/s, p50 ${send.latencyMs.p50} p99 ${send.latencyMs.p99} ms, lost ${send.lost}, runtime ${cpuPer(send.cpu, RUNTIME, send.deliveries)} µs/delivery, gen lag p99 ${send.generatorLagMs.p99} ms, idle ${send.machine.idlePct}%`,
        );
        if (profile)
          profiles[target.name] = { connect: connect.jsProfile, send: send.jsProfile, native: send.nativeProfile };
        else runs[target.name].push(run);
      } finally {
        await gen.closeAll();
        await gen.settle({ quietMs: 300, maxMs: 10_000 });
      }
    }
  }
  const byTarget = {};
  for (const [name, list] of Object.entries(runs)) {
    byTarget[name] = {
      median: { ...medianOf(list.map(figuresOf)), connectAllMs: median(list.map((r) => r.connect.connectAllMs)) },
      runs: list.map(({ timeline, ...rest }) => rest),
      timeline: list[0]?.timeline ?? null,
    };
  }
  return { byTarget, profiles };
}

/** A step fails on p99 over the bound, any loss, or under 90% of the offered deliveries. */
function stepFails(f) {
  const reasons = [];
  if (f.p99 === null || f.p99 > KNEE_P99_MS) reasons.push(`p99 > ${KNEE_P99_MS} ms`);
  if (f.lost > 0) reasons.push("loss");
  if (f.duplicates > 0) reasons.push("duplicates");
  if (f.deliveriesPerSec < 0.9 * f.offeredDeliveriesPerSec) reasons.push("< 90% of offered");
  return reasons;
}

/** ramp: one room per server; per step, interleaved runs and the median; a server stops at its knee. */
export async function ramp(ctx, spec) {
  const stepMs = (ctx.quick ? spec.quickStepSec : spec.stepSec) * 1000;
  const offered = ctx.quick ? spec.quickOffered : spec.offered;
  const targets = targetsOf(ctx, spec);
  const state = {};
  for (const target of targets) {
    const { connect } = await connectRoom(ctx, target, spec, `${spec.name}-room`, false);
    state[target.name] = {
      steps: [],
      active: true,
      stopReason: "ladder exhausted",
      connectAllMs: connect.connectAllMs,
    };
  }
  try {
    for (const load of offered) {
      const rate = load / (spec.senders * spec.clients);
      const runs = Object.fromEntries(targets.map((t) => [t.name, []]));
      for (let rep = 1; rep <= ctx.reps; rep++) {
        for (const target of targets) {
          if (!state[target.name].active) continue;
          const r = await sendPhase(ctx, target, ctx.gens[target.name], spec, rate, stepMs, false, "");
          runs[target.name].push(r);
          // A saturated server may still be sending its backlog: wait until it is quiet.
          await ctx.gens[target.name].settle({ quietMs: 300, maxMs: 30_000 });
        }
      }
      for (const target of targets) {
        const st = state[target.name];
        if (!st.active) continue;
        const m = medianOf(runs[target.name].map(figuresOf));
        const reasons = stepFails(m);
        st.steps.push({
          offered: load,
          ratePerSender: rate,
          median: m,
          ok: reasons.length === 0,
          reasons,
          runs: runs[target.name].map(({ timeline, ...rest }) => rest),
        });
        ctx.log(
          `  ${target.name} @ ${load.toLocaleString("en-US")}/s offered: ${m.deliveriesPerSec}/s, p50 ${m.p50} p99 ${m.p99} ms, lost ${m.lost}, runtime ${m.runtimeUsPerDelivery} µs/delivery, gen lag p99 ${m.generatorLagP99} ms, idle ${m.idlePct}%${reasons.length ? ` -> stops (${reasons.join(", ")})` : ""}`,
        );
        // Saturated when it cannot keep up (loss, < 90% delivered) or misses the bound twice in a row;
        // one slow step alone (a busy machine) does not end the ramp.
        st.misses = reasons.length ? (st.misses ?? 0) + 1 : 0;
        const saturated = reasons.some((r) => r !== `p99 > ${KNEE_P99_MS} ms`);
        if (saturated || st.misses >= 2) {
          st.active = false;
          st.stopReason = `${load.toLocaleString("en-US")}/s: ${reasons.join(", ")}${st.misses >= 2 && !saturated ? " (second step in a row)" : ""}`;
        }
      }
      if (targets.every((t) => !state[t.name].active)) break;
    }
  } finally {
    for (const target of targets) await ctx.gens[target.name].closeAll();
  }
  const byTarget = {};
  for (const [name, st] of Object.entries(state)) {
    const knee = st.steps.filter((s) => s.ok).at(-1) ?? null;
    byTarget[name] = {
      knee: knee && { offered: knee.offered, ...knee.median },
      stopReason: st.stopReason,
      connectAllMs: st.connectAllMs,
      steps: st.steps,
    };
  }
  return { byTarget };
}
