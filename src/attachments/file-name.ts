/**
 * @module attachments/file-name
 * The optional name of an upload (`?name=` or the request's Content-Disposition), made safe to show and
 * to put in a download's Content-Disposition: no path, no control or direction-override characters
 * (which make `photo‮gpj.exe` look like `photoexe.jpg`), whitespace collapsed. Pure.
 */
import { fail, ok, type Result } from "../errors";

/** Longest file name kept, in characters. */
export const ATTACHMENT_NAME_MAX = 255;

/** C0/C1 controls, bidirectional controls and marks, zero-width characters and the BOM. */
function isUnsafe(unit: number): boolean {
  return (
    unit <= 0x1f ||
    (unit >= 0x7f && unit <= 0x9f) ||
    (unit >= 0x200b && unit <= 0x200f) ||
    (unit >= 0x202a && unit <= 0x202e) ||
    (unit >= 0x2066 && unit <= 0x2069) ||
    unit === 0xfeff
  );
}
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The name as it will be stored, null when nothing is left of it, or a refusal naming `name`. */
export function sanitizeFileName(raw: string): Result<string | null> {
  if (LONE_SURROGATE.test(raw)) return fail("invalid_param", "name: must be well-formed Unicode", { field: "name" });
  const base = raw.split(/[/\\]/).pop() ?? "";
  // Whitespace (tabs and line breaks included) becomes one space; other invisible characters go.
  const visible = [...base].map((c) => (/\s/.test(c) ? " " : c)).filter((c) => !isUnsafe(c.charCodeAt(0)));
  const clean = visible.join("").replace(/ +/g, " ").trim();
  if ([...clean].length > ATTACHMENT_NAME_MAX) {
    return fail("invalid_param", `name: at most ${ATTACHMENT_NAME_MAX} characters`, { field: "name" });
  }
  return ok(clean === "" || clean === "." || clean === ".." ? null : clean);
}

/** The file name in a Content-Disposition header (`filename*=UTF-8''…` preferred over `filename="…"`), or null. */
export function dispositionFileName(header: string | undefined): string | null {
  if (!header) return null;
  const extended = /filename\*\s*=\s*utf-8''([^;]+)/i.exec(header);
  if (extended?.[1]) {
    try {
      return decodeURIComponent(extended[1].trim());
    } catch {
      // Not valid percent-encoding: fall back to the plain parameter.
    }
  }
  const plain = /filename\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]+))/i.exec(header);
  const value = plain?.[1] ?? plain?.[2];
  return value === undefined ? null : value.replace(/\\(.)/g, "$1");
}
