/**
 * @module index
 * Wiring only: request ids and logs, the admin and client APIs, OpenAPI, health; exports the objects.
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import { requestId } from "hono/request-id";
import { adminApp } from "./admin/router";
import { apiApp } from "./api/router";
import type { AppEnv } from "./env";

export { NonceGuard } from "./admin/nonce-guard";
export { ChatRoom } from "./room/ChatRoom";

const app = new OpenAPIHono<AppEnv>();
app.use("*", requestId());
app.get("/health", (c) => c.json({ status: "ok" }));
app.route("/admin", adminApp);
app.route("/api", apiApp);

export default app;
