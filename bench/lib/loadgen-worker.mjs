// One thread of the load generator: holds a slice of the room's sockets, sends for the senders among
// them on a fixed schedule, and counts what arrives. Receiving is the hot path: a frame is scanned for
// its measured messages (scan.mjs) and bookkept in typed arrays; only rare frames (errors, the first
// welcome) are parsed in full. The main thread drives it with messages (loadgen.mjs).
import { monitorEventLoopDelay } from "node:perf_hooks";
import { parentPort } from "node:worker_threads";
import { openRoomSocket, unpackFrames } from "../../e2e/client.mjs";
import { clock, sleep } from "./clock.mjs";
import { paced } from "./pacer.mjs";
import { MESSAGE_MARK, measuredContent, readAck, readMessage } from "./scan.mjs";
import { LatencyRecorder, SlotHistogram } from "./stats.mjs";

const OPEN = 1;
/** Reused scan results (no allocation per delivery). */
const msg = { phase: 0, id: 0, sentAt: 0, end: 0 };
const ack = { phase: 0, id: 0, duplicate: false, end: 0 };

let protocol = null;
let clients = [];
let phase = null;
let lastFrameAt = 0;
/** Frames outside measured phases (connect storms: presence, joins) and unexpected closes. */
const idleFrames = { count: 0, bytes: 0 };
const otherFrames = {};
const lag = monitorEventLoopDelay({ resolution: 5 });

/** The frame a sender sends: edgeroom's `send` (clientMsgId `phase:id`) or the demo's `{message}`. */
function sendText(kind, phaseNo, id, content) {
  return kind === "edgeroom"
    ? `{"type":"send","clientMsgId":"${phaseNo}:${id}","content":"${content}"}`
    : `{"message":"${content}"}`;
}

function onData(client, buf) {
  const now = clock();
  lastFrameAt = now;
  const p = phase;
  if (p) {
    p.frames++;
    p.bytes += buf.length;
  }
  let at = buf.indexOf(MESSAGE_MARK);
  while (at >= 0) {
    if (readMessage(buf, at, msg)) {
      if (p && msg.phase === p.no) onMessage(p, client, now);
      else if (p) p.stray++;
      at = buf.indexOf(MESSAGE_MARK, msg.end);
    } else at = buf.indexOf(MESSAGE_MARK, at + 2);
  }
  if (client.sender >= 0 && protocol.ackMark) {
    let a = buf.indexOf(protocol.ackMark);
    while (a >= 0 && readAck(buf, a, protocol.ackIdKey, ack)) {
      if (p && ack.phase === p.no) onAccepted(p, ack.id, now, ack.duplicate);
      a = buf.indexOf(protocol.ackMark, ack.end);
    }
  }
  if (buf.indexOf(protocol.errorMark) >= 0) onRare(buf, p);
  if (!client.ready && buf.indexOf(protocol.readyMark) >= 0) {
    client.ready = true;
    client.readyAt = now;
    parentPort.postMessage({ type: "ready", index: client.index, at: now });
    client.settled?.();
  }
  if (!p) {
    idleFrames.count++;
    idleFrames.bytes += buf.length;
  }
}

function onMessage(p, client, now) {
  const id = msg.id;
  if (id <= 0 || id >= p.capacity) {
    p.stray++;
    return;
  }
  const seen = client.seen[id];
  if (seen === 0) {
    p.deliveries++;
    const latency = now - msg.sentAt;
    p.latency.push(latency);
    p.timeline.push(Math.floor((msg.sentAt - p.start) / p.slotMs), latency);
    if (now > p.lastDeliveryAt) p.lastDeliveryAt = now;
    // The demo has no ack: a sender seeing its own message is the server's acceptance of it.
    if (!protocol.ackMark && client.sender === (id - 1) % p.totalSenders) onAccepted(p, id, now, false);
  } else p.duplicates++;
  if (seen < 255) client.seen[id] = seen + 1;
}

function onAccepted(p, id, now, duplicate) {
  if (id <= 0 || id >= p.capacity) return;
  if (duplicate) p.duplicateAcks++;
  if (p.accepted[id] !== 0) return;
  p.accepted[id] = 1;
  p.acceptedCount++;
  const sentAt = p.sendTimes[id];
  if (sentAt > 0) {
    p.ackLatency.push(now - sentAt);
    p.ackTimeline.push(Math.floor((sentAt - p.start) / p.slotMs), now - sentAt);
  }
}

/** Error frames (and anything else rare): parsed in full. */
function onRare(buf, p) {
  let frames;
  try {
    frames = protocol.kind === "edgeroom" ? unpackFrames(buf) : [JSON.parse(buf.toString())];
  } catch {
    return;
  }
  for (const f of frames) {
    const isError = protocol.kind === "edgeroom" ? f.type === "error" : typeof f.error === "string";
    if (!isError) continue;
    const code = protocol.kind === "edgeroom" ? f.code : String(f.error).slice(0, 60);
    const errors = p ? p.errors : otherFrames;
    errors[`error ${code}`] = (errors[`error ${code}`] ?? 0) + 1;
    if (p && typeof f.retryAfterSec === "number")
      p.retryAfterSec[f.retryAfterSec] = (p.retryAfterSec[f.retryAfterSec] ?? 0) + 1;
    const m = typeof f.clientMsgId === "string" ? f.clientMsgId.match(/^(\d+):(\d+)$/) : null;
    if (p && m && Number(m[1]) === p.no && Number(m[2]) < p.capacity && p.refused[Number(m[2])] === 0) {
      p.refused[Number(m[2])] = 1;
      p.refusedCount++;
      const sentAt = p.sendTimes[Number(m[2])];
      if (sentAt > 0) p.refusalLatency.push(clock() - sentAt);
    }
  }
}

/** Opens one client; `settled` runs once, when it is ready or has failed. */
function openClient(c, settled) {
  const ws = openRoomSocket(c.url, { deflate: protocol.deflate, validateUtf8: false });
  const client = { index: c.index, sender: -1, ws, ready: false, seen: new Uint8Array(0), closed: false };
  // A retry replaces the client that failed with this index.
  const stale = clients.findIndex((other) => other.index === c.index);
  if (stale >= 0) clients.splice(stale, 1);
  let done = false;
  client.settled = () => {
    if (done) return;
    done = true;
    settled();
  };
  clients.push(client);
  ws.on("open", () => {
    if (c.hello) ws.send(c.hello);
  });
  ws.on("message", (data) => onData(client, data));
  ws.on("error", (error) => {
    if (!client.ready && !client.failed) {
      client.failed = true;
      parentPort.postMessage({ type: "failed", index: c.index, error: String(error.message) });
      client.settled();
    }
  });
  ws.on("close", (code) => {
    client.closed = true;
    if (!client.ready && !client.failed) {
      client.failed = true;
      parentPort.postMessage({ type: "failed", index: c.index, error: `closed ${code}` });
      client.settled();
    } else if (!client.closing) {
      const key = `close ${code}`;
      otherFrames[key] = (otherFrames[key] ?? 0) + 1;
    }
  });
}

/** Opens this thread's clients, all at once or paced (pacer.mjs); those not opened by the timeout fail. */
function connect({ list, timeoutMs, ratePerSec, maxInFlight }) {
  paced(list, { timeoutMs, ratePerSec, maxInFlight }, openClient, (late) => {
    for (const c of late)
      parentPort.postMessage({ type: "failed", index: c.index, error: "not opened before the timeout" });
  });
  setTimeout(() => {}, timeoutMs).unref();
}

/** Sends on schedule: message k of sender s is due at start + (k + s/S)/rate seconds. */
async function sendLoop(p, senders) {
  const interval = 1000 / p.rate;
  const counts = new Int32Array(senders.length);
  let remaining = senders.length * p.perSender;
  while (remaining > 0 && !p.stopSending) {
    const now = clock();
    let nextDue = Number.POSITIVE_INFINITY;
    for (let j = 0; j < senders.length; j++) {
      const { client, s } = senders[j];
      while (counts[j] < p.perSender) {
        const due = p.start + (counts[j] + s / p.totalSenders) * interval;
        if (due > now) {
          if (due < nextDue) nextDue = due;
          break;
        }
        const id = counts[j] * p.totalSenders + s + 1;
        const t = clock();
        p.sendTimes[id] = t;
        if (client.ws.readyState === OPEN) {
          client.ws.send(sendText(protocol.kind, p.no, id, measuredContent(p.no, id, t, p.padding)));
          p.sent++;
        } else p.notSent++;
        p.sendLag.push(now - due);
        counts[j]++;
        remaining--;
      }
    }
    if (remaining > 0) await sleep(Math.max(0, Math.min(5, nextDue - clock())));
  }
  p.sendEnd = clock();
}

function startPhase(cmd) {
  const capacity = cmd.totalSenders * cmd.perSender + 2;
  const live = clients.filter((c) => c.ready && c.ws.readyState === OPEN);
  const slots = Math.ceil(cmd.durationMs / cmd.slotMs) + 1;
  phase = {
    ...cmd,
    capacity,
    live: live.length,
    frames: 0,
    bytes: 0,
    deliveries: 0,
    duplicates: 0,
    stray: 0,
    sent: 0,
    notSent: 0,
    acceptedCount: 0,
    duplicateAcks: 0,
    refusedCount: 0,
    errors: {},
    retryAfterSec: {},
    accepted: new Uint8Array(capacity),
    refused: new Uint8Array(capacity),
    sendTimes: new Float64Array(capacity),
    latency: new LatencyRecorder(Math.min(live.length * capacity, 8_000_000)),
    ackLatency: new LatencyRecorder(capacity),
    refusalLatency: new LatencyRecorder(1024),
    sendLag: new LatencyRecorder(capacity),
    timeline: new SlotHistogram(slots),
    ackTimeline: new SlotHistogram(slots),
    lastDeliveryAt: 0,
    sendEnd: 0,
    stopSending: false,
  };
  for (const c of clients) {
    c.sender = -1;
    c.live = c.ready && c.ws.readyState === OPEN;
    if (c.seen.length >= capacity) c.seen.fill(0, 0, capacity);
    else c.seen = new Uint8Array(capacity);
  }
  const senders = [];
  for (const { index, s } of cmd.senders) {
    const client = clients.find((c) => c.index === index);
    if (!client) continue;
    client.sender = s;
    senders.push({ client, s });
  }
  lag.reset();
  lag.enable();
  phase.sending = sendLoop(phase, senders);
}

function status() {
  const p = phase;
  return p
    ? {
        deliveries: p.deliveries,
        accepted: p.acceptedCount,
        refused: p.refusedCount,
        sent: p.sent,
        live: p.live,
        sendDone: p.sendEnd > 0,
        lastFrameAt,
      }
    : { lastFrameAt };
}

/** Ends the phase: raw figures for the main thread (typed arrays transferred). */
async function endPhase() {
  const p = phase;
  p.stopSending = true;
  await p.sending;
  lag.disable();
  phase = null;
  const latencies = p.latency.values.slice(0, p.latency.count);
  const ackLatencies = p.ackLatency.values.slice(0, p.ackLatency.count);
  const refusalLatencies = p.refusalLatency.values.slice(0, p.refusalLatency.count);
  const sendLags = p.sendLag.values.slice(0, p.sendLag.count);
  const result = {
    live: p.live,
    frames: p.frames,
    bytes: p.bytes,
    deliveries: p.deliveries,
    duplicates: p.duplicates,
    stray: p.stray,
    sent: p.sent,
    notSent: p.notSent,
    duplicateAcks: p.duplicateAcks,
    errors: p.errors,
    retryAfterSec: p.retryAfterSec,
    lastDeliveryAt: p.lastDeliveryAt,
    sendEnd: p.sendEnd,
    accepted: p.accepted,
    refused: p.refused,
    latencies,
    ackLatencies,
    refusalLatencies,
    sendLags,
    timeline: p.timeline.counts,
    ackTimeline: p.ackTimeline.counts,
    lagMs: { p50: lag.percentile(50) / 1e6, p99: lag.percentile(99) / 1e6, max: lag.max / 1e6 },
  };
  lastPhase = { capacity: p.capacity };
  return result;
}
let lastPhase = null;

/** Loss: ids the server accepted that a live client of this thread never saw. */
function loss({ accepted }) {
  let lost = 0;
  let clientsWithLoss = 0;
  const capacity = lastPhase?.capacity ?? 0;
  for (const c of clients) {
    if (!c.live) continue;
    let mine = 0;
    for (let id = 1; id < capacity; id++) if (accepted[id] !== 0 && c.seen[id] === 0) mine++;
    lost += mine;
    if (mine > 0) clientsWithLoss++;
  }
  return { lost, clientsWithLoss };
}

async function closeAll(timeoutMs) {
  const waits = clients.map(
    (c) =>
      new Promise((resolve) => {
        c.closing = true;
        if (c.closed) return resolve();
        c.ws.once("close", resolve);
        try {
          c.ws.close(1000, "bench done");
        } catch {
          resolve();
        }
      }),
  );
  await Promise.race([Promise.all(waits), sleep(timeoutMs)]);
  for (const c of clients) if (!c.closed) c.ws.terminate();
  clients = [];
}

parentPort.on("message", async (cmd) => {
  const reply = (value, transfer = []) => parentPort.postMessage({ type: "reply", id: cmd.id, value }, transfer);
  try {
    switch (cmd.type) {
      case "protocol":
        protocol = {
          ...cmd.protocol,
          readyMark: Buffer.from(cmd.protocol.readyMark),
          errorMark: Buffer.from(cmd.protocol.errorMark),
          ackMark: cmd.protocol.ackMark ? Buffer.from(cmd.protocol.ackMark) : null,
          ackIdKey: cmd.protocol.ackIdKey ? Buffer.from(cmd.protocol.ackIdKey) : null,
        };
        return reply(true);
      case "connect":
        connect(cmd);
        return reply(true);
      case "phase":
        startPhase(cmd.phase);
        return reply(true);
      case "status":
        return reply(status());
      case "end": {
        const r = await endPhase();
        return reply(r, [
          r.latencies.buffer,
          r.ackLatencies.buffer,
          r.refusalLatencies.buffer,
          r.sendLags.buffer,
          r.timeline.buffer,
          r.ackTimeline.buffer,
        ]);
      }
      case "loss":
        return reply(loss(cmd));
      case "others": {
        const copy = { ...otherFrames, frames: idleFrames.count, bytes: idleFrames.bytes };
        for (const k of Object.keys(otherFrames)) delete otherFrames[k];
        idleFrames.count = 0;
        idleFrames.bytes = 0;
        return reply(copy);
      }
      case "close":
        await closeAll(cmd.timeoutMs);
        return reply(true);
      default:
        return reply(null);
    }
  } catch (error) {
    parentPort.postMessage({ type: "reply", id: cmd.id, error: String(error.stack ?? error) });
  }
});
