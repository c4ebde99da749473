/**
 * @module room/upgrade
 * The hand-off of an authenticated WebSocket upgrade from the Worker to the room object: who is
 * connecting (checked by the Worker's auth), their token's times, what the client says it is, and
 * where to resume. One internal header carries it; the room trusts only what the Worker wrote.
 */
import { z } from "@hono/zod-openapi";
import { ID_PATTERN } from "../limits";

/** Internal header carrying the session from the Worker to the room object. */
export const SESSION_HEADER = "x-edgeroom-session";

const Seconds = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/** The session of one upgrade. */
export const UpgradeSession = z.object({
  userId: z.string().regex(ID_PATTERN),
  iat: Seconds,
  exp: Seconds,
  clientId: z.string().max(64),
  platform: z.number().int().min(0).max(1000),
  since: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).nullable(),
  /** The update seq the client has seen: recalls, edits and reactions after it are replayed. */
  updatesSince: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).nullable().default(null),
});
export type UpgradeSession = z.infer<typeof UpgradeSession>;

/** The request the Worker forwards to the room: the client's upgrade plus the session header. */
export function forwardUpgrade(request: Request, session: UpgradeSession): Request {
  const forwarded = new Request(request);
  forwarded.headers.set(SESSION_HEADER, JSON.stringify(session));
  return forwarded;
}

/** The session of a forwarded upgrade, or null when the request did not come from the Worker's route. */
export function readUpgrade(request: Request): UpgradeSession | null {
  if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") return null;
  const raw = request.headers.get(SESSION_HEADER);
  if (raw === null) return null;
  try {
    const parsed = UpgradeSession.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
