/**
 * The hub's flush: a socket accepted during a coalescing window hears its welcome before the live
 * traffic queued after it (SPEC §4), even when nothing was queued as it arrived.
 */
import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { SocketHub } from "../../src/room/sockets";
import { adminRoom } from "../helpers/admin";

const identity = (userId: string) => ({ userId, connectedAt: Date.now(), iat: 0, exp: 0, clientId: "", platform: 0 });

/** The client end of a pair whose server end the hub accepted: frames heard, batches unpacked. */
function listen(client: WebSocket): string[] {
  const heard: string[] = [];
  client.accept();
  client.addEventListener("message", (event) => {
    const frame = JSON.parse(String(event.data)) as { type: string; frames?: { type: string }[] };
    for (const inner of frame.type === "batch" ? (frame.frames ?? []) : [frame]) heard.push(inner.type);
  });
  return heard;
}

describe("socket hub order", () => {
  it("writes a socket accepted with an empty queue its welcome before a broadcast queued after it", async () => {
    const chatroomId = await adminRoom();
    await runInDurableObject(env.ROOMS.getByName(chatroomId), async (_room, state) => {
      const hub = new SocketHub(state);
      const [older, olderServer] = Object.values(new WebSocketPair()) as [WebSocket, WebSocket];
      const [fresh, freshServer] = Object.values(new WebSocketPair()) as [WebSocket, WebSocket];
      hub.accept(olderServer, identity("older"));
      const heardByOlder = listen(older);
      hub.flush();
      // One window: a socket joins (nothing queued yet), gets its welcome, then the room broadcasts.
      hub.accept(freshServer, identity("fresh"));
      const heardByFresh = listen(fresh);
      hub.send(freshServer, JSON.stringify({ type: "welcome" }));
      hub.broadcast(JSON.stringify({ type: "message" }));
      hub.send(olderServer, JSON.stringify({ type: "ack" }));
      hub.broadcast(JSON.stringify({ type: "presence" }));
      hub.flush();
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(heardByFresh).toEqual(["welcome", "message", "presence"]);
      // An open socket's own frames follow the window's shared ones (their order among themselves kept).
      expect(heardByOlder).toEqual(["message", "presence", "ack"]);
    });
  });
});
