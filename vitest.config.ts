import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

/** Secrets for the pool: fixed test values, never the deployment's. */
export const TEST_SECRETS = { ADMIN_SECRET: "test-admin-secret", TOKEN_SECRET: "test-token-secret" };

export default defineConfig(async () => {
  const migrations = await readD1Migrations("./migrations");
  return {
    plugins: [
      cloudflareTest({
        main: "./src/index.ts",
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          bindings: { ...TEST_SECRETS, DEV_MODE: "false", SEND_BURST: "10", TEST_MIGRATIONS: migrations },
        },
      }),
    ],
    test: {
      include: ["test/**/*.test.ts"],
      setupFiles: ["./test/apply-migrations.ts"],
      testTimeout: 20_000,
      // Request logs are noise unless a test fails.
      silent: "passed-only" as const,
    },
  };
});
