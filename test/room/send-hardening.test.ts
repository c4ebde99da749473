/**
 * Send-path findings of the hardening review (SPEC §8.1): who may speak is checked before the
 * duplicate check, server-only content types are refused from users, and no outgoing frame exceeds
 * the batch cap however much a resume replays.
 */
import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { BATCH_MAX_BYTES, payloadsOf } from "../../src/room/sockets";
import { admin, newId, tokenFor } from "../helpers/admin";
import { api, closedRoom, roleRoom } from "../helpers/api";
import { connect } from "../helpers/socket";

describe("send order of checks", () => {
  it("refuses a banned user's retry of an id the room already stored, instead of acking it as a duplicate", async () => {
    const r = await roleRoom();
    const first = await api("POST", `/chatrooms/${r.id}/messages`, {
      as: r.other,
      body: { clientMsgId: "c1", content: "hi" },
    });
    expect(first.status).toBe(201);
    await api("PUT", `/chatrooms/${r.id}/restrictions/${r.other}`, { as: r.host, body: { status: 2 } });
    const retry = await api("POST", `/chatrooms/${r.id}/messages`, {
      as: r.other,
      body: { clientMsgId: "c1", content: "hi" },
    });
    expect(retry.status).toBe(403);
    expect(retry.body.code).toBe("BANNED");
  });

  it("refuses a kicked member's retry the same way, and still acks a member's retry as a duplicate", async () => {
    const r = await roleRoom();
    for (const user of [r.other, r.member]) {
      const sent = await api("POST", `/chatrooms/${r.id}/messages`, {
        as: user,
        body: { clientMsgId: "c1", content: "x" },
      });
      expect(sent.status).toBe(201);
    }
    await api("DELETE", `/chatrooms/${r.id}/members/${r.other}`, { as: r.host });
    const kicked = await api("POST", `/chatrooms/${r.id}/messages`, {
      as: r.other,
      body: { clientMsgId: "c1", content: "x" },
    });
    expect(kicked.status).toBe(403);
    const member = await api("POST", `/chatrooms/${r.id}/messages`, {
      as: r.member,
      body: { clientMsgId: "c1", content: "x" },
    });
    expect(member.status).toBe(200);
    expect(member.body.data).toMatchObject({ seq: 2, duplicate: true });
  });
});

describe("server-only content types", () => {
  it("refuses wildfire/* and system/* from users over HTTP and the socket, naming contentType", async () => {
    const r = await roleRoom();
    for (const contentType of ["wildfire/1", "system/notice", "SYSTEM/x"]) {
      const res = await api("POST", `/chatrooms/${r.id}/messages`, {
        as: r.member,
        body: { clientMsgId: contentType, content: "forged", contentType },
      });
      expect(res.status).toBe(400);
      expect(res.body.message).toMatch(/^contentType: /);
    }
    const socket = await connect(r.id, r.member);
    await socket.next("welcome");
    socket.send({ type: "send", clientMsgId: "s1", content: "forged", contentType: "wildfire/1" });
    expect(await socket.next("error")).toMatchObject({ code: "BAD_REQUEST", clientMsgId: "s1" });
    const history = await api("GET", `/chatrooms/${r.id}/messages`, { as: r.member });
    expect(history.body.data?.messages).toEqual([]);
    // The admin API still produces them.
    const sent = await admin("/message/send", {
      sender: r.member,
      conv: { type: 2, target: r.id, line: 0 },
      payload: { type: 7, searchableContent: "from the server" },
    });
    expect(sent.code).toBe(0);
    const stored = await api("GET", `/chatrooms/${r.id}/messages`, { as: r.member });
    expect(stored.body.data?.messages).toMatchObject([{ contentType: "wildfire/7" }]);
  });
});

describe("batch cap", () => {
  it("splits what one socket is owed into batches under 512 KiB, in order", () => {
    const frame = (i: number) => JSON.stringify({ type: "message", seq: i, content: "가".repeat(4000) });
    const frames = Array.from({ length: 100 }, (_, i) => frame(i + 1));
    const payloads = payloadsOf(frames);
    expect(payloads.length).toBeGreaterThan(1);
    const bytes = (text: string) => new TextEncoder().encode(text).length;
    for (const payload of payloads) expect(bytes(payload)).toBeLessThan(BATCH_MAX_BYTES);
    const unpacked = payloads.flatMap((payload) => {
      const parsed = JSON.parse(payload) as { type: string; frames?: unknown[] };
      return parsed.type === "batch" ? (parsed.frames as unknown[]) : [parsed];
    });
    expect(unpacked.map((item) => (item as { seq: number }).seq)).toEqual(frames.map((_, i) => i + 1));
  });

  it("keeps every frame of a resume replay of large messages under the cap", async () => {
    const host = newId("h");
    // Six senders of SEND_BURST (10) messages each: 60 messages of 12 KB, more than 512 KiB to replay.
    const senders = Array.from({ length: 6 }, (_, i) => `${host}-s${i}`);
    const id = await closedRoom(host, senders);
    const big = "한".repeat(4000);
    const stub = env.ROOMS.getByName(id);
    for (let i = 0; i < 60; i++) {
      const sender = senders[i % senders.length] as string;
      const sent = await stub.send(sender, { clientMsgId: `b${i}`, content: big }, { admin: false });
      expect(sent.ok).toBe(true);
    }
    const res = await SELF.fetch(`https://edgeroom.test/api/chatrooms/${id}/ws?since=0&token=${await tokenFor(host)}`, {
      headers: { Upgrade: "websocket" },
    });
    const ws = res.webSocket as WebSocket;
    ws.accept();
    const sizes: number[] = [];
    let seen = 0;
    await new Promise<void>((resolve) => {
      ws.addEventListener("message", (event) => {
        const text = String(event.data);
        sizes.push(new TextEncoder().encode(text).length);
        seen += (text.match(/"type":"message"/g) ?? []).length;
        if (seen >= 60) resolve();
      });
    });
    expect(Math.max(...sizes)).toBeLessThan(BATCH_MAX_BYTES);
    expect(sizes.length).toBeGreaterThanOrEqual(2);
  });
});
