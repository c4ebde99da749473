/**
 * @module client/types
 * Wire types of the edgeroom client API and real-time protocol, as a client sees them: every one
 * is `z.input` (request) or `z.infer` (response, frame) of the zod schema the server validates,
 * documents and builds its answers with, so the two cannot drift. Type-only imports: nothing from
 * the server ends up in the bundle.
 */
import type { z } from "@hono/zod-openapi";
import type * as A from "../api/attachment-schemas";
import type * as M from "../api/message-schemas";
import type * as S from "../api/schemas";
import type * as P from "../room/protocol";

// ── request bodies and queries ────────────────────────────────────────

/** POST /api/chatroom (FlameTalk create, plus startAt / durationMinutes). */
export type CreateChatroomBody = z.input<typeof S.CreateChatroom>;
/** GET /api/chatrooms query. */
export type ListChatroomsQuery = z.infer<typeof S.ListQuery>;
/** POST /api/chatrooms/:id/join body. */
export type JoinBody = z.input<typeof S.JoinBody>;
/** PUT /api/chatrooms/:id/restrictions/:userId body: status 1 mute, 2 ban. */
export type RestrictionBody = z.input<typeof S.RestrictionBody>;
/** PUT /api/chatrooms/:id/settings body. */
export type SettingsBody = z.input<typeof S.SettingsBody>;
/** GET /api/chatrooms/:id/messages query: `before` (newest first) or `after` (oldest first). */
export type HistoryQuery = z.infer<typeof S.HistoryQuery>;
/** POST /api/chatrooms/:id/messages body. */
export type SendMessageBody = z.input<typeof P.SendMessage>;
/** PUT /api/users/me/profile body. */
export type ProfileBody = z.input<typeof S.ProfileBody>;
/** POST /api/users/me/open-profiles body. */
export type OpenProfileBody = z.input<typeof S.OpenProfileBody>;

// ── response data ─────────────────────────────────────────────────────

/** A member's role in a room. */
export type Role = z.infer<typeof P.WireRole>;
/** Room state: 0 ongoing, 1 scheduled (not started), 2 ended. */
export type RoomState = z.infer<typeof P.WireRoomState>;
/** A chat message. */
export type WireMessage = P.WireMessage;
/** A restriction: status 1 muted, 2 banned; expiresAt 0 = forever. */
export type WireRestriction = P.WireRestriction;
/** POST /dev/token (DEV_MODE only). */
export type DevToken = z.infer<typeof S.DevToken>;
/** POST /api/chatroom. */
export type CreatedChatroom = z.infer<typeof S.CreatedChatroom>;
/** An ongoing room, sorted by last activity. */
export type OngoingRoom = z.infer<typeof S.OngoingRoom>;
/** A scheduled room, sorted by startAt. */
export type ScheduledRoom = z.infer<typeof S.ScheduledRoom>;
/** Fields shared by both lists of GET /api/chatrooms. */
export type ListedRoomBase = Omit<OngoingRoom, "startedAt" | "lastMessage" | "unread">;
/** GET /api/chatrooms. */
export type RoomList = z.infer<typeof S.RoomList>;
/** GET /api/chatrooms/:id, and the answer of join and settings. */
export type RoomInfo = P.RoomInfo;
/** POST /api/chatrooms/:id/leave. */
export type LeaveResult = z.infer<typeof S.LeaveResult>;
/** POST /api/chatrooms/:id/members. */
export type InviteResult = z.infer<typeof S.InviteResult>;
/** DELETE /api/chatrooms/:id/members/:userId. */
export type KickResult = z.infer<typeof S.KickResult>;
/** PUT / DELETE /api/chatrooms/:id/managers/:userId. */
export type ManagerResult = z.infer<typeof S.ManagerResult>;
/** PUT /api/chatrooms/:id/restrictions/:userId. */
export type RestrictionSet = z.infer<typeof S.RestrictionSet>;
/** DELETE /api/chatrooms/:id/restrictions/:userId. */
export type RestrictionLifted = z.infer<typeof S.RestrictionLifted>;
/** Either answer of the restriction routes (status 0 after a lift). */
export type RestrictionResult = RestrictionSet | RestrictionLifted;
/** GET /api/chatrooms/:id/messages. */
export type HistoryPage = z.infer<typeof S.HistoryPage>;
/** POST /api/chatrooms/:id/messages, and the socket ack. */
export type SendResult = P.Ack;
/** POST /api/chatrooms/:id/read. */
export type ReadResult = z.infer<typeof S.ReadResult>;
/** PUT /api/users/me/profile. */
export type Profile = z.infer<typeof S.MyProfile>;
/** POST /api/users/me/open-profiles. */
export type OpenProfile = z.infer<typeof S.CreatedOpenProfile>;

/** POST /api/chatrooms/:id/attachments: put `attachmentId` in a message's `attachments`. */
export type UploadedAttachment = z.infer<typeof A.UploadedAttachment>;
/** An attachment as a message carries it (`url` is signed, expires, and is relative to the API origin). */
export type WireAttachment = P.WireAttachment;
/** Options of an upload: the file's type (else the Blob's) and name (else the File's). */
export interface UploadOptions {
  contentType?: string;
  name?: string;
}

// ── envelopes ─────────────────────────────────────────────────────────

/** The success envelope. */
export type SuccessEnvelope<T> = { status: number; message: string; data: T };
/** The error envelope. */
export type ErrorEnvelope = z.infer<typeof S.ErrorBody>;

// ── frames ────────────────────────────────────────────────────────────

/** Every frame the server sends (batches unpacked). */
export type ServerFrame = P.ServerFrame;
/** The type tag of a server frame. */
export type ServerFrameType = ServerFrame["type"];
/** The server frame with type tag `T`. */
export type FrameOf<T extends ServerFrameType> = Extract<ServerFrame, { type: T }>;
/** A client frame. */
export type ClientFrame = P.ClientFrame;

// ── messaging (SPEC §8.3) ─────────────────────────────────────────────

/** One emoji's count on a message (`mine` in answers to one user). */
export type Reaction = z.infer<typeof P.WireReaction>;
/** DELETE /api/chatrooms/:id/messages/:seq. */
export type RecallResult = z.infer<typeof M.RecallResult>;
/** PUT / DELETE /api/chatrooms/:id/messages/:seq/reactions/:emoji. */
export type ReactionResult = z.infer<typeof M.ReactionResult>;
/** GET /api/chatrooms/:id/messages/search query. */
export type SearchQuery = z.infer<typeof M.SearchQuery>;
/** GET /api/chatrooms/:id/messages/search. */
export type SearchPage = z.infer<typeof M.SearchPage>;
/** GET /api/chatrooms/:id/members query. */
export type MembersQuery = z.infer<typeof M.MembersQuery>;
/** GET /api/chatrooms/:id/members. */
export type MemberList = z.infer<typeof M.MemberList>;
/** A member as others see them. */
export type ListedMember = z.infer<typeof M.ListedMember>;
