/**
 * @module protocol
 * The real-time protocol of SPEC §4: one zod schema per client frame (the same send schema serves
 * the HTTP send), and builders for server frames. A frame is serialised once and the same string goes
 * to every recipient.
 */
import { z } from "@hono/zod-openapi";
import { CLIENT_MSG_ID_MAX, CONTENT_MAX, CONTENT_TYPE_MAX, HISTORY_MAX } from "../limits";
import type { Role } from "./permissions";
import type { Restriction } from "./restrictions";
import type { MessageRow } from "./store";

/** A chat message as sent by a client (socket `send` frame and POST /messages body). */
export const SendMessage = z
  .object({
    clientMsgId: z.string().min(1).max(CLIENT_MSG_ID_MAX),
    content: z.string().min(1).max(CONTENT_MAX),
    contentType: z.string().min(1).max(CONTENT_TYPE_MAX).optional(),
  })
  .openapi("SendMessage");
export type SendMessage = z.infer<typeof SendMessage>;

const Seq = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/** Client → server frames. */
export const ClientFrame = z.discriminatedUnion("type", [
  SendMessage.extend({ type: z.literal("send") }),
  z.object({ type: z.literal("read"), seq: Seq }),
  z.object({ type: z.literal("typing") }),
  z.object({
    type: z.literal("history"),
    before: Seq.min(1).optional(),
    limit: z.number().int().min(1).max(HISTORY_MAX).optional(),
  }),
]);
export type ClientFrame = z.infer<typeof ClientFrame>;

/** Ping text answered by the runtime without waking the object. */
export const PING = '{"type":"ping"}';
export const PONG = '{"type":"pong"}';

/** A message as every client sees it. */
export interface WireMessage {
  seq: number;
  senderId: string;
  clientMsgId: string;
  content: string;
  contentType: string;
  ts: number;
}

/** Maps a stored row to its wire shape. */
export function wireMessage(row: MessageRow): WireMessage {
  return {
    seq: row.seq,
    senderId: row.senderId,
    clientMsgId: row.clientMsgId,
    content: row.content,
    contentType: row.contentType,
    ts: row.ts,
  };
}

/** A restriction as clients see it. */
export interface WireRestriction {
  status: 1 | 2;
  expiresAt: number;
  reason: string | null;
}

/** Maps a restriction to its wire shape (null when none). */
export function wireRestriction(restriction: Restriction | null): WireRestriction | null {
  return restriction
    ? { status: restriction.status, expiresAt: restriction.expiresAt, reason: restriction.reason }
    : null;
}

/** Server → client frames, as typed objects before serialisation. */
export type ServerFrame =
  | {
      type: "welcome";
      chatroomId: string;
      userId: string;
      role: Role;
      lastSeq: number;
      muteAll: boolean;
      slowModeSeconds: number;
      restriction: WireRestriction | null;
      online: string[];
      onlineCount: number;
    }
  | ({ type: "message" } & WireMessage)
  | { type: "ack"; clientMsgId: string; seq: number; ts: number; duplicate: boolean }
  | { type: "presence"; userId: string; online: boolean; count: number }
  | { type: "member"; event: "joined" | "left" | "kicked" | "role"; userId: string; role?: Role }
  | {
      type: "moderation";
      event: "muted" | "unmuted" | "banned" | "unbanned" | "muteAll";
      userId?: string;
      until?: number;
      on?: boolean;
    }
  | { type: "room"; event: "started" | "ending" | "ended" | "updated"; [key: string]: unknown }
  | { type: "typing"; userId: string }
  | { type: "history"; messages: WireMessage[]; hasMore: boolean }
  | { type: "resync"; since: number; lastSeq: number }
  | { type: "error"; code: string; message: string; clientMsgId?: string; retryAfterSec?: number };

/** Serialises a server frame once; the string is shared by all recipients. */
export function encode(frame: ServerFrame): string {
  return JSON.stringify(frame);
}

/** Joins already-serialised frames into one `batch` frame without re-encoding them. */
export function encodeBatch(frames: readonly string[]): string {
  return `{"type":"batch","frames":[${frames.join(",")}]}`;
}
