/**
 * @module limiter/auth-fails
 * AUTH_FAILS_PER_MIN (SPEC §8.1): every 401 of the client API, every 239/243/244 of the admin API and
 * every `/dev/token` call counts against the caller's address; beyond the limit further failures get
 * 429 (client) or 250 (admin) instead. Only failures ask the limiter, so valid credentials are never
 * refused by it and never pay a round trip for it.
 */
import type { Context } from "hono";
import type { AppEnv } from "../env";
import { AppError } from "../errors";
import { readLimits } from "../limits";

/** The key of requests without CF-Connecting-IP (all share one budget). */
export const SHARED_KEY = "shared";

/** The eight 16-bit groups of an IPv6 address, or null when it is not one. */
function ipv6Groups(ip: string): number[] | null {
  if (!/^[0-9a-fA-F:.]+$/.test(ip) || ip.split("::").length > 2) return null;
  let text = ip;
  const v4 = /(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (v4) {
    const bytes = v4.slice(1).map(Number);
    if (bytes.some((byte) => byte > 255)) return null;
    const [a = 0, b = 0, c = 0, d = 0] = bytes;
    text = `${ip.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = "", tail] = text.split("::");
  const part = (s: string) => (s === "" ? [] : s.split(":"));
  const left = part(head);
  const right = tail === undefined ? [] : part(tail);
  const fill = 8 - left.length - right.length;
  if (tail === undefined ? fill !== 0 : fill < 1) return null;
  const groups = [...left, ...Array<string>(tail === undefined ? 0 : fill).fill("0"), ...right];
  if (groups.some((group) => !/^[0-9a-fA-F]{1,4}$/.test(group))) return null;
  return groups.map((group) => Number.parseInt(group, 16));
}

/**
 * The budget key of a client address: an IPv4 address as is, an IPv6 address by its /64 prefix (one
 * subscriber usually holds a whole /64, so per-address keys would give an attacker 2^64 budgets), an
 * IPv4-mapped IPv6 address as its IPv4 address; no address, or one that parses as neither, shares
 * SHARED_KEY.
 */
export function clientKey(ip: string | null): string {
  if (!ip) return SHARED_KEY;
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(ip) && ip.split(".").every((byte) => Number(byte) <= 255)) return `ip:${ip}`;
  const groups = ipv6Groups(ip);
  if (groups === null) return SHARED_KEY;
  if (groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff) {
    const [hi = 0, lo = 0] = groups.slice(6);
    return `ip:${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  }
  return `ip6:${groups
    .slice(0, 4)
    .map((group) => group.toString(16))
    .join(":")}::/64`;
}

/**
 * Counts one failure against this request's address: null while the address is within
 * AUTH_FAILS_PER_MIN, else the RATE_LIMITED error to answer with (with the seconds until a failure
 * would be counted again).
 */
export async function spendAuthFailure(c: Context<AppEnv>): Promise<AppError | null> {
  const perMin = readLimits(c.env).authFailsPerMin;
  const key = clientKey(c.req.header("cf-connecting-ip") ?? null);
  const hit = await c.env.LIMITERS.getByName(`auth-fails:${key}`).hit(perMin / 60, perMin);
  if (hit.ok) return null;
  return new AppError("rate_limited", "too many failed authentication attempts from this address: retry later", {
    retryAfterSec: hit.retryAfterSec,
  });
}

/** Counts `failure` and returns the error to answer with: `failure`, or RATE_LIMITED beyond the limit. */
export async function countAuthFailure(c: Context<AppEnv>, failure: AppError): Promise<AppError> {
  return (await spendAuthFailure(c)) ?? failure;
}
