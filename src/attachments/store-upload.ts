/**
 * @module attachments/store-upload
 * Reads an upload's body once, checks it, and stores it in R2 (SPEC §8.4). The first bytes are sniffed
 * before R2 is touched, so a mismatched file costs one chunk. Other types stream straight into R2 with
 * their known length (a FixedLengthStream: R2 needs the length of a stream up front); text is checked
 * to be UTF-8 on the way, and a bad byte aborts the put, so nothing is stored. A JPEG is rewritten
 * while it streams in, but its stripped length is only known at its end, so the stripped bytes
 * (≤ ATTACHMENT_MAX_BYTES) are put as one buffer; multipart uploads would not help, their parts being
 * at least 5 MiB. Refusals throw AppError having stored nothing.
 */
import { AppError } from "../errors";
import { IMAGE_MAX_PIXELS } from "../limits";
import { JpegStripper } from "./jpeg";
import { type AttachmentType, contentDisposition } from "./media";
import { SNIFF_BYTES, sniffHead, TextCheck } from "./sniff";

/** What was stored. */
export interface StoredObject {
  size: number;
  width: number | null;
  height: number | null;
}

/** What the request declared. */
export interface DeclaredUpload {
  type: AttachmentType;
  length: number;
  name: string | null;
}

function unsupported(problem: string): AppError {
  return new AppError("unsupported_media_type", `Content-Type: ${problem}`, { field: "Content-Type" });
}

function lengthMismatch(): AppError {
  return new AppError("invalid_param", "body: its length differs from Content-Length", { field: "body" });
}

function concat(chunks: readonly Uint8Array[], size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.length;
  }
  return bytes;
}

/** Reads until at least `wanted` bytes (or the end) arrived; returns the chunks read. */
async function readHead(reader: ReadableStreamDefaultReader<Uint8Array>, wanted: number): Promise<Uint8Array[]> {
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  while (bytes < wanted) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    bytes += value.length;
  }
  return chunks;
}

/** The chunks already read, then the rest of the body, counted against the declared length. */
async function* chunksOf(reader: ReadableStreamDefaultReader<Uint8Array>, first: Uint8Array[], length: number) {
  let received = 0;
  const count = (chunk: Uint8Array) => {
    received += chunk.length;
    if (received > length) throw lengthMismatch();
    return chunk;
  };
  for (const chunk of first) yield count(chunk);
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    yield count(value);
  }
  if (received !== length) throw lengthMismatch();
}

function checkPixels(width: number | null, height: number | null): void {
  if (width !== null && height !== null && width * height > IMAGE_MAX_PIXELS) {
    throw new AppError("too_large", `image: ${width} × ${height} pixels, more than ${IMAGE_MAX_PIXELS}`, {
      field: "image",
    });
  }
}

/** Checks the body against `declared` and stores it under `key`; throws AppError, storing nothing, when refused. */
export async function storeUpload(
  bucket: R2Bucket,
  key: string,
  body: ReadableStream<Uint8Array>,
  declared: DeclaredUpload,
): Promise<StoredObject> {
  const reader = body.getReader();
  const httpMetadata = {
    contentType: declared.type,
    contentDisposition: contentDisposition(declared.type, declared.name),
  };
  try {
    const head = await readHead(reader, SNIFF_BYTES);
    const headBytes = concat(
      head,
      head.reduce((sum, chunk) => sum + chunk.length, 0),
    );
    const sniffed = sniffHead(declared.type, headBytes.subarray(0, SNIFF_BYTES));
    if (!sniffed.ok) throw unsupported(sniffed.problem);
    checkPixels(sniffed.width, sniffed.height);
    const chunks = chunksOf(reader, head, declared.length);
    if (declared.type === "image/jpeg") return await putJpeg(bucket, key, chunks, httpMetadata);
    await streamToBucket(bucket, key, chunks, declared, httpMetadata);
    return { size: declared.length, width: sniffed.width, height: sniffed.height };
  } catch (error) {
    await reader.cancel().catch(() => undefined);
    throw error;
  }
}

async function putJpeg(
  bucket: R2Bucket,
  key: string,
  chunks: AsyncGenerator<Uint8Array>,
  httpMetadata: R2HTTPMetadata,
): Promise<StoredObject> {
  const jpeg = new JpegStripper();
  for await (const chunk of chunks) {
    if (!jpeg.push(chunk)) throw unsupported(jpeg.problem ?? "not a JPEG");
  }
  if (!jpeg.finish()) throw unsupported(jpeg.problem ?? "not a JPEG");
  checkPixels(jpeg.width, jpeg.height);
  await bucket.put(key, concat(jpeg.chunks, jpeg.size), { httpMetadata });
  return { size: jpeg.size, width: jpeg.width, height: jpeg.height };
}

async function streamToBucket(
  bucket: R2Bucket,
  key: string,
  chunks: AsyncGenerator<Uint8Array>,
  declared: DeclaredUpload,
  httpMetadata: R2HTTPMetadata,
): Promise<void> {
  const fixed = new FixedLengthStream(declared.length);
  const put = bucket.put(key, fixed.readable, { httpMetadata });
  const writer = fixed.writable.getWriter();
  const text = declared.type === "text/plain" ? new TextCheck() : null;
  try {
    for await (const chunk of chunks) {
      if (text !== null && !text.push(chunk)) throw unsupported(text.problem ?? "not text");
      await writer.write(chunk);
    }
    if (text !== null && !text.finish()) throw unsupported(text.problem ?? "not text");
    await writer.close();
    await put;
  } catch (error) {
    // Aborting the stream fails the put, so no object is created; the delete covers a put that finished.
    await writer.abort(error).catch(() => undefined);
    await put.catch(() => undefined);
    await bucket.delete(key).catch(() => undefined);
    throw error;
  }
}
