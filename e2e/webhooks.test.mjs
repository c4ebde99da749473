// Webhooks end to end (SPEC §8.4): a real `wrangler dev` whose rooms record events, its local queue,
// the Worker's consumer, and a real local receiver that verifies every signature. A scripted session
// arrives once per event after dedupe, gapless per room; a receiver failing three times still gets its
// event; one that is down for good puts it in the dead-letter queue, seen through the admin API.
// Retries wait 1 s here (WEBHOOK_RETRY_BASE_S / WEBHOOK_RETRY_MAX_S), so the file takes about 30 s.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { clientApi, eventually, RoomSocket, tokenFor, uid } from "./client.mjs";
import { startServer } from "./harness.mjs";
import { startReceiver } from "./webhook-receiver.mjs";

describe("webhooks against wrangler dev", { concurrency: true }, () => {
  const secret = `e2e-webhook-${randomUUID()}`;
  let receiver;
  let server;
  let api;

  before(async () => {
    receiver = await startReceiver(secret);
    server = await startServer({
      WEBHOOK_URL: receiver.url,
      WEBHOOK_SECRET: secret,
      WEBHOOK_RETRY_BASE_S: "1",
      WEBHOOK_RETRY_MAX_S: "1",
    });
    api = clientApi(server.url);
  });
  after(async () => {
    await server?.stop();
    await receiver?.stop();
  });

  it("delivers every event of a scripted session exactly once after dedupe, eventSeq gapless", async () => {
    const [host, bob, carol, dave] = ["host", "bob", "carol", "dave"].map(uid);
    const tokens = {};
    for (const user of [host, bob, carol, dave]) tokens[user] = await tokenFor(server, user);
    const created = await api("POST", "/chatroom", tokens[host], {
      hostId: host,
      isOpen: true,
      users: [host, bob, carol],
      title: "Hooks",
    });
    assert.equal(created.status, 201);
    const id = created.body.data.chatroomId;
    const socket = await RoomSocket.open(server.wsUrl, id, tokens[bob]);
    socket.send({ type: "send", clientMsgId: "s1", content: "over the socket" });
    await socket.next("ack");
    const steps = [
      api("POST", `/chatrooms/${id}/messages`, tokens[carol], { clientMsgId: "h1", content: "over HTTP" }),
      () => api("PATCH", `/chatrooms/${id}/messages/2`, tokens[carol], { content: "edited" }),
      () => api("PUT", `/chatrooms/${id}/messages/1/reactions/${encodeURIComponent("🎉")}`, tokens[host]),
      () => api("DELETE", `/chatrooms/${id}/messages/2`, tokens[carol]),
      () => api("POST", `/chatrooms/${id}/join`, tokens[dave], {}),
      () => api("PUT", `/chatrooms/${id}/managers/${bob}`, tokens[host]),
      () => api("PUT", `/chatrooms/${id}/restrictions/${dave}`, tokens[bob], { status: 1 }),
      () => api("DELETE", `/chatrooms/${id}/restrictions/${dave}`, tokens[bob]),
      () => api("PUT", `/chatrooms/${id}/settings`, tokens[host], { title: "Hooks, renamed" }),
      () => api("DELETE", `/chatrooms/${id}/members/${dave}`, tokens[host]),
      () => api("POST", `/chatrooms/${id}/leave`, tokens[carol]),
    ];
    for (const step of steps) {
      const reply = await (typeof step === "function" ? step() : step);
      assert.ok(reply.status < 300, JSON.stringify(reply.body));
    }
    await socket.close();
    assert.equal((await server.admin("/chatroom/del", { chatroomId: id })).code, 0);
    const events = await eventually(
      () => {
        const got = receiver.events(id);
        return got.at(-1)?.type === "room.ended" ? got : null;
      },
      { timeoutMs: 15_000, what: "room.ended to arrive" },
    );
    assert.deepEqual(
      events.map((event) => event.eventSeq),
      events.map((_, i) => i + 1),
    );
    assert.deepEqual(
      events.map((event) => event.type),
      [
        "room.started",
        "message",
        "message",
        "edit",
        "reaction",
        "recall",
        "join",
        "role",
        "mute",
        "unmute",
        "room.updated",
        "kick",
        "leave",
        "room.ended",
      ],
    );
    assert.ok(events.every((event) => event.eventId === `${id}:${event.eventSeq}`));
    const tries = receiver.deliveries(id);
    assert.ok(tries.every((d) => d.verified && d.fresh && d.status === 204));
    assert.deepEqual(events[1].data, { ...events[1].data, senderId: bob, content: "over the socket", admin: false });
  });

  it("keeps retrying a receiver that fails the first three tries, about a second apart, until it takes the event", async () => {
    const chatroomId = uid("wh-retry");
    receiver.control(chatroomId, { failFirst: 3 });
    assert.equal((await server.admin("/chatroom/create", { chatroomId, title: "Flaky" })).code, 0);
    await eventually(() => receiver.events(chatroomId).length === 1, { timeoutMs: 20_000, what: "the 4th try" });
    const tries = receiver.deliveries(chatroomId);
    assert.deepEqual(
      tries.map((d) => [d.status, d.attemptHeader]),
      [
        [500, 1],
        [500, 2],
        [500, 3],
        [204, 4],
      ],
    );
    // The retry delay (1 s here) is honoured between tries.
    for (let i = 1; i < tries.length; i++) assert.ok(tries[i].at - tries[i - 1].at >= 900, `gap ${i}`);
  });

  it("puts the event of a receiver that is down for good in the dead-letter queue, listed by the admin API", async () => {
    const chatroomId = uid("wh-down");
    receiver.control(chatroomId, { down: true });
    assert.equal((await server.admin("/chatroom/create", { chatroomId, title: "Down" })).code, 0);
    const eventId = `${chatroomId}:1`;
    const letter = await eventually(
      async () => {
        const page = await server.admin("/webhook/dead_letters", { limit: 100 });
        return page.result.list.find((l) => l.eventId === eventId);
      },
      { timeoutMs: 45_000, intervalMs: 500, what: "the dead letter" },
    );
    assert.equal(letter.chatroomId, chatroomId);
    assert.equal(letter.event.type, "room.started");
    // max_retries = 10: eleven refused tries before the platform gave up on it.
    assert.deepEqual(
      receiver.deliveries(chatroomId).map((d) => d.status),
      new Array(11).fill(503),
    );
    receiver.control(chatroomId, {});
    const again = await server.admin("/webhook/redeliver", { eventIds: [eventId] });
    assert.deepEqual(again.result, { redelivered: [eventId], missing: [] });
    await eventually(() => receiver.events(chatroomId).length === 1, { timeoutMs: 10_000, what: "the redelivery" });
  });
});
