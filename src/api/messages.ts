/**
 * @module api/messages
 * Client routes on a room's messages (SPEC §3, §4): history, send, read marker, and the WebSocket
 * upgrade, which is forwarded to the room object with the authenticated user.
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../env";
import { invalidParam, unwrap } from "../errors";
import { HISTORY_DEFAULT } from "../limits";
import { Ack, SendMessage } from "../room/protocol";
import { forwardUpgrade } from "../room/upgrade";
import { reply } from "./envelope";
import { roomMode, socketTarget } from "./room-mode";
import { clientRoute, json, ROOM_READ_ERRORS, ROOM_WRITE_ERRORS, room, userOf } from "./route";
import * as S from "./schemas";

/** Message routes, mounted into the client API. */
export const messageRoutes = new OpenAPIHono<AppEnv>();

messageRoutes.openapi(
  clientRoute({
    method: "get",
    path: "/chatrooms/{id}/messages",
    summary: "Message history by seq",
    request: { params: S.RoomParams, query: S.HistoryQuery },
    responses: { 200: S.success(S.HistoryPage, 200, "OK"), ...ROOM_READ_ERRORS },
  }),
  async (c) => {
    const { before, after, limit = HISTORY_DEFAULT } = c.req.valid("query");
    if (before !== undefined && after !== undefined) throw invalidParam("before", "give before or after, not both");
    return reply(c, unwrap(await room(c.env, c.req.valid("param").id).history(userOf(c), { before, after, limit })));
  },
);

messageRoutes.openapi(
  clientRoute({
    method: "post",
    path: "/chatrooms/{id}/messages",
    summary: "Send a message",
    request: { params: S.RoomParams, body: json(SendMessage) },
    responses: {
      201: S.success(Ack, 201, "Created"),
      200: S.success(Ack, 200, "Duplicate: the clientMsgId was already sent; the original ack"),
      ...ROOM_WRITE_ERRORS,
    },
  }),
  async (c) => {
    const ack = unwrap(
      await room(c.env, c.req.valid("param").id).send(c.get("userId"), c.req.valid("json"), { admin: false }),
    );
    return ack.duplicate ? reply(c, ack, 200, "Duplicate") : reply(c, ack, 201, "Created");
  },
);

messageRoutes.openapi(
  clientRoute({
    method: "post",
    path: "/chatrooms/{id}/read",
    summary: "Move the read marker",
    request: { params: S.RoomParams, body: json(S.ReadBody) },
    responses: { 200: S.success(S.ReadResult, 200, "OK"), ...ROOM_WRITE_ERRORS },
  }),
  async (c) =>
    reply(c, unwrap(await room(c.env, c.req.valid("param").id).markRead(c.get("userId"), c.req.valid("json").seq))),
);

messageRoutes.openapi(
  clientRoute({
    method: "get",
    path: "/chatrooms/{id}/ws",
    summary: "WebSocket upgrade (SPEC §4); token may be ?token=; frames are documented as ServerFrame",
    request: { params: S.RoomParams, query: S.WsQuery },
    responses: { 101: { description: "Switching Protocols: the room's socket" }, ...ROOM_WRITE_ERRORS },
  }),
  async (c) => {
    if (c.req.header("upgrade")?.toLowerCase() !== "websocket")
      throw invalidParam("upgrade", "expected a WebSocket upgrade");
    const { since, updatesSince, clientId = "", platform = 0 } = c.req.valid("query");
    const resume = { since: since ?? null, updatesSince: updatesSince ?? null };
    const session = { userId: c.get("userId"), ...c.get("token"), clientId, platform, ...resume };
    const id = c.req.valid("param").id;
    // A live room's sockets go to the user's shard, chosen here without asking the room (SPEC §8.5).
    const target = socketTarget(c.env, id, session.userId, await roomMode(c.env, id));
    return target.fetch(forwardUpgrade(c.req.raw, session));
  },
);
