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

/** Where the last `digits` call stopped (a module variable: no allocation per call). */
let stop = 0;

/** The decimal number at `i` (0 when there is none); `stop` is left on the first byte after it. */
function digits(buf, i) {
  let n = 0;
  let c = buf[i];
  while (c >= ZERO && c <= NINE) {
    n = n * 10 + c - ZERO;
    c = buf[++i];
  }
  stop = i;
  return n;
}

/**
 * Reads the message starting at `at` (the index of its `"~` marker) into `out` ({ phase, id, sentAt,
 * end }); returns false when the bytes there are not a measured message.
 */
export function readMessage(buf, at, out) {
  const first = buf[at + 2];
  if (first < ZERO || first > NINE) return false;
  const phase = digits(buf, at + 2);
  if (buf[stop] !== TILDE) return false;
  const id = digits(buf, stop + 1);
  if (buf[stop] !== TILDE) return false;
  const whole = digits(buf, stop + 1);
  let sentAt = whole;
  if (buf[stop] === DOT) {
    const from = stop + 1;
    const frac = digits(buf, from);
    sentAt += frac / 10 ** (stop - from);
  }
  if (buf[stop] !== TILDE) return false;
  out.phase = phase;
  out.id = id;
  out.sentAt = sentAt;
  out.end = stop;
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
  const phase = digits(buf, key + idKey.length);
  if (buf[stop] !== COLON) return false;
  const id = digits(buf, stop + 1);
  const duplicate = buf.indexOf('"duplicate":true', start);
  out.phase = phase;
  out.id = id;
  out.duplicate = duplicate >= 0 && duplicate < end;
  out.end = end;
  return true;
}
