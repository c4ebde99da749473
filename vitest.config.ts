import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";
import { startReceiver } from "./e2e/webhook-receiver.mjs";

/** Secrets for the pool: fixed test values, never the deployment's. */
export const TEST_SECRETS = {
  ADMIN_SECRET: "test-admin-secret",
  TOKEN_SECRET: "test-token-secret",
  WEBHOOK_SECRET: "test-webhook-secret",
};

/**
 * Functional suites run with the abuse limits of SPEC §8.1 raised, so a test that makes many calls as
 * one user checks behaviour, not the limiter. Files named `*.limits.test.ts` run in a second project
 * with every limit at its SPEC default: those are the tests that flood a limit.
 */
const RAISED_LIMITS = {
  HTTP_RATE_PER_SEC: "100000",
  HTTP_BURST: "100000",
  ROOMS_PER_HOUR: "100000",
  AUTH_FAILS_PER_MIN: "100000",
  FRAME_RATE_PER_SEC: "100000",
  FRAME_BURST: "100000",
  HISTORY_FRAMES_PER_SEC: "100000",
  CONNECTS_PER_10S: "100000",
  MAX_SOCKETS_PER_USER: "1000",
};
const LIMIT_TESTS = "test/**/*.limits.test.ts";

export default defineConfig(async () => {
  const migrations = await readD1Migrations("./migrations");
  // A real local receiver for the webhook deliveries of the functional project (SPEC §8.4); tests read
  // and steer it over HTTP at WEBHOOK_URL's origin. It must not keep vitest alive.
  const receiver = await startReceiver(TEST_SECRETS.WEBHOOK_SECRET);
  receiver.server.unref();
  const project = (name: string, include: string[], exclude: string[], vars: Record<string, string>) => ({
    plugins: [
      cloudflareTest({
        main: "./src/index.ts",
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          bindings: { ...TEST_SECRETS, DEV_MODE: "false", SEND_BURST: "10", TEST_MIGRATIONS: migrations, ...vars },
        },
      }),
    ],
    test: {
      name,
      include,
      exclude,
      setupFiles: ["./test/apply-migrations.ts", "./test/conformance-hooks.ts"],
      testTimeout: 20_000,
      // Request logs are noise unless a test fails.
      silent: "passed-only" as const,
    },
  });
  return {
    test: {
      projects: [
        // Webhooks on: rooms record events, the queue delivers them to the receiver, retries come at once.
        project("functional", ["test/**/*.test.ts"], [LIMIT_TESTS], {
          ...RAISED_LIMITS,
          WEBHOOK_URL: receiver.url,
          WEBHOOK_RETRY_BASE_S: "0",
          WEBHOOK_TIMEOUT_MS: "2000",
        }),
        // Two limits are lowered so their tests finish in seconds (a 2-s abuse close, a room budget a few
        // senders can exhaust); every other limit is at its SPEC default.
        project("limits", [LIMIT_TESTS], [], { OVER_BUDGET_CLOSE_MS: "2000", ROOM_SENDS_PER_SEC: "20" }),
      ],
    },
  };
});
