/**
 * @module config
 * The one check of the Worker's secrets, dev mode, display zone and webhook endpoint (SPEC §6, §8.1, §8.2,
 * §8.4). Local development is DEV_MODE=true on a loopback host; there the example secrets of
 * `.dev.vars.example` are fine. Anywhere else the Worker refuses to serve while ADMIN_SECRET or
 * TOKEN_SECRET (and WEBHOOK_SECRET, when WEBHOOK_URL is set) is unset, shorter than SECRET_MIN_LENGTH or
 * an example value: admin calls answer code 4, client calls SERVER_ERROR and `/health` 503, each naming
 * the problem, and the problem is logged once per isolate. The webhook consumer delivers nothing then.
 */
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { adminOnError } from "./admin/envelope";
import { apiOnError } from "./api/envelope";
import { displayZoneProblem } from "./api/willson";
import type { AppEnv } from "./env";
import { AppError } from "./errors";

/** Shortest secret accepted outside local development. */
export const SECRET_MIN_LENGTH = 16;

/** The values shipped in `.dev.vars.example` (a test keeps the two in step). */
export const EXAMPLE_SECRETS = {
  ADMIN_SECRET: "dev-admin-secret",
  TOKEN_SECRET: "dev-token-secret-change-me",
  WEBHOOK_SECRET: "dev-webhook-secret-change-me",
} as const;

/** The bindings the check reads. */
export interface ConfigVars {
  ADMIN_SECRET?: string;
  TOKEN_SECRET?: string;
  DEV_MODE?: string;
  DISPLAY_TZ?: string;
  WEBHOOK_URL?: string;
  WEBHOOK_SECRET?: string;
}

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);
const LOOPBACK_ADDRESS = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3})$/;

/**
 * True for local development: DEV_MODE=true, a loopback host, and (when the runtime names one) a
 * loopback client address, so a dev server bound to a public interface is not local for a remote
 * client that sends `Host: localhost`.
 */
export function isLocalDev(vars: ConfigVars, url: string, clientIp: string | null): boolean {
  if (vars.DEV_MODE !== "true") return false;
  if (!LOOPBACK_HOSTS.has(new URL(url).hostname)) return false;
  return clientIp === null || LOOPBACK_ADDRESS.test(clientIp);
}

/** What is wrong with the secrets or the display zone, or null when the Worker may serve. */
export function configProblem(vars: ConfigVars, localDev: boolean): string | null {
  // An invalid zone refuses to start everywhere (SPEC §8.2): Willson dates would be wrong.
  const zone = displayZoneProblem(vars.DISPLAY_TZ);
  if (zone !== null) return zone;
  const webhooks = Boolean(vars.WEBHOOK_URL);
  if (webhooks && !isHttpUrl(vars.WEBHOOK_URL ?? "")) return "WEBHOOK_URL is not an http(s) URL";
  const secrets = webhooks
    ? (["ADMIN_SECRET", "TOKEN_SECRET", "WEBHOOK_SECRET"] as const)
    : (["ADMIN_SECRET", "TOKEN_SECRET"] as const);
  for (const name of secrets) {
    const value = vars[name];
    const why = name === "WEBHOOK_SECRET" ? " while WEBHOOK_URL is set" : "";
    if (!value) return `${name} is unset${why} (wrangler secret put ${name})`;
    if (localDev) continue;
    if (value === EXAMPLE_SECRETS[name]) {
      return `${name} is the example value from .dev.vars.example (wrangler secret put ${name})`;
    }
    if (value.length < SECRET_MIN_LENGTH) return `${name} is shorter than ${SECRET_MIN_LENGTH} characters`;
  }
  return null;
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === "http:" || url.protocol === "https:") && url.hostname !== "";
  } catch {
    return false;
  }
}

/** True when this request runs as local development. */
export function requestIsLocalDev(c: Context<AppEnv>): boolean {
  return isLocalDev(c.env, c.req.url, c.req.header("cf-connecting-ip") ?? null);
}

let loggedProblem: string | null = null;

/**
 * Refuses to serve while the configuration is unsafe. `/dev/*` outside local development is left to
 * its 404, so a production deployment does not reveal that the route exists.
 */
export const configGuard = createMiddleware<AppEnv>(async function configGuard(c, next) {
  const local = requestIsLocalDev(c);
  const problem = configProblem(c.env, local);
  if (problem === null || (c.req.path.startsWith("/dev/") && !local)) return next();
  if (loggedProblem !== problem) {
    loggedProblem = problem;
    console.error(JSON.stringify({ at: "config", refusing: "every admin and client call", problem }));
  }
  const error = new AppError("server_error", `server not configured: ${problem}`);
  if (c.req.path.startsWith("/admin/") || c.req.path === "/admin") return adminOnError(error, c);
  if (c.req.path === "/health") return c.json({ status: "misconfigured" as const, problem }, 503);
  if (c.req.path.startsWith("/api/") || c.req.path.startsWith("/dev/")) return apiOnError(error, c);
  return next();
});
