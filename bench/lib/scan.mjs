// Finds what the generator measures in a server frame's bytes without JSON.parse: each chat message's
// content starts with `~phase~id~sendTime~`, so `"~` marks one delivery wherever it sits (alone or inside
// a `batch` frame, edgeroom or the reference demo), and an ack is found by its type marker and read
// within its own object. Anything rarer (errors, welcome) is parsed in full by the caller.

/** The marker that opens a measured message's content. */
export const MESSAGE_MARK = Buffer.from('"~');
const ZERO = 48;
const NINE = 57;
const DOT = 46;
const TILDE = 126;
const COLON = 58;
const OPEN = 123;
const CLOSE = 125;

/** The content of a measured message: `~phase~id~sendTime~padding`. */
export function measuredContent(phase, id, sentAt, padding) {
  return `~${phase}~${id}~${sentAt.toFixed(3)}~${padding}`;
}

/**
 * Reads the message starting at `at` (the index of its `"~` marker) into `out` ({ phase, id, sentAt,
 * end }); returns false when the bytes there are not a measured message.
 */
export function readMessage(buf, at, out) {
  let i = at + 2;
  let phase = 0;
  let c = buf[i];
  if (c < ZERO || c > NINE) return false;
  while (c >= ZERO && c <= NINE) {
    phase = phase * 10 + c - ZERO;
    c = buf[++i];
  }
  if (c !== TILDE) return false;
  let id = 0;
  c = buf[++i];
  while (c >= ZERO && c <= NINE) {
    id = id * 10 + c - ZERO;
    c = buf[++i];
  }
  if (c !== TILDE) return false;
  let whole = 0;
  c = buf[++i];
  while (c >= ZERO && c <= NINE) {
    whole = whole * 10 + c - ZERO;
    c = buf[++i];
  }
  let frac = 0;
  let scale = 1;
  if (c === DOT) {
    c = buf[++i];
    while (c >= ZERO && c <= NINE) {
      frac = frac * 10 + c - ZERO;
      scale *= 10;
      c = buf[++i];
    }
  }
  if (c !== TILDE) return false;
  out.phase = phase;
  out.id = id;
  out.sentAt = whole + frac / scale;
  out.end = i;
  return true;
}

/**
 * Reads the ack whose type marker is at `at`: its clientMsgId (`phase:id`) and duplicate flag, looked up
 * between the braces of its own object whatever the key order. Returns false when it has no such id.
 */
export function readAck(buf, at, idKey, out) {
  const start = buf.lastIndexOf(OPEN, at);
  const end = buf.indexOf(CLOSE, at);
  const key = buf.indexOf(idKey, start);
  if (start < 0 || end < 0 || key < 0 || key > end) return false;
  let i = key + idKey.length;
  let phase = 0;
  let c = buf[i];
  while (c >= ZERO && c <= NINE) {
    phase = phase * 10 + c - ZERO;
    c = buf[++i];
  }
  if (c !== COLON) return false;
  let id = 0;
  c = buf[++i];
  while (c >= ZERO && c <= NINE) {
    id = id * 10 + c - ZERO;
    c = buf[++i];
  }
  const duplicate = buf.indexOf('"duplicate":true', start);
  out.phase = phase;
  out.id = id;
  out.duplicate = duplicate >= 0 && duplicate < end;
  out.end = end;
  return true;
}
