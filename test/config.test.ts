/**
 * Secrets and dev mode (SPEC §6, §8.1): `/dev/*` only with DEV_MODE=true on a loopback host; anywhere
 * else the Worker refuses to serve while a secret is unset, short or the example value.
 */
import { createExecutionContext, env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import devVarsExample from "../.dev.vars.example?raw";
import { configProblem, EXAMPLE_SECRETS, isLocalDev, SECRET_MIN_LENGTH } from "../src/config";
import { app } from "../src/index";

const EXAMPLE = { ...EXAMPLE_SECRETS, DEV_MODE: "true" };

async function call(url: string, vars: Record<string, string>, init: RequestInit = {}): Promise<Response> {
  return app.fetch(new Request(url, init), { ...env, ...vars }, createExecutionContext());
}

const devToken = (origin: string, vars: Record<string, string>, headers: Record<string, string> = {}) =>
  call(`${origin}/dev/token`, vars, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ userId: "dev-user" }),
  });

describe("configuration check", () => {
  it("names an unset, short or example secret, and accepts real ones", () => {
    const real = { ADMIN_SECRET: "a".repeat(SECRET_MIN_LENGTH), TOKEN_SECRET: "t".repeat(40) };
    expect(configProblem(real, false)).toBeNull();
    expect(configProblem({ ...real, ADMIN_SECRET: "" }, false)).toMatch(/^ADMIN_SECRET is unset/);
    expect(configProblem({ ADMIN_SECRET: real.ADMIN_SECRET }, false)).toMatch(/^TOKEN_SECRET is unset/);
    expect(configProblem({ ...real, TOKEN_SECRET: "t".repeat(SECRET_MIN_LENGTH - 1) }, false)).toBe(
      `TOKEN_SECRET is shorter than ${SECRET_MIN_LENGTH} characters`,
    );
    expect(configProblem({ ...real, ADMIN_SECRET: EXAMPLE_SECRETS.ADMIN_SECRET }, false)).toMatch(
      /^ADMIN_SECRET is the example value from \.dev\.vars\.example/,
    );
    expect(configProblem({ ...real, TOKEN_SECRET: EXAMPLE_SECRETS.TOKEN_SECRET }, false)).toMatch(/^TOKEN_SECRET is/);
  });

  it("lets local development use the example and short secrets, but never an unset one", () => {
    expect(configProblem(EXAMPLE_SECRETS, true)).toBeNull();
    expect(configProblem({ ADMIN_SECRET: "short", TOKEN_SECRET: "short" }, true)).toBeNull();
    expect(configProblem({ TOKEN_SECRET: "short" }, true)).toMatch(/^ADMIN_SECRET is unset/);
  });

  it("refuses an invalid DISPLAY_TZ everywhere, local development included (SPEC §8.2)", () => {
    const real = { ADMIN_SECRET: "a".repeat(SECRET_MIN_LENGTH), TOKEN_SECRET: "t".repeat(40) };
    expect(configProblem({ ...real, DISPLAY_TZ: "Europe/Paris" }, false)).toBeNull();
    expect(configProblem({ ...real, DISPLAY_TZ: "Mars/Olympus" }, false)).toMatch(/^DISPLAY_TZ "Mars\/Olympus"/);
    expect(configProblem({ ...EXAMPLE_SECRETS, DISPLAY_TZ: "Seoul" }, true)).toMatch(/^DISPLAY_TZ/);
  });

  it("knows the example values that .dev.vars.example ships", () => {
    const values = Object.fromEntries(
      devVarsExample
        .split("\n")
        .filter((line) => /^[A-Z_]+=/.test(line))
        .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
    );
    expect(values.ADMIN_SECRET).toBe(EXAMPLE_SECRETS.ADMIN_SECRET);
    expect(values.TOKEN_SECRET).toBe(EXAMPLE_SECRETS.TOKEN_SECRET);
    expect(values.WEBHOOK_SECRET).toBe(EXAMPLE_SECRETS.WEBHOOK_SECRET);
  });

  it("asks for a usable WEBHOOK_SECRET and an http(s) WEBHOOK_URL only when webhooks are on (SPEC §8.4)", () => {
    const real = { ADMIN_SECRET: "a".repeat(SECRET_MIN_LENGTH), TOKEN_SECRET: "t".repeat(40) };
    const url = "https://hooks.example/edgeroom";
    expect(configProblem({ ...real, WEBHOOK_URL: "" }, false)).toBeNull();
    expect(configProblem({ ...real, WEBHOOK_URL: url }, false)).toBe(
      "WEBHOOK_SECRET is unset while WEBHOOK_URL is set (wrangler secret put WEBHOOK_SECRET)",
    );
    expect(configProblem({ ...real, WEBHOOK_URL: url, WEBHOOK_SECRET: "short" }, false)).toMatch(
      /^WEBHOOK_SECRET is shorter than 16/,
    );
    const example = { ...real, WEBHOOK_URL: url, WEBHOOK_SECRET: EXAMPLE_SECRETS.WEBHOOK_SECRET };
    expect(configProblem(example, false)).toMatch(/^WEBHOOK_SECRET is the example value/);
    expect(configProblem(example, true)).toBeNull();
    expect(configProblem({ ...real, WEBHOOK_URL: "hooks.example", WEBHOOK_SECRET: "w".repeat(32) }, false)).toBe(
      "WEBHOOK_URL is not an http(s) URL",
    );
    expect(configProblem({ ...real, WEBHOOK_URL: url, WEBHOOK_SECRET: "w".repeat(32) }, false)).toBeNull();
  });

  it("refuses to serve while webhooks are on without a secret, naming the problem", async () => {
    const res = await call("https://edgeroom.example/health", { WEBHOOK_SECRET: "" });
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({
      status: "misconfigured",
      problem: "WEBHOOK_SECRET is unset while WEBHOOK_URL is set (wrangler secret put WEBHOOK_SECRET)",
    });
  });

  it("treats only DEV_MODE=true on a loopback host, from a loopback client, as local development", () => {
    const on = { DEV_MODE: "true" };
    for (const url of ["http://localhost:8787/", "http://127.0.0.1/", "http://[::1]:9000/", "https://localhost/"]) {
      expect(isLocalDev(on, url, null), url).toBe(true);
      expect(isLocalDev(on, url, "127.0.0.1"), url).toBe(true);
      expect(isLocalDev(on, url, "::1"), url).toBe(true);
      expect(isLocalDev({ DEV_MODE: "false" }, url, null), url).toBe(false);
      expect(isLocalDev({}, url, null), url).toBe(false);
      expect(isLocalDev({ DEV_MODE: "TRUE" }, url, null), url).toBe(false);
      // A remote client naming a loopback host on a dev server bound to a public interface.
      expect(isLocalDev(on, url, "192.0.2.7"), url).toBe(false);
    }
    for (const url of [
      "https://edgeroom.example.com/",
      "http://192.0.2.2:8787/",
      "http://localhost.evil.example/",
      "http://127.0.0.1.nip.io/",
      "http://0.0.0.0:8787/",
      "http://[::ffff:7f00:1]/",
    ]) {
      expect(isLocalDev(on, url, null), url).toBe(false);
    }
  });
});

describe("a Worker deployed with unsafe secrets", () => {
  it("refuses admin, client and health calls, naming the problem, and changes nothing", async () => {
    const prod = { ...EXAMPLE, DEV_MODE: "false" };
    const health = await call("https://edgeroom.example.com/health", prod);
    expect(health.status).toBe(503);
    expect(await health.json()).toEqual({
      status: "misconfigured",
      problem: expect.stringMatching(/^ADMIN_SECRET is/),
    });

    const admin = await call("https://edgeroom.example.com/admin/user/get_token", prod, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ userId: "u" }),
    });
    expect(admin.status).toBe(200);
    const adminBody = (await admin.json()) as { code: number; msg: string };
    expect(adminBody).toEqual({ code: 4, msg: expect.stringContaining("ADMIN_SECRET is the example value") });
    expect(adminBody.msg).not.toContain(EXAMPLE_SECRETS.ADMIN_SECRET);

    const client = await call("https://edgeroom.example.com/api/chatrooms", prod);
    expect(client.status).toBe(500);
    expect(await client.json()).toMatchObject({
      code: "SERVER_ERROR",
      message: expect.stringContaining("ADMIN_SECRET is the example value"),
    });
  });

  it("with DEV_MODE=true on a public host: refuses like production and answers 404 on /dev", async () => {
    const res = await devToken("https://edgeroom.example.com", EXAMPLE);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ code: "NOT_FOUND" });
    expect((await call("https://edgeroom.example.com/health", EXAMPLE)).status).toBe(503);
  });

  it("with a short secret: refuses outside local development", async () => {
    const short = { ADMIN_SECRET: "0123456789abcde", TOKEN_SECRET: "x".repeat(32), DEV_MODE: "false" };
    const health = await call("https://edgeroom.example.com/health", short);
    expect(await health.json()).toEqual({
      status: "misconfigured",
      problem: `ADMIN_SECRET is shorter than ${SECRET_MIN_LENGTH} characters`,
    });
  });

  it("with a DISPLAY_TZ that is not a time zone: /health answers 503 naming it, Willson's route refuses in its shape", async () => {
    const zone = { DISPLAY_TZ: "Mars/Olympus" };
    const health = await call("https://edgeroom.test/health", zone);
    expect(health.status).toBe(503);
    expect(await health.json()).toEqual({ status: "misconfigured", problem: expect.stringContaining("DISPLAY_TZ") });
    const willson = await call("https://edgeroom.test/api/v1/asker/chat/chatrooms", zone);
    expect(willson.status).toBe(500);
    expect(await willson.json()).toEqual({ code: "server_error", message: expect.stringContaining("DISPLAY_TZ") });
  });

  it("serves with the pool's secrets, which satisfy the check", async () => {
    expect(configProblem(env, false)).toBeNull();
    expect(await (await call("https://edgeroom.test/health", {})).json()).toEqual({ status: "ok" });
  });
});

describe("dev mode", () => {
  it("mints a working token on a loopback host with DEV_MODE=true and the example secrets (npm start)", async () => {
    for (const origin of ["http://localhost:8787", "http://127.0.0.1:8787", "http://[::1]:8787"]) {
      const res = await devToken(origin, EXAMPLE);
      expect(res.status, origin).toBe(200);
      const { data } = (await res.json()) as { data: { token: string; userId: string } };
      expect(data.userId).toBe("dev-user");
      const rooms = await call(`${origin}/api/chatrooms`, EXAMPLE, { headers: { "access-token": data.token } });
      expect(rooms.status, origin).toBe(200);
      expect((await call(`${origin}/health`, EXAMPLE)).status).toBe(200);
    }
  });

  it("answers 404 with DEV_MODE off, on a non-loopback host, or for a remote client naming localhost", async () => {
    expect((await devToken("http://localhost:8787", { DEV_MODE: "false" })).status).toBe(404);
    expect((await devToken("https://edgeroom.test", { DEV_MODE: "true" })).status).toBe(404);
    expect((await devToken("http://localhost:8787", EXAMPLE, { "cf-connecting-ip": "192.0.2.7" })).status).toBe(404);
    expect((await devToken("http://localhost:8787", EXAMPLE, { "cf-connecting-ip": "127.0.0.1" })).status).toBe(200);
  });
});
