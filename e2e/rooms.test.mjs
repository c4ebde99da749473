// End-to-end: the client API's rooms over real HTTP against `wrangler dev` — FlameTalk create,
// the Willson-style list read from the D1 directory, scheduled rooms, and leaving.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { clientApi, eventually, tokenFor, uid } from "./client.mjs";
import { startServer } from "./harness.mjs";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe("client API rooms against wrangler dev", () => {
  let server;
  let api;
  const host = uid("host");
  const alice = uid("alice");
  const bob = uid("bob");
  const carol = uid("carol");
  const portrait = (userId) => `https://img.example/${userId}.png`;
  const tokens = {};

  /** The caller's room list (GET /api/chatrooms), asserted to be a success envelope. */
  async function listOf(userId, query = "") {
    const res = await api("GET", `/chatrooms${query}`, tokens[userId]);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body.data;
  }

  before(async () => {
    server = await startServer();
    api = clientApi(server.url);
    // alice and bob have profile images; carol has none.
    for (const userId of [host, alice, bob]) {
      const created = await server.admin("/user/create", { userId, displayName: userId, portrait: portrait(userId) });
      assert.equal(created.code, 0);
    }
    for (const userId of [host, alice, bob, carol]) tokens[userId] = await tokenFor(server, userId);
  });
  after(async () => {
    await server?.stop();
  });

  let closedRoom;
  let openRoom;

  it("creates a closed room the FlameTalk way (POST /api/chatroom)", async () => {
    const res = await api("POST", "/chatroom", tokens[host], {
      hostId: host,
      isOpen: false,
      users: [host, alice, bob, carol, alice],
      title: "closed e2e room",
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.status, 201);
    const data = res.body.data;
    assert.match(data.chatroomId, UUID);
    assert.ok(Number.isInteger(data.userChatroomId), `userChatroomId ${data.userChatroomId} is an integer`);
    assert.equal(data.hostId, host);
    assert.equal(data.count, 4, "users are deduplicated");
    assert.equal(data.isOpen, false);
    assert.equal(data.url, null);
    assert.equal(data.title, "closed e2e room");
    // No room thumbnail: the images of the other members that have one, in join order.
    assert.deepEqual(data.thumbnails, [portrait(alice), portrait(bob)]);
    closedRoom = data;
  });

  it("creates an open room with an invite URL and its own thumbnail (POST /api/chatrooms)", async () => {
    const thumbnail = "https://img.example/room.png";
    const res = await api("POST", "/chatrooms", tokens[host], {
      hostId: host,
      isOpen: true,
      users: [host, alice],
      title: "open e2e room",
      thumbnail,
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const data = res.body.data;
    assert.match(data.chatroomId, UUID);
    assert.ok(Number.isInteger(data.userChatroomId));
    assert.notEqual(data.userChatroomId, closedRoom.userChatroomId);
    assert.equal(data.count, 2);
    assert.equal(data.isOpen, true);
    assert.equal(typeof data.url, "string");
    assert.ok(data.url.includes(data.chatroomId), `invite url ${data.url} names the room`);
    assert.doesNotThrow(() => new URL(data.url));
    assert.deepEqual(data.thumbnails, [thumbnail]);
    openRoom = data;
  });

  it("refuses bad creates with the client error envelope", async () => {
    const spoofed = await api("POST", "/chatroom", tokens[alice], { hostId: host, isOpen: false, users: [host] });
    assert.equal(spoofed.status, 403);
    assert.equal(spoofed.body.code, "FORBIDDEN");
    assert.match(spoofed.body.message, /hostId/);
    assert.ok(!Number.isNaN(Date.parse(spoofed.body.timestamp)), "timestamp is ISO-8601");

    const withoutHost = await api("POST", "/chatroom", tokens[host], { hostId: host, isOpen: false, users: [alice] });
    assert.equal(withoutHost.status, 400);
    assert.equal(withoutHost.body.code, "BAD_REQUEST");
    assert.match(withoutHost.body.message, /users/);

    const past = await api("POST", "/chatroom", tokens[host], {
      hostId: host,
      isOpen: false,
      users: [host],
      startAt: Date.now() - 60_000,
    });
    assert.equal(past.status, 400);
    assert.match(past.body.message, /startAt/);

    const anonymous = await api("POST", "/chatroom", undefined, { hostId: host, isOpen: false, users: [host] });
    assert.equal(anonymous.status, 401);
    assert.equal(anonymous.body.code, "UNAUTHORIZED");
  });

  it("lists the rooms the Willson way: ongoing, with the caller's role", async () => {
    const hostList = await listOf(host);
    const closed = hostList.ongoing.find((room) => room.chatroomId === closedRoom.chatroomId);
    const open = hostList.ongoing.find((room) => room.chatroomId === openRoom.chatroomId);
    assert.ok(closed, "the closed room is ongoing for the host");
    assert.ok(open, "the open room is ongoing for the host");
    assert.equal(closed.role, "host");
    assert.equal(closed.userChatroomId, closedRoom.userChatroomId);
    assert.equal(closed.title, "closed e2e room");
    assert.equal(closed.isOpen, false);
    assert.equal(closed.count, 4);
    assert.deepEqual(closed.thumbnails, [portrait(alice), portrait(bob)]);
    assert.equal(typeof closed.startedAt, "number");
    assert.equal(closed.lastMessage, null);
    assert.equal(closed.unread, 0);
    assert.equal(open.role, "host");
    assert.equal(open.isOpen, true);
    assert.deepEqual(hostList.scheduled, []);
    assert.equal(hostList.count, 2);

    const bobList = await listOf(bob);
    assert.deepEqual(
      bobList.ongoing.map((room) => [room.chatroomId, room.role]),
      [[closedRoom.chatroomId, "member"]],
    );
  });

  it("lists a room with startAt in the future under scheduled", async () => {
    const startAt = Date.now() + 3_600_000;
    const res = await api("POST", "/chatroom", tokens[host], {
      hostId: host,
      isOpen: false,
      users: [host, alice],
      title: "scheduled e2e room",
      startAt,
      durationMinutes: 30,
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const chatroomId = res.body.data.chatroomId;
    assert.equal(res.body.data.state, 1);

    const aliceList = await listOf(alice);
    assert.ok(!aliceList.ongoing.some((room) => room.chatroomId === chatroomId), "not ongoing");
    const scheduled = aliceList.scheduled.find((room) => room.chatroomId === chatroomId);
    assert.ok(scheduled, "scheduled for alice");
    assert.equal(scheduled.startAt, startAt);
    assert.equal(scheduled.durationMinutes, 30);
    assert.equal(scheduled.role, "member");
    assert.equal(scheduled.title, "scheduled e2e room");

    const onlyScheduled = await listOf(host, "?status=scheduled");
    assert.deepEqual(onlyScheduled.ongoing, []);
    assert.deepEqual(
      onlyScheduled.scheduled.map((room) => room.chatroomId),
      [chatroomId],
    );

    // The room is not open yet: sending is refused.
    const send = await api("POST", `/chatrooms/${chatroomId}/messages`, tokens[host], {
      clientMsgId: "early",
      content: "too soon",
    });
    assert.equal(send.status, 409);
    assert.equal(send.body.code, "CONFLICT");
  });

  it("drops a room from a member's list once they leave", async () => {
    assert.ok((await listOf(carol)).ongoing.some((room) => room.chatroomId === closedRoom.chatroomId));
    const left = await api("POST", `/chatrooms/${closedRoom.chatroomId}/leave`, tokens[carol]);
    assert.equal(left.status, 200, JSON.stringify(left.body));
    assert.equal(left.body.data.ended, false);

    await eventually(
      async () => !(await listOf(carol)).ongoing.some((room) => room.chatroomId === closedRoom.chatroomId),
      { timeoutMs: 3000, what: "the room to leave carol's list" },
    );
    assert.equal((await listOf(carol)).count, 0);
    const hostView = await eventually(
      async () =>
        (await listOf(host)).ongoing.find((room) => room.chatroomId === closedRoom.chatroomId && room.count === 3),
      { timeoutMs: 3000, what: "the host's list to show 3 members" },
    );
    assert.equal(hostView.role, "host");

    // A closed room is not visible to a former member.
    const info = await api("GET", `/chatrooms/${closedRoom.chatroomId}`, tokens[carol]);
    assert.equal(info.status, 403);
  });
});
