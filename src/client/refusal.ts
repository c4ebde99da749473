/**
 * @module client/refusal
 * Why a connection was refused before the upgrade. A browser's WebSocket only reports 1006, so the
 * socket asks the room route over HTTP, with the same token, what the upgrade would have met.
 */
import { retryAfterSeconds } from "./close-policy";
import { ApiError } from "./errors";
import type { RoomInfo } from "./types";

/** The answer: stay closed, get a new token, or wait before the next attempt. */
export type Refusal =
  | { kind: "final"; error: ApiError }
  | { kind: "token"; error: ApiError }
  | { kind: "wait"; ms: number; error: ApiError };

interface ProbeBody {
  data?: Pick<RoomInfo, "state" | "role" | "mode">;
  code?: string;
  message?: string;
}

/** Asks `GET /api/chatrooms/:id` why a connection would be refused; null when a plain retry may work. */
export async function probeRefusal(
  fetcher: typeof fetch,
  httpBase: string,
  chatroomId: string,
  token: string,
): Promise<Refusal | null> {
  try {
    const response = await fetcher(`${httpBase}/api/chatrooms/${encodeURIComponent(chatroomId)}`, {
      headers: { "ACCESS-TOKEN": token, accept: "application/json" },
    });
    const body = (await response.json().catch(() => null)) as ProbeBody | null;
    const error = (fallback: string) =>
      new ApiError(
        response.status,
        body?.code ?? `HTTP_${response.status}`,
        body?.message ?? fallback,
        retryAfterSeconds(response.headers.get("retry-after")),
      );
    if (response.status === 401) return { kind: "token", error: error("the access token was refused") };
    if (response.status === 429) {
      const refused = error("too many requests");
      return { kind: "wait", ms: (refused.retryAfterSec ?? 1) * 1000, error: refused };
    }
    if (response.status === 403 || response.status === 404) return { kind: "final", error: error("refused") };
    if (response.ok && body?.data?.state === 2) {
      return { kind: "final", error: new ApiError(409, "CONFLICT", "the room has ended") };
    }
    // Anyone signed in may watch a live room without joining (SPEC §8.5); other rooms are for members.
    if (response.ok && body?.data && body.data.role === null && body.data.mode !== "live") {
      return { kind: "final", error: new ApiError(403, "FORBIDDEN", "you are not a member of this room") };
    }
    return null;
  } catch {
    // The server is unreachable: a plain retry with backoff is all that can be done.
    return null;
  }
}
