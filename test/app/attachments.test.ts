import { describe, expect, it } from "vitest";
import { fileSize, fitWithin, uploadRefusal, urlExpired, wireAttachment } from "../../src/app/room/attachments";
import { ApiError } from "../../src/client";

const file = { name: "cat.png", size: 12 * 1024 * 1024 };

describe("attachments in the demo", () => {
  it("turns an upload's answer into the attachment a message carries", () => {
    const uploaded = {
      attachmentId: "9f1c0000aaaa",
      url: "/api/chatrooms/r/attachments/9f1c0000aaaa?exp=10&sig=s",
      contentType: "image/png",
      size: 48,
      width: 640,
      height: 480,
      name: "cat.png",
    };
    expect(wireAttachment(uploaded)).toEqual({
      id: "9f1c0000aaaa",
      url: uploaded.url,
      contentType: "image/png",
      size: 48,
      width: 640,
      height: 480,
      name: "cat.png",
    });
    const text = wireAttachment({ attachmentId: "t1t1t1t1", url: "/t", contentType: "text/plain", size: 3 });
    expect(Object.keys(text).sort()).toEqual(["contentType", "id", "size", "url"]);
  });

  it("reserves an image's box from its dimensions, scaled down to fit and never up", () => {
    expect(fitWithin(640, 480)).toEqual({ width: 280, height: 210 });
    expect(fitWithin(300, 1200)).toEqual({ width: 70, height: 280 });
    expect(fitWithin(40, 30)).toEqual({ width: 40, height: 30 });
    expect(fitWithin(10_000, 1)).toEqual({ width: 280, height: 1 });
    expect(fitWithin(undefined, 30)).toBeNull();
  });

  it("writes sizes as people read them", () => {
    expect([fileSize(512), fileSize(48 * 1024), fileSize(3.25 * 1024 * 1024), fileSize(12 * 1024 * 1024)]).toEqual([
      "512 B",
      "48 KB",
      "3.3 MB",
      "12 MB",
    ]);
  });

  it("reads a signed URL's expiry", () => {
    const url = "/api/chatrooms/r/attachments/a?exp=1000&sig=s";
    expect(urlExpired(url, 999_999)).toBe(false);
    expect(urlExpired(url, 1_000_000)).toBe(true);
    expect(urlExpired("/no-expiry", 5)).toBe(false);
  });

  it("names the reason of each refused upload, and leaves other failures to the usual notice", () => {
    const tooBig = new ApiError(413, "PAYLOAD_TOO_LARGE", "body: larger than 10485760 bytes");
    expect(uploadRefusal(tooBig, file)?.text).toBe("“cat.png” is too large to attach (12 MB; the most is 10 MB).");
    const disguised = new ApiError(415, "UNSUPPORTED_MEDIA_TYPE", "Content-Type: the file is image/jpeg");
    expect(uploadRefusal(disguised, file)?.text).toBe(
      "“cat.png” can't be attached: its contents do not match its type (the file is image/jpeg). Attach PNG, JPEG, GIF or WebP images, PDF or plain text.",
    );
    const notPng = new ApiError(415, "UNSUPPORTED_MEDIA_TYPE", "Content-Type: the file is not image/png");
    expect(uploadRefusal(notPng, file)?.text).toMatch(/\(the file is not image\/png\)/);
    const svg = new ApiError(415, "UNSUPPORTED_MEDIA_TYPE", "Content-Type: image/svg+xml is not accepted; one of …");
    expect(uploadRefusal(svg, file)?.text).toMatch(/this type of file is not accepted\. Attach PNG, JPEG/);
    const quota = new ApiError(429, "RATE_LIMITED", "upload quota used up: at most 209715200 bytes a day", 7500);
    expect(uploadRefusal(quota, file)?.text).toBe(
      "Today's upload allowance is used up. You can attach files again in 2 h 5 min.",
    );
    expect(uploadRefusal(new ApiError(429, "RATE_LIMITED", "too many requests", 2), file)).toBeNull();
    expect(uploadRefusal(new ApiError(403, "MUTED", "you are muted"), file)).toBeNull();
    expect(uploadRefusal(new Error("boom"), file)).toBeNull();
  });
});
