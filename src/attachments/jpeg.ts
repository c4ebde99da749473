/**
 * @module attachments/jpeg
 * Strips a JPEG's metadata while it streams (SPEC §8.4: EXIF and GPS never reach other users). The
 * file is rewritten segment by segment: what decoding needs stays (quantisation and Huffman tables,
 * frame and scan headers, restart intervals, the entropy-coded data, JFIF without its thumbnail, an
 * ICC colour profile, Adobe's colour-transform flag); every other APPn segment (EXIF, XMP, IPTC, MPF,
 * maker notes), comments, and anything after the end-of-image marker (phones append videos and
 * trailers there) are dropped. The EXIF orientation alone is kept, as a 32-byte EXIF block of its own,
 * so a portrait photo is not shown sideways. The frame header gives the dimensions. Pure and
 * incremental: bytes in, bytes out, a problem string when the file is not a JPEG.
 */

type State = "start" | "marker" | "code" | "length" | "segment" | "scan" | "scanFF" | "done";

const SOI = [0xff, 0xd8];
const EOI = new Uint8Array([0xff, 0xd9]);
const SOS = 0xda;
const APP0 = 0xe0;
const APP1 = 0xe1;
const APP2 = 0xe2;
const APP14 = 0xee;
const COM = 0xfe;

function bytesOf(text: string): number[] {
  return [...text].map((c) => c.charCodeAt(0));
}

function startsWith(bytes: Uint8Array, text: string): boolean {
  return bytesOf(text).every((byte, i) => bytes[i] === byte);
}

/** Start-of-frame markers (C0–CF except DHT C4, JPG C8 and DAC CC) carry the image size. */
function isFrameHeader(code: number): boolean {
  return code >= 0xc0 && code <= 0xcf && code !== 0xc4 && code !== 0xc8 && code !== 0xcc;
}

/** The EXIF orientation (1–8) in an APP1 payload, or null when it has none. */
export function exifOrientation(payload: Uint8Array): number | null {
  if (!startsWith(payload, "Exif\0\0")) return null;
  const tiff = payload.subarray(6);
  const little = startsWith(tiff, "II");
  if (!little && !startsWith(tiff, "MM")) return null;
  const byte = (at: number) => tiff[at] ?? 0;
  const u16 = (at: number) =>
    at + 2 > tiff.length ? -1 : little ? byte(at) | (byte(at + 1) << 8) : (byte(at) << 8) | byte(at + 1);
  const u32 = (at: number) => {
    const [first, second] = [u16(at), u16(at + 2)];
    if (first < 0 || second < 0) return -1;
    return little ? first + second * 65536 : first * 65536 + second;
  };
  const ifd = u32(4);
  if (u16(2) !== 42 || ifd < 8) return null;
  const count = u16(ifd);
  for (let k = 0; k < count; k++) {
    const entry = ifd + 2 + k * 12;
    if (entry + 12 > tiff.length) return null;
    // Tag 0x0112 Orientation, type 3 (SHORT), its value in the first two bytes of the value field.
    if (u16(entry) === 0x0112 && u16(entry + 2) === 3) {
      const value = u16(entry + 8);
      return value >= 1 && value <= 8 ? value : null;
    }
  }
  return null;
}

/** A minimal EXIF APP1 payload holding only the orientation (big-endian TIFF, one IFD entry). */
export function orientationExif(orientation: number): Uint8Array {
  return new Uint8Array([
    ...bytesOf("Exif\0\0"),
    ...[0x4d, 0x4d, 0x00, 0x2a, 0x00, 0x00, 0x00, 0x08],
    ...[0x00, 0x01],
    ...[0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, 0x00, orientation, 0x00, 0x00],
    ...[0x00, 0x00, 0x00, 0x00],
  ]);
}

/** A JPEG rewriter: `push` each chunk as it arrives, then `finish`; `chunks` is the stripped file. */
export class JpegStripper {
  /** The image's size from its frame header (null until seen). */
  width: number | null = null;
  height: number | null = null;
  /** Why the bytes are not an acceptable JPEG, once something was wrong. */
  problem: string | null = null;
  /** The stripped file so far. */
  readonly chunks: Uint8Array[] = [];
  /** Its length in bytes. */
  size = 0;
  private state: State = "start";
  private soiSeen = 0;
  private code = 0;
  private lengthHigh = -1;
  private segment = new Uint8Array(0);
  private filled = 0;
  private sawScan = false;
  private orientationKept = false;

  /** Takes the next bytes of the file; false once the file is known to be bad. */
  push(chunk: Uint8Array): boolean {
    let i = 0;
    while (i < chunk.length && this.problem === null) {
      const byte = chunk[i] ?? 0;
      switch (this.state) {
        case "start":
          if (byte !== SOI[this.soiSeen]) return this.fail("the file is not image/jpeg");
          i++;
          if (++this.soiSeen === SOI.length) {
            this.emit(new Uint8Array(SOI));
            this.state = "marker";
          }
          break;
        case "marker":
          if (byte !== 0xff) return this.fail("the JPEG is damaged: a marker was expected");
          i++;
          this.state = "code";
          break;
        case "code":
          i++;
          // 0xFF before a marker code is fill.
          if (byte !== 0xff) this.onMarker(byte);
          break;
        case "length":
          i++;
          if (this.lengthHigh < 0) {
            this.lengthHigh = byte;
          } else {
            const length = (this.lengthHigh << 8) | byte;
            if (length < 2) return this.fail("the JPEG is damaged: a segment length below 2");
            this.segment = new Uint8Array(length - 2);
            this.filled = 0;
            if (length === 2) this.endSegment();
            else this.state = "segment";
          }
          break;
        case "segment": {
          const n = Math.min(chunk.length - i, this.segment.length - this.filled);
          this.segment.set(chunk.subarray(i, i + n), this.filled);
          this.filled += n;
          i += n;
          if (this.filled === this.segment.length) this.endSegment();
          break;
        }
        case "scan": {
          // Entropy-coded data runs until a 0xFF that is not stuffing (FF 00) or a restart marker.
          const ff = chunk.indexOf(0xff, i);
          const end = ff < 0 ? chunk.length : ff;
          if (end > i) this.emit(chunk.subarray(i, end));
          i = ff < 0 ? chunk.length : ff + 1;
          if (ff >= 0) this.state = "scanFF";
          break;
        }
        case "scanFF":
          i++;
          if (byte === 0x00 || (byte >= 0xd0 && byte <= 0xd7)) {
            this.emit(new Uint8Array([0xff, byte]));
            this.state = "scan";
          } else if (byte !== 0xff) {
            this.onMarker(byte);
          }
          break;
        case "done":
          // Anything after the end of the image is dropped.
          i = chunk.length;
          break;
      }
    }
    return this.problem === null;
  }

  /** Ends the file: true when it held an image (a missing end-of-image marker is added). */
  finish(): boolean {
    if (this.problem !== null) return false;
    if (this.state === "scan" || this.state === "scanFF") {
      this.emit(EOI);
      this.state = "done";
    }
    if (this.state !== "done" || !this.sawScan) return this.fail("the JPEG ends before its image data");
    if (this.width === null || this.height === null) return this.fail("the JPEG has no frame size");
    return true;
  }

  private fail(problem: string): false {
    this.problem = problem;
    return false;
  }

  private emit(bytes: Uint8Array): void {
    this.chunks.push(bytes);
    this.size += bytes.length;
  }

  private emitSegment(code: number, payload: Uint8Array): void {
    const length = payload.length + 2;
    this.emit(new Uint8Array([0xff, code, length >> 8, length & 0xff]));
    if (payload.length > 0) this.emit(payload);
  }

  private onMarker(code: number): void {
    if (code === 0xd9) {
      this.emit(EOI);
      this.state = "done";
    } else if (code === 0xd8) {
      this.fail("the JPEG is damaged: a second start of image");
    } else if ((code >= 0xd0 && code <= 0xd7) || code === 0x01) {
      // Markers without a length (restart, TEM) outside a scan: kept as they are.
      this.emit(new Uint8Array([0xff, code]));
      this.state = "marker";
    } else {
      this.code = code;
      this.lengthHigh = -1;
      this.state = "length";
    }
  }

  private endSegment(): void {
    const { code, segment } = this;
    this.state = "marker";
    if (isFrameHeader(code) && segment.length >= 5) {
      const height = ((segment[1] ?? 0) << 8) | (segment[2] ?? 0);
      const width = ((segment[3] ?? 0) << 8) | (segment[4] ?? 0);
      // A height of 0 is defined later (DNL): the size is then unknown.
      this.width = width > 0 && height > 0 ? width : null;
      this.height = width > 0 && height > 0 ? height : null;
    }
    if (code === SOS) {
      this.emitSegment(code, segment);
      this.sawScan = true;
      this.state = "scan";
    } else if (code === APP0) {
      // JFIF without its thumbnail (identifier, version, units, densities; thumbnail 0 × 0).
      if (startsWith(segment, "JFIF\0") && segment.length >= 14) {
        this.emitSegment(code, new Uint8Array([...segment.subarray(0, 12), 0, 0]));
      }
    } else if (code === APP1) {
      const orientation = exifOrientation(segment);
      if (orientation !== null && orientation !== 1 && !this.orientationKept) {
        this.orientationKept = true;
        this.emitSegment(code, orientationExif(orientation));
      }
    } else if (code === APP2) {
      if (startsWith(segment, "ICC_PROFILE\0")) this.emitSegment(code, segment);
    } else if (code === APP14) {
      if (startsWith(segment, "Adobe")) this.emitSegment(code, segment);
    } else if ((code >= 0xe0 && code <= 0xef) || code === COM) {
      // Other application segments and comments: metadata, dropped.
    } else {
      this.emitSegment(code, segment);
    }
  }
}
