// End-to-end compatibility against a real `wrangler dev`: callers that behave like the seeds' own
// clients. A Wildfire-SDK-like caller sends exactly what the official Java server SDK sends (Apache
// HttpClient: its headers, `Accept-Encoding: gzip,deflate`, a nonce from 3..100,002) and reads a body
// only when Content-Length > 0; a Willson-like caller uses `x-token` and parses ing/reserve and the
// date fields; a FlameTalk-like caller uses ACCESS-TOKEN and reads status/message/data.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { Agent, request } from "node:http";
import { after, before, describe, it } from "node:test";
import { tokenFor, uid } from "./client.mjs";
import { startServer } from "./harness.mjs";

/** What the Java SDK's HttpClient adds on its own (RequestAcceptEncoding, RequestUserAgent). */
const SDK_USER_AGENT = "Apache-HttpClient/4.5.13 (Java/1.8.0_392)";

/**
 * One admin call the way cn.wildfirechat.sdk.utilities.AdminHttpUtils.httpJsonPost makes it: the
 * same headers in the same order (the entity adds `Content-Encoding: UTF-8`), a body from a JSON
 * encoder that leaves out absent fields, and the answer's body read only when Content-Length > 0,
 * without decompressing anything. Resolves to { status, headers, result } where result is the
 * parsed envelope, or null when the SDK would have seen no body.
 */
function sdkCall(
  server,
  agent,
  path,
  payload,
  { nonce, timestamp = Date.now(), acceptEncoding = "gzip,deflate" } = {},
) {
  const n = nonce ?? Math.floor(Math.random() * 100000 + 3);
  const sign = createHash("sha1").update(`${n}|${server.adminSecret}|${timestamp}`).digest("hex");
  const body = Buffer.from(payload === undefined ? "" : JSON.stringify(payload), "utf8");
  const headers = [
    ["Content-type", "application/json; charset=utf-8"],
    ["Connection", "Keep-Alive"],
    ["nonce", String(n)],
    ["timestamp", String(timestamp)],
    ["sign", sign],
    ["Content-Length", String(body.length)],
    ["Content-Encoding", "UTF-8"],
    ["Host", `127.0.0.1:${server.port}`],
    ["User-Agent", SDK_USER_AGENT],
    ["Accept-Encoding", acceptEncoding],
  ];
  return new Promise((resolve, reject) => {
    const req = request(
      { host: "127.0.0.1", port: server.port, method: "POST", path: `/admin${path}`, agent, headers: headers.flat() },
      (res) => {
        const chunks = [];
        res.on("data", (chunk) => chunks.push(chunk));
        res.on("end", () => {
          const length = Number(res.headers["content-length"] ?? -1);
          // The SDK reads the entity only when its length is known and positive.
          const result = length > 0 ? JSON.parse(Buffer.concat(chunks).toString("utf8")) : null;
          resolve({ status: res.statusCode, headers: res.headers, result, raw: Buffer.concat(chunks) });
        });
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** Asserts the SDK could read this answer: HTTP 200, not compressed, a Content-Length matching the body. */
function assertReadable(answer, what) {
  assert.equal(answer.status, 200, what);
  assert.ok(
    ["identity", undefined].includes(answer.headers["content-encoding"]),
    `${what}: ${answer.headers["content-encoding"]}`,
  );
  assert.equal(answer.headers["transfer-encoding"], undefined, `${what}: chunked`);
  assert.equal(Number(answer.headers["content-length"]), answer.raw.length, `${what}: Content-Length`);
  assert.notEqual(answer.result, null, `${what}: the SDK would see no body`);
}

describe("compatibility with the seeds' own clients (wrangler dev)", () => {
  let server;
  const agent = new Agent({ keepAlive: true, maxSockets: 8 });

  before(async () => {
    server = await startServer();
  });
  after(async () => {
    agent.destroy();
    await server?.stop();
  });

  describe("Wildfire Java SDK", () => {
    const chatroomId = uid("sdk-room");
    const member = uid("sdk-user");

    it("reads every chatroom, user and message answer the way the SDK does", async () => {
      const calls = [
        ["/user/create", { userId: member, name: member, displayName: "SDK User" }, { userId: member }],
        ["/chatroom/create", { chatroomId, title: "SDK room", desc: "d", state: 0 }, { chatroomId }],
        ["/chatroom/info", { chatroomId }, { chatroomId, title: "SDK room", desc: "d", memberCount: 0 }],
        ["/chatroom/set_manager", { chatroomId, userId: member, status: 1 }, undefined],
        ["/chatroom/get_manager_list", { chatroomId }, { list: [member] }],
        ["/chatroom/mute_all", { chatroomId, status: 0 }, undefined],
        ["/chatroom/members", { chatroomId }, { list: [] }],
        ["/chatroom/set_black_status", { chatroomId, userId: uid("x"), status: 1, expiredTime: 0 }, undefined],
        ["/chatroom/get_black_status", { chatroomId }, undefined],
        ["/user/get_token", { userId: member }, { userId: member }],
        ["/chatroom/del", { chatroomId }, undefined],
      ];
      for (const [path, payload, expected] of calls) {
        const answer = await sdkCall(server, agent, path, payload);
        assertReadable(answer, path);
        assert.equal(answer.result.code, 0, `${path}: ${JSON.stringify(answer.result)}`);
        if (expected) assert.deepEqual({ ...answer.result.result, ...expected }, answer.result.result, path);
        else if (path.startsWith("/chatroom/get_")) assert.ok(answer.result.result, path);
        else assert.equal(answer.result.result, undefined, path);
      }
    });

    it("sends a message through the SDK's call and reads the messageUid", async () => {
      const room = uid("sdk-msg");
      const host = uid("sdk-host");
      const token = await tokenFor(server, host);
      const created = await fetch(`${server.url}/api/chatroom`, {
        method: "POST",
        headers: { "content-type": "application/json", "ACCESS-TOKEN": token },
        body: JSON.stringify({ hostId: host, isOpen: true, users: [host], title: room }),
      });
      const { data } = await created.json();
      const sent = await sdkCall(server, agent, "/message/send", {
        sender: host,
        conv: { type: 2, target: data.chatroomId, line: 0 },
        payload: { type: 1, searchableContent: "from the SDK" },
      });
      assertReadable(sent, "/message/send");
      assert.equal(sent.result.code, 0);
      assert.equal(sent.result.result.messageUid, 1);
    });

    it("reads refusals too: unknown paths, bad signatures, bad bodies and missing rooms", async () => {
      const answers = {
        254: await sdkCall(server, agent, "/chatroom/user_online", { userId: member }),
        251: await sdkCall(server, agent, "/chatroom/create", { title: 7 }),
        253: await sdkCall(server, agent, "/chatroom/info", { chatroomId: uid("missing") }),
        243: await sdkCall(server, agent, "/chatroom/info", { chatroomId }, { timestamp: Date.now() - 3_600_000 }),
      };
      for (const [code, answer] of Object.entries(answers)) {
        assertReadable(answer, `code ${code}`);
        assert.equal(answer.result.code, Number(code), JSON.stringify(answer.result));
      }
    });

    it("answers uncompressed with a Content-Length whatever Accept-Encoding asks for", async () => {
      for (const acceptEncoding of ["gzip,deflate", "gzip", "br", "gzip, deflate, br, zstd", "*", "identity"]) {
        const answer = await sdkCall(server, agent, "/chatroom/info", { chatroomId: uid("none") }, { acceptEncoding });
        assertReadable(answer, acceptEncoding);
      }
    });

    it("keeps up a loop of 300 calls with the SDK's random 5-digit nonces: every answer read, none refused", async () => {
      const room = uid("sdk-loop");
      assert.equal(
        (await sdkCall(server, agent, "/chatroom/create", { chatroomId: room, title: "loop" })).result.code,
        0,
      );
      // A nonce the SDK draws again in a later millisecond is a new call (SPEC §8.1: the pair is the key).
      const reused = Math.floor(Math.random() * 100000 + 3);
      const first = await sdkCall(server, agent, "/chatroom/info", { chatroomId: room }, { nonce: reused });
      const again = await sdkCall(
        server,
        agent,
        "/chatroom/info",
        { chatroomId: room },
        {
          nonce: reused,
          timestamp: Date.now() + 1,
        },
      );
      assert.deepEqual([first.result.code, again.result.code], [0, 0]);
      const codes = new Map();
      const worker = async (count) => {
        for (let i = 0; i < count; i++) {
          const answer = await sdkCall(server, agent, "/chatroom/info", { chatroomId: room });
          assertReadable(answer, `call ${i}`);
          codes.set(answer.result.code, (codes.get(answer.result.code) ?? 0) + 1);
        }
      };
      await Promise.all([worker(75), worker(75), worker(75), worker(75)]);
      assert.deepEqual([...codes.entries()], [[0, 300]]);
    });
  });

  describe("Willson client", () => {
    /** GET the Willson list as a Willson client: x-token, then the fields it reads. */
    async function willson(token) {
      const res = await fetch(`${server.url}/api/v1/asker/chat/chatrooms`, { headers: { "x-token": token } });
      return { status: res.status, body: await res.json() };
    }

    it("reads not_found, then ing and reserve with idx, roomkey, start, concern.time and the date fields", async () => {
      const me = uid("willson");
      const token = await tokenFor(server, me);
      assert.deepEqual(await willson(token), { status: 200, body: { code: "not_found", message: "Result not found" } });
      const create = (body) =>
        fetch(`${server.url}/api/chatroom`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-token": token },
          body: JSON.stringify({ hostId: me, isOpen: false, users: [me], ...body }),
        }).then((res) => res.json());
      const ongoing = await create({ title: "Now", durationMinutes: 90 });
      // 2030-03-04 23:30 UTC is 2030-03-05 08:30 in Seoul (UTC+9, no daylight saving).
      const startAt = Date.UTC(2030, 2, 4, 23, 30);
      const reserved = await create({ title: "Later", startAt });
      const { status, body } = await willson(token);
      assert.equal(status, 200);
      assert.equal(body.code, "success");
      assert.equal(body.data.count, body.data.ing.length + body.data.reserve.length);
      const [ing] = body.data.ing;
      assert.equal(ing.roomkey, ongoing.data.chatroomId);
      assert.equal(ing.idx, ongoing.data.userChatroomId);
      assert.equal(typeof ing.start, "number");
      assert.equal(ing.concern.time, "90");
      const [reserve] = body.data.reserve;
      assert.equal(reserve.roomkey, reserved.data.chatroomId);
      assert.equal(reserve.concern.time, "");
      assert.deepEqual(reserve.date, { from_time: "08:30", date_format: "03월 05일" });
      assert.equal(reserve.startAt, startAt);
    });

    it("reads access_token_expired and unauthorized", async () => {
      const expired = await willson("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4IiwiZXhwIjoxfQ.x");
      assert.equal(expired.status, 401);
      assert.ok(["unauthorized", "access_token_expired"].includes(expired.body.code));
      const garbage = await willson("garbage");
      assert.deepEqual(garbage, { status: 401, body: { code: "unauthorized", message: garbage.body.message } });
    });
  });

  describe("FlameTalk client", () => {
    it("creates a room with ACCESS-TOKEN and reads status, message and data; errors carry status and code", async () => {
      const host = uid("flame");
      const token = await tokenFor(server, host);
      const res = await fetch(`${server.url}/api/chatroom`, {
        method: "POST",
        headers: { "content-type": "application/json", "ACCESS-TOKEN": token },
        body: JSON.stringify({
          hostId: host,
          hostOpenProfileId: null,
          isOpen: true,
          users: [host, uid("guest")],
          title: "FT",
        }),
      });
      const body = await res.json();
      assert.equal(res.status, 201);
      assert.equal(body.status, 201);
      assert.equal(typeof body.message, "string");
      assert.equal(typeof body.data.chatroomId, "string");
      assert.equal(typeof body.data.userChatroomId, "number");
      assert.equal(body.data.hostId, host);
      assert.equal(body.data.count, 2);
      assert.equal(body.data.isOpen, true);
      assert.ok(body.data.url.endsWith(`/?join=${body.data.chatroomId}`));
      assert.ok(Array.isArray(body.data.thumbnails));
      const refused = await fetch(`${server.url}/api/chatroom`, {
        method: "POST",
        headers: { "content-type": "application/json", "ACCESS-TOKEN": token },
        body: JSON.stringify({ hostId: host, isOpen: true, users: [] }),
      });
      const error = await refused.json();
      assert.equal(refused.status, 400);
      assert.deepEqual(Object.keys(error).sort(), ["code", "error", "message", "status", "timestamp"]);
      assert.equal(error.code, "BAD_REQUEST");
      assert.match(error.message, /^users/);
    });
  });
});
