// Test files built byte by byte (no binary fixtures): a real PNG (stored deflate, valid CRCs), a real
// greyscale baseline JPEG that decoders display (one-code Huffman tables, every block flat grey) with
// EXIF + GPS, XMP, IPTC, a comment and a trailer after the end marker to strip, and GIF and WebP headers.
// Plain JavaScript without imports, so both the e2e suite (Node) and the Workers pool tests use it.

const text = (s) => [...s].map((c) => c.charCodeAt(0));
const u16be = (n) => [(n >> 8) & 255, n & 255];
const u32be = (n) => [(n >>> 24) & 255, (n >> 16) & 255, (n >> 8) & 255, n & 255];
const u16le = (n) => [n & 255, (n >> 8) & 255];

/** CRC-32 (PNG chunks). */
export function crc32(bytes) {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** A zlib stream of stored (uncompressed) deflate blocks. */
function zlibStored(data) {
  const out = [0x78, 0x01];
  for (let at = 0; at < data.length || at === 0; at += 65535) {
    const block = data.slice(at, at + 65535);
    const last = at + 65535 >= data.length ? 1 : 0;
    out.push(last, ...u16le(block.length), ...u16le(~block.length & 0xffff), ...block);
    if (data.length === 0) break;
  }
  let a = 1;
  let b = 0;
  for (const byte of data) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  out.push(...u32be(((b << 16) | a) >>> 0));
  return out;
}

function pngChunk(type, data) {
  const body = [...text(type), ...data];
  return [...u32be(data.length), ...body, ...u32be(crc32(body))];
}

/** A valid RGB PNG of `width` × `height`, every pixel `rgb`. */
export function png(width, height, rgb = [200, 40, 40]) {
  const rows = [];
  for (let y = 0; y < height; y++) {
    rows.push(0);
    for (let x = 0; x < width; x++) rows.push(...rgb);
  }
  return new Uint8Array([
    0x89,
    0x50,
    0x4e,
    0x47,
    0x0d,
    0x0a,
    0x1a,
    0x0a,
    ...pngChunk("IHDR", [...u32be(width), ...u32be(height), 8, 2, 0, 0, 0]),
    ...pngChunk("IDAT", zlibStored(rows)),
    ...pngChunk("IEND", []),
  ]);
}

function segment(code, payload) {
  return [0xff, code, ...u16be(payload.length + 2), ...payload];
}

/** An EXIF APP1 payload (big-endian TIFF): Orientation, Make "EdgeCam" and a GPS IFD (37°33'N). */
export function exifWithGps(orientation = 6) {
  // Offsets are from the TIFF header. IFD0 at 8 with 3 entries; GPS IFD after it; the values after that.
  const ifd0 = 8;
  const gpsIfd = ifd0 + 2 + 3 * 12 + 4;
  const make = gpsIfd + 2 + 2 * 12 + 4;
  const latitude = make + 8;
  const tiff = [
    ...text("MM"),
    ...u16be(42),
    ...u32be(ifd0),
    ...u16be(3),
    ...[...u16be(0x010f), ...u16be(2), ...u32be(8), ...u32be(make)],
    ...[...u16be(0x0112), ...u16be(3), ...u32be(1), ...u16be(orientation), 0, 0],
    ...[...u16be(0x8825), ...u16be(4), ...u32be(1), ...u32be(gpsIfd)],
    ...u32be(0),
    ...u16be(2),
    ...[...u16be(0x0001), ...u16be(2), ...u32be(2), ...text("N"), 0, 0, 0],
    ...[...u16be(0x0002), ...u16be(5), ...u32be(3), ...u32be(latitude)],
    ...u32be(0),
    ...text("EdgeCam"),
    0,
    ...[...u32be(37), ...u32be(1), ...u32be(33), ...u32be(1), ...u32be(0), ...u32be(1)],
  ];
  return [...text("Exif"), 0, 0, ...tiff];
}

/**
 * A valid greyscale baseline JPEG of `width` × `height` (every 8×8 block flat grey). With `metadata`, it
 * also carries what must be stripped: EXIF with GPS (and `orientation`), XMP, IPTC, a comment, an
 * unknown APP segment, and bytes after the end-of-image marker; plus what must stay: JFIF (with a
 * thumbnail size to drop), an ICC profile segment and Adobe's marker.
 */
export function jpeg(width, height, { metadata = false, orientation = 6 } = {}) {
  const blocks = Math.ceil(width / 8) * Math.ceil(height / 8);
  // Each block: DC difference category 0 (code "0"), then end-of-block (code "0"); pad with 1 bits.
  const bits = "00".repeat(blocks).padEnd(Math.ceil((blocks * 2) / 8) * 8, "1");
  const scan = [];
  for (let at = 0; at < bits.length; at += 8) scan.push(Number.parseInt(bits.slice(at, at + 8), 2));
  const oneCode = [1, ...new Array(15).fill(0), 0x00];
  const head = [0xff, 0xd8, ...segment(0xe0, [...text("JFIF"), 0, 1, 1, 0, ...u16be(72), ...u16be(72), 0, 0])];
  const extra = metadata
    ? [
        ...segment(0xe1, exifWithGps(orientation)),
        ...segment(0xe1, [
          ...text("http://ns.adobe.com/xap/1.0/"),
          0,
          ...text("<x:xmpmeta>GPSLatitude 37.5665</x:xmpmeta>"),
        ]),
        ...segment(0xe2, [...text("ICC_PROFILE"), 0, 1, 1, ...text("icc-profile-bytes")]),
        ...segment(0xed, [...text("Photoshop 3.0"), 0, ...text("8BIM IPTC city Seoul")]),
        ...segment(0xee, [...text("Adobe"), 0, 100, 0, 0, 0, 0, 0]),
        ...segment(0xe9, text("vendor secret serial 12345")),
        ...segment(0xfe, text("comment: shot at home")),
      ]
    : [];
  const body = [
    ...segment(0xdb, [0x00, ...new Array(64).fill(1)]),
    ...segment(0xc0, [8, ...u16be(height), ...u16be(width), 1, 1, 0x11, 0]),
    ...segment(0xc4, [0x00, ...oneCode]),
    ...segment(0xc4, [0x10, ...oneCode]),
    ...segment(0xda, [1, 1, 0x00, 0, 63, 0]),
    ...scan,
    0xff,
    0xd9,
  ];
  const trailer = metadata ? text("MOTION-PHOTO-TRAILER with GPS 37.5665") : [];
  return new Uint8Array([...head, ...extra, ...body, ...trailer]);
}

/** A GIF89a whose logical screen is `width` × `height` (one 1×1 image in it). */
export function gif(width, height) {
  return new Uint8Array([
    ...text("GIF89a"),
    ...u16le(width),
    ...u16le(height),
    0x80,
    0,
    0,
    ...[0, 0, 0, 255, 255, 255],
    0x2c,
    ...u16le(0),
    ...u16le(0),
    ...u16le(1),
    ...u16le(1),
    0,
    ...[0x02, 0x02, 0x44, 0x01, 0x00],
    0x3b,
  ]);
}

/** The header of an extended WebP (VP8X) whose canvas is `width` × `height`. */
export function webpHeader(width, height) {
  const u24le = (n) => [n & 255, (n >> 8) & 255, (n >> 16) & 255];
  const chunk = [...text("VP8X"), ...u32be(0x0a000000), 0, 0, 0, 0, ...u24le(width - 1), ...u24le(height - 1)];
  return new Uint8Array([...text("RIFF"), ...u16le(chunk.length + 4), 0, 0, ...text("WEBP"), ...chunk]);
}

/** True when `haystack` contains the ASCII text `needle`. */
export function containsText(haystack, needle) {
  const want = text(needle);
  outer: for (let i = 0; i + want.length <= haystack.length; i++) {
    for (let k = 0; k < want.length; k++) if (haystack[i + k] !== want[k]) continue outer;
    return true;
  }
  return false;
}
