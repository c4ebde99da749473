/**
 * @module api/router
 * The client API (SPEC §3): authentication, body limits and the one error mapping, around the route
 * modules (rooms, moderation, messages, profiles, and Willson's list). Unknown paths answer 404 in the
 * error envelope.
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../env";
import { AppError } from "../errors";
import { bodyLimitGuard, validationHook } from "../validation";
import { downloadRoutes, isUpload, uploadRoutes } from "./attachments";
import { requireUser } from "./auth";
import { apiOnError } from "./envelope";
import { memberRoutes } from "./members";
import { messageChangeRoutes } from "./message-changes";
import { messageRoutes } from "./messages";
import { moderationRoutes } from "./moderation";
import { profileRoutes } from "./profiles";
import { roomRoutes } from "./rooms";
import { willsonRoutes } from "./willson";

/** The client API sub-app, mounted at /api. */
export const apiApp = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
// An upload's body is a file, limited by ATTACHMENT_MAX_BYTES before it is read (api/attachments.ts).
apiApp.use("*", (c, next) => (isUpload(c) ? next() : bodyLimitGuard(c, next)));
apiApp.onError(apiOnError);
// A signed attachment URL is its own credential (it must work in an <img>): mounted before authentication,
// so its handler answers before requireUser would run.
apiApp.route("/", downloadRoutes);
apiApp.use("*", requireUser);

// Route modules inherit the validation hook and the error mapping of this app.
const modules = [
  roomRoutes,
  moderationRoutes,
  messageRoutes,
  messageChangeRoutes,
  memberRoutes,
  profileRoutes,
  willsonRoutes,
  uploadRoutes,
];
for (const routes of modules) apiApp.route("/", routes);

apiApp.all("*", () => {
  throw new AppError("not_found", "no such route");
});
