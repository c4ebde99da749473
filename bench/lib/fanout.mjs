// The fan-out load generator: N member sockets in one room, S of them sending at a fixed rate.
// Each frame is parsed once (a batch with one JSON.parse); per-delivery bookkeeping writes into typed
// arrays, so receiving allocates nothing beyond what `ws` and JSON.parse do.
//
// Sends carry their send time (performance.now(), same process and clock as the receiver) at the start
// of `content`; clientMsgId is the sender's counter, so acks map back to their send time.
// One delivery = one chat message arriving at one client. Loss = an acked seq a client never saw
// (after the drain); a duplicate = the same seq twice at one client.
import WebSocket from "ws";
import { LatencyRecorder } from "./stats.mjs";

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const DEFLATE = process.env.BENCH_DEFLATE === "1";
/** Width of a latency-timeline slot (by send time). */
const TIMELINE_SLOT_MS = 250;

/** Grows a Uint8Array so that index `i` fits. */
function growU8(array, i) {
  if (i < array.length) return array;
  const bigger = new Uint8Array(Math.max(i + 1, array.length * 2));
  bigger.set(array);
  return bigger;
}

/** A growable Float64Array of send times by counter. */
function growF64(array, i) {
  if (i < array.length) return array;
  const bigger = new Float64Array(Math.max(i + 1, array.length * 2));
  bigger.set(array);
  return bigger;
}

export class FanoutRoom {
  /**
   * @param {{ wsBase: string, roomId: string, users: { userId: string, token: string }[], contentBytes?: number }} options
   */
  constructor({ wsBase, roomId, users, contentBytes = 64 }) {
    this.wsBase = wsBase;
    this.roomId = roomId;
    this.users = users;
    this.padding = "x".repeat(Math.max(1, contentBytes - 16));
    this.clients = [];
    this.highSeq = 0;
    this.unexpectedCloses = 0;
    this.closeCodes = {};
    /** Frames other than message/ack/welcome/error, by type (presence, typing, ...). */
    this.otherFrames = {};
    this.phase = null;
    this.open = false;
  }

  // ── connect ─────────────────────────────────────────────────────────

  /** Opens every socket at once; resolves when every welcome arrived (or the timeout passed). */
  async connectAll({ timeoutMs = 60_000 } = {}) {
    const t0 = performance.now();
    const connectMs = new LatencyRecorder(this.users.length);
    let welcomed = 0;
    let failed = 0;
    const failures = [];
    this.open = true;
    const done = new Promise((resolve) => {
      const settle = () => {
        if (welcomed + failed === this.users.length) resolve();
      };
      this.users.forEach((user, index) => {
        const url = `${this.wsBase}/api/chatrooms/${encodeURIComponent(this.roomId)}/ws?token=${encodeURIComponent(user.token)}`;
        const ws = new WebSocket(url, { perMessageDeflate: DEFLATE, skipUTF8Validation: true });
        const client = {
          index,
          userId: user.userId,
          ws,
          welcomed: false,
          seen: new Uint8Array(0),
          sendTimes: new Float64Array(0),
          counter: 0,
        };
        this.clients.push(client);
        ws.on("message", (data) => this.onData(client, data));
        ws.on("error", (error) => {
          if (!client.welcomed && !client.failed) {
            client.failed = true;
            failed++;
            if (failures.length < 3) failures.push(String(error.message));
            settle();
          }
        });
        ws.on("close", (code) => {
          if (!client.welcomed && !client.failed) {
            client.failed = true;
            failed++;
            settle();
          } else if (this.open) {
            this.unexpectedCloses++;
            this.closeCodes[code] = (this.closeCodes[code] ?? 0) + 1;
          }
        });
        client.onWelcome = () => {
          welcomed++;
          connectMs.push(performance.now() - t0);
          settle();
        };
      });
    });
    let timedOut = false;
    await Promise.race([done, sleep(timeoutMs).then(() => (timedOut = true))]);
    const allMs = performance.now() - t0;
    return {
      clients: this.users.length,
      welcomed,
      failed,
      failures,
      timedOut,
      connectAllMs: Math.round(allMs),
      perClientMs: connectMs.summary(),
      // The connect storm's other traffic: every connect is announced to every socket already there.
      framesByType: { ...this.otherFrames },
    };
  }

  /** Closes every socket (bounded wait), then terminates stragglers. */
  async closeAll(timeoutMs = 5000) {
    this.open = false;
    const closed = this.clients.map(
      (c) =>
        new Promise((resolve) => {
          if (c.ws.readyState === WebSocket.CLOSED) return resolve();
          c.ws.once("close", resolve);
          try {
            c.ws.close(1000, "bench done");
          } catch {
            resolve();
          }
        }),
    );
    await Promise.race([Promise.all(closed), sleep(timeoutMs)]);
    for (const c of this.clients) if (c.ws.readyState !== WebSocket.CLOSED) c.ws.terminate();
  }

  // ── receive ─────────────────────────────────────────────────────────

  onData(client, data) {
    const now = performance.now();
    const frame = JSON.parse(data.toString());
    if (frame.type === "batch") {
      const frames = frame.frames;
      for (let i = 0; i < frames.length; i++) this.onFrame(client, frames[i], now);
    } else this.onFrame(client, frame, now);
  }

  onFrame(client, frame, now) {
    const phase = this.phase;
    switch (frame.type) {
      case "message": {
        const seq = frame.seq;
        if (seq > this.highSeq) this.highSeq = seq;
        if (!phase) return;
        const i = seq - phase.base;
        if (i <= 0) {
          phase.stray++;
          return;
        }
        if (i >= client.seen.length) client.seen = growU8(client.seen, i + phase.capacity);
        const seen = client.seen[i];
        if (seen === 0) {
          phase.deliveries++;
          const sentAt = Number.parseFloat(frame.content);
          const latency = now - sentAt;
          phase.latency.push(latency);
          if (now > phase.lastDeliveryAt) phase.lastDeliveryAt = now;
          // Timeline by send time: worst latency per slot shows stalls (and when they happen).
          const slot = Math.floor((sentAt - phase.start) / TIMELINE_SLOT_MS);
          if (slot >= 0 && slot < phase.timelineMax.length && latency > phase.timelineMax[slot]) {
            phase.timelineMax[slot] = latency;
          }
        } else phase.duplicates++;
        if (seen < 255) client.seen[i] = seen + 1;
        return;
      }
      case "ack": {
        const seq = frame.seq;
        if (seq > this.highSeq) this.highSeq = seq;
        if (!phase) return;
        const i = seq - phase.base;
        if (i <= 0) return;
        if (frame.duplicate) phase.duplicateAcks++;
        if (i >= phase.acked.length) phase.acked = growU8(phase.acked, i + phase.capacity);
        if (phase.acked[i] === 0) {
          phase.acked[i] = 1;
          phase.ackCount++;
          const counter = Number(frame.clientMsgId);
          const sentAt = client.sendTimes[counter];
          if (sentAt > 0) phase.ackLatency.push(now - sentAt);
        }
        return;
      }
      case "welcome":
        if (frame.lastSeq > this.highSeq) this.highSeq = frame.lastSeq;
        if (!client.welcomed) {
          client.welcomed = true;
          client.onWelcome();
        }
        return;
      case "error":
        if (phase) phase.errors[frame.code] = (phase.errors[frame.code] ?? 0) + 1;
        return;
      default:
        this.otherFrames[frame.type] = (this.otherFrames[frame.type] ?? 0) + 1;
    }
  }

  // ── send ────────────────────────────────────────────────────────────

  send(client) {
    const counter = ++client.counter;
    const now = performance.now();
    if (counter >= client.sendTimes.length) client.sendTimes = growF64(client.sendTimes, counter + 1024);
    client.sendTimes[counter] = now;
    client.ws.send(`{"type":"send","clientMsgId":"${counter}","content":"${now.toFixed(3)} ${this.padding}"}`);
  }

  /**
   * One measured phase: the first `senders` clients each send `rate` msg/s for `durationMs` (message k
   * of sender s is due at start + (k + s/senders)/rate, so senders interleave evenly), then a drain of at
   * most `drainMs` for in-flight deliveries. Resolves to a function that computes the phase's figures.
   */
  async runPhase({ senders, rate, durationMs, drainMs = 2000 }) {
    const n = this.clients.length;
    const live = this.clients.filter((c) => c.welcomed && c.ws.readyState === WebSocket.OPEN).length;
    const perSender = Math.max(1, Math.round((rate * durationMs) / 1000));
    const capacity = perSender * senders + 1024;
    const phase = {
      base: this.highSeq,
      capacity,
      acked: new Uint8Array(capacity),
      ackCount: 0,
      duplicateAcks: 0,
      deliveries: 0,
      duplicates: 0,
      stray: 0,
      errors: {},
      latency: new LatencyRecorder(Math.min(perSender * senders * n, 4_000_000)),
      ackLatency: new LatencyRecorder(perSender * senders),
      lastDeliveryAt: 0,
      start: performance.now(),
      timelineMax: new Float64Array(Math.ceil(durationMs / TIMELINE_SLOT_MS) + 1),
    };
    for (const c of this.clients) {
      if (c.seen.length >= capacity) c.seen.fill(0);
      else c.seen = new Uint8Array(capacity);
    }
    const closesBefore = this.unexpectedCloses;
    this.otherFrames = {};
    this.phase = phase;

    const interval = 1000 / rate;
    const counts = new Int32Array(senders);
    const sendLag = new LatencyRecorder(perSender * senders);
    let remaining = perSender * senders;
    const start = performance.now();
    phase.start = start;
    while (remaining > 0) {
      const now = performance.now();
      let nextDue = Number.POSITIVE_INFINITY;
      for (let s = 0; s < senders; s++) {
        const client = this.clients[s];
        while (counts[s] < perSender) {
          const due = start + (counts[s] + s / senders) * interval;
          if (due > now) {
            if (due < nextDue) nextDue = due;
            break;
          }
          if (client.ws.readyState === WebSocket.OPEN) this.send(client);
          sendLag.push(now - due);
          counts[s]++;
          remaining--;
        }
      }
      if (remaining > 0) await sleep(Math.max(0, Math.min(5, nextDue - performance.now())));
    }
    const sendEnd = performance.now();
    const sent = perSender * senders;

    // Drain: until every send is acked and every acked message reached every live client, or drainMs.
    const drainDeadline = sendEnd + drainMs;
    while (performance.now() < drainDeadline) {
      if (phase.ackCount >= sent && phase.deliveries >= phase.ackCount * live) break;
      await sleep(10);
    }
    const drainEnd = performance.now();
    this.phase = null;
    // The bookkeeping below (loss scan, sorting the latencies) runs when the caller asks, after it has
    // stopped measuring CPU, so that the generator's figures are those of the load alone.
    return () =>
      this.summarise({
        phase,
        n,
        live,
        start,
        sendEnd,
        drainEnd,
        sent,
        senders,
        rate,
        durationMs,
        closesBefore,
        sendLag,
      });
  }

  /** The figures of a finished phase (see runPhase). */
  summarise({ phase, n, live, start, sendEnd, drainEnd, sent, senders, rate, durationMs, closesBefore, sendLag }) {
    // Loss: every acked seq each client should have seen.
    let lost = 0;
    const lostByClient = new Int32Array(n);
    for (let i = 1; i < phase.acked.length; i++) {
      if (phase.acked[i] === 0) continue;
      for (let c = 0; c < n; c++) {
        const seen = this.clients[c].seen;
        if (i >= seen.length || seen[i] === 0) {
          lost++;
          lostByClient[c]++;
        }
      }
    }
    const clientsWithLoss = lostByClient.reduce((k, v) => k + (v > 0 ? 1 : 0), 0);
    const window = (phase.lastDeliveryAt > start ? phase.lastDeliveryAt : drainEnd) - start;
    const sendSec = (sendEnd - start) / 1000;
    return {
      clients: n,
      liveClients: live,
      senders,
      ratePerSender: rate,
      durationSec: durationMs / 1000,
      offeredMsgsPerSec: senders * rate,
      offeredDeliveriesPerSec: senders * rate * n,
      sent,
      sendSec: Math.round(sendSec * 1000) / 1000,
      acked: phase.ackCount,
      unacked: sent - phase.ackCount,
      duplicateAcks: phase.duplicateAcks,
      errors: phase.errors,
      expectedDeliveries: phase.ackCount * n,
      deliveries: phase.deliveries,
      lost,
      clientsWithLoss,
      duplicates: phase.duplicates,
      strayFromEarlierPhase: phase.stray,
      unexpectedCloses: this.unexpectedCloses - closesBefore,
      otherFrames: { ...this.otherFrames },
      // Deliveries per second from the first send to the last delivery.
      deliveriesPerSec: Math.round(phase.deliveries / (window / 1000)),
      drainMs: Math.round(drainEnd - sendEnd),
      drainComplete: phase.ackCount >= sent && phase.deliveries >= phase.ackCount * live,
      latencyMs: phase.latency.summary(),
      ackLatencyMs: phase.ackLatency.summary(),
      sendLagMs: sendLag.summary(),
      // Worst delivery latency (ms) of the messages sent in each slot of the phase.
      timeline: {
        slotMs: TIMELINE_SLOT_MS,
        maxLatencyMs: Array.from(phase.timelineMax, (x) => Math.round(x * 10) / 10),
      },
    };
  }
}
