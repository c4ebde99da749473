// Per-object work of one phase of the live-N scenario, from POST /admin/chatroom/live_stats before and
// after it (the room object's counters and each shard's), and the CPU costs that follow when the phase
// was profiled (the profile split by object, lib/attribute.mjs).
import { readdirSync, readFileSync } from "node:fs";
import { adminOk } from "./admin.mjs";

/** Open descriptors of a process (/proc), or null. */
export function openFds(pid) {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return null;
  }
}

/**
 * Waits (bounded) until a process holds at most `limit` descriptors: a room that closed thousands of
 * sockets from the server keeps them until each client's TCP teardown, and the next room's calls
 * would find the runtime out of descriptors.
 */
export async function descriptorsReleased(pid, limit, maxMs) {
  const deadline = Date.now() + maxMs;
  for (;;) {
    const now = openFds(pid);
    if (now === null || now <= limit || Date.now() > deadline) return now;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** Resident memory of a process in KiB (/proc), or null. */
export function rssKiB(pid) {
  try {
    const line = readFileSync(`/proc/${pid}/status`, "utf8").match(/^VmRSS:\s+(\d+) kB/m);
    return line ? Number(line[1]) : null;
  } catch {
    return null;
  }
}

const SHARD_KEYS = ["pushes", "entries", "forwarded", "batches", "socketWrites"];

/** The room's and its shards' counters now. */
export function liveStats(target, chatroomId) {
  return adminOk(target.admin, "/chatroom/live_stats", { chatroomId });
}

/** after − before; a counter that went back means its object restarted, so its count starts from 0. */
const delta = (after, before) => (after >= (before ?? 0) ? after - (before ?? 0) : after);

const spread = (values) =>
  values.length === 0
    ? { sum: 0, min: 0, max: 0 }
    : { sum: values.reduce((a, b) => a + b, 0), min: Math.min(...values), max: Math.max(...values) };

/**
 * What each object did between two live_stats answers: { room: {messages, socketWrites, broadcasts,
 * pushes, reports, callsFromShards, framesFromShards, sockets}, shards: {count, active, <key>: {sum, min,
 * max}, sockets: {…}, online: {…}} } — shard sums, and min/max to show how evenly the audience spread.
 */
export function workBetween(before, after) {
  const fb = before.room.fanout;
  const fa = after.room.fanout;
  const room = {
    messages: delta(after.room.lastSeq, before.room.lastSeq),
    socketWrites: delta(after.room.socketWrites, before.room.socketWrites),
    sockets: after.room.sockets,
    broadcasts: fa ? delta(fa.broadcasts, fb?.broadcasts) : null,
    pushes: fa ? delta(fa.pushes, fb?.pushes) : null,
    reports: fa ? delta(fa.reports, fb?.reports) : null,
    callsFromShards: fa ? delta(fa.fromShards.calls, fb?.fromShards.calls) : null,
    framesFromShards: fa ? delta(fa.fromShards.frames, fb?.fromShards.frames) : null,
    activeShards: fa ? fa.activeShards.length : 0,
  };
  const was = new Map(before.shards.map((s) => [s.index, s]));
  const perShard = after.shards.map((s) =>
    Object.fromEntries([
      ...SHARD_KEYS.map((k) => [k, delta(s[k], was.get(s.index)?.[k])]),
      ["sockets", s.sockets],
      ["online", s.online],
    ]),
  );
  const shards = { count: after.shards.length, active: perShard.filter((s) => s.sockets > 0).length };
  for (const k of [...SHARD_KEYS, "sockets", "online"]) shards[k] = spread(perShard.map((s) => s[k]));
  return { room, shards };
}

const per = (x, n, digits = 2) =>
  x === null || x === undefined || !n ? null : Math.round((x / n) * 10 ** digits) / 10 ** digits;

/**
 * The CPU costs of a profiled phase: the runtime process's CPU over the phase (/proc) split by each
 * object's share of the profile's busy samples. `roomUsPerMessage` is everything the room object did per
 * message (in an ordinary room that includes its socket writes); `socketsUsPerDelivery` is the work of
 * the objects holding the sockets (the shards, or the ordinary room's hub) per delivery; `perConnectUs`
 * splits a connect between the Worker (auth), the socket holder, the room and other objects (the user's).
 */
export function costsOf(byObject, runtimeCpuSec, work, { live, deliveries, connects }) {
  if (!byObject?.busySamples || !runtimeCpuSec) return null;
  const share = byObject.sharePct;
  const us = (pct) => (runtimeCpuSec * 1e6 * pct) / 100;
  const sockets = live ? share.shards + share.hub : share.hub;
  const room = live ? share.room : share.room + share.hub;
  const messages = work.room.messages;
  return {
    runtimeCpuMs: Math.round(runtimeCpuSec * 1000),
    sharePct: {
      room: share.room,
      sockets,
      worker: share.worker,
      otherObjects: share.otherObjects,
      runtime: share.runtime,
      unattributed: share.unattributed,
    },
    roomUsPerMessage: per(us(room), messages, 1),
    roomUsPerMessagePerShard: live ? per(us(share.room), messages * Math.max(1, work.room.activeShards), 1) : null,
    socketsUsPerDelivery: per(us(sockets), deliveries, 2),
    perConnectUs: {
      room: per(us(share.room), connects, 0),
      sockets: per(us(sockets), connects, 0),
      worker: per(us(share.worker), connects, 0),
      otherObjects: per(us(share.otherObjects), connects, 0),
    },
  };
}
