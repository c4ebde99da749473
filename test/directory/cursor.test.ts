import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor, type ListCursor, type Position } from "../../src/directory/cursor";

/** Chatroom ids as SPEC §5 allows them. */
const chatroomId = fc.stringMatching(/^[A-Za-z0-9_.:@-]{1,64}$/);
/** Sort keys: epoch ms in practice, any finite number in principle (-0 is JSON's 0). */
const sortKey = fc.oneof(
  fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
  fc.double({ noNaN: true, noDefaultInfinity: true }).filter((value) => !Object.is(value, -0)),
);
const position: fc.Arbitrary<Position> = fc.tuple(sortKey, chatroomId);

/** base64url of arbitrary UTF-8 text, the way a tampering client would build a cursor. */
function base64url(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replaceAll("=", "");
}

function isValidCursor(cursor: ListCursor): boolean {
  const ok = (value: Position | undefined) =>
    value === undefined ||
    (Array.isArray(value) && value.length === 2 && Number.isFinite(value[0]) && typeof value[1] === "string");
  return (cursor.ongoing !== undefined || cursor.scheduled !== undefined) && ok(cursor.ongoing) && ok(cursor.scheduled);
}

describe("encodeCursor", () => {
  it("is null when neither list has more rows", () => {
    expect(encodeCursor({})).toBeNull();
  });

  it("is URL-safe: no +, / or = whatever the positions", () => {
    fc.assert(
      fc.property(position, position, (ongoing, scheduled) => {
        const encoded = encodeCursor({ ongoing, scheduled });
        expect(encoded).toMatch(/^[A-Za-z0-9_-]+$/);
      }),
    );
  });
});

describe("decodeCursor", () => {
  it("round-trips every cursor with one or both lists", () => {
    fc.assert(
      fc.property(fc.option(position, { nil: undefined }), fc.option(position, { nil: undefined }), (o, s) => {
        fc.pre(o !== undefined || s !== undefined);
        const cursor: ListCursor = {};
        if (o) cursor.ongoing = o;
        if (s) cursor.scheduled = s;
        const encoded = encodeCursor(cursor);
        if (encoded === null) throw new Error("a cursor with a list must encode");
        const decoded = decodeCursor(encoded);
        expect(decoded?.ongoing).toEqual(o);
        expect(decoded?.scheduled).toEqual(s);
      }),
    );
  });

  it("keeps the list that has more and leaves the finished one undefined", () => {
    const only = decodeCursor(encodeCursor({ scheduled: [1_700_000_000_000, "room-1"] }) ?? "");
    expect(only).toEqual({ scheduled: [1_700_000_000_000, "room-1"] });
    expect(only?.ongoing).toBeUndefined();
  });

  it("decodes garbage to null", () => {
    const garbage = [
      "",
      "!!!",
      "not a cursor",
      "%%%%",
      "e30", // {}
      base64url("null"),
      base64url("42"),
      base64url('"text"'),
      base64url('[1,"room"]'),
      base64url("{}"),
      base64url('{"o":null}'),
      base64url('{"o":[1]}'),
      base64url('{"o":[1,"a","b"]}'),
      base64url('{"o":["1","a"]}'),
      base64url('{"o":[1,2]}'),
      base64url('{"o":[1e999,"a"]}'),
      base64url('{"o":[1,"a"],"s":5}'),
      base64url('{"o":[1,"a"],"s":[null,"b"]}'),
      base64url('{"s":{"0":1,"1":"a"}}'),
      base64url('{"o":[1,"a"'),
    ];
    for (const raw of garbage) expect(decodeCursor(raw), raw).toBeNull();
  });

  it("never throws on any string and returns either null or a well-formed cursor", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 200 }), (raw) => {
        const decoded = decodeCursor(raw);
        if (decoded !== null) expect(isValidCursor(decoded)).toBe(true);
      }),
    );
  });

  it("never throws on base64 of any JSON and accepts only well-formed positions", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const decoded = decodeCursor(base64url(JSON.stringify(value) ?? "null"));
        if (decoded !== null) expect(isValidCursor(decoded)).toBe(true);
      }),
    );
  });

  it("never throws on near-miss cursors built from the real shape", () => {
    const part = fc.oneof(position, fc.constant(undefined), fc.anything(), fc.tuple(fc.anything(), fc.anything()));
    fc.assert(
      fc.property(part, part, (o, s) => {
        const decoded = decodeCursor(base64url(JSON.stringify({ o, s })));
        if (decoded !== null) expect(isValidCursor(decoded)).toBe(true);
      }),
    );
  });

  it("round-trips positions whose ids are outside Latin-1", () => {
    const cursor = { ongoing: [1, "€-room-日本"] as [number, string] };
    expect(decodeCursor(encodeCursor(cursor) as string)).toEqual({ ongoing: cursor.ongoing, scheduled: undefined });
  });
});
