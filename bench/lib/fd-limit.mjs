// Open-file limit for scenarios with thousands of sockets. Each client socket is one descriptor in the
// generator and one in the runtime (two more in the dev proxy when a scenario goes through it), and the
// servers inherit this process's limit when they start. Node raises its soft limit to the hard one at
// startup; past the hard limit, root can raise both with util-linux `prlimit` on this process, which is
// what `ulimit -n <N>` in the shell would do before the run. Without CAP_SYS_RESOURCE (a container) the
// hard limit stays, and it caps the audience: the runtime holds every socket in one process locally.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

/** This process's { soft, hard } RLIMIT_NOFILE, or null off Linux. */
export function openFileLimit() {
  try {
    const line = readFileSync("/proc/self/limits", "utf8")
      .split("\n")
      .find((l) => l.startsWith("Max open files"));
    const [soft, hard] = line.trim().split(/\s+/).slice(3, 5).map(Number);
    return { soft, hard };
  } catch {
    return null;
  }
}

/**
 * Makes sure this process (and the servers it starts afterwards) may open `needed` files: raises the
 * limit with `prlimit` when it is lower. Returns { before, after, raised, problem }.
 */
export function ensureOpenFiles(needed) {
  const before = openFileLimit();
  if (!before || before.soft >= needed) return { before, after: before, raised: false, problem: null };
  const target = Math.max(needed, before.hard);
  let problem = null;
  try {
    execFileSync("prlimit", ["--pid", String(process.pid), `--nofile=${target}:${target}`], { stdio: "pipe" });
  } catch (error) {
    problem = `prlimit failed (${String(error.message ?? error).split("\n")[0]}); run \`ulimit -n ${needed}\` as root before the bench`;
  }
  const after = openFileLimit();
  if (!problem && after.soft < needed)
    problem = `open-file limit is ${after.soft}; run \`ulimit -n ${needed}\` before the bench`;
  return { before, after, raised: after.soft > before.soft, problem };
}
