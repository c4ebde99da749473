/**
 * @module client
 * The edgeroom client: {@link EdgeroomApi} (typed HTTP calls), {@link RoomSocket} (live room
 * connection with resume), and for servers {@link AdminClient} (signed admin calls) with the admin
 * commands derived from the server's OpenAPI document. Bundled to public/client.js by
 * `npm run build:client`.
 */
export {
  type AdminCallOptions,
  AdminClient,
  type AdminClientOptions,
  type AdminEnvelope,
  AdminHttpError,
} from "./admin";
export { type AdminCommand, type AdminFlag, adminBody, adminCommands, type FlagKind } from "./admin-commands";
export { type ApiOptions, EdgeroomApi, type RequestOptions, type RetryOptions } from "./api";
export {
  CloseCode,
  FINAL_CLOSE_CODES,
  isThrottleCode,
  THROTTLE_CODES,
  type ThrottleCode,
} from "./close-policy";
export { ApiError, SocketError } from "./errors";
export { newClientMsgId, RoomSocket } from "./socket";
export type {
  CloseInfo,
  RoomSocketEvents,
  RoomSocketOptions,
  SendOptions,
  SocketEventLike,
  SocketStatus,
  StatusInfo,
  ThrottleInfo,
  TokenExpiredInfo,
  WebSocketConstructor,
  WebSocketLike,
} from "./socket-types";
export type * from "./types";
