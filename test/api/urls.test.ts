/**
 * User-supplied URLs (SPEC §8.1 "Content"): imageUrl, thumbnail and portrait are http(s) only, on the
 * client and the admin API; anything else is refused naming the field and stores nothing.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { URL_MAX } from "../../src/limits";
import { HttpUrl } from "../../src/validation";
import { newId } from "../helpers/admin";
import { adminJson, apiJson } from "../reliability/worker";

const HOSTILE = [
  "javascript:alert(document.cookie)",
  "JavaScript:alert(1)",
  " javascript:alert(1)",
  "java\tscript:alert(1)",
  "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
  "vbscript:msgbox(1)",
  "file:///etc/passwd",
  "ftp://example.com/a.png",
  "//evil.example/a.png",
  "/relative/a.png",
  "https://exa mple.com/a.png",
  "https://example.com/a.png\n",
  "http:",
  "not a url",
];

describe("HttpUrl", () => {
  it("accepts http(s) URLs and the empty string (no image)", () => {
    for (const value of ["https://img.example/a.png", "http://127.0.0.1:8787/x?y=1#z", "HTTPS://EXAMPLE.COM", ""]) {
      expect(HttpUrl.safeParse(value).success, value).toBe(true);
    }
  });

  it("refuses every other scheme, relative and malformed URLs, whitespace and over-long URLs", () => {
    for (const value of [...HOSTILE, `https://a.example/${"x".repeat(URL_MAX)}`]) {
      expect(HttpUrl.safeParse(value).success, value).toBe(false);
    }
  });
});

describe("URL fields", () => {
  it("are refused with 400 naming the field on every client route, storing nothing", async () => {
    const host = newId("url");
    const created = await apiJson("POST", "/chatroom", {
      as: host,
      body: { hostId: host, isOpen: false, users: [host] },
    });
    const id = String(created.body.data?.chatroomId);
    for (const url of HOSTILE) {
      const cases: [string, string, unknown, string][] = [
        ["POST", "/chatroom", { hostId: host, isOpen: false, users: [host], thumbnail: url }, "thumbnail"],
        ["PUT", `/chatrooms/${id}/settings`, { thumbnail: url }, "thumbnail"],
        ["PUT", "/users/me/profile", { nickname: "N", imageUrl: url }, "imageUrl"],
        ["POST", "/users/me/open-profiles", { nickname: "N", imageUrl: url }, "imageUrl"],
      ];
      for (const [method, path, body, field] of cases) {
        const reply = await apiJson(method, path, { as: host, body });
        expect(reply.status, `${path} ${url}`).toBe(400);
        expect(reply.body.message).toMatch(new RegExp(`^${field}: must be an http\\(s\\) URL`));
      }
    }
    const info = await apiJson("GET", `/chatrooms/${id}`, { as: host });
    expect(info.body.data?.thumbnails).toEqual([]);
    const profiles = await env.DB.prepare("SELECT count(*) AS n FROM profiles WHERE user_id = ?").bind(host).first();
    expect(profiles).toEqual({ n: 0 });
    const open = await env.DB.prepare("SELECT count(*) AS n FROM open_profiles WHERE user_id = ?").bind(host).first();
    expect(open).toEqual({ n: 0 });
  });

  it("are refused with 251 naming the field on the admin API, storing nothing", async () => {
    const [chatroomId, userId] = [newId("room"), newId("user")];
    for (const url of HOSTILE) {
      const room = await adminJson("/chatroom/create", { chatroomId, title: "T", portrait: url });
      expect(room, url).toEqual({ code: 251, msg: expect.stringMatching(/^portrait: must be an http\(s\) URL/) });
      const user = await adminJson("/user/create", { userId, displayName: "U", portrait: url });
      expect(user, url).toEqual({ code: 251, msg: expect.stringMatching(/^portrait: must be an http\(s\) URL/) });
    }
    expect((await adminJson("/chatroom/info", { chatroomId })).code).toBe(253);
    const profiles = await env.DB.prepare("SELECT count(*) AS n FROM profiles WHERE user_id = ?").bind(userId).first();
    expect(profiles).toEqual({ n: 0 });
    expect(
      (await adminJson("/chatroom/create", { chatroomId, title: "T", portrait: "https://img.example/p.png" })).code,
    ).toBe(0);
    expect((await adminJson<{ portrait: string }>("/chatroom/info", { chatroomId })).result?.portrait).toBe(
      "https://img.example/p.png",
    );
  });
});
