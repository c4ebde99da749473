/**
 * Refused uploads (SPEC §8.4): every role that may not post, every documented status (400, 411, 413,
 * 415, 429), a refusal after the bytes were stored — and in each case no object in R2 and no bytes
 * counted against the uploader's quota.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { jpeg, png } from "../../e2e/images.mjs";
import { admin } from "../helpers/admin";
import { api, type RoleRoom, roleRoom } from "../helpers/api";
import { quotaUsed, storedKeys, upload } from "../helpers/attachments";

const PNG = png(4, 4);

/** Expects a refusal that stored nothing and counted nothing for `userId`. */
async function refusedWithoutEffect(r: RoleRoom, userId: string, reply: { status: number }, status: number) {
  expect(reply.status).toBe(status);
  expect(await storedKeys(r.id)).toEqual([]);
  expect(await quotaUsed(userId)).toBe(0);
}

/** A body stream that sends `bytes` and then ends, without a known length. */
function chunked(bytes: Uint8Array): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      controller.enqueue(bytes);
      controller.close();
    },
  });
}

describe("refused uploads", () => {
  it("lets the host, a manager and a member upload, and refuses an outsider, the banned and the muted", async () => {
    const r = await roleRoom();
    for (const userId of [r.host, r.manager, r.member]) {
      expect((await upload(r.id, userId, PNG, "image/png")).status).toBe(201);
    }
    const expected = [
      [r.outsider, 403, "FORBIDDEN"],
      [r.banned, 403, "BANNED"],
      [r.muted, 403, "MUTED"],
    ] as const;
    const accepted = await storedKeys(r.id);
    for (const [userId, status, code] of expected) {
      const reply = await upload(r.id, userId, PNG, "image/png");
      expect([reply.status, reply.body.code]).toEqual([status, code]);
      expect(await quotaUsed(userId)).toBe(0);
    }
    expect(await storedKeys(r.id)).toEqual(accepted);
  });

  it("refuses plain members while the room is muted, but not the host or a manager", async () => {
    const r = await roleRoom();
    await api("PUT", `/chatrooms/${r.id}/settings`, { as: r.host, body: { muteAll: true } });
    const refused = await upload(r.id, r.member, PNG, "image/png");
    expect([refused.status, refused.body.code]).toEqual([403, "MUTED"]);
    expect(await quotaUsed(r.member)).toBe(0);
    expect((await upload(r.id, r.host, PNG, "image/png")).status).toBe(201);
    expect((await upload(r.id, r.manager, PNG, "image/png")).status).toBe(201);
  });

  it("refuses an unknown room with 404 and an ended one (its members gone) with 403, storing nothing", async () => {
    const r = await roleRoom();
    const unknown = await upload("no-such-room", r.member, PNG, "image/png");
    expect([unknown.status, unknown.body.code]).toEqual([404, "NOT_FOUND"]);
    expect(await storedKeys("no-such-room")).toEqual([]);
    expect((await admin("/chatroom/del", { chatroomId: r.id })).code).toBe(0);
    const ended = await upload(r.id, r.member, PNG, "image/png");
    expect(ended.status).toBe(403);
    await refusedWithoutEffect(r, r.member, ended, 403);
  });

  it("answers 411 without a Content-Length, before anything else", async () => {
    const r = await roleRoom();
    const reply = await upload(r.id, r.member, chunked(PNG), "image/png");
    expect([reply.body.code, reply.body.message]).toEqual(["LENGTH_REQUIRED", "Content-Length: required"]);
    await refusedWithoutEffect(r, r.member, reply, 411);
  });

  it("answers 413 above ATTACHMENT_MAX_BYTES and for an image claiming more than the pixel limit", async () => {
    const r = await roleRoom();
    const big = new Uint8Array(Number(env.ATTACHMENT_MAX_BYTES) + 1);
    big.set(PNG);
    const tooBig = await upload(r.id, r.member, big, "image/png");
    expect(tooBig.body.message).toBe(`body: larger than ${env.ATTACHMENT_MAX_BYTES} bytes`);
    await refusedWithoutEffect(r, r.member, tooBig, 413);
    // A 1×1 PNG whose header claims 20000 × 20000: tiny to send, ruinous to decode.
    const claim = png(1, 1);
    new DataView(claim.buffer).setUint32(16, 20_000);
    new DataView(claim.buffer).setUint32(20, 20_000);
    const bomb = await upload(r.id, r.member, claim, "image/png");
    expect(bomb.body.message).toMatch(/^image: 20000 × 20000 pixels/);
    await refusedWithoutEffect(r, r.member, bomb, 413);
  });

  it("answers 415 for a type off the list, SVG, a missing type, and bytes that are not the declared type", async () => {
    const r = await roleRoom();
    const svg = new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
    const cases: [Uint8Array, string, RegExp][] = [
      [svg, "image/svg+xml", /^Content-Type: image\/svg\+xml is not accepted/],
      [PNG, "application/octet-stream", /^Content-Type: application\/octet-stream is not accepted/],
      [PNG, "", /^Content-Type: missing/],
      [PNG, "image/jpeg", /^Content-Type: the file is image\/png$/],
      [jpeg(8, 8), "image/png", /^Content-Type: the file is image\/jpeg$/],
      [svg, "image/png", /^Content-Type: the file is not image\/png$/],
      [PNG, "text/plain", /^Content-Type: the file is image\/png$/],
      [new Uint8Array([0x68, 0x69, 0x00, 0x21]), "text/plain", /binary, not text/],
      [new Uint8Array([...new TextEncoder().encode("x".repeat(100)), 0xc3, 0x28]), "text/plain", /not UTF-8/],
      [jpeg(8, 8).subarray(0, 100), "image/jpeg", /ends before its image data/],
      [new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x01, ...new Array(40).fill(0)]), "image/jpeg", /length below 2/],
    ];
    for (const [bytes, type, message] of cases) {
      const reply = await upload(r.id, r.member, bytes, type);
      expect([reply.status, reply.body.code], type).toEqual([415, "UNSUPPORTED_MEDIA_TYPE"]);
      expect(reply.body.message).toMatch(message);
    }
    await refusedWithoutEffect(r, r.member, { status: 415 }, 415);
  });

  it("answers 400 for an empty file and a name that is too long", async () => {
    const r = await roleRoom();
    const empty = await upload(r.id, r.member, new Uint8Array(0), "image/png");
    expect(empty.body.message).toBe("body: the file is empty");
    await refusedWithoutEffect(r, r.member, empty, 400);
    const long = await upload(r.id, r.member, PNG, "image/png", { query: `?name=${"n".repeat(256)}` });
    expect(long.body.message).toBe("name: at most 255 characters");
    await refusedWithoutEffect(r, r.member, long, 400);
  });

  it("refuses an upload beyond the daily quota with 429 and Retry-After, storing nothing", async () => {
    const r = await roleRoom();
    const user = env.USERS.getByName(r.member);
    const spent = await user.spendAttachmentBytes(Number(env.ATTACHMENT_BYTES_PER_DAY) - 10);
    expect(spent.ok).toBe(true);
    const reply = await upload(r.id, r.member, PNG, "image/png");
    expect([reply.status, reply.body.code]).toEqual([429, "RATE_LIMITED"]);
    const retryAfter = Number(reply.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(86_000);
    expect(retryAfter).toBeLessThanOrEqual(86_400);
    expect(await storedKeys(r.id)).toEqual([]);
    expect(await quotaUsed(r.member)).toBe(Number(env.ATTACHMENT_BYTES_PER_DAY) - 10);
    // Others are not affected by one user's quota.
    expect((await upload(r.id, r.other, PNG, "image/png")).status).toBe(201);
  });

  it("deletes the stored object and refunds the bytes when the room refuses the registration", async () => {
    const r = await roleRoom();
    let sendRest: (() => void) | null = null;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(PNG.subarray(0, 40));
        sendRest = () => {
          controller.enqueue(PNG.subarray(40));
          controller.close();
        };
      },
    });
    const pending = upload(r.id, r.member, body, "image/png", { headers: { "content-length": String(PNG.length) } });
    // The gate has passed once the bytes are counted: then ban the uploader, and let the file finish.
    const deadline = Date.now() + 5000;
    while ((await quotaUsed(r.member)) === 0 && Date.now() < deadline)
      await new Promise((wake) => setTimeout(wake, 20));
    expect(await quotaUsed(r.member)).toBe(PNG.length);
    await api("PUT", `/chatrooms/${r.id}/restrictions/${r.member}`, { as: r.host, body: { status: 2 } });
    (sendRest as (() => void) | null)?.();
    const reply = await pending;
    expect([reply.status, reply.body.code]).toEqual([403, "BANNED"]);
    await refusedWithoutEffect(r, r.member, reply, 403);
  });
});
