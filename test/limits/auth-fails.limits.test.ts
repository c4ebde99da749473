/**
 * AUTH_FAILS_PER_MIN at its SPEC default (60, §8.1), per client address: client 401s, admin
 * 239/243/244 and /dev/token calls share one budget; beyond it further failures get 429 / 250, while
 * valid credentials from the same address are never refused and spend nothing. The budget refills one
 * failure per second, so floods are sent at once and checked by counts: in t seconds at most
 * 60 + ⌈t⌉ failures are answered as such, every other one is refused.
 */
import { createExecutionContext, env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { EXAMPLE_SECRETS } from "../../src/config";
import { app } from "../../src/index";
import { DEFAULT_LIMITS } from "../../src/limits";
import { newId } from "../helpers/admin";
import { adminCall, call, token } from "../reliability/worker";

const LIMIT = DEFAULT_LIMITS.authFailsPerMin;

let ipSeq = 0;
/** A fresh documentation address per test, so budgets never meet. */
const freshIp = () => `198.51.100.${++ipSeq}`;
const from = (ip: string | null): Record<string, string> => (ip ? { "cf-connecting-ip": ip } : {});

const badClient = (ip: string | null) => call("/api/chatrooms", { headers: { "access-token": "nope", ...from(ip) } });
const goodClient = async (ip: string) =>
  call("/api/chatrooms", { headers: { "access-token": await token(newId("ok")), ...from(ip) } });
const body = JSON.stringify({ chatroomId: "x" });
const badAdmin = (ip: string) => adminCall("/chatroom/info", body, { secret: "guessed", headers: from(ip) });
const staleAdmin = (ip: string) => adminCall("/chatroom/info", body, { timestamp: 1000, headers: from(ip) });
const unsignedAdmin = (ip: string) => call("/admin/chatroom/info", { method: "POST", headers: from(ip), body });

/** What a response says: the HTTP status, or `admin <code>` for a Wildfire envelope (always HTTP 200). */
async function outcome(res: Response): Promise<string> {
  if (res.status !== 200) return String(res.status);
  const parsed = (await res.json()) as { code?: number | string };
  return typeof parsed.code === "number" ? `admin ${parsed.code}` : String(res.status);
}

/** Sends every request at once; returns the outcomes and the seconds it took. */
async function flood(sends: (() => Promise<Response>)[]): Promise<{ outcomes: string[]; seconds: number }> {
  const started = Date.now();
  const responses = await Promise.all(sends.map((send) => send()));
  const seconds = (Date.now() - started) / 1000;
  return { outcomes: await Promise.all(responses.map(outcome)), seconds };
}

const REFUSED = new Set(["429", "admin 250"]);

/** Checks a flood against the budget: at least LIMIT and at most LIMIT + ⌈t⌉ + 1 counted as failures. */
function expectBudget({ outcomes, seconds }: { outcomes: string[]; seconds: number }, failures: Set<string>) {
  const counted = outcomes.filter((o) => failures.has(o)).length;
  const refused = outcomes.filter((o) => REFUSED.has(o)).length;
  expect(counted + refused, JSON.stringify(outcomes)).toBe(outcomes.length);
  expect(counted).toBeGreaterThanOrEqual(LIMIT);
  expect(counted).toBeLessThanOrEqual(LIMIT + Math.ceil(seconds) + 1);
  expect(refused).toBeGreaterThan(0);
}

const times = (n: number, send: () => Promise<Response>) => Array.from({ length: n }, () => send);

describe("failed authentication per address", () => {
  it("answers 60 failures with 401, then 429 with Retry-After; valid tokens and signatures still pass", async () => {
    const ip = freshIp();
    expectBudget(await flood(times(LIMIT + 10, () => badClient(ip))), new Set(["401"]));
    const over = await Promise.all(times(3, () => badClient(ip)).map((send) => send()));
    const limited = over.find((res) => res.status === 429);
    expect(limited?.headers.get("retry-after")).toMatch(/^[1-9]\d*$/);
    expect(await limited?.json()).toMatchObject({ code: "RATE_LIMITED", message: expect.stringContaining("failed") });
    expect((await goodClient(ip)).status).toBe(200);
    const signed = await adminCall("/chatroom/info", JSON.stringify({ chatroomId: newId("none") }), {
      headers: from(ip),
    });
    expect(await signed.json()).toMatchObject({ code: 253 });
    // Another address is untouched.
    expect((await badClient(freshIp())).status).toBe(401);
  });

  it("counts client 401s and admin 239, 243 and 244 against one budget (250 for the admin beyond it)", async () => {
    const ip = freshIp();
    const result = await flood([
      ...times(20, () => badClient(ip)),
      ...times(20, () => badAdmin(ip)),
      ...times(15, () => staleAdmin(ip)),
      ...times(15, () => unsignedAdmin(ip)),
    ]);
    expectBudget(result, new Set(["401", "admin 244", "admin 243", "admin 239"]));
    expect(result.outcomes).toContain("admin 250");
  });

  it("counts an admin replay (244) too", async () => {
    const ip = freshIp();
    const options = { nonce: newId("n"), timestamp: Date.now(), headers: from(ip) };
    const room = JSON.stringify({ chatroomId: newId("none") });
    expect(await (await adminCall("/chatroom/info", room, options)).json()).toMatchObject({ code: 253 });
    expectBudget(
      await flood(times(LIMIT + 10, () => adminCall("/chatroom/info", room, options))),
      new Set(["admin 244"]),
    );
  });

  it("spends nothing on valid credentials: after 100 good calls, 60 failures are still plain 401s", async () => {
    const ip = freshIp();
    const good = await Promise.all(times(100, () => goodClient(ip)).map((send) => send()));
    expect(good.every((res) => res.status === 200)).toBe(true);
    expectBudget(await flood(times(LIMIT + 10, () => badClient(ip))), new Set(["401"]));
  });

  it("shares one budget among the addresses of one IPv6 /64, and one among requests without an address", async () => {
    expectBudget(
      await flood([
        ...times(35, () => badClient("2001:db8:1:2::a")),
        ...times(35, () => badClient("2001:DB8:1:2:ffff::b")),
      ]),
      new Set(["401"]),
    );
    expect((await badClient("2001:db8:1:3::c")).status).toBe(401);
    expectBudget(await flood(times(LIMIT + 10, () => badClient(null))), new Set(["401"]));
  });

  it("counts every /dev/token call in local development, successful ones included", async () => {
    const vars = { ...env, ...EXAMPLE_SECRETS, DEV_MODE: "true" };
    const mint = async () =>
      app.fetch(
        new Request("http://localhost:8787/dev/token", {
          method: "POST",
          headers: { "content-type": "application/json", "cf-connecting-ip": "127.0.0.1" },
          body: JSON.stringify({ userId: newId("dev") }),
        }),
        vars,
        createExecutionContext(),
      );
    const result = await flood(times(LIMIT + 10, mint));
    expectBudget(result, new Set(["200"]));
  });
});
