// live-N (SPEC §8.5): N sockets in one live room, spread over its shard objects, and the same audience in
// an ordinary room beside it (the room object holds every socket), with one generator and one schedule,
// runs interleaved (live, ordinary, live, …; with --shards, one live room per shard count) and medians
// reported. Per run: connect-all of the N sockets (paced), then S senders for the phase; deliveries/s,
// p50/p99, loss, generator lag and machine idle, and each object's work from /admin/chatroom/live_stats
// before and after each phase. A profiled pass (--profile) splits the runtime's CPU by object
// (lib/attribute.mjs): locally every object shares one workerd process, so only the stacks tell them apart.
import { roomSocketUrl } from "../../e2e/client.mjs";
import { adminClient, adminOk } from "../lib/admin.mjs";
import { attributeByObject } from "../lib/attribute.mjs";
import { sleep } from "../lib/clock.mjs";
import { mapLimit } from "../lib/http.mjs";
import { costsOf, descriptorsReleased, liveStats, openFds, rssKiB, workBetween } from "../lib/live-work.mjs";
import { cpuPer, measured } from "../lib/measure.mjs";
import { median } from "../lib/stats.mjs";
import { PROTOCOLS, typedClient } from "../lib/targets.mjs";
import { mintTokens } from "../lib/tokens.mjs";
import { figuresOf, medianOf } from "./fanout.mjs";

/** Users per create or invite call (src/limits.ts USERS_PER_CALL_MAX). */
const USERS_PER_CALL = 1000;
const DRAIN_MS = 3000;
const RUNTIME = "workerd (runtime)";
/**
 * Largest audience whose connect phase is profiled. With the inspector attached, wrangler's dev proxy
 * opened about ten connections to its own node process per socket upgrade and kept them: at 2,000
 * sockets it ran out of descriptors and the run stalled. Larger runs profile the send phase only.
 */
export const PROFILE_CONNECT_MAX = 1000;
/** The slowest admission the scenario waits for: connects per second (timeout = N / this + 30 s). */
const CONNECT_FLOOR_PER_SEC = 40;
/** Descriptors a process needs besides the sockets and the objects' databases. */
const FD_MARGIN = 512;
/**
 * Descriptors per object with SQLite storage that the local runtime keeps open while the object lives
 * (measured: about 3.5). Every user who connects wakes their user object (revocation check, where their
 * sockets are), so locally users cost descriptors too; each user therefore opens several sockets (at
 * most MAX_SOCKETS_PER_USER), which fits more sockets under the runtime's limit.
 */
const FDS_PER_OBJECT = 4;

/** Open files the runtime needs for `clients` sockets of `users` users (the generator needs fewer). */
export function filesNeeded(clients, users) {
  return clients + users * FDS_PER_OBJECT + FD_MARGIN;
}

/** The room variants of one rep: one live room per shard count, then the ordinary room. */
function variantsOf(ctx, spec) {
  const shardCounts = ctx.liveShards ?? spec.shards;
  return [
    ...shardCounts.map((shards) => ({ key: `live-${shards}`, live: true, shards })),
    { key: "ordinary", live: false, shards: 0 },
  ];
}

/** A fresh room for a variant: a live room (admin create), or a closed room with every user as a member. */
async function createRoom(target, variant, users, label) {
  if (variant.live) {
    const chatroomId = label.replace(/[^A-Za-z0-9_.:@-]/g, "_").slice(0, 64);
    const body = { chatroomId, title: `bench ${label}`, mode: "live", shards: variant.shards };
    return (await adminOk(target.admin, "/chatroom/create", body)).chatroomId;
  }
  const ids = users.map((u) => u.userId);
  const host = typedClient(target, users[0].token);
  const first = ids.slice(0, USERS_PER_CALL);
  const { chatroomId } = await host.createChatroom({ hostId: ids[0], isOpen: false, users: first, title: label });
  const rest = [];
  for (let i = USERS_PER_CALL; i < ids.length; i += USERS_PER_CALL) rest.push(ids.slice(i, i + USERS_PER_CALL));
  await mapLimit(rest, 2, (chunk) => host.invite(chatroomId, chunk));
  return chatroomId;
}

/**
 * The target as live-N reaches it: sockets and HTTP calls on the runtime's own port. Through the dev
 * proxy every socket would cost two more descriptors and the proxy's CPU, which exists only under
 * `wrangler dev`; and under this load the proxy's link to the runtime broke ("incoming RPC message
 * exceeds size limit", then 503 for every call) while the runtime itself kept serving.
 */
function direct(target) {
  if (!target.directUrl) return target;
  return { ...target, url: target.directUrl, admin: adminClient(target.directUrl, target.adminSecret) };
}

/** One run of one variant: connect all, one send phase, end the room; figures and work per phase. */
async function runVariant(ctx, spec, variant, users, pass) {
  const target = direct(ctx.targets.edgeroom);
  const gen = ctx.gens.edgeroom;
  const profile = pass === "profile";
  const label = `${ctx.runTag}-${spec.name}-${variant.key}-${pass}`;
  const roomId = await createRoom(target, variant, users, label);
  const base = target.url.replace(/^http/, "ws");
  // Socket i belongs to user i mod U: a user's sockets are spread over the connect storm, and a user
  // opens at most MAX_SOCKETS_PER_USER of them, within CONNECTS_PER_10S whatever the pace.
  const n = spec.clients;
  const clients = Array.from({ length: n }, (_, i) => ({
    url: roomSocketUrl(base, roomId, users[i % users.length].token),
    hello: null,
  }));
  // One retry for a socket the storm dropped (a few in a thousand here; clients reconnect the same way).
  const pacing = { ratePerSec: ctx.connectRate, maxInFlight: ctx.connectInFlight, retries: 1 };
  // Bounded: a room that admits fewer than CONNECT_FLOOR_PER_SEC sockets a second is measured with the
  // audience it admitted by then (the report says how many).
  const timeoutMs = Math.round((n / CONNECT_FLOOR_PER_SEC) * 1000 + 30_000);
  const durationMs = (ctx.quick ? spec.quickSec : spec.durationSec) * 1000;
  const rate = ctx.liveMsgsPerSec ? ctx.liveMsgsPerSec / spec.senders : spec.rate;
  const name = (phase) => `${label}-${phase}`;
  try {
    const runtimePid = () => ctx.targets.edgeroom.processes.find((p) => p.role === RUNTIME)?.pid;
    const rssBefore = rssKiB(runtimePid());
    const s0 = await liveStats(target, roomId);
    const connect = await measured(
      ctx,
      ctx.targets.edgeroom,
      () => gen.connect(PROTOCOLS.edgeroom, clients, { timeoutMs, ...pacing }),
      { profile: profile && n <= PROFILE_CONNECT_MAX, profileName: name("connect"), attribute: attributeByObject },
    );
    if (connect.ready <= spec.senders) {
      throw new Error(`${variant.key}: ${connect.ready}/${n} connected: ${connect.failures.join("; ")}`);
    }
    if (connect.ready < n) {
      ctx.log(`    ${variant.key}: only ${connect.ready}/${n} connected within ${timeoutMs / 1000} s; measuring those`);
    }
    // Shards report their audience at most every 500 ms: let the last reports and online frames land.
    await sleep(ctx.quick ? 700 : 1500);
    const s1 = await liveStats(target, roomId);
    const rssAfter = rssKiB(runtimePid());
    const send = await measured(
      ctx,
      ctx.targets.edgeroom,
      () => gen.runPhase({ senders: spec.senders, rate, durationMs, drainMs: DRAIN_MS, slotMs: 500 }),
      { finish: (f) => f(), profile, profileName: name("send"), attribute: attributeByObject },
    );
    const s2 = await liveStats(target, roomId);
    const work = { connect: workBetween(s0, s1), send: workBetween(s1, s2) };
    const { cpu, threadStates: _t, jsProfile: connectProfile, ...connectRest } = connect;
    const { timeline, threadStates: _s, jsProfile: sendProfile, ...sendRest } = send;
    const run = {
      variant: variant.key,
      live: variant.live,
      shards: variant.shards,
      via: target.url === ctx.targets.edgeroom.url ? "dev proxy" : "runtime port",
      connect: {
        ...connectRest,
        ratePerSec: ctx.connectRate,
        maxInFlight: ctx.connectInFlight,
        complete: connect.ready === n,
        timeoutMs,
        runtimeUsPerConnect: cpuPer(cpu, RUNTIME, connect.ready),
        // The runtime's resident memory grown over the phase, per socket (all objects share the process).
        runtimeRssKiB: { before: rssBefore, after: rssAfter },
        rssKiBPerSocket: rssBefore && rssAfter ? Math.round(((rssAfter - rssBefore) / connect.ready) * 10) / 10 : null,
        cpu,
      },
      send: sendRest,
      timeline,
      work,
    };
    if (profile) {
      run.profile = { connect: connectProfile, send: sendProfile };
      const runtimeSec = (m) => m.cpu?.processes?.find((p) => p.role === RUNTIME)?.cpuSec ?? null;
      const shape = { live: variant.live, deliveries: send.deliveries, connects: connect.ready };
      run.costs = {
        connect: costsOf(connectProfile?.byObject, runtimeSec(connect), work.connect, shape),
        send: costsOf(sendProfile?.byObject, runtimeSec(send), work.send, shape),
      };
    }
    const w = work.send;
    ctx.log(
      `    ${variant.key}: connect-all ${connect.connectAllMs} ms (${connect.ready}/${n}); ${send.deliveriesPerSec}/s, p50 ${send.latencyMs.p50} p99 ${send.latencyMs.p99} ms, lost ${send.lost}; room: ${w.room.messages} msgs, ${w.room.pushes ?? 0} pushes, ${w.room.socketWrites} socket writes; shards: ${w.shards.socketWrites.sum} socket writes; gen lag p99 ${send.generatorLagMs.p99} ms, idle ${send.machine.idlePct}%`,
    );
    return run;
  } finally {
    // Ending the room closes every socket from the server in one pass (no presence storm of N closes).
    await adminOk(target.admin, "/chatroom/del", { chatroomId: roomId }).catch(() => {});
    await gen.closeAll(10_000);
    await gen.settle({ quietMs: 500, maxMs: 20_000 });
    // The user objects stay awake a while (and keep their databases open); the sockets must go.
    const pid = ctx.targets.edgeroom.processes.find((p) => p.role === RUNTIME)?.pid;
    if (pid && ctx.liveBaselineFds) {
      await descriptorsReleased(pid, ctx.liveBaselineFds + users.length * FDS_PER_OBJECT + FD_MARGIN, 90_000);
    }
  }
}

/** Per-variant medians: the side-by-side figures, connect-all, and the work ratios of each run. */
function summarise(runs) {
  const figures = medianOf(runs.map((r) => figuresOf(r.send)));
  const ratio = (f) => median(runs.map(f).filter((x) => typeof x === "number" && Number.isFinite(x)));
  return {
    ...figures,
    connectAllMs: median(runs.map((r) => r.connect.connectAllMs)),
    connectsPerSec: ratio((r) => (1000 * r.connect.ready) / r.connect.connectAllMs),
    runtimeUsPerConnect: ratio((r) => r.connect.runtimeUsPerConnect),
    rssKiBPerSocket: ratio((r) => r.connect.rssKiBPerSocket),
    roomPushesPerMessage: ratio((r) => r.work.send.room.pushes / r.work.send.room.messages),
    roomCallsPerConnect: ratio((r) => r.work.connect.room.callsFromShards / r.connect.ready),
    roomSocketWritesPerMessage: ratio((r) => r.work.send.room.socketWrites / r.work.send.room.messages),
    shardSocketWritesPerMessage: ratio((r) => r.work.send.shards.socketWrites.sum / r.work.send.room.messages),
  };
}

/** live-N: per rep, each variant in turn; medians per variant; the profiled pass last. */
export async function live(ctx, spec) {
  const userCount = Math.ceil(spec.clients / spec.socketsPerUser);
  const need = filesNeeded(spec.clients, userCount);
  if (ctx.openFiles && ctx.openFiles.after.soft < need) {
    throw new Error(
      `${spec.clients} sockets of ${userCount} users need about ${need} open files in the runtime; ${ctx.openFiles.problem ?? `the limit is ${ctx.openFiles.after.soft}`}`,
    );
  }
  const target = ctx.targets.edgeroom;
  const ids = Array.from({ length: userCount }, (_, i) => `l${ctx.runTag}-u${i}`);
  const users = mintTokens(ids, target.tokenSecret);
  const variants = variantsOf(ctx, spec);
  ctx.liveBaselineFds = openFds(target.processes.find((p) => p.role === RUNTIME)?.pid);
  const runs = Object.fromEntries(variants.map((v) => [v.key, []]));
  const profiles = {};
  const passes = [...Array.from({ length: ctx.reps }, (_, i) => i + 1), ...(ctx.profile ? ["profile"] : [])];
  for (const pass of passes) {
    for (const variant of variants) {
      ctx.log(
        `  ${variant.key} ${pass === "profile" ? "profiled pass" : `run ${pass}/${ctx.reps}`}: ${spec.clients} sockets`,
      );
      const run = await runVariant(ctx, spec, variant, users, pass);
      if (pass === "profile") profiles[variant.key] = { profile: run.profile, costs: run.costs, work: run.work };
      else runs[variant.key].push(run);
    }
  }
  const byVariant = {};
  for (const variant of variants) {
    const list = runs[variant.key];
    byVariant[variant.key] = {
      live: variant.live,
      shards: variant.shards,
      median: list.length ? summarise(list) : null,
      runs: list.map(({ timeline, ...rest }) => rest),
      timeline: list[0]?.timeline ?? null,
      profiled: profiles[variant.key] ?? null,
    };
  }
  return {
    clients: spec.clients,
    users: userCount,
    senders: spec.senders,
    ratePerSender: ctx.liveMsgsPerSec ? ctx.liveMsgsPerSec / spec.senders : spec.rate,
    connectRate: ctx.connectRate,
    connectInFlight: ctx.connectInFlight,
    openFiles: ctx.openFiles,
    byVariant,
  };
}
