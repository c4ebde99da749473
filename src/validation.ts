/**
 * @module validation
 * Shared by both APIs: zod failures become AppError('invalid_param') naming the first bad field
 * (never zod's raw body), and framework errors are normalised before each envelope maps them.
 */
import { z } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import { AppError } from "./errors";
import { BODY_MAX_BYTES, ID_PATTERN, URL_MAX } from "./limits";

/** A userId or chatroomId (SPEC §5). */
export const Id = z.string().regex(ID_PATTERN, "must be 1-64 characters of A-Z a-z 0-9 _ . : @ - (not . or ..)");

/**
 * True for an absolute http(s) URL with a host. Whitespace and control characters are refused outright:
 * URL parsers drop some of them (`java\tscript:`), so the stored text would not be what was checked.
 */
function isHttpUrl(value: string): boolean {
  if (value === "") return true;
  for (let i = 0; i < value.length; i++) {
    const unit = value.charCodeAt(i);
    if (unit <= 0x20 || (unit >= 0x7f && unit <= 0x9f)) return false;
  }
  try {
    const url = new URL(value);
    return (url.protocol === "http:" || url.protocol === "https:") && url.hostname !== "";
  } catch {
    return false;
  }
}

/**
 * A user-supplied URL (imageUrl, thumbnail, portrait; SPEC §8.1): http or https only, so no
 * `javascript:` or `data:` link reaches a client. The empty string means "no image".
 */
export const HttpUrl = z
  .string()
  .max(URL_MAX)
  .refine(isHttpUrl, "must be an http(s) URL")
  .openapi({ description: "An absolute http(s) URL, or empty for none", example: "https://img.example/a.png" });

/** The dotted path of a zod issue, or `body` for the root. */
function issueField(issue: z.core.$ZodIssue | undefined): string {
  const path = issue?.path.map(String).join(".");
  return path ? path : "body";
}

/**
 * The OpenAPIHono defaultHook: throw our own error for the first issue. Valid data is also checked
 * for ill-formed text (lone UTF-16 surrogates), which storage would silently rewrite.
 */
export function validationHook(result: { success: true; data: unknown } | { success: false; error: z.ZodError }): void {
  if (result.success) {
    const field = illFormedTextPath(result.data);
    if (field !== null) throw new AppError("invalid_param", `${field}: ${ILL_FORMED}`, { field });
    return;
  }
  const issue = result.error.issues[0];
  const field = issueField(issue);
  throw new AppError("invalid_param", `${field}: ${describeIssue(issue)}`, { field });
}

const ILL_FORMED = "must be well-formed Unicode (no lone surrogates)";
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The dotted path of the first string (or key) with a lone surrogate in `value`, or null. */
export function illFormedTextPath(value: unknown, path = ""): string | null {
  if (typeof value === "string") return LONE_SURROGATE.test(value) ? path || "body" : null;
  if (typeof value !== "object" || value === null) return null;
  for (const [key, item] of Object.entries(value)) {
    const at = path ? `${path}.${key}` : key;
    if (LONE_SURROGATE.test(key)) return at;
    const found = illFormedTextPath(item, at);
    if (found !== null) return found;
  }
  return null;
}

function describeIssue(issue: z.core.$ZodIssue | undefined): string {
  if (!issue) return "invalid";
  if (issue.code === "invalid_type") return `expected ${issue.expected}`;
  if (issue.code === "unrecognized_keys") return `unknown field ${issue.keys.join(", ")}`;
  return issue.message;
}

/** Refuses request bodies above BODY_MAX_BYTES before they are read (413 / 251 naming body). */
export const bodyLimitGuard = bodyLimit({
  maxSize: BODY_MAX_BYTES,
  onError: () => {
    throw new AppError("too_large", `body: larger than ${BODY_MAX_BYTES} bytes`, { field: "body" });
  },
});

/** Normalises framework errors (bad JSON, body too large) and unknown errors to AppError. */
export function toAppError(error: Error): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof HTTPException) {
    if (error.status === 413) return new AppError("too_large", "body: larger than allowed", { field: "body" });
    if (error.status === 415) {
      return new AppError("invalid_param", "body: expected Content-Type application/json", { field: "body" });
    }
    if (error.status === 400) return new AppError("invalid_param", "body: not valid JSON", { field: "body" });
  }
  return new AppError("server_error", "server error");
}
