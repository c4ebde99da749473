/**
 * @module api/cors
 * CORS for the browser-facing APIs, /api/* and /dev/* (SPEC §8.2): origins from CORS_ORIGINS (a comma
 * list, default `*`), the client API's auth headers allowed in preflight, Retry-After exposed, never
 * credentials (tokens travel in headers, not cookies). /admin/* is server-to-server and gets none.
 */
import { cors } from "hono/cors";

/** Request headers a browser may send to the client API. */
export const CORS_ALLOW_HEADERS = ["ACCESS-TOKEN", "x-token", "Authorization", "Content-Type"];
/** Response headers a browser page may read beyond the safelisted ones. */
export const CORS_EXPOSE_HEADERS = ["Retry-After"];
/** How long a browser may cache a preflight answer, in seconds. */
const PREFLIGHT_MAX_AGE_SECONDS = 600;

/** The allowed origins of a CORS_ORIGINS value: `*`, or exact origins (scheme://host[:port]). */
export function allowedOrigins(value: string | undefined): "*" | string[] {
  const origins = (value ?? "")
    .split(",")
    .map((origin) => origin.trim().replace(/\/+$/, ""))
    .filter((origin) => origin.length > 0);
  return origins.length === 0 || origins.includes("*") ? "*" : origins;
}

/** CORS middleware for /api/* and /dev/*; answers preflight itself, before authentication. */
export const clientCors = cors({
  origin: (origin, c) => {
    const allowed = allowedOrigins((c.env as Env | undefined)?.CORS_ORIGINS);
    if (allowed === "*") return "*";
    return allowed.includes(origin) ? origin : null;
  },
  allowMethods: ["GET", "POST", "PUT", "DELETE"],
  allowHeaders: CORS_ALLOW_HEADERS,
  exposeHeaders: CORS_EXPOSE_HEADERS,
  maxAge: PREFLIGHT_MAX_AGE_SECONDS,
  credentials: false,
});
