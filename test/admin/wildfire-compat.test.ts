import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { admin, adminRaw, newId } from "../helpers/admin";

/** The headers the official Wildfire Java SDK's Apache HttpClient sends besides the signature. */
const SDK_HEADERS = { "accept-encoding": "gzip,deflate", "content-type": "application/json; charset=utf-8" };

describe("Wildfire SDKs: admin answers", () => {
  it("marks every admin answer as not to be compressed, refusals and unknown paths included", async () => {
    const answers = [
      await adminRaw("/chatroom/create", { title: "Plain" }, { headers: SDK_HEADERS }),
      await adminRaw("/chatroom/info", { chatroomId: newId("none") }, { headers: SDK_HEADERS }),
      await adminRaw("/chatroom/create", null, { raw: "{not json", headers: SDK_HEADERS }),
      await adminRaw("/no/such/path", {}, { headers: SDK_HEADERS }),
      await adminRaw("/chatroom/info", { chatroomId: "x" }, { headers: SDK_HEADERS, secret: "wrong" }),
      await SELF.fetch("https://edgeroom.test/admin/chatroom/info", { method: "POST", headers: SDK_HEADERS }),
      await SELF.fetch("https://edgeroom.test/admin", { method: "POST", headers: SDK_HEADERS }),
    ];
    for (const res of answers) {
      expect(res.status).toBe(200);
      expect(res.headers.get("content-encoding")).toBe("identity");
      expect(res.headers.get("cache-control")).toBe("no-store, no-transform");
      expect(((await res.json()) as { code: number }).code).toBeTypeOf("number");
    }
  });

  it("leaves the client API's encoding to the platform", async () => {
    const res = await SELF.fetch("https://edgeroom.test/api/chatrooms", { headers: SDK_HEADERS });
    expect(res.headers.get("content-encoding")).toBeNull();
  });
});

describe("Wildfire SDKs: null means absent", () => {
  it("treats null in every optional chatroom field as absent", async () => {
    const created = await admin<{ chatroomId: string }>("/chatroom/create", {
      chatroomId: null,
      title: "Nulls",
      desc: null,
      portrait: null,
      extra: null,
      state: null,
    });
    expect(created.code).toBe(0);
    const chatroomId = created.result?.chatroomId ?? "";
    expect(chatroomId).not.toBe("");
    expect((await admin("/chatroom/create", { chatroomId, title: "Nulls", desc: "kept" })).code).toBe(0);
    expect((await admin("/chatroom/create", { chatroomId, title: "Renamed", desc: null, state: null })).code).toBe(0);
    const info = await admin<{ title: string; desc: string; state: number; portrait: string }>("/chatroom/info", {
      chatroomId,
    });
    expect(info.result).toMatchObject({ title: "Renamed", desc: "kept", state: 0, portrait: "" });

    expect(
      (await admin("/chatroom/set_black_status", { chatroomId, userId: "m1", status: 1, expiredTime: null })).code,
    ).toBe(0);
    const black = await admin<{ infos: unknown[] }>("/chatroom/get_black_status", { chatroomId });
    expect(black.result?.infos).toEqual([{ userId: "m1", state: 1, expiredTime: 0 }]);
    const members = await admin<{ list: string[] }>("/chatroom/members", { chatroomId, offset: null, limit: null });
    expect(members).toEqual({ code: 0, msg: "success", result: { list: [] } });
  });

  it("treats null in every optional user and message field as absent", async () => {
    const user = await admin<{ userId: string }>("/user/create", {
      userId: null,
      name: null,
      displayName: "Null Person",
      portrait: null,
    });
    expect(user.code).toBe(0);
    const userId = user.result?.userId ?? "";
    expect(userId).not.toBe("");
    const before = Date.now();
    const token = await admin<{ expiresAt: number }>("/user/get_token", { userId, ttlSeconds: null });
    expect(token.code).toBe(0);
    // The default lifetime (7 days), as when ttlSeconds is left out.
    expect(token.result?.expiresAt).toBeGreaterThanOrEqual(before + 7 * 86_400_000 - 2000);

    const chatroomId = newId("room");
    expect((await admin("/chatroom/create", { chatroomId, title: "Talk" })).code).toBe(0);
    await env.ROOMS.getByName(chatroomId).join(userId, { imageUrl: null, openProfileId: null });
    const sent = await admin<{ messageUid: number }>("/message/send", {
      sender: userId,
      conv: { type: 2, target: chatroomId, line: 0 },
      payload: { type: 1, searchableContent: null, content: "hello" },
    });
    expect(sent).toMatchObject({ code: 0, result: { messageUid: 1 } });
  });

  it("still refuses null in a required field with 251 naming it, writing nothing", async () => {
    const chatroomId = newId("room");
    for (const [body, field] of [
      [{ chatroomId, title: null }, "title"],
      [{ chatroomId: null }, "chatroomId"],
    ] as const) {
      const path = field === "title" ? "/chatroom/create" : "/chatroom/info";
      const reply = await admin(path, body);
      expect(reply.code, JSON.stringify(body)).toBe(251);
      expect(reply.msg).toContain(field);
    }
    const user = await admin("/user/create", { userId: newId("u"), displayName: null });
    expect(user.code).toBe(251);
    expect(user.msg).toContain("displayName");
    expect((await admin("/chatroom/info", { chatroomId })).code).toBe(253);
  });
});
