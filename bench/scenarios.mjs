// The benchmark scenarios: fan-out in one room at fixed rates, a rate ramp to saturation (through the
// dev proxy and directly against the runtime's own port), the admin API and the client API, and a
// `perf` profile of a loaded fan-out. Each scenario's run(ctx) sets up its own users and room and
// returns plain figures; run.mjs measures the machine around it and writes the report.
import { adminOk } from "./lib/admin.mjs";
import { CpuSampler, interferencePct, waitForQuiet } from "./lib/cpu.mjs";
import { FanoutRoom } from "./lib/fanout.mjs";
import { api, closedLoop, mapLimit } from "./lib/http.mjs";
import { startPerf } from "./lib/perf.mjs";
import { sampleThreadStates } from "./lib/threadstate.mjs";

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const SETUP_CONCURRENCY = 16;
/** Drain after sending stops: in-flight deliveries arriving later count as lost. */
const DRAIN_MS = 2000;
/** The ramp's latency bound. */
const RAMP_P99_MS = 100;
/** msg/s per sender, step by step (10 senders: ×2,000 deliveries/s per unit with 200 clients). */
const RAMP_RATES = [10, 15, 20, 25, 30, 36, 40, 50, 60, 80, 100, 120, 150, 200, 250, 300, 400, 500, 600, 800, 1000];
/**
 * The machine is shared: a measured phase that other processes disturbed (used more than this % of one
 * core during it) is repeated, at most MAX_ATTEMPTS times in all, and the least disturbed attempt is
 * reported with its interference figure. Before each attempt the run waits (bounded) for a quiet machine.
 */
const MAX_INTERFERENCE_PCT = 8;
const MAX_ATTEMPTS = 4;
const QUIET_WAIT_MS = 30_000;

// ── setup helpers ─────────────────────────────────────────────────────

/** `n` user ids with client tokens from /admin/user/get_token. */
async function makeUsers(ctx, n, label) {
  const ids = Array.from({ length: n }, (_, i) => `b${ctx.runTag}-${label}-${i}`);
  return mapLimit(ids, SETUP_CONCURRENCY, async (userId) => {
    const { token } = await adminOk(ctx.target.admin, "/user/get_token", { userId, ttlSeconds: 86_400 });
    return { userId, token };
  });
}

/** A closed room with every user as a member, created by users[0] through the client API. */
async function createRoom(ctx, users, title) {
  const host = users[0];
  const res = await api(ctx.target.url, "POST", "/chatroom", {
    token: host.token,
    body: { hostId: host.userId, isOpen: false, users: users.map((u) => u.userId), title },
  });
  if (res.status !== 201) throw new Error(`room create failed: ${res.status} ${JSON.stringify(res.body)}`);
  const roomId = res.body.data.chatroomId;
  const info = await adminOk(ctx.target.admin, "/chatroom/info", { chatroomId: roomId });
  if (info.memberCount !== users.length) {
    throw new Error(`room ${roomId} has ${info.memberCount} members, expected ${users.length}`);
  }
  return roomId;
}

/** The base URL a scenario talks to: through wrangler's dev proxy, or the runtime's own port. */
function baseFor(ctx, direct) {
  return direct ? ctx.target.directUrl : ctx.target.url;
}

function sampler(ctx) {
  return new CpuSampler(ctx.target.processes).start();
}

/** Samples the main (event-loop) thread of the runtime, the dev proxy and the generator. */
function mainThreads(ctx) {
  const threads = ctx.target.processes
    .filter((p) => p.role.startsWith("workerd"))
    .map((p) => ({ label: p.role, pid: p.pid, tid: p.pid }));
  threads.push({ label: "generator", pid: process.pid, tid: process.pid });
  return sampleThreadStates(threads);
}

async function quiet(ctx) {
  return waitForQuiet({ maxWaitMs: ctx.quick ? 2000 : QUIET_WAIT_MS });
}

/**
 * Runs `fn` under a CPU sampler, repeating it (bounded) while other processes disturbed it; `finish`
 * turns its raw outcome into figures once sampling stopped; `cleanup` undoes an attempt that will be
 * repeated. Returns the least disturbed attempt's result with `cpu` and
 * `interference` ({ otherPct, attempts, otherPctByAttempt, busyBeforePct }).
 */
async function measured(ctx, label, fn, cleanup = async () => {}, finish = (raw) => raw) {
  const attempts = [];
  const max = ctx.quick ? 1 : MAX_ATTEMPTS;
  for (let a = 1; a <= max; a++) {
    const busyBeforePct = await quiet(ctx);
    const states = mainThreads(ctx);
    const cpu = sampler(ctx);
    const raw = await fn();
    const stopped = cpu.stop();
    const threadStates = await states.stop();
    const result = await finish(raw);
    const otherPct = interferencePct(stopped);
    attempts.push({ result, cpu: stopped, threadStates, otherPct, busyBeforePct });
    if (otherPct <= MAX_INTERFERENCE_PCT || a === max) break;
    ctx.log(`  ${label}: other processes used ${otherPct}% of a core meanwhile; repeating (${a}/${max})`);
    await cleanup(result);
  }
  const best = attempts.reduce((x, y) => (y.otherPct < x.otherPct ? y : x));
  return {
    ...best.result,
    cpu: best.cpu,
    threadStates: best.threadStates,
    interference: {
      otherPct: best.otherPct,
      busyBeforePct: best.busyBeforePct,
      attempts: attempts.length,
      otherPctByAttempt: attempts.map((x) => x.otherPct),
    },
    last: attempts[attempts.length - 1].result,
  };
}

/**
 * A fan-out room with `clients` connected members; returns { room, connect, connectCpu }. Connect-all
 * is one short event, so it is measured `spec.connectRepeats` times (closing every socket in between)
 * and the median is reported with min and max; each time is repeated as well when other processes
 * disturbed it. The room of the last connect stays open for the send phase.
 */
async function connectedRoom(ctx, spec, label) {
  const base = baseFor(ctx, spec.direct);
  ctx.log(`  setup: ${spec.clients} users, tokens, room`);
  const users = await makeUsers(ctx, spec.clients, label);
  const roomId = await createRoom(ctx, users, `bench ${label}`);
  const wsBase = base.replace(/^http/, "ws");
  const repeats = ctx.quick ? 1 : (spec.connectRepeats ?? 1);
  const runs = [];
  let room = null;
  for (let i = 1; i <= repeats; i++) {
    if (room) {
      await room.closeAll();
      await sleep(1000);
    }
    ctx.log(`  connecting ${spec.clients} sockets via ${spec.direct ? "runtime port" : "dev proxy"} (${i}/${repeats})`);
    const outcome = await measured(
      ctx,
      "connect-all",
      async () => {
        const attempt = new FanoutRoom({ wsBase, roomId, users });
        const connect = await attempt.connectAll({ timeoutMs: 60_000 });
        ctx.log(`  connect-all ${connect.connectAllMs} ms (${connect.welcomed}/${connect.clients} welcomed)`);
        return { room: attempt, connect };
      },
      async ({ room: attempt }) => {
        await attempt.closeAll();
        await sleep(1000);
      },
    );
    room = outcome.last.room;
    if (outcome.last.connect.welcomed !== spec.clients) {
      await room.closeAll();
      throw new Error(
        `only ${outcome.last.connect.welcomed}/${spec.clients} sockets connected: ${outcome.last.connect.failures.join("; ")}`,
      );
    }
    runs.push(outcome);
  }
  // Let the presence frames of the connect storm settle before measuring.
  await sleep(ctx.quick ? 300 : 1000);
  const framesAfterSettle = { ...room.otherFrames };
  const times = runs.map((r) => r.connect.connectAllMs);
  const median = [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)];
  const chosen = runs.find((r) => r.connect.connectAllMs === median);
  return {
    room,
    roomId,
    connect: {
      ...chosen.connect,
      connectAllMs: median,
      repeats: times.length,
      allMs: times,
      minMs: Math.min(...times),
      maxMs: Math.max(...times),
      framesAfterSettle,
      interference: chosen.interference,
      threadStates: chosen.threadStates,
    },
    connectCpu: chosen.cpu,
  };
}

/** One measured send phase on a connected room. */
async function phase(ctx, room, label, options) {
  const { last: _last, ...result } = await measured(
    ctx,
    label,
    () => room.runPhase({ drainMs: DRAIN_MS, ...options }),
    async () => {},
    (summarise) => summarise(),
  );
  return result;
}

// ── scenario kinds ────────────────────────────────────────────────────

async function fanout(ctx, spec) {
  const durationSec = ctx.quick ? spec.quickSec : spec.durationSec;
  const { room, roomId, connect, connectCpu } = await connectedRoom(ctx, spec, spec.name);
  try {
    ctx.log(`  sending: ${spec.senders} senders x ${spec.rate} msg/s for ${durationSec} s`);
    const result = await phase(ctx, room, "send", {
      senders: spec.senders,
      rate: spec.rate,
      durationMs: durationSec * 1000,
    });
    ctx.log(
      `  ${result.deliveriesPerSec} deliveries/s, p50 ${result.latencyMs.p50} p99 ${result.latencyMs.p99} ms, lost ${result.lost}, dup ${result.duplicates}`,
    );
    return { via: spec.direct ? "runtime" : "dev proxy", roomId, connect, connectCpu, ...result };
  } finally {
    await room.closeAll();
  }
}

async function ramp(ctx, spec) {
  const stepSec = ctx.quick ? spec.quickStepSec : spec.stepSec;
  const rates = ctx.quick ? spec.rates.slice(0, 3) : spec.rates;
  const { room, roomId, connect, connectCpu } = await connectedRoom(ctx, spec, spec.name);
  const steps = [];
  let stopReason = "ladder exhausted";
  try {
    for (const rate of rates) {
      // A failing step is run once more and the second try decides, so one hiccup does not end the ramp.
      let step;
      let firstTry = null;
      for (let attempt = 1; attempt <= 2; attempt++) {
        step = await phase(ctx, room, `R=${rate}`, { senders: spec.senders, rate, durationMs: stepSec * 1000 });
        const reasons = [];
        if (step.latencyMs.p99 === null || step.latencyMs.p99 > RAMP_P99_MS) reasons.push(`p99 > ${RAMP_P99_MS} ms`);
        if (step.lost > 0 || step.unacked > 0) reasons.push("loss");
        if (step.duplicates > 0) reasons.push("duplicates");
        if (step.deliveriesPerSec < 0.8 * step.offeredDeliveriesPerSec) reasons.push("throughput < 80% of offered");
        step = { ...step, ok: reasons.length === 0, reasons, firstTry };
        ctx.log(
          `  R=${rate}: offered ${step.offeredDeliveriesPerSec}/s, got ${step.deliveriesPerSec}/s, p99 ${step.latencyMs.p99} ms, lost ${step.lost}, dup ${step.duplicates}, interference ${step.interference.otherPct}%${step.ok ? "" : ` -> failed (${reasons.join(", ")})`}`,
        );
        if (step.ok || ctx.quick || attempt === 2) break;
        firstTry = {
          deliveriesPerSec: step.deliveriesPerSec,
          latencyMs: step.latencyMs,
          lost: step.lost,
          duplicates: step.duplicates,
          reasons,
          interference: step.interference,
        };
        ctx.log(`  R=${rate}: running the step once more to confirm`);
      }
      steps.push(step);
      if (!step.ok) {
        stopReason = `R=${rate}: ${step.reasons.join(", ")}${step.firstTry ? " (twice)" : ""}`;
        break;
      }
    }
  } finally {
    await room.closeAll();
  }
  const passing = steps.filter((s) => s.ok);
  const best = passing.reduce((a, s) => (a === null || s.deliveriesPerSec > a.deliveriesPerSec ? s : a), null);
  const failed = steps.find((s) => !s.ok) ?? null;
  return {
    via: spec.direct ? "runtime" : "dev proxy",
    roomId,
    connect,
    connectCpu,
    stepSec,
    stopReason,
    best: best && {
      ratePerSender: best.ratePerSender,
      deliveriesPerSec: best.deliveriesPerSec,
      latencyMs: best.latencyMs,
      cpu: best.cpu,
      interference: best.interference,
    },
    firstFailing: failed && {
      ratePerSender: failed.ratePerSender,
      deliveriesPerSec: failed.deliveriesPerSec,
      latencyMs: failed.latencyMs,
      lost: failed.lost,
      reasons: failed.reasons,
      sendLagMs: failed.sendLagMs,
      cpu: failed.cpu,
      interference: failed.interference,
    },
    // Every try counts, first tries of confirmed steps included.
    lost: steps.reduce((k, s) => k + s.lost + (s.firstTry?.lost ?? 0), 0),
    duplicates: steps.reduce((k, s) => k + s.duplicates + (s.firstTry?.duplicates ?? 0), 0),
    steps,
  };
}

async function adminApi(ctx, spec) {
  const durationMs = (ctx.quick ? spec.quickSec : spec.durationSec) * 1000;
  const users = await makeUsers(ctx, 20, spec.name);
  const roomId = await createRoom(ctx, users, "bench admin");
  const admin = ctx.target.admin;
  const endpoints = {
    "/chatroom/info": async () => {
      const r = await admin("/chatroom/info", { chatroomId: roomId });
      return r.code === 0 || `code ${r.code} ${r.msg}`;
    },
    "/chatroom/set_black_status": async (i) => {
      // Cycle mute on / lift over the 19 non-host members.
      const k = i % 19;
      const status = Math.floor(i / 19) % 2 === 0 ? 1 : 0;
      const r = await admin("/chatroom/set_black_status", { chatroomId: roomId, userId: users[1 + k].userId, status });
      return r.code === 0 || `code ${r.code} ${r.msg}`;
    },
  };
  const out = {};
  for (const [path, request] of Object.entries(endpoints)) {
    const { last: _last, ...result } = await measured(ctx, path, () =>
      closedLoop({ concurrency: spec.concurrency, durationMs, request }),
    );
    out[path] = result;
    ctx.log(
      `  ${path}: ${result.rps} req/s, p50 ${result.latencyMs.p50} p99 ${result.latencyMs.p99} ms, failures ${result.failures}`,
    );
  }
  return { via: "dev proxy", roomId, endpoints: out };
}

async function clientApi(ctx, spec) {
  const durationMs = (ctx.quick ? spec.quickSec : spec.durationSec) * 1000;
  const hosts = await makeUsers(ctx, spec.concurrency, `${spec.name}-h`);
  const members = await makeUsers(ctx, 20, `${spec.name}-m`);
  const base = ctx.target.url;
  const endpoints = {
    "POST /api/chatroom": async (i) => {
      const host = hosts[i % hosts.length];
      const a = members[i % members.length].userId;
      const b = members[(i + 7) % members.length].userId;
      const res = await api(base, "POST", "/chatroom", {
        token: host.token,
        body: { hostId: host.userId, isOpen: false, users: [host.userId, a, b], title: `bench ${i}` },
      });
      return res.status === 201 || `HTTP ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`;
    },
    "GET /api/chatrooms": async (i) => {
      const res = await api(base, "GET", "/chatrooms", { token: hosts[i % hosts.length].token });
      return res.status === 200 || `HTTP ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`;
    },
  };
  const out = {};
  for (const [path, request] of Object.entries(endpoints)) {
    const { last: _last, ...result } = await measured(ctx, path, () =>
      closedLoop({ concurrency: spec.concurrency, durationMs, request }),
    );
    out[path] = result;
    ctx.log(
      `  ${path}: ${result.rps} req/s, p50 ${result.latencyMs.p50} p99 ${result.latencyMs.p99} ms, failures ${result.failures}`,
    );
  }
  // What GET /api/chatrooms listed: each host's rooms from the create phase (page of 20).
  const listed = await api(base, "GET", "/chatrooms", { token: hosts[0].token });
  return { via: "dev proxy", roomsPerHost: listed.body?.data?.count ?? null, endpoints: out };
}

/** Runs `fn` under perf, the CPU sampler and the thread-state sampler; returns what it measured. */
async function profiled(ctx, spec, fn) {
  await quiet(ctx);
  const perf = await startPerf([...ctx.target.processes, { role: "generator", pid: process.pid }], {
    frequency: spec.perfFrequency,
  });
  const states = mainThreads(ctx);
  const cpu = sampler(ctx);
  const raw = await fn();
  const phaseCpu = cpu.stop();
  const threadStates = await states.stop();
  const perfSummary = await perf.stop();
  return {
    raw,
    cpu: phaseCpu,
    threadStates,
    interference: { otherPct: interferencePct(phaseCpu), attempts: 1 },
    perfFrequency: spec.perfFrequency,
    perf: perfSummary,
  };
}

async function profile(ctx, spec) {
  const durationSec = ctx.quick ? spec.quickSec : spec.durationSec;
  const phases = [];
  // 1. The connect storm of a big room.
  const connectClients = ctx.quick ? 50 : spec.connectClients;
  const bigUsers = await makeUsers(ctx, connectClients, `${spec.name}-c`);
  const bigRoomId = await createRoom(ctx, bigUsers, "bench profile connect");
  const big = new FanoutRoom({ wsBase: ctx.target.url.replace(/^http/, "ws"), roomId: bigRoomId, users: bigUsers });
  try {
    const measuredConnect = await profiled(ctx, spec, () => big.connectAll({ timeoutMs: 60_000 }));
    const { raw: connect, ...rest } = measuredConnect;
    ctx.log(`  connect-all of ${connectClients} under perf: ${connect.connectAllMs} ms`);
    phases.push({ title: `connect-all of ${connectClients} sockets (dev proxy)`, connect, ...rest });
  } finally {
    await big.closeAll();
  }
  await sleep(1000);
  // 2. Sending, in a room of spec.clients.
  const { room, roomId } = await connectedRoom(ctx, spec, spec.name);
  try {
    for (const rate of spec.rates) {
      const { raw: summarise, ...rest } = await profiled(ctx, spec, () =>
        room.runPhase({ senders: spec.senders, rate, durationMs: durationSec * 1000, drainMs: DRAIN_MS }),
      );
      const result = summarise();
      ctx.log(`  R=${rate}: ${result.deliveriesPerSec} deliveries/s under perf, p99 ${result.latencyMs.p99} ms`);
      phases.push({
        title: `${result.clients} clients, ${spec.senders} senders × ${rate} msg/s for ${durationSec} s (dev proxy): ${result.deliveriesPerSec.toLocaleString("en-US")} deliveries/s, p99 ${result.latencyMs.p99} ms`,
        ...result,
        ...rest,
      });
    }
  } finally {
    await room.closeAll();
  }
  return { via: "dev proxy", roomId, phases };
}

// ── the catalogue ─────────────────────────────────────────────────────

const zeroLoss = {
  name: "0 lost / 0 dup",
  check: (r) => ({
    actual: `${r.lost} / ${r.duplicates}`,
    pass: r.lost === 0 && r.duplicates === 0 && (r.unacked ?? 0) === 0,
  }),
};

/** Every scenario, in the order a full run takes them. */
export const SCENARIOS = [
  {
    name: "fanout-50",
    kind: "fanout",
    run: fanout,
    connectRepeats: 3,
    clients: 50,
    senders: 5,
    rate: 10,
    durationSec: 15,
    quickSec: 3,
    reference: { deliveriesPerSec: 2500, p99Ms: [8, 15] },
    targets: [zeroLoss],
  },
  {
    name: "fanout-200",
    kind: "fanout",
    run: fanout,
    connectRepeats: 3,
    clients: 200,
    senders: 10,
    rate: 10,
    durationSec: 15,
    quickSec: 3,
    reference: { deliveriesPerSec: 20_000, p99Ms: [39, 52] },
    targets: [
      zeroLoss,
      {
        name: "p99 ≤ 40 ms",
        check: (r) => ({ actual: `${r.latencyMs.p99} ms`, pass: r.latencyMs.p99 !== null && r.latencyMs.p99 <= 40 }),
      },
    ],
  },
  {
    name: "fanout-500",
    kind: "fanout",
    run: fanout,
    connectRepeats: 3,
    clients: 500,
    senders: 10,
    rate: 5,
    durationSec: 15,
    quickSec: 3,
    reference: { deliveriesPerSec: 24_900, p99Ms: [110, 311], connectAllMs: [5000, 7000] },
    targets: [
      zeroLoss,
      {
        name: "connect 500 ≤ 1.5 s (median of the connect-alls)",
        check: (r) => ({
          actual: `${r.connect.connectAllMs} ms (all: ${r.connect.allMs.join(", ")} ms)`,
          pass: r.connect.connectAllMs <= 1500,
        }),
      },
    ],
  },
  {
    name: "ramp-200",
    kind: "ramp",
    run: ramp,
    clients: 200,
    senders: 10,
    rates: RAMP_RATES,
    stepSec: 5,
    quickStepSec: 2,
    reference: { deliveriesPerSec: 36_000 },
    targets: [
      zeroLoss,
      {
        name: "≥ 72,000 deliveries/s at p99 ≤ 100 ms",
        check: (r) => ({
          actual: `${r.best?.deliveriesPerSec ?? 0}/s`,
          pass: (r.best?.deliveriesPerSec ?? 0) >= 72_000,
        }),
      },
    ],
  },
  {
    name: "ramp-200-direct",
    kind: "ramp",
    run: ramp,
    direct: true,
    clients: 200,
    senders: 10,
    rates: RAMP_RATES,
    stepSec: 5,
    quickStepSec: 2,
    reference: { deliveriesPerSec: 40_000 },
    targets: [
      zeroLoss,
      {
        name: "≥ 72,000 deliveries/s at p99 ≤ 100 ms",
        check: (r) => ({
          actual: `${r.best?.deliveriesPerSec ?? 0}/s`,
          pass: (r.best?.deliveriesPerSec ?? 0) >= 72_000,
        }),
      },
    ],
  },
  { name: "admin-api", kind: "http", run: adminApi, concurrency: 16, durationSec: 5, quickSec: 1, targets: [] },
  { name: "client-api", kind: "http", run: clientApi, concurrency: 16, durationSec: 5, quickSec: 1, targets: [] },
  {
    name: "profile-200",
    kind: "profile",
    run: profile,
    clients: 200,
    senders: 10,
    // One message per coalescing window (each flushed alone, like fanout-200), and near saturation.
    rates: [10, 200],
    connectClients: 500,
    perfFrequency: 999,
    durationSec: 8,
    quickSec: 2,
    targets: [],
  },
];

/** Variants against the runtime's own port: `<name>-direct` for any fan-out scenario. */
export function findScenario(name) {
  const exact = SCENARIOS.find((s) => s.name === name);
  if (exact) return exact;
  const m = name.match(/^(.*)-direct$/);
  const base = m && SCENARIOS.find((s) => s.name === m[1] && (s.kind === "fanout" || s.kind === "ramp"));
  return base ? { ...base, name, direct: true, reference: undefined } : null;
}
