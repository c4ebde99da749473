/**
 * The pure parts of attachments (SPEC §8.4): sniffing and dimensions, the streaming JPEG rewriter,
 * file names, download ranges and dispositions. No I/O.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { containsText, exifWithGps, gif, jpeg, png, webpHeader } from "../../e2e/images.mjs";
import { rangeBounds, rangeOf } from "../../src/attachments/download";
import { dispositionFileName, sanitizeFileName } from "../../src/attachments/file-name";
import { exifOrientation, JpegStripper, orientationExif } from "../../src/attachments/jpeg";
import { contentDisposition, mediaTypeOf } from "../../src/attachments/media";
import { detectType, SNIFF_BYTES, sniffHead, TextCheck } from "../../src/attachments/sniff";

/** Strips `bytes` fed in the given chunk sizes; the result and the stripped file. */
function strip(bytes: Uint8Array, sizes: number[] = [bytes.length]) {
  const stripper = new JpegStripper();
  let at = 0;
  for (let i = 0; at < bytes.length; i++) {
    const size = Math.max(1, sizes[i % sizes.length] ?? 1);
    stripper.push(bytes.subarray(at, at + size));
    at += size;
  }
  const ok = stripper.finish();
  const out = new Uint8Array(stripper.size);
  let offset = 0;
  for (const chunk of stripper.chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return { ok, stripper, out };
}

/** A VP8L (lossless WebP) header for `width` × `height`. */
function vp8l(width: number, height: number): Uint8Array {
  const bits = (width - 1) | ((height - 1) << 14);
  const head = [..."RIFF"].map((c) => c.charCodeAt(0));
  return new Uint8Array([
    ...head,
    0,
    0,
    0,
    0,
    ...[..."WEBPVP8L"].map((c) => c.charCodeAt(0)),
    0,
    0,
    0,
    0,
    0x2f,
    bits & 255,
    (bits >> 8) & 255,
    (bits >> 16) & 255,
    (bits >>> 24) & 255,
    ...new Array(10).fill(0),
  ]);
}

describe("sniffing", () => {
  it("reads the dimensions of PNG, GIF and the three WebP kinds from the first bytes", () => {
    const head = (bytes: Uint8Array) => bytes.subarray(0, SNIFF_BYTES);
    expect(sniffHead("image/png", head(png(300, 2)))).toEqual({ ok: true, width: 300, height: 2 });
    expect(sniffHead("image/gif", head(gif(640, 480)))).toEqual({ ok: true, width: 640, height: 480 });
    expect(sniffHead("image/webp", head(webpHeader(4000, 3000)))).toEqual({ ok: true, width: 4000, height: 3000 });
    expect(sniffHead("image/webp", head(vp8l(16383, 2)))).toEqual({ ok: true, width: 16383, height: 2 });
    const lossy = new Uint8Array(30);
    lossy.set([..."RIFF"].map((c) => c.charCodeAt(0)));
    lossy.set(
      [..."WEBPVP8 "].map((c) => c.charCodeAt(0)),
      8,
    );
    lossy.set([0x9d, 0x01, 0x2a, 0x80, 0x02, 0xe0, 0x01], 23);
    expect(sniffHead("image/webp", lossy)).toEqual({ ok: true, width: 640, height: 480 });
  });

  it("names what a mismatched file really is, and refuses truncated headers", () => {
    expect(sniffHead("image/png", jpeg(8, 8).subarray(0, 32))).toEqual({
      ok: false,
      problem: "the file is image/jpeg",
    });
    expect(sniffHead("image/gif", new TextEncoder().encode("<svg/>"))).toEqual({
      ok: false,
      problem: "the file is not image/gif",
    });
    expect(sniffHead("image/png", png(1, 1).subarray(0, 12)).ok).toBe(false);
    expect(sniffHead("image/webp", webpHeader(1, 1).subarray(0, 20)).ok).toBe(false);
    expect(sniffHead("text/plain", new TextEncoder().encode("%PDF-1.7"))).toEqual({
      ok: false,
      problem: "the file is application/pdf",
    });
    expect(detectType(new TextEncoder().encode("hello"))).toBeNull();
    expect(sniffHead("text/plain", new TextEncoder().encode("hi"))).toEqual({ ok: true, width: null, height: null });
  });

  it("accepts UTF-8 text split anywhere, and refuses bad sequences, a character cut at the end, and NUL", () => {
    const text = new TextEncoder().encode("안녕 👋 héllo");
    fc.assert(
      fc.property(fc.integer({ min: 1, max: text.length - 1 }), (cut) => {
        const check = new TextCheck();
        return check.push(text.subarray(0, cut)) && check.push(text.subarray(cut)) && check.finish();
      }),
    );
    const emoji = new TextEncoder().encode("ok 👋");
    const cutShort = new TextCheck();
    expect(cutShort.push(emoji.subarray(0, emoji.length - 1))).toBe(true);
    expect(cutShort.finish()).toBe(false);
    expect(new TextCheck().push(new Uint8Array([0x61, 0xff]))).toBe(false);
    expect(new TextCheck().push(new Uint8Array([0x61, 0x00]))).toBe(false);
  });
});

describe("JPEG metadata stripping", () => {
  it("gives the same file however the bytes are split into chunks", () => {
    const original = jpeg(64, 40, { metadata: true });
    const whole = strip(original);
    expect(whole.ok).toBe(true);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 20 }), (sizes) => {
        const split = strip(original, sizes);
        return split.ok && split.out.length === whole.out.length && split.out.every((b, i) => b === whole.out[i]);
      }),
    );
  });

  it("keeps only what decoding needs, the orientation, and nothing after the end of the image", () => {
    const { ok, stripper, out } = strip(jpeg(33, 17, { metadata: true, orientation: 8 }));
    expect([ok, stripper.width, stripper.height]).toEqual([true, 33, 17]);
    for (const gone of ["EdgeCam", "GPS", "xap", "Photoshop", "vendor", "comment", "MOTION"]) {
      expect(containsText(out, gone), gone).toBe(false);
    }
    expect(containsText(out, "Exif")).toBe(true);
    expect(exifOrientation(orientationExif(8))).toBe(8);
    // A plain file passes through unchanged.
    const plain = jpeg(16, 16);
    expect(strip(plain).out).toEqual(plain);
  });

  it("drops an EXIF block whose orientation is normal, and reads little-endian EXIF", () => {
    expect(containsText(strip(jpeg(8, 8, { metadata: true, orientation: 1 })).out, "Exif")).toBe(false);
    const big = new Uint8Array(exifWithGps(3));
    expect(exifOrientation(big)).toBe(3);
    const little = new Uint8Array([
      ...[..."Exif"].map((c) => c.charCodeAt(0)),
      0,
      0,
      ...[0x49, 0x49, 0x2a, 0x00, 0x08, 0x00, 0x00, 0x00],
      ...[0x01, 0x00],
      ...[0x12, 0x01, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00],
    ]);
    expect(exifOrientation(little)).toBe(5);
    expect(exifOrientation(little.subarray(0, 20))).toBeNull();
  });

  it("refuses what is not a whole JPEG", () => {
    expect(strip(png(2, 2)).stripper.problem).toBe("the file is not image/jpeg");
    expect(strip(jpeg(8, 8).subarray(0, 60)).stripper.problem).toBe("the JPEG ends before its image data");
    const noFrame = new Uint8Array([0xff, 0xd8, 0xff, 0xda, 0x00, 0x02, 0x00, 0xff, 0xd9]);
    expect(strip(noFrame).stripper.problem).toBe("the JPEG has no frame size");
    expect(strip(new Uint8Array([0xff, 0xd8, 0x00])).stripper.problem).toMatch(/a marker was expected/);
    expect(strip(new Uint8Array([0xff, 0xd8, 0xff, 0xd8])).stripper.problem).toMatch(/second start of image/);
  });

  it("adds the end-of-image marker to a file that stops inside its image data", () => {
    const full = jpeg(8, 8);
    const { ok, out } = strip(full.subarray(0, full.length - 2));
    expect(ok).toBe(true);
    expect(out).toEqual(full);
  });
});

describe("names, types, ranges", () => {
  it("sanitizes file names: no path, no invisible or direction characters, bounded", () => {
    expect(sanitizeFileName("C:\\Users\\me\\cat.png")).toEqual({ ok: true, value: "cat.png" });
    expect(sanitizeFileName("report\u202Efdp.exe")).toEqual({ ok: true, value: "reportfdp.exe" });
    expect(sanitizeFileName("  two\r\nlines\u0000.txt ")).toEqual({ ok: true, value: "two lines.txt" });
    expect(sanitizeFileName("../..")).toEqual({ ok: true, value: null });
    expect(sanitizeFileName("")).toEqual({ ok: true, value: null });
    expect(sanitizeFileName("한글 이름.jpg")).toEqual({ ok: true, value: "한글 이름.jpg" });
    expect(sanitizeFileName("a\uD800b")).toMatchObject({ ok: false, field: "name" });
    expect(sanitizeFileName("😀".repeat(255)).ok).toBe(true);
    expect(sanitizeFileName("😀".repeat(256))).toMatchObject({ ok: false, field: "name" });
  });

  it("reads the file name of a Content-Disposition header", () => {
    expect(dispositionFileName('attachment; filename="a \\"b\\".png"')).toBe('a "b".png');
    expect(dispositionFileName("inline; filename=plain.gif")).toBe("plain.gif");
    expect(dispositionFileName(`attachment; filename="x.png"; filename*=UTF-8''%ED%95%9C.png`)).toBe("한.png");
    expect(dispositionFileName(`attachment; filename*=UTF-8''%E0%A4%A; filename="fallback.png"`)).toBe("fallback.png");
    expect(dispositionFileName("attachment")).toBeNull();
    expect(dispositionFileName(undefined)).toBeNull();
  });

  it("serves images inline and other files as downloads, with an ASCII fallback name", () => {
    expect(contentDisposition("image/png", null)).toBe("inline");
    expect(contentDisposition("text/plain", 'notes "1".txt')).toBe(
      `attachment; filename="notes _1_.txt"; filename*=UTF-8''notes%20%221%22.txt`,
    );
    expect(contentDisposition("application/pdf", "보고서.pdf")).toBe(
      `attachment; filename="___.pdf"; filename*=UTF-8''%EB%B3%B4%EA%B3%A0%EC%84%9C.pdf`,
    );
    expect(mediaTypeOf(" Image/PNG ; charset=x")).toBe("image/png");
    expect(mediaTypeOf("")).toBeNull();
  });

  it("takes one byte range and ignores what it cannot serve", () => {
    expect(rangeOf("bytes=0-9")).toEqual({ offset: 0, length: 10 });
    expect(rangeOf("bytes=5-")).toEqual({ offset: 5 });
    expect(rangeOf("bytes=-3")).toEqual({ suffix: 3 });
    for (const ignored of [undefined, "bytes=0-1,4-5", "bytes=9-2", "items=0-1", "bytes=-", "bytes=-0"]) {
      expect(rangeOf(ignored), String(ignored)).toBeNull();
    }
    expect(rangeBounds({ offset: 0, length: 10 }, 4)).toEqual({ first: 0, last: 3 });
    expect(rangeBounds({ suffix: 10 }, 4)).toEqual({ first: 0, last: 3 });
    expect(rangeBounds({ offset: 4 }, 4)).toBeNull();
  });
});
