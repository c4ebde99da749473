/**
 * @module client
 * The edgeroom client: {@link EdgeroomApi} (typed HTTP calls) and {@link RoomSocket} (live room
 * connection with resume). Bundled for browsers to public/client.js by `npm run build:client`.
 */
export { type ApiOptions, EdgeroomApi, type RequestOptions, type RetryOptions } from "./api";
export { ApiError, SocketError } from "./errors";
export {
  type CloseInfo,
  FINAL_CLOSE_CODES,
  newClientMsgId,
  RoomSocket,
  type RoomSocketEvents,
  type RoomSocketOptions,
  type SocketEventLike,
  type SocketStatus,
  type StatusInfo,
  type WebSocketConstructor,
  type WebSocketLike,
} from "./socket";
export type * from "./types";
