// Starts a real `wrangler dev` for end-to-end tests: a free port, its own state directory with the D1
// migrations applied, its own secrets; stops it afterwards. Used by every e2e test file.
import { spawn, spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AdminClient } from "../public/client.js";

const ROOT = new URL("..", import.meta.url).pathname;

/** A free TCP port on loopback. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts wrangler dev with fresh local state. `vars` become `--var` overrides (real secrets unless
 * `vars` names others); `ip` is the address to listen on (loopback unless a test needs another
 * interface). Ready once `/health` answers, 503 included (a test may start a misconfigured server).
 * Returns { url, wsUrl, port, adminSecret, tokenSecret, admin(), stop() }.
 */
export async function startServer(vars = {}, { ip = "127.0.0.1" } = {}) {
  const port = await freePort();
  const stateDir = mkdtempSync(join(tmpdir(), "edgeroom-e2e-"));
  const env = { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true" };
  const migrate = spawnSync(
    "npx",
    ["wrangler", "d1", "migrations", "apply", "DB", "--local", "--persist-to", stateDir],
    { cwd: ROOT, env, encoding: "utf8" },
  );
  if (migrate.status !== 0) throw new Error(`migrations failed: ${migrate.stderr}`);
  const allVars = {
    ADMIN_SECRET: `e2e-admin-${randomUUID()}`,
    TOKEN_SECRET: `e2e-token-${randomUUID()}`,
    DEV_MODE: "false",
    ...vars,
  };
  const { ADMIN_SECRET: adminSecret, TOKEN_SECRET: tokenSecret } = allVars;
  const args = ["wrangler", "dev", "--ip", ip, "--port", String(port), "--persist-to", stateDir];
  for (const [name, value] of Object.entries(allVars)) args.push("--var", `${name}:${value}`);
  const child = spawn("npx", args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  let output = "";
  child.stdout.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr.on("data", (chunk) => {
    output += chunk;
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited early:\n${output}`);
    try {
      const res = await fetch(`${url}/health`);
      if (res.status === 200 || res.status === 503) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      process.kill(-child.pid, "SIGKILL");
      throw new Error(`wrangler dev did not become ready:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }

  const adminClient = new AdminClient({ baseUrl: url, secret: adminSecret });
  /** A signed Wildfire admin call (options: nonce, timestamp, secret, headers); resolves to the envelope. */
  const admin = (path, body, options = {}) => adminClient.call(path, body, options);

  async function stop() {
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {
      // already gone
    }
    await new Promise((resolve) => {
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid, "SIGKILL");
        } catch {
          // already gone
        }
        resolve();
      }, 5000);
      child.on("exit", () => {
        clearTimeout(timer);
        resolve();
      });
    });
    rmSync(stateDir, { recursive: true, force: true });
  }

  return { url, wsUrl: url.replace("http", "ws"), port, adminSecret, tokenSecret, admin, stop, output: () => output };
}
