// End-to-end: the signed Wildfire admin API over real HTTP against `wrangler dev`.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startServer } from "./harness.mjs";

describe("admin API against wrangler dev", () => {
  let server;
  before(async () => {
    server = await startServer();
  });
  after(async () => {
    await server?.stop();
  });

  it("creates a chatroom with a signed call and reads it back", async () => {
    const created = await server.admin("/chatroom/create", { title: "e2e lobby" });
    assert.equal(created.code, 0);
    const info = await server.admin("/chatroom/info", { chatroomId: created.result.chatroomId });
    assert.equal(info.code, 0);
    assert.equal(info.result.title, "e2e lobby");
    assert.equal(info.result.state, 0);
  });

  it("refuses a wrong secret (244) and a replayed nonce and timestamp (244), not a reused nonce", async () => {
    assert.equal((await server.admin("/chatroom/info", { chatroomId: "x" }, { secret: "nope" })).code, 244);
    const pair = { nonce: "76616", timestamp: Date.now() };
    assert.equal((await server.admin("/chatroom/info", { chatroomId: "missing" }, pair)).code, 253);
    assert.equal((await server.admin("/chatroom/info", { chatroomId: "missing" }, pair)).code, 244);
    // The Wildfire SDK draws nonces from ~100k values: the same nonce at another time is a new call.
    const later = { nonce: pair.nonce, timestamp: pair.timestamp + 1 };
    assert.equal((await server.admin("/chatroom/info", { chatroomId: "missing" }, later)).code, 253);
  });
});
