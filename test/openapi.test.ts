import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { app } from "../src/index";

/** Routes that serve the documentation itself. */
const UNDOCUMENTED = new Set(["GET /openapi.json", "GET /docs"]);

describe("OpenAPI document", () => {
  it("documents every route the app serves", async () => {
    const res = await SELF.fetch("https://edgeroom.test/openapi.json");
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(doc.openapi).toBe("3.1.0");
    const documented = new Set(
      Object.entries(doc.paths).flatMap(([path, methods]) =>
        Object.keys(methods).map((method) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ":$1")}`),
      ),
    );
    const served = app.routes
      .filter((route) => route.method !== "ALL")
      .map((route) => `${route.method} ${route.path}`)
      .filter((route) => !UNDOCUMENTED.has(route));
    expect(served.length).toBeGreaterThan(25);
    const missing = served.filter((route) => !documented.has(route));
    expect(missing).toEqual([]);
  });

  it("serves an interactive reference page at /docs", async () => {
    const res = await SELF.fetch("https://edgeroom.test/docs");
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("/openapi.json");
  });

  it("serves the dev token route only with DEV_MODE=true", async () => {
    const res = await SELF.fetch("https://edgeroom.test/dev/token", {
      method: "POST",
      body: JSON.stringify({ userId: "u" }),
      headers: { "content-type": "application/json" },
    });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ code: "NOT_FOUND" });
  });

  it("answers /health", async () => {
    expect(await (await SELF.fetch("https://edgeroom.test/health")).json()).toEqual({ status: "ok" });
  });
});
