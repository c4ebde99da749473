// Load at and past the limits: `overload` (one socket offering more sends than the room can process;
// what is accepted, refused with ROOM_BUSY, acked and delivered over time, and what was stored) and the
// heavy legitimate users of SPEC §8.1 against every limit at its default: `admin-batch` (a batch job's
// signed calls at a steady rate, nonces drawn as the Wildfire SDK draws them) and `host-moderation`
// (a host muting and unmuting members over HTTP while the room is under fan-out load, with a burst).
import { adminClient, wildfireNonce } from "../lib/admin.mjs";
import { openLoop } from "../lib/http.mjs";
import { cpuPer, measured } from "../lib/measure.mjs";
import { PROTOCOLS, prepareRoom, typedClient, users } from "../lib/targets.mjs";

/** The newest stored seq of a room (0 when empty), read with the host's typed client. */
async function lastSeq(api, roomId) {
  const page = await api.history(roomId, { limit: 1 });
  return page.messages[0]?.seq ?? 0;
}

/** A fresh edgeroom room of spec.clients, all connected; its host's typed client. */
async function connectedRoom(ctx, spec) {
  const target = ctx.targets.edgeroom;
  const durationMs = (ctx.quick ? spec.quickSec : spec.durationSec) * 1000;
  const room = await prepareRoom(target, { n: spec.clients, label: spec.name, runTag: ctx.runTag });
  const host = typedClient(target, room.members[0].token);
  const gen = ctx.gens.edgeroom;
  const connect = await gen.connect(PROTOCOLS.edgeroom, room.clients);
  if (connect.ready !== spec.clients) {
    await gen.closeAll();
    throw new Error(`only ${connect.ready}/${spec.clients} connected: ${connect.failures.join("; ")}`);
  }
  return { target, durationMs, room, host, gen };
}

/** overload: one socket sends `rate` msg/s into a room of `clients` (the rest receive). */
export async function overload(ctx, spec) {
  const { target, durationMs, room, host, gen } = await connectedRoom(ctx, spec);
  try {
    const before = await lastSeq(host, room.roomId);
    ctx.log(
      `  1 socket x ${spec.rate} sends/s for ${durationMs / 1000} s into a room of ${spec.clients} (room budget: ${target.vars.ROOM_SENDS_PER_SEC ?? "default"})`,
    );
    const r = await measured(
      ctx,
      target,
      () =>
        gen.runPhase({ senders: 1, rate: spec.rate, durationMs, drainMs: spec.drainSec * 1000, slotMs: spec.slotMs }),
      { finish: (f) => f(), profile: ctx.profile, profileName: `${ctx.runTag}-${spec.name}` },
    );
    const stored = (await lastSeq(host, room.roomId)) - before;
    const sendSec = r.sendSec || durationMs / 1000;
    const out = {
      roomBudget: target.vars.ROOM_SENDS_PER_SEC ?? "default",
      offeredSendsPerSec: spec.rate,
      sentPerSec: Math.round(r.sent / sendSec),
      acceptedPerSec: Math.round(r.accepted / sendSec),
      stored,
      busyErrors: r.errors["error ROOM_BUSY"] ?? 0,
      runtimeUsPerDelivery: cpuPer(r.cpu, "workerd (runtime)", r.deliveries),
      ...r,
    };
    ctx.log(
      `  sent ${r.sent}, acked ${r.accepted}, refused ${r.refused} (${JSON.stringify(r.errors)}), unanswered ${r.unanswered} after ${r.drainMs} ms drain; stored ${stored}; ack p99 ${r.ackLatencyMs.p99} ms, delivery p99 ${r.latencyMs.p99} ms`,
    );
    return out;
  } finally {
    await gen.closeAll();
  }
}

/**
 * The outcome label of an admin call. wrangler's dev proxy answers 503 "Your worker restarted
 * mid-request" for any POST whose connection to the runtime was lost, restart or not; under overload
 * the local runtime closes keep-alive connections whose next request it has not read yet, so the
 * label says what happened (docs/decisions.md, "Known behaviour of local wrangler dev").
 */
function outcomeOf(reply) {
  if (reply.code === 0) return true;
  if (reply.code !== null) return `code ${reply.code}`;
  if (reply.httpStatus === 503 && reply.text.startsWith("Your worker restarted mid-request"))
    return "dev proxy 503: runtime dropped the connection (wrangler dev only)";
  return `HTTP ${reply.httpStatus} ${reply.text}`;
}

/** admin-batch: signed admin calls at `rate`/s with SDK-style nonces; success rate and latency. */
export async function adminBatch(ctx, spec) {
  const target = ctx.targets.edgeroom;
  const durationMs = (ctx.quick ? spec.quickSec : spec.durationSec) * 1000;
  const members = await users(target, 20, ctx.runTag);
  const room = await prepareRoom(target, { n: 20, label: spec.name, runTag: ctx.runTag });
  const admin = adminClient(target.url, target.adminSecret, { nonce: wildfireNonce });
  const calls = [
    (i) => admin("/user/create", { userId: `b${ctx.runTag}-batch${i}`, displayName: `batch user ${i}` }),
    (i) => admin("/user/get_token", { userId: members[i % members.length].userId }),
    () => admin("/chatroom/info", { chatroomId: room.roomId }),
    (i) =>
      admin("/chatroom/set_black_status", {
        chatroomId: room.roomId,
        userId: members[1 + (i % 19)].userId,
        status: (i >> 2) % 2,
      }),
  ];
  ctx.log(
    `  ${spec.rate} signed calls/s for ${durationMs / 1000} s (user/create, user/get_token, chatroom/info, set_black_status; nonce 3..100,002)`,
  );
  const r = await measured(ctx, target, () =>
    openLoop({
      rate: spec.rate,
      durationMs,
      request: async (i) => outcomeOf(await calls[i % calls.length](i)),
    }),
  );
  ctx.log(
    `  ${r.requests} calls, ${r.successPct}% ok (${JSON.stringify(r.byOutcome)}), p50 ${r.latencyMs.p50} p99 ${r.latencyMs.p99} ms`,
  );
  return r;
}

/**
 * host-moderation: the room is under fan-out load (senders within the default per-user send rate);
 * meanwhile its host mutes and unmutes members over HTTP at a steady rate, plus one burst (a raid).
 */
export async function hostModeration(ctx, spec) {
  const { target, durationMs, room, host, gen } = await connectedRoom(ctx, spec);
  // Moderated: members that do not send (muting a sender would refuse its sends).
  const targets = room.members.slice(spec.senders);
  const steady = Array.from(
    { length: Math.floor((spec.callsPerSec * durationMs) / 1000) },
    (_, i) => (i * 1000) / spec.callsPerSec,
  );
  const burstAt = durationMs / 3;
  const burst = Array.from({ length: spec.burst }, (_, i) => burstAt + i * 10);
  const offsets = [...steady, ...burst].sort((a, b) => a - b);
  ctx.log(
    `  fan-out ${spec.senders} senders x ${spec.rate} msg/s to ${spec.clients}; host: ${spec.callsPerSec} restriction calls/s + a burst of ${spec.burst} at ${Math.round(burstAt / 1000)} s`,
  );
  try {
    const r = await measured(
      ctx,
      target,
      async () => {
        const phase = gen.runPhase({ senders: spec.senders, rate: spec.rate, durationMs, drainMs: 2000 });
        const moderation = await openLoop({
          offsets,
          durationMs,
          request: async (i) => {
            const who = targets[i % targets.length].userId;
            try {
              if (Math.floor(i / targets.length) % 2 === 0)
                await host.restrict(room.roomId, who, { status: 1, durationSeconds: 600 });
              else await host.lift(room.roomId, who);
              return true;
            } catch (error) {
              return error?.code ? `${error.status} ${error.code}` : String(error);
            }
          },
        });
        return { summarise: await phase, moderation };
      },
      { finish: ({ summarise, moderation }) => ({ fanout: summarise(), moderation }) },
    );
    ctx.log(
      `  moderation: ${r.moderation.requests} calls, ${r.moderation.successPct}% ok (${JSON.stringify(r.moderation.byOutcome)}), p50 ${r.moderation.latencyMs.p50} p99 ${r.moderation.latencyMs.p99} ms; fan-out ${r.fanout.deliveriesPerSec}/s, p99 ${r.fanout.latencyMs.p99} ms, lost ${r.fanout.lost}`,
    );
    return r;
  } finally {
    await gen.closeAll();
  }
}
