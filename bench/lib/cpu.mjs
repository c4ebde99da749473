// CPU accounting from /proc: per process (utime+stime of all its threads), per thread name, the whole
// machine (/proc/stat), and the generator itself (process.cpuUsage()). Linux only; on other systems the
// readers return null and the report says "n/a".
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { cpus, setPriority } from "node:os";

let ticksPerSecond = 100;
try {
  ticksPerSecond = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
} catch {
  // getconf missing: 100 is the Linux default.
}

/** Parses one /proc/<pid>/stat (or task stat) line; the comm may contain spaces and parentheses. */
function parseStat(text) {
  const open = text.indexOf("(");
  const close = text.lastIndexOf(")");
  const rest = text.slice(close + 2).split(" ");
  return {
    pid: Number(text.slice(0, open - 1)),
    comm: text.slice(open + 1, close),
    ppid: Number(rest[1]),
    utime: Number(rest[11]),
    stime: Number(rest[12]),
    starttime: Number(rest[19]),
  };
}

/** utime/stime (in ticks) of one process, or null when it is gone. */
export function procStat(pid) {
  try {
    return parseStat(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return null;
  }
}

/** Every process on the machine: { pid, comm, ppid, utime, stime }. */
export function listProcesses() {
  const out = [];
  let entries = [];
  try {
    entries = readdirSync("/proc");
  } catch {
    return out;
  }
  for (const name of entries) {
    if (name.charCodeAt(0) < 48 || name.charCodeAt(0) > 57) continue;
    const stat = procStat(name);
    if (stat) out.push(stat);
  }
  return out;
}

/** The processes named `comm` (e.g. workerd). */
export function processesNamed(comm) {
  return listProcesses().filter((p) => p.comm === comm);
}

/**
 * Nanoseconds the threads of a process spent waiting on a run queue (runnable but not running), from
 * /proc/<pid>/task/<tid>/schedstat: CPU contention, as opposed to CPU use. Null where unavailable.
 */
export function runQueueWaitNs(pid) {
  let tids = [];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return null;
  }
  let total = 0;
  for (const tid of tids) {
    try {
      total += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8").split(" ")[1]);
    } catch {
      // thread ended, or no schedstats
    }
  }
  return total;
}

/** Per-thread ticks of one process: Map tid -> { name, utime, stime }. */
export function threadTicks(pid) {
  const byTid = new Map();
  let tids = [];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return byTid;
  }
  for (const tid of tids) {
    try {
      const stat = parseStat(readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8"));
      byTid.set(tid, { name: stat.comm, utime: stat.utime, stime: stat.stime });
    } catch {
      // thread ended between readdir and read
    }
  }
  return byTid;
}

const STAT_FIELDS = ["user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal"];

/** Ticks of the whole machine by /proc/stat column, with busy (not idle/iowait) and total. */
export function machineTicks() {
  try {
    const line = readFileSync("/proc/stat", "utf8").split("\n", 1)[0];
    const f = line.trim().split(/\s+/).slice(1).map(Number);
    const out = { busy: 0, total: 0 };
    STAT_FIELDS.forEach((name, i) => {
      out[name] = f[i] ?? 0;
      out.total += f[i] ?? 0;
      if (name !== "idle" && name !== "iowait") out.busy += f[i] ?? 0;
    });
    return out;
  } catch {
    return null;
  }
}

/** Whole-disk devices from /proc/diskstats: name -> { ioMs, writtenSectors } (partitions skipped). */
function diskTicks() {
  const out = new Map();
  try {
    for (const line of readFileSync("/proc/diskstats", "utf8").split("\n")) {
      const f = line.trim().split(/\s+/);
      const name = f[2];
      if (
        !name ||
        /^(loop|ram|zram|dm-)/.test(name) ||
        /^(sd[a-z]+|vd[a-z]+|xvd[a-z]+)\d+$|^nvme\d+n\d+p\d+$/.test(name)
      )
        continue;
      out.set(name, { ioMs: Number(f[12]), writtenSectors: Number(f[9]) });
    }
  } catch {
    // no diskstats
  }
  return out;
}

/** ticks per process (pid -> { comm, ticks }) for every process on the machine, kernel threads included. */
function allProcessTicks() {
  const map = new Map();
  // Kernel threads (children of kthreadd, pid 2) are listed but are not "other jobs": writeback and
  // softirq threads also work for the benchmark's own I/O.
  for (const p of listProcesses()) {
    map.set(p.pid, {
      comm: p.comm,
      ppid: p.ppid,
      starttime: p.starttime,
      ticks: p.utime + p.stime,
      kernel: p.pid === 2 || p.ppid === 2,
    });
  }
  return map;
}

const round = (x, digits = 3) => Math.round(x * 10 ** digits) / 10 ** digits;

/**
 * Samples CPU of the given processes ({ role, pid }), the generator and the machine between start() and
 * stop(). stop() returns seconds of CPU and percent of one core over the wall time.
 */
export class CpuSampler {
  constructor(processes) {
    this.processes = processes;
  }

  start() {
    this.t0 = performance.now();
    this.gen0 = process.cpuUsage();
    this.machine0 = machineTicks();
    this.proc0 = this.processes.map((p) => procStat(p.pid));
    this.threads0 = this.processes.map((p) => threadTicks(p.pid));
    this.wait0 = [...this.processes.map((p) => runQueueWaitNs(p.pid)), runQueueWaitNs(process.pid)];
    this.all0 = allProcessTicks();
    this.disk0 = diskTicks();
    return this;
  }

  stop() {
    const wall = (performance.now() - this.t0) / 1000;
    const gen = process.cpuUsage(this.gen0);
    const machine1 = machineTicks();
    const pct = (sec) => round((100 * sec) / wall, 1);
    // Run-queue wait over the window, in % of the wall time (summed over threads).
    const waitPct = (before, after) =>
      before === null || after === null ? null : round((100 * (after - before)) / 1e9 / wall, 1);
    const processes = this.processes.map((p, i) => {
      const before = this.proc0[i];
      const after = procStat(p.pid);
      if (!before || !after) return { role: p.role, pid: p.pid, cpuSec: null };
      const user = (after.utime - before.utime) / ticksPerSecond;
      const sys = (after.stime - before.stime) / ticksPerSecond;
      const threads = [];
      const t0 = this.threads0[i];
      for (const [tid, t1] of threadTicks(p.pid)) {
        const start = t0.get(tid) ?? { utime: 0, stime: 0 };
        const sec = (t1.utime - start.utime + t1.stime - start.stime) / ticksPerSecond;
        if (sec > 0) threads.push({ tid: Number(tid), name: t1.name, cpuSec: round(sec), pctCore: pct(sec) });
      }
      threads.sort((a, b) => b.cpuSec - a.cpuSec);
      return {
        role: p.role,
        pid: p.pid,
        userSec: round(user),
        sysSec: round(sys),
        cpuSec: round(user + sys),
        pctCore: pct(user + sys),
        runWaitPct: waitPct(this.wait0[i], runQueueWaitNs(p.pid)),
        threads,
      };
    });
    const genUser = gen.user / 1e6;
    const genSys = gen.system / 1e6;
    processes.push({
      role: "generator",
      pid: process.pid,
      userSec: round(genUser),
      sysSec: round(genSys),
      cpuSec: round(genUser + genSys),
      pctCore: pct(genUser + genSys),
      runWaitPct: waitPct(this.wait0[this.processes.length], runQueueWaitNs(process.pid)),
    });
    let machine = null;
    if (this.machine0 && machine1) {
      const busy = (machine1.busy - this.machine0.busy) / ticksPerSecond;
      const total = (machine1.total - this.machine0.total) / ticksPerSecond;
      const ours = processes.reduce((sum, p) => sum + (p.cpuSec ?? 0), 0);
      // Seconds per /proc/stat column: softirq is loopback TCP receive work the kernel does not charge
      // to any process; steal is time the hypervisor gave to someone else.
      const columns = {};
      for (const name of STAT_FIELDS) columns[name] = round((machine1[name] - this.machine0[name]) / ticksPerSecond);
      // The busiest processes that are not ours (other jobs, ksoftirqd).
      const ourPids = new Set(processes.map((p) => p.pid));
      const others = [];
      const now = allProcessTicks();
      for (const [pid, after] of now) {
        // Ours, or a child of ours (wrangler's esbuild watcher).
        if (ourPids.has(pid) || ourPids.has(after.ppid)) continue;
        const before = this.all0.get(pid);
        // Same pid and start time: the same process (kernel workers rename themselves as they go).
        const sec =
          (after.ticks - (before && before.starttime === after.starttime ? before.ticks : 0)) / ticksPerSecond;
        if (sec >= 0.02) {
          others.push({ pid, comm: after.comm, kernel: after.kernel, cpuSec: round(sec), pctCore: pct(sec) });
        }
      }
      others.sort((a, b) => b.cpuSec - a.cpuSec);
      // Disk utilisation (time with I/O in flight) and MB written, per device: SQLite commits (the
      // room's and the nonce guard's) wait for the disk, which other jobs share too.
      const disks = [];
      for (const [name, d1] of diskTicks()) {
        const d0 = this.disk0.get(name);
        if (!d0) continue;
        disks.push({
          name,
          utilPct: round((100 * (d1.ioMs - d0.ioMs)) / 1000 / wall, 1),
          writtenMB: round(((d1.writtenSectors - d0.writtenSectors) * 512) / 1e6, 1),
        });
      }
      machine = {
        cores: cpus().length,
        disks,
        busySec: round(busy),
        busyPct: round((100 * busy) / Math.max(total, 1e-9), 1),
        columns,
        // CPU used by anything not measured above (other processes, softirq, steal).
        otherSec: round(Math.max(0, busy - ours)),
        // User processes outside the benchmark (other jobs on a shared machine), in % of one core.
        otherUserPct: pct(others.reduce((sum, p) => sum + (p.kernel ? 0 : p.cpuSec), 0)),
        otherProcesses: others.slice(0, 12),
      };
    }
    return { wallSec: round(wall), processes, machine };
  }
}

/** CPU of user processes outside the benchmark during a sampled window, in % of one core. */
export function interferencePct(cpu) {
  return Math.round(cpu?.machine?.otherUserPct ?? 0);
}

/**
 * Waits (bounded) until the machine is mostly idle: busy below `threshold` % of all cores over a 1 s
 * window. Returns the last measured busy percent (null where /proc/stat is missing).
 */
export async function waitForQuiet({ maxWaitMs = 20_000, threshold = 20 } = {}) {
  const deadline = Date.now() + maxWaitMs;
  for (;;) {
    const a = machineTicks();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const b = machineTicks();
    if (!a || !b) return null;
    const busyPct = Math.round((1000 * (b.busy - a.busy)) / Math.max(1, b.total - a.total)) / 10;
    if (busyPct < threshold || Date.now() > deadline) return busyPct;
  }
}

/**
 * Sets the scheduling priority (nice) of every thread of the given processes (Linux applies
 * setpriority per thread). Used only when BENCH_NICE is set, to shield a run on a shared machine.
 */
export function reniceAll(pids, nice) {
  let done = 0;
  for (const pid of pids) {
    let tids = [];
    try {
      tids = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const tid of tids) {
      try {
        setPriority(Number(tid), nice);
        done++;
      } catch {
        // not permitted, or gone
      }
    }
  }
  return done;
}
