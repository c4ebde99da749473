/**
 * @module index
 * Wiring only: request ids and JSON access logs, the admin, client and dev APIs, the OpenAPI
 * document and its reference page, health, the webhook queue consumer; exports the Durable Object classes.
 */

import { swaggerUI } from "@hono/swagger-ui";
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { requestId } from "hono/request-id";
import { accessLog } from "./access-log";
import { uncompressed } from "./admin/envelope";
import { adminApp } from "./admin/router";
import { clientCors } from "./api/cors";
import { devApp } from "./api/dev";
import { apiApp } from "./api/router";
import { configGuard } from "./config";
import type { AppEnv } from "./env";
import { WebhookEvent } from "./webhooks/events";
import { queue } from "./webhooks/queue";

export { NonceGuard } from "./admin/nonce-guard";
export { Limiter } from "./limiter/Limiter";
export { RoomShard } from "./live/RoomShard";
export { ChatRoom } from "./room/ChatRoom";
export { UserState } from "./user/UserState";

const app = new OpenAPIHono<AppEnv>();
app.use("*", requestId());
app.use("*", accessLog);
// Browsers on other origins (SPEC §8.2); before every other middleware so refusals carry CORS too.
app.use("/api/*", clientCors);
app.use("/dev/*", clientCors);
// Wildfire SDKs read admin answers only with a Content-Length: never compressed, refusals included.
app.use("/admin/*", uncompressed);
// Secrets, dev mode and configuration: refuse to serve, saying why, until they are right (SPEC §8.1).
app.use("*", configGuard);
app.openapi(
  createRoute({
    method: "get",
    path: "/health",
    summary: "Liveness, and whether the secrets are safe to serve with",
    tags: ["ops"],
    responses: {
      200: {
        description: "Alive",
        content: { "application/json": { schema: z.object({ status: z.literal("ok") }).openapi("Health") } },
      },
      503: {
        description:
          "Refusing to serve: a secret is unset, too short or the example value, or DISPLAY_TZ is not a time zone",
        content: {
          "application/json": {
            schema: z.object({ status: z.literal("misconfigured"), problem: z.string() }).openapi("Misconfigured"),
          },
        },
      },
    },
  }),
  (c) => c.json({ status: "ok" as const }, 200),
);
app.route("/admin", adminApp);
app.route("/api", apiApp);
app.route("/dev", devApp);

app.openAPIRegistry.registerComponent("securitySchemes", "accessToken", {
  type: "apiKey",
  in: "header",
  name: "ACCESS-TOKEN",
});
app.openAPIRegistry.registerComponent("securitySchemes", "wildfireSign", {
  type: "apiKey",
  in: "header",
  name: "sign",
  description: "sha1 hex of nonce|ADMIN_SECRET|timestamp, with `nonce` and `timestamp` (ms) headers",
});
// What edgeroom POSTs to WEBHOOK_URL (SPEC §8.4), documented under the document's `webhooks`.
app.openAPIRegistry.registerWebhook({
  method: "post",
  path: "edgeroomEvent",
  summary: "An event of a room, POSTed to WEBHOOK_URL; signed with X-Edgeroom-Signature over X-Edgeroom-Timestamp",
  request: { body: { content: { "application/json": { schema: WebhookEvent } }, required: true } },
  responses: { 200: { description: "Any 2xx acknowledges the event; anything else is retried with backoff" } },
});
app.doc31("/openapi.json", {
  openapi: "3.1.0",
  info: {
    title: "edgeroom",
    version: "0.1.0",
    description: "Chatrooms at the edge: Wildfire admin API, FlameTalk/Willson client API.",
  },
});
app.get("/docs", swaggerUI({ url: "/openapi.json" }));

/** The Hono app (tests and tools call it directly). */
export { app };

/** The Worker: the HTTP app, and the consumer of the webhook queue and its dead-letter queue (SPEC §8.4). */
export default { fetch: app.fetch, queue } satisfies ExportedHandler<Env>;
