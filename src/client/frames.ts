/**
 * @module client/frames
 * Reading server frames off the wire: JSON text, `batch` frames unpacked in order, and the frames
 * that announce the server is about to close this socket for good.
 */
import { CloseCode } from "./close-policy";
import type { ServerFrame } from "./types";

function isFrame(value: unknown): value is { type: string } {
  return typeof value === "object" && value !== null && typeof (value as { type?: unknown }).type === "string";
}

/** The frames in one WebSocket message (a `batch` unpacked; pongs and garbage dropped). */
export function parseFrames(data: unknown): ServerFrame[] {
  if (typeof data !== "string") return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    return [];
  }
  if (!isFrame(parsed)) return [];
  const list = parsed.type === "batch" ? (parsed as { frames?: unknown }).frames : [parsed];
  if (!Array.isArray(list)) return [];
  // Frames come from our own server: checking the tag is enough, the union describes the rest.
  return list.filter((frame): frame is ServerFrame => isFrame(frame) && frame.type !== "pong");
}

/**
 * The close code that follows a frame announcing this socket's end (room ended, I was kicked, left or
 * banned), or null. Acting on the frame does not depend on the transport reporting the close promptly
 * (after a server-initiated close some stacks wait for the TCP connection to drop).
 */
export function sessionEnd(frame: ServerFrame, me: string | null): { code: number; reason: string } | null {
  if (frame.type === "room" && frame.event === "ended") return { code: CloseCode.RoomEnded, reason: "room ended" };
  if (me === null || !("userId" in frame) || frame.userId !== me) return null;
  if (frame.type === "member" && frame.event === "kicked") return { code: CloseCode.Removed, reason: "kicked" };
  if (frame.type === "member" && frame.event === "left") return { code: CloseCode.Normal, reason: "left the room" };
  if (frame.type === "moderation" && frame.event === "banned") return { code: CloseCode.Removed, reason: "banned" };
  return null;
}
