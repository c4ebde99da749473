/**
 * @module protocol
 * The real-time protocol of SPEC §4 as zod schemas: client frames (the same send schema serves the
 * HTTP send), and every server frame as one discriminated union. The room builds frames typed by
 * that union (`encode`); the client types them from it; the test helpers validate each received
 * frame against it. A frame is serialised once and the same string goes to every recipient.
 */
import { z } from "@hono/zod-openapi";
import {
  ATTACHMENTS_PER_MESSAGE,
  CLIENT_MSG_ID_MAX,
  CONTENT_MAX,
  CONTENT_TYPE_MAX,
  HISTORY_MAX,
  ID_PATTERN,
} from "../limits";
import type { Role } from "./permissions";
import type { Restriction } from "./restrictions";
import type { RoomState } from "./send-rules";
import type { MessageRow, ReactionCount } from "./store";

/**
 * Hard caps of list and emoji sizes in the schemas; the tunable limits (MENTIONS_MAX,
 * REACTION_MAX_CHARS, SPEC §8.3) are checked by the room, so a deployment can raise them up to these.
 */
export const MENTIONS_HARD_MAX = 100;
export const EMOJI_HARD_MAX = 64;

const Seq = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const EpochMs = z.number().int();
const UserId = z.string().regex(ID_PATTERN, "must be a user id");
/** Message content: 1..CONTENT_MAX characters (SPEC §4). */
export const Content = z.string().min(1).max(CONTENT_MAX);
/** An attachment id, as the upload answered it. */
export const AttachmentId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, "must be an attachment id from an upload");
/** A reaction: one emoji (or short code), REACTION_MAX_CHARS checked by the room. */
export const Emoji = z.string().trim().min(1).max(EMOJI_HARD_MAX);

/** A chat message as sent by a client (socket `send` frame and POST /messages body). */
export const SendMessage = z
  .object({
    clientMsgId: z.string().min(1).max(CLIENT_MSG_ID_MAX),
    /** 1..CONTENT_MAX characters; may be empty when the message carries attachments (checked by the room). */
    content: z.string().max(CONTENT_MAX),
    contentType: z.string().min(1).max(CONTENT_TYPE_MAX).optional(),
    /** The seq of the message this one replies to (quotes). */
    replyTo: Seq.min(1).optional(),
    /** Members mentioned; each gets `mentioned` on their room-list item until they read past it. */
    mentions: z.array(UserId).max(MENTIONS_HARD_MAX).optional(),
    /** Attachments uploaded to this room by the sender (SPEC §8.4). */
    attachments: z.array(AttachmentId).max(ATTACHMENTS_PER_MESSAGE).optional(),
  })
  .openapi("SendMessage");
export type SendMessage = z.infer<typeof SendMessage>;

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
  z.object({ type: z.literal("edit"), seq: Seq.min(1), content: Content }),
  z.object({ type: z.literal("recall"), seq: Seq.min(1) }),
  z.object({ type: z.literal("react"), seq: Seq.min(1), emoji: Emoji }),
  z.object({ type: z.literal("unreact"), seq: Seq.min(1), emoji: Emoji }),
]);
export type ClientFrame = z.infer<typeof ClientFrame>;

/** Ping text answered by the runtime without waking the object. */
export const PING = '{"type":"ping"}';
export const PONG = '{"type":"pong"}';

// ── shapes shared by frames and HTTP answers ──────────────────────────

/** A member's role on the wire. */
export const WireRole = z.enum(["host", "manager", "member"]).openapi("Role");
/** Room state on the wire: 0 ongoing, 1 scheduled (not started), 2 ended. */
export const WireRoomState = z
  .union([z.literal(0), z.literal(1), z.literal(2)])
  .openapi("RoomState", { description: "0 ongoing, 1 scheduled (not started), 2 ended" });

/** A room's mode: "live" rooms hold an audience through shard objects (SPEC §8.5); fixed at creation. */
export const WireMode = z.enum(["normal", "live"]).openapi("RoomMode");

/** True when A and B are the same type. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
// The wire enums must stay the room's own types: a change on either side fails the typecheck.
const wireTypesMatch: [Same<z.infer<typeof WireRole>, Role>, Same<z.infer<typeof WireRoomState>, RoomState>] = [
  true,
  true,
];
void wireTypesMatch;

/** One emoji's count on a message; `mine` in answers to one user (HTTP, history, resume). */
export const WireReaction = z
  .object({ emoji: z.string(), count: z.number().int().min(1), mine: z.boolean().optional() })
  .openapi("Reaction");
export type WireReaction = z.infer<typeof WireReaction>;

/** What a reply shows of the message it quotes; only `seq` once that message is recalled. */
export const WireReplyTo = z
  .object({ seq: Seq, senderId: z.string().optional(), preview: z.string().optional() })
  .openapi("ReplyTo");

/** An attachment as a message carries it: `url` is signed and expires (resolve it against the API origin). */
export const WireAttachment = z
  .object({
    id: z.string(),
    contentType: z.string(),
    size: z.number().int(),
    width: z.number().int().optional(),
    height: z.number().int().optional(),
    name: z.string().optional(),
    url: z.string(),
  })
  .openapi("Attachment");
export type WireAttachment = z.infer<typeof WireAttachment>;

/** A message as every client sees it. A recalled one keeps its seq and sender, with `deleted` and no content. */
export const WireMessage = z
  .object({
    seq: Seq,
    senderId: z.string(),
    clientMsgId: z.string(),
    content: z.string(),
    contentType: z.string(),
    ts: EpochMs,
    replyTo: WireReplyTo.optional(),
    mentions: z.array(z.string()).optional(),
    editedAt: EpochMs.optional(),
    deleted: z.literal(true).optional(),
    reactions: z.array(WireReaction).optional(),
    attachments: z.array(WireAttachment).optional(),
  })
  .openapi("Message");
export type WireMessage = z.infer<typeof WireMessage>;

/**
 * Maps a stored row to its wire shape; `reactions` with `mine` marked for answers to one user.
 * Optional fields are left out when empty, so a plain message stays as small as in the first release.
 */
export function wireMessage(
  row: MessageRow,
  reactions?: ReactionCount[],
  mine?: ReadonlySet<string>,
  attachments?: WireAttachment[],
): WireMessage {
  const message: WireMessage = {
    seq: row.seq,
    senderId: row.senderId,
    clientMsgId: row.clientMsgId,
    content: row.content,
    contentType: row.contentType,
    ts: row.ts,
  };
  if (row.deleted) {
    message.deleted = true;
    return message;
  }
  if (row.replyTo !== null) message.replyTo = row.replyPreview ?? { seq: row.replyTo };
  if (row.mentions.length > 0) message.mentions = row.mentions;
  if (row.editedAt !== null) message.editedAt = row.editedAt;
  if (reactions && reactions.length > 0) message.reactions = wireReactions(reactions, mine);
  if (attachments && attachments.length > 0) message.attachments = attachments;
  return message;
}

/** Reaction counts on the wire, with `mine` when the answer is for one user. */
export function wireReactions(counts: readonly ReactionCount[], mine?: ReadonlySet<string>): WireReaction[] {
  return counts.map((count) => (mine ? { ...count, mine: mine.has(count.emoji) } : { ...count }));
}

/** A restriction as clients see it: status 1 muted, 2 banned; expiresAt 0 means forever. */
export const WireRestriction = z
  .object({ status: z.union([z.literal(1), z.literal(2)]), expiresAt: EpochMs, reason: z.string().nullable() })
  .openapi("Restriction");
export type WireRestriction = z.infer<typeof WireRestriction>;

/** Maps a restriction to its wire shape (null when none). */
export function wireRestriction(restriction: Restriction | null): WireRestriction | null {
  return restriction
    ? { status: restriction.status, expiresAt: restriction.expiresAt, reason: restriction.reason }
    : null;
}

/** The outcome of a send: the socket `ack` (with clientMsgId) and the HTTP send's data. */
export const Ack = z.object({ seq: Seq, ts: EpochMs, duplicate: z.boolean() }).openapi("SendResult");
export type Ack = z.infer<typeof Ack>;

/** What a room shows of itself, the same in the admin and client APIs' room info. */
export const RoomFace = z.object({
  chatroomId: z.string(),
  title: z.string(),
  desc: z.string(),
  portrait: z.string(),
  extra: z.string(),
});

/** Room info as the client API returns it (GET /chatrooms/:id, join, settings). */
export const RoomInfo = RoomFace.extend({
  thumbnail: z.string().nullable(),
  thumbnails: z.array(z.string()),
  isOpen: z.boolean(),
  state: WireRoomState,
  hostId: z.string().nullable(),
  count: z.number().int(),
  muteAll: z.boolean(),
  slowModeSeconds: z.number().int(),
  startAt: EpochMs.nullable(),
  durationMinutes: z.number().int().nullable(),
  startedAt: EpochMs.nullable(),
  endAt: EpochMs.nullable(),
  lastSeq: Seq,
  createdAt: EpochMs,
  updatedAt: EpochMs,
  role: WireRole.nullable(),
  restriction: WireRestriction.nullable(),
  mode: WireMode,
  /** Shard objects of a live room (0 for a normal room). */
  shards: z.number().int(),
}).openapi("RoomInfo");
export type RoomInfo = z.infer<typeof RoomInfo>;

// ── server → client frames ────────────────────────────────────────────

const frame = <T extends string, S extends z.ZodRawShape>(type: T, shape: S) =>
  z.object({ type: z.literal(type), ...shape });

/** Why a room is ending or ended. */
const EndReason = z.enum(["deleted", "timeUp", "empty"]);

/** `room` frames: lifecycle and settings changes, one shape per event. */
const RoomFrame = z.discriminatedUnion("event", [
  frame("room", { event: z.literal("started"), startedAt: EpochMs }),
  frame("room", { event: z.literal("ending"), reason: EndReason, endsAt: EpochMs.nullable().optional() }),
  frame("room", { event: z.literal("ended"), reason: EndReason }),
  frame("room", {
    event: z.literal("updated"),
    title: z.string().optional(),
    state: WireRoomState.optional(),
    thumbnail: z.string().nullable().optional(),
    muteAll: z.boolean().optional(),
    slowModeSeconds: z.number().int().optional(),
    startAt: EpochMs.nullable().optional(),
    durationMinutes: z.number().int().nullable().optional(),
    endAt: EpochMs.nullable().optional(),
  }),
]);

/** `moderation` frames: restrictions set or lifted, and mute-all. `until` is absent for "forever". */
const ModerationFrame = z.discriminatedUnion("event", [
  frame("moderation", { event: z.enum(["muted", "banned"]), userId: z.string(), until: EpochMs.optional() }),
  frame("moderation", { event: z.enum(["unmuted", "unbanned"]), userId: z.string() }),
  frame("moderation", { event: z.literal("muteAll"), on: z.boolean() }),
]);

/** Every frame the server sends (SPEC §4, docs/decisions.md "Extra frames"), except `batch` and `pong`. */
export const ServerFrame = z
  .discriminatedUnion("type", [
    frame("welcome", {
      chatroomId: z.string(),
      userId: z.string(),
      role: WireRole,
      lastSeq: Seq,
      muteAll: z.boolean(),
      slowModeSeconds: z.number().int(),
      restriction: WireRestriction.nullable(),
      online: z.array(z.string()),
      onlineCount: z.number().int(),
      /** The room's update counter: resume with `updatesSince` to learn recalls, edits and reactions missed. */
      lastUpdateSeq: Seq,
      mode: WireMode,
    }),
    // A live room's audience size (SPEC §8.5): its viewers are presence, counted, not announced one by one.
    frame("online", { count: z.number().int() }),
    frame("message", WireMessage.shape),
    // A recall (`deleted`), an edit (`content`, `editedAt`) or, when a resume replays what changed, the
    // message's current reactions; `updateSeq` is the room's update counter after the change.
    frame("message_update", {
      seq: Seq,
      updateSeq: Seq,
      deleted: z.literal(true).optional(),
      content: z.string().optional(),
      editedAt: EpochMs.optional(),
      reactions: z.array(WireReaction).optional(),
    }),
    // Reactions on one message, coalesced: the counts after the changes, and who changed what.
    frame("reaction", {
      seq: Seq,
      updateSeq: Seq,
      reactions: z.array(WireReaction),
      changes: z.array(z.object({ userId: z.string(), emoji: z.string(), added: z.boolean() })),
    }),
    frame("ack", { clientMsgId: z.string(), ...Ack.shape }),
    frame("presence", { userId: z.string(), online: z.boolean(), count: z.number().int() }),
    frame("member", {
      event: z.enum(["joined", "left", "kicked", "role"]),
      userId: z.string(),
      role: WireRole.optional(),
    }),
    ModerationFrame,
    RoomFrame,
    frame("typing", { userId: z.string() }),
    frame("history", { messages: z.array(WireMessage), hasMore: z.boolean() }),
    frame("resync", { since: Seq, lastSeq: Seq, lastUpdateSeq: Seq.optional() }),
    frame("error", {
      code: z.string(),
      message: z.string(),
      clientMsgId: z.string().optional(),
      retryAfterSec: z.number().int().min(0).optional(),
    }),
  ])
  .openapi("ServerFrame");
export type ServerFrame = z.infer<typeof ServerFrame>;

/** What one WebSocket text message from the server holds: a frame, a `batch` of frames, or `pong`. */
export const ServerText = z.union([ServerFrame, frame("batch", { frames: z.array(ServerFrame) }), frame("pong", {})]);
export type ServerText = z.infer<typeof ServerText>;

/** Serialises a server frame once; the string is shared by all recipients. */
export function encode(frame: ServerFrame): string {
  return JSON.stringify(frame);
}

/** Joins already-serialised frames into one `batch` frame without re-encoding them. */
export function encodeBatch(frames: readonly string[]): string {
  return `{"type":"batch","frames":[${frames.join(",")}]}`;
}
