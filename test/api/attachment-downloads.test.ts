/**
 * Signed downloads (SPEC §8.4): no token, the URL's signature and expiry decide; headers that keep a
 * file inert; ranges and ETags; CORS like the rest of /api; recall and the room's end make it 404.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { png } from "../../e2e/images.mjs";
import { signedAttachmentUrl } from "../../src/attachments/url";
import { admin } from "../helpers/admin";
import { api, roleRoom } from "../helpers/api";
import { download, upload } from "../helpers/attachments";

const FILE = png(6, 2);

/** A room with one sent PNG: its id, its attachment id and its signed path. */
async function sentPicture() {
  const r = await roleRoom();
  const up = await upload(r.id, r.member, FILE, "image/png");
  const attachmentId = String(up.body.data?.attachmentId);
  await api("POST", `/chatrooms/${r.id}/messages`, {
    as: r.member,
    body: { clientMsgId: "p", content: "look", attachments: [attachmentId] },
  });
  return { r, attachmentId, url: String(up.body.data?.url) };
}

describe("downloading attachments", () => {
  it("serves the file without a token, inert and cached no longer than the URL lives", async () => {
    const { url } = await sentPicture();
    const res = await download(url);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-length")).toBe(String(FILE.length));
    expect(res.headers.get("content-security-policy")).toBe("default-src 'none'; img-src 'self'; sandbox");
    const exp = Number(new URL(url, "https://x.test").searchParams.get("exp"));
    const maxAge = Number(/max-age=(\d+)/.exec(res.headers.get("cache-control") ?? "")?.[1]);
    expect(res.headers.get("cache-control")).toMatch(/^private, /);
    expect(maxAge).toBeLessThanOrEqual(exp - Math.floor(Date.now() / 1000) + 1);
    expect(maxAge).toBeGreaterThan(0);
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(FILE);
  });

  it("answers 304 for a matching ETag and 206 for a byte range, ignoring a range past the end", async () => {
    const { url } = await sentPicture();
    const first = await download(url);
    const etag = String(first.headers.get("etag"));
    await first.arrayBuffer();
    const again = await download(url, { "if-none-match": etag });
    expect(again.status).toBe(304);
    const part = await download(url, { range: "bytes=0-7" });
    expect([part.status, part.headers.get("content-range")]).toEqual([206, `bytes 0-7/${FILE.length}`]);
    expect(new Uint8Array(await part.arrayBuffer())).toEqual(FILE.subarray(0, 8));
    const tail = await download(url, { range: "bytes=-4" });
    expect(new Uint8Array(await tail.arrayBuffer())).toEqual(FILE.subarray(-4));
    const past = await download(url, { range: `bytes=${FILE.length + 10}-` });
    expect(past.status).toBe(200);
    expect(new Uint8Array(await past.arrayBuffer())).toEqual(FILE);
  });

  it("refuses a forged, tampered, expired, unsigned or other room's URL with 403", async () => {
    const { r, attachmentId, url } = await sentPicture();
    const other = await roleRoom();
    const now = Date.now();
    const signed = new URL(url, "https://x.test");
    const exp = signed.searchParams.get("exp");
    const sig = String(signed.searchParams.get("sig"));
    const path = `/api/chatrooms/${r.id}/attachments/${attachmentId}`;
    const refused = [
      `${path}?exp=${exp}&sig=${sig.slice(0, -2)}AA`,
      `${path}?exp=${Number(exp) + 3600}&sig=${sig}`,
      signedAttachmentUrl("not-the-secret-at-all", r.id, attachmentId, now, 3600),
      signedAttachmentUrl(env.TOKEN_SECRET, r.id, attachmentId, now - 7200_000, 3600),
      path,
      `${path}?exp=abc&sig=${sig}`,
      `/api/chatrooms/${other.id}/attachments/${attachmentId}?exp=${exp}&sig=${sig}`,
    ];
    for (const forged of refused) {
      const res = await download(forged);
      const body = (await res.json()) as { code?: string };
      expect([res.status, body.code], forged).toEqual([403, "FORBIDDEN"]);
    }
  });

  it("answers 404 once the message is recalled, and after the room ends", async () => {
    const recalled = await sentPicture();
    expect((await download(recalled.url)).status).toBe(200);
    await api("DELETE", `/chatrooms/${recalled.r.id}/messages/1`, { as: recalled.r.member });
    const deadline = Date.now() + 5000;
    let status = 200;
    while (status === 200 && Date.now() < deadline) status = (await download(recalled.url)).status;
    expect(status).toBe(404);
    const ended = await sentPicture();
    expect((await admin("/chatroom/del", { chatroomId: ended.r.id })).code).toBe(0);
    let endedStatus = 200;
    while (endedStatus === 200 && Date.now() < deadline + 5000) endedStatus = (await download(ended.url)).status;
    expect(endedStatus).toBe(404);
  });

  it("answers a browser on another origin with CORS, like the rest of /api", async () => {
    const { url } = await sentPicture();
    const res = await download(url, { origin: "https://app.example" });
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
  });
});
