/**
 * @module cursor
 * Pure keyset paging for the room list. A cursor names, for each list that has more rows, the sort
 * key of the last row sent; a list missing from the cursor is finished.
 */
import { decodeBase64Url, encodeBase64Url } from "hono/utils/encode";

/** Position after the last row sent: [sort value, chatroomId]. */
export type Position = [number, string];

/** Where each list continues. */
export interface ListCursor {
  ongoing?: Position;
  scheduled?: Position;
}

function isPosition(value: unknown): value is Position {
  return (
    Array.isArray(value) &&
    value.length === 2 &&
    typeof value[0] === "number" &&
    Number.isFinite(value[0]) &&
    typeof value[1] === "string"
  );
}

/** Encodes a cursor as an opaque URL-safe string, or null when no list has more. */
export function encodeCursor(cursor: ListCursor): string | null {
  if (!cursor.ongoing && !cursor.scheduled) return null;
  const bytes = new TextEncoder().encode(JSON.stringify({ o: cursor.ongoing, s: cursor.scheduled }));
  // Unpadded, as cursors have always been sent.
  return encodeBase64Url(bytes.buffer).replaceAll("=", "");
}

/** Decodes a cursor; returns null when it is not one of ours. */
export function decodeCursor(raw: string): ListCursor | null {
  try {
    const json = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(decodeBase64Url(raw));
    const parsed: unknown = JSON.parse(json);
    if (typeof parsed !== "object" || parsed === null) return null;
    const { o, s } = parsed as { o?: unknown; s?: unknown };
    if (o !== undefined && !isPosition(o)) return null;
    if (s !== undefined && !isPosition(s)) return null;
    if (o === undefined && s === undefined) return null;
    return { ongoing: o, scheduled: s };
  } catch {
    return null;
  }
}
