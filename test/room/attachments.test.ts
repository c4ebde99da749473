/**
 * The room side of attachments (SPEC §8.4): who may upload, registration, messages carrying them with
 * signed URLs, and recall and the room's end deleting the objects from R2.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { verifyAttachmentUrl } from "../../src/attachments/url";
import { attachmentKey } from "../../src/room/store";
import { admin } from "../helpers/admin";
import { api, type RoleRoom, roleRoom } from "../helpers/api";
import type { Frame } from "../helpers/socket";

/** Stores an object in R2 and registers it in the room as `userId`'s upload. */
async function upload(r: RoleRoom, userId: string, name = "cat.png"): Promise<string> {
  const id = crypto.randomUUID().replaceAll("-", "");
  await env.ATTACHMENTS.put(attachmentKey(r.id, id), new Uint8Array([1, 2, 3]), {
    httpMetadata: { contentType: "image/png" },
  });
  const registered = await env.ROOMS.getByName(r.id).registerAttachment(userId, {
    id,
    contentType: "image/png",
    size: 3,
    width: 640,
    height: 480,
    name,
  });
  expect(registered.ok).toBe(true);
  return id;
}

async function stored(r: RoleRoom, id: string): Promise<boolean> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const present = (await env.ATTACHMENTS.head(attachmentKey(r.id, id))) !== null;
    if (!present || Date.now() > deadline) return present;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("attachments in the room", () => {
  it("lets a message carry the sender's upload, with a signed URL, and no caption", async () => {
    const r = await roleRoom();
    const id = await upload(r, r.member);
    const sent = await api("POST", `/chatrooms/${r.id}/messages`, {
      as: r.member,
      body: { clientMsgId: "pic", content: "", attachments: [id] },
    });
    expect(sent.status).toBe(201);
    const page = await api("GET", `/chatrooms/${r.id}/messages?after=0`, { as: r.other });
    const [message] = (page.body.data?.messages ?? []) as Frame[];
    const [attachment] = (message?.attachments ?? []) as { id: string; url: string }[];
    expect(attachment).toMatchObject({
      id,
      contentType: "image/png",
      size: 3,
      width: 640,
      height: 480,
      name: "cat.png",
    });
    const url = new URL(String(attachment?.url), "https://edgeroom.test");
    expect(url.pathname).toBe(`/api/chatrooms/${r.id}/attachments/${id}`);
    const exp = Number(url.searchParams.get("exp"));
    expect(exp * 1000).toBeLessThanOrEqual(Date.now() + 3600_000);
    expect(verifyAttachmentUrl(env.TOKEN_SECRET, r.id, id, exp, String(url.searchParams.get("sig")), Date.now())).toBe(
      true,
    );
  });

  it("refuses someone else's upload, a reused one, an unknown id, and an empty message without one", async () => {
    const r = await roleRoom();
    const theirs = await upload(r, r.other);
    const mine = await upload(r, r.member);
    const send = (clientMsgId: string, attachments: string[], content = "x") =>
      api("POST", `/chatrooms/${r.id}/messages`, { as: r.member, body: { clientMsgId, content, attachments } });
    expect((await send("a", [theirs])).body.message).toBe("attachments.0: not an unsent upload of yours in this room");
    expect((await send("b", ["unknownid123"])).status).toBe(400);
    expect((await send("c", [mine])).status).toBe(201);
    expect((await send("d", [mine])).status).toBe(400);
    const empty = await send("e", [], "");
    expect([empty.status, empty.body.message?.startsWith("content:")]).toEqual([400, true]);
  });

  it("lets only members who may speak upload", async () => {
    const r = await roleRoom();
    const gate = (userId: string) => env.ROOMS.getByName(r.id).uploadGate(userId);
    expect((await gate(r.member)).ok).toBe(true);
    expect(await gate(r.outsider)).toMatchObject({ ok: false, kind: "not_in_room" });
    expect(await gate(r.banned)).toMatchObject({ ok: false, kind: "banned" });
    expect(await gate(r.muted)).toMatchObject({ ok: false, kind: "muted" });
  });

  it("deletes the objects of a recalled message, and every object when the room ends", async () => {
    const r = await roleRoom();
    const recalled = await upload(r, r.member);
    const kept = await upload(r, r.member);
    const unsent = await upload(r, r.other);
    for (const [clientMsgId, id] of [
      ["one", recalled],
      ["two", kept],
    ] as const) {
      await api("POST", `/chatrooms/${r.id}/messages`, {
        as: r.member,
        body: { clientMsgId, content: "f", attachments: [id] },
      });
    }
    await api("DELETE", `/chatrooms/${r.id}/messages/1`, { as: r.member });
    expect(await stored(r, recalled)).toBe(false);
    expect(await env.ATTACHMENTS.head(attachmentKey(r.id, kept))).not.toBeNull();
    expect((await admin("/chatroom/del", { chatroomId: r.id })).code).toBe(0);
    expect(await stored(r, kept)).toBe(false);
    expect(await stored(r, unsent)).toBe(false);
  });
});
