/**
 * @module room/frames
 * Parsing of client frames (SPEC §4): text only, at most FRAME_MAX_BYTES, JSON, one of the client
 * frame schemas, well-formed Unicode. Pure; never throws — a bad frame becomes a failure naming the field.
 */
import { fail, ok, type Result } from "../errors";
import { FRAME_MAX_BYTES } from "../limits";
import { illFormedTextPath } from "../validation";
import { ClientFrame } from "./protocol";

/** Parses one client frame. */
export function parseClientFrame(data: string | ArrayBuffer): Result<ClientFrame> {
  if (typeof data !== "string") return fail("invalid_param", "binary frames are not supported: send JSON text");
  // Bytes are counted only when the text could exceed the limit (a UTF-16 unit is ≤ 3 UTF-8 bytes).
  if (data.length * 3 > FRAME_MAX_BYTES && new TextEncoder().encode(data).length > FRAME_MAX_BYTES) {
    return fail("too_large", "frame: larger than 16 KiB");
  }
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return fail("invalid_param", "frame: not valid JSON");
  }
  const parsed = ClientFrame.safeParse(json);
  if (parsed.success) {
    const field = illFormedTextPath(parsed.data);
    return field === null ? ok(parsed.data) : fail("invalid_param", `${field}: must be well-formed Unicode`, { field });
  }
  const issue = parsed.error.issues[0];
  const field = issue?.path.join(".") || "type";
  return fail("invalid_param", `${field}: ${issue?.message ?? "invalid frame"}`, { field });
}
