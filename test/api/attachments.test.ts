/**
 * The upload route (SPEC §8.4) through the Worker with real R2, the room object and the user's object:
 * what is stored and answered for each type, JPEG metadata stripping, and that a message carries it.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { containsText, gif, jpeg, png, webpHeader } from "../../e2e/images.mjs";
import { exifOrientation } from "../../src/attachments/jpeg";
import { attachmentKey } from "../../src/room/store";
import { api, roleRoom } from "../helpers/api";
import { download, storedBytes, storedKeys, upload } from "../helpers/attachments";

/** The APP1 payloads of a JPEG (its EXIF blocks). */
function app1Payloads(bytes: Uint8Array): Uint8Array[] {
  const found: Uint8Array[] = [];
  let at = 2;
  while (at + 4 <= bytes.length && bytes[at] === 0xff && bytes[at + 1] !== 0xda) {
    const length = ((bytes[at + 2] ?? 0) << 8) | (bytes[at + 3] ?? 0);
    if (bytes[at + 1] === 0xe1) found.push(bytes.subarray(at + 4, at + 2 + length));
    at += 2 + length;
  }
  return found;
}

describe("uploading attachments", () => {
  it("stores a member's PNG with its size and dimensions, and another member downloads it from the message", async () => {
    const r = await roleRoom();
    const file = png(5, 3);
    const up = await upload(r.id, r.member, file, "image/png", { query: "?name=cat.png" });
    expect(up.status).toBe(201);
    const data = up.body.data ?? {};
    expect(data).toMatchObject({ contentType: "image/png", size: file.length, width: 5, height: 3, name: "cat.png" });
    const attachmentId = String(data.attachmentId);
    expect(await storedBytes(r.id, attachmentId)).toEqual(file);
    const sent = await api("POST", `/chatrooms/${r.id}/messages`, {
      as: r.member,
      body: { clientMsgId: "pic", content: "", attachments: [attachmentId] },
    });
    expect(sent.status).toBe(201);
    const page = await api("GET", `/chatrooms/${r.id}/messages?after=0`, { as: r.other });
    const messages = (page.body.data?.messages ?? []) as { attachments?: { id: string; url: string }[] }[];
    const carried = messages[0]?.attachments?.[0];
    expect(carried?.id).toBe(attachmentId);
    const res = await download(String(carried?.url));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/png");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("content-disposition")).toBe(`inline; filename="cat.png"; filename*=UTF-8''cat.png`);
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(file);
  });

  it("strips EXIF, GPS, XMP, IPTC, comments and trailing data from a JPEG, keeping its orientation and size", async () => {
    const r = await roleRoom();
    const original = jpeg(40, 24, { metadata: true, orientation: 6 });
    const up = await upload(r.id, r.host, original, "image/jpeg");
    expect(up.status).toBe(201);
    const stored = (await storedBytes(r.id, String(up.body.data?.attachmentId))) ?? new Uint8Array(0);
    expect(up.body.data).toMatchObject({ contentType: "image/jpeg", size: stored.length, width: 40, height: 24 });
    expect(stored.length).toBeLessThan(original.length);
    for (const secret of ["EdgeCam", "GPS", "xap", "Photoshop", "8BIM", "vendor", "comment", "MOTION"]) {
      expect(containsText(stored, secret), secret).toBe(false);
    }
    for (const kept of ["JFIF", "ICC_PROFILE", "Adobe"]) expect(containsText(stored, kept), kept).toBe(true);
    const exif = app1Payloads(stored);
    expect(exif).toHaveLength(1);
    expect(exif[0]?.length).toBe(32);
    expect(exifOrientation(exif[0] ?? new Uint8Array(0))).toBe(6);
    // The stripped file still ends with end-of-image and nothing after it.
    expect([...stored.subarray(-2)]).toEqual([0xff, 0xd9]);
  });

  it("reads GIF and WebP dimensions and takes PDF and UTF-8 text, served as downloads", async () => {
    const r = await roleRoom();
    const gifUp = await upload(r.id, r.manager, gif(7, 9), "image/gif");
    expect(gifUp.body.data).toMatchObject({ width: 7, height: 9 });
    const webpUp = await upload(r.id, r.manager, webpHeader(640, 480), "image/webp");
    expect(webpUp.body.data).toMatchObject({ width: 640, height: 480 });
    const pdf = new TextEncoder().encode("%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n");
    const pdfUp = await upload(r.id, r.member, pdf, "application/pdf", { query: "?name=report.pdf" });
    expect(pdfUp.status).toBe(201);
    expect(pdfUp.body.data?.width).toBeUndefined();
    const text = new TextEncoder().encode("héllo 안녕 👋\n".repeat(100));
    const textUp = await upload(r.id, r.member, text, "text/plain; charset=utf-8", { query: "?name=notes.txt" });
    expect(textUp.body.data).toMatchObject({ contentType: "text/plain", size: text.length });
    const served = await download(String(textUp.body.data?.url));
    expect(served.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(served.headers.get("content-disposition")).toMatch(/^attachment; filename="notes.txt"/);
    expect(await served.text()).toBe("héllo 안녕 👋\n".repeat(100));
    const pdfServed = await download(String(pdfUp.body.data?.url));
    expect(pdfServed.headers.get("content-disposition")).toMatch(/^attachment;/);
    expect(pdfServed.headers.get("content-security-policy")).toContain("sandbox");
  });

  it("takes the name from Content-Disposition when the query has none, and sanitizes it", async () => {
    const r = await roleRoom();
    const up = await upload(r.id, r.member, png(1, 1), "image/png", {
      headers: { "content-disposition": `attachment; filename*=UTF-8''..%2F..%2Fetc%2Fphoto%E2%80%AEgpj.exe` },
    });
    expect(up.body.data?.name).toBe("photogpj.exe");
    const spaced = await upload(r.id, r.member, png(1, 1), "image/png", {
      query: `?name=${encodeURIComponent("  a\tb\nc  ")}`,
    });
    expect(spaced.body.data?.name).toBe("a b c");
    const none = await upload(r.id, r.member, png(1, 1), "image/png", { query: "?name=%E2%80%8B" });
    expect(none.body.data?.name).toBeUndefined();
  });

  it("stores the object under the room's prefix with its type, one per upload", async () => {
    const r = await roleRoom();
    const first = await upload(r.id, r.member, png(2, 2), "image/png");
    const second = await upload(r.id, r.member, png(2, 2), "image/png");
    const ids = [first, second].map((up) => String(up.body.data?.attachmentId));
    expect(new Set(ids).size).toBe(2);
    expect((await storedKeys(r.id)).sort()).toEqual(ids.map((id) => attachmentKey(r.id, id)).sort());
    const head = await env.ATTACHMENTS.head(attachmentKey(r.id, ids[0] ?? ""));
    expect(head?.httpMetadata?.contentType).toBe("image/png");
  });
});
