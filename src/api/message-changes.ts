/**
 * @module api/message-changes
 * Client routes on messages already sent and on finding them (SPEC §8.3): recall, edit, reactions,
 * search. Each asks the room object, which applies the rules and tells the room's sockets.
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../env";
import { unwrap } from "../errors";
import { HISTORY_DEFAULT } from "../limits";
import { WireMessage } from "../room/protocol";
import { reply } from "./envelope";
import * as M from "./message-schemas";
import { clientRoute, json, ROOM_READ_ERRORS, ROOM_WRITE_ERRORS, room, userOf } from "./route";
import * as S from "./schemas";

/** Message-change routes, mounted into the client API. */
export const messageChangeRoutes = new OpenAPIHono<AppEnv>();

messageChangeRoutes.openapi(
  clientRoute({
    method: "get",
    path: "/chatrooms/{id}/messages/search",
    summary: "Search the room's retained messages (members; recalled messages are never found)",
    request: { params: S.RoomParams, query: M.SearchQuery },
    responses: { 200: S.success(M.SearchPage, 200, "OK"), ...ROOM_READ_ERRORS },
  }),
  async (c) => {
    const { q, cursor, limit = HISTORY_DEFAULT } = c.req.valid("query");
    const found = await room(c.env, c.req.valid("param").id).search(userOf(c), { q, before: cursor, limit });
    return reply(c, unwrap(found));
  },
);

messageChangeRoutes.openapi(
  clientRoute({
    method: "delete",
    path: "/chatrooms/{id}/messages/{seq}",
    summary: "Recall a message (the sender within RECALL_WINDOW_MS; the host or a manager for lower ranks)",
    request: { params: M.MessageParams },
    responses: { 200: S.success(M.RecallResult, 200, "OK"), ...ROOM_WRITE_ERRORS },
  }),
  async (c) => {
    const { id, seq } = c.req.valid("param");
    const recalled = unwrap(await room(c.env, id).recall(userOf(c), seq));
    return reply(c, { ...recalled, deleted: true as const });
  },
);

messageChangeRoutes.openapi(
  clientRoute({
    method: "patch",
    path: "/chatrooms/{id}/messages/{seq}",
    summary: "Edit your own message",
    request: { params: M.MessageParams, body: json(M.EditBody) },
    responses: { 200: S.success(WireMessage, 200, "OK"), ...ROOM_WRITE_ERRORS },
  }),
  async (c) => {
    const { id, seq } = c.req.valid("param");
    return reply(c, unwrap(await room(c.env, id).edit(c.get("userId"), seq, c.req.valid("json").content)));
  },
);

for (const [method, add] of [
  ["put", true],
  ["delete", false],
] as const) {
  messageChangeRoutes.openapi(
    clientRoute({
      method,
      path: "/chatrooms/{id}/messages/{seq}/reactions/{emoji}",
      summary: add ? "Add your reaction" : "Remove your reaction",
      request: { params: M.ReactionParams },
      responses: { 200: S.success(M.ReactionResult, 200, "OK"), ...ROOM_WRITE_ERRORS },
    }),
    async (c) => {
      const { id, seq, emoji } = c.req.valid("param");
      return reply(c, unwrap(await room(c.env, id).react(c.get("userId"), seq, emoji, add)));
    },
  );
}
