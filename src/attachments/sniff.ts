/**
 * @module attachments/sniff
 * Checks the first bytes of an upload against its declared type (SPEC §8.4: a mismatch is 415) and
 * reads the dimensions of PNG, GIF and WebP from their headers. JPEG dimensions come from its frame
 * header, found while its metadata is stripped (jpeg.ts); text is checked to be UTF-8 as it streams
 * (text.ts). Pure: bytes in, a verdict out.
 */
import type { AttachmentType } from "./media";

/** Bytes of the file's start that decide its type and (except JPEG) its dimensions. */
export const SNIFF_BYTES = 32;

/** The verdict on a file's first bytes. */
export type Sniffed = { ok: true; width: number | null; height: number | null } | { ok: false; problem: string };

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function startsWith(bytes: Uint8Array, prefix: readonly number[], at = 0): boolean {
  return prefix.every((byte, i) => bytes[at + i] === byte);
}

function ascii(text: string): number[] {
  return [...text].map((c) => c.charCodeAt(0));
}

const u16le = (b: Uint8Array, at: number) => (b[at] ?? 0) | ((b[at + 1] ?? 0) << 8);
const u24le = (b: Uint8Array, at: number) => u16le(b, at) | ((b[at + 2] ?? 0) << 16);
const u32be = (b: Uint8Array, at: number) =>
  (((b[at] ?? 0) << 24) >>> 0) + (((b[at + 1] ?? 0) << 16) | ((b[at + 2] ?? 0) << 8) | (b[at + 3] ?? 0));

/** The accepted type these bytes start like, or null (used to say what a mismatched file really is). */
export function detectType(head: Uint8Array): AttachmentType | null {
  if (startsWith(head, PNG_SIGNATURE)) return "image/png";
  if (startsWith(head, [0xff, 0xd8, 0xff])) return "image/jpeg";
  if (startsWith(head, ascii("GIF87a")) || startsWith(head, ascii("GIF89a"))) return "image/gif";
  if (startsWith(head, ascii("RIFF")) && startsWith(head, ascii("WEBP"), 8)) return "image/webp";
  if (startsWith(head, ascii("%PDF-"))) return "application/pdf";
  return null;
}

function dimensions(width: number, height: number): Sniffed {
  if (width <= 0 || height <= 0) return { ok: false, problem: "the image header gives no size" };
  return { ok: true, width, height };
}

function png(head: Uint8Array): Sniffed {
  // The IHDR chunk comes first: length, "IHDR", width and height as 32-bit big-endian.
  if (head.length < 24 || !startsWith(head, ascii("IHDR"), 12)) return { ok: false, problem: "no PNG header" };
  return dimensions(u32be(head, 16), u32be(head, 20));
}

function webp(head: Uint8Array): Sniffed {
  if (head.length < 30) return { ok: false, problem: "the WebP header is incomplete" };
  if (startsWith(head, ascii("VP8 "), 12)) {
    // Lossy: a key frame's start code, then 14-bit width and height.
    if (!startsWith(head, [0x9d, 0x01, 0x2a], 23)) return { ok: false, problem: "no VP8 key frame" };
    return dimensions(u16le(head, 26) & 0x3fff, u16le(head, 28) & 0x3fff);
  }
  if (startsWith(head, ascii("VP8L"), 12)) {
    // Lossless: a signature byte, then 14-bit width-1 and height-1 packed little-endian.
    if (head[20] !== 0x2f) return { ok: false, problem: "no VP8L signature" };
    const bits = u16le(head, 21) | ((head[23] ?? 0) << 16) | (((head[24] ?? 0) & 0x0f) << 24);
    return dimensions((bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1);
  }
  if (startsWith(head, ascii("VP8X"), 12)) {
    // Extended: 24-bit canvas width-1 and height-1.
    return dimensions(u24le(head, 24) + 1, u24le(head, 27) + 1);
  }
  return { ok: false, problem: "an unknown WebP chunk" };
}

/**
 * Whether `head` (the first SNIFF_BYTES of the file, fewer when the file is shorter) is a file of
 * `type`, with the image's width and height where the header holds them (null for JPEG, PDF and text).
 */
export function sniffHead(type: AttachmentType, head: Uint8Array): Sniffed {
  const actual = detectType(head);
  if (type === "text/plain") {
    if (actual !== null) return { ok: false, problem: `the file is ${actual}` };
    return head.includes(0)
      ? { ok: false, problem: "the file is binary, not text" }
      : { ok: true, width: null, height: null };
  }
  if (actual !== type)
    return { ok: false, problem: actual === null ? `the file is not ${type}` : `the file is ${actual}` };
  if (type === "image/png") return png(head);
  if (type === "image/gif") return dimensions(u16le(head, 6), u16le(head, 8));
  if (type === "image/webp") return webp(head);
  return { ok: true, width: null, height: null };
}

/** Checks that a text upload is UTF-8 without NUL bytes, chunk by chunk as it streams. */
export class TextCheck {
  private readonly decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });
  /** Why the bytes are not text, once they are not. */
  problem: string | null = null;

  /** Takes the next bytes; false once the file is known not to be text. */
  push(chunk: Uint8Array): boolean {
    if (this.problem !== null) return false;
    if (chunk.includes(0)) return this.fail("the file is binary, not text");
    try {
      this.decoder.decode(chunk, { stream: true });
    } catch {
      return this.fail("the file is not UTF-8 text");
    }
    return true;
  }

  /** Ends the file: false when it stopped inside a character. */
  finish(): boolean {
    if (this.problem !== null) return false;
    try {
      this.decoder.decode();
    } catch {
      return this.fail("the file is not UTF-8 text");
    }
    return true;
  }

  private fail(problem: string): false {
    this.problem = problem;
    return false;
  }
}
