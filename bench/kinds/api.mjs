// HTTP throughput of edgeroom's APIs (closed loop at fixed concurrency): the signed admin calls `info` and
// `set_black_status`, and the client API's create and list through the typed client. Each endpoint is
// measured `reps` times (median reported); with --profile, one more pass per endpoint records the
// runtime's CPU profile, whose top frames say where the time of a request goes.
import { closedLoop } from "../lib/http.mjs";
import { cpuPct, cpuPer, measured } from "../lib/measure.mjs";
import { median } from "../lib/stats.mjs";
import { createEdgeroomRoom, typedClient, users } from "../lib/targets.mjs";

/** A request outcome for closedLoop: true, or the error code of a typed-client failure. */
async function typed(call) {
  try {
    await call();
    return true;
  } catch (error) {
    return error?.code ? `${error.status} ${error.code}` : String(error);
  }
}

/** The endpoints of one API scenario: { label: request(i) }. */
async function endpointsOf(ctx, spec, target) {
  if (spec.api === "admin") {
    const members = await users(target, 20, ctx.runTag);
    const roomId = await createEdgeroomRoom(target, members, "bench admin");
    const admin = target.admin;
    const envelope = (r) => r.code === 0 || `code ${r.code}`;
    return {
      "/admin/chatroom/info": async () => envelope(await admin("/chatroom/info", { chatroomId: roomId })),
      // Mute on / lift, cycling over the 19 non-host members.
      "/admin/chatroom/set_black_status": async (i) =>
        envelope(
          await admin("/chatroom/set_black_status", {
            chatroomId: roomId,
            userId: members[1 + (i % 19)].userId,
            status: Math.floor(i / 19) % 2 === 0 ? 1 : 0,
          }),
        ),
    };
  }
  const hosts = (await users(target, spec.concurrency + 20, ctx.runTag)).slice(0, spec.concurrency);
  const others = (await users(target, spec.concurrency + 20, ctx.runTag)).slice(spec.concurrency);
  const clients = hosts.map((h) => typedClient(target, h.token));
  return {
    "POST /api/chatroom": (i) => {
      const k = i % hosts.length;
      const a = others[i % others.length].userId;
      const b = others[(i + 7) % others.length].userId;
      return typed(() =>
        clients[k].createChatroom({
          hostId: hosts[k].userId,
          isOpen: false,
          users: [hosts[k].userId, a, b],
          title: `bench ${i}`,
        }),
      );
    },
    "GET /api/chatrooms": (i) => typed(() => clients[i % clients.length].listChatrooms()),
  };
}

/** admin-api / client-api: per endpoint, `reps` measured closed loops and an optional profiled pass. */
export async function httpApi(ctx, spec) {
  const target = ctx.targets.edgeroom;
  const durationMs = (ctx.quick ? spec.quickSec : spec.durationSec) * 1000;
  const endpoints = await endpointsOf(ctx, spec, target);
  const out = {};
  for (const [label, request] of Object.entries(endpoints)) {
    const runs = [];
    let profile = null;
    const passes = [...Array.from({ length: ctx.reps }, (_, i) => i + 1), ...(ctx.profile ? ["profile"] : [])];
    for (const pass of passes) {
      const r = await measured(ctx, target, () => closedLoop({ concurrency: spec.concurrency, durationMs, request }), {
        profile: pass === "profile",
        profileName: `${ctx.runTag}-${spec.name}-${label}`,
      });
      ctx.log(
        `  ${label}${pass === "profile" ? " (profiled)" : ""}: ${r.rps} req/s, p50 ${r.latencyMs.p50} p99 ${r.latencyMs.p99} ms, failures ${r.failures}, runtime ${cpuPer(r.cpu, "workerd (runtime)", r.requests)} µs/request, idle ${r.machine.idlePct}%`,
      );
      if (pass === "profile") profile = { js: r.jsProfile, native: r.nativeProfile, rps: r.rps };
      else runs.push(r);
    }
    out[label] = {
      median: {
        rps: median(runs.map((r) => r.rps)),
        p50: median(runs.map((r) => r.latencyMs.p50)),
        p99: median(runs.map((r) => r.latencyMs.p99)),
        failures: Math.max(...runs.map((r) => r.failures)),
        runtimeUsPerRequest: median(runs.map((r) => cpuPer(r.cpu, "workerd (runtime)", r.requests))),
        proxyUsPerRequest: median(runs.map((r) => cpuPer(r.cpu, "workerd (dev proxy)", r.requests))),
        wranglerUsPerRequest: median(runs.map((r) => cpuPer(r.cpu, "wrangler (node)", r.requests))),
        runtimePct: median(runs.map((r) => cpuPct(r.cpu, "workerd (runtime)"))),
        generatorPct: median(runs.map((r) => cpuPct(r.cpu, "generator"))),
        idlePct: median(runs.map((r) => r.machine.idlePct)),
        generatorLagP99: median(runs.map((r) => r.mainThreadLagMs.p99)),
      },
      concurrency: spec.concurrency,
      runs,
      profile,
    };
  }
  return { endpoints: out };
}
