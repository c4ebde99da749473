/**
 * @module validation
 * Shared by both APIs: zod failures become AppError('invalid_param') naming the first bad field
 * (never zod's raw body), and framework errors are normalised before each envelope maps them.
 */
import { z } from "@hono/zod-openapi";
import { HTTPException } from "hono/http-exception";
import { AppError } from "./errors";
import { ID_PATTERN } from "./limits";

/** A userId or chatroomId (SPEC §5). */
export const Id = z.string().regex(ID_PATTERN, "must be 1-64 characters of A-Z a-z 0-9 _ . : @ -");

/** The dotted path of a zod issue, or `body` for the root. */
function issueField(issue: z.core.$ZodIssue | undefined): string {
  const path = issue?.path.map(String).join(".");
  return path ? path : "body";
}

/** The OpenAPIHono defaultHook: throw our own error for the first issue. */
export function validationHook(result: { success: true } | { success: false; error: z.ZodError }): void {
  if (result.success) return;
  const issue = result.error.issues[0];
  const field = issueField(issue);
  throw new AppError("invalid_param", `${field}: ${describeIssue(issue)}`, { field });
}

function describeIssue(issue: z.core.$ZodIssue | undefined): string {
  if (!issue) return "invalid";
  if (issue.code === "invalid_type") return `expected ${issue.expected}`;
  if (issue.code === "unrecognized_keys") return `unknown field ${issue.keys.join(", ")}`;
  return issue.message;
}

/** Normalises framework errors (bad JSON, body too large) and unknown errors to AppError. */
export function toAppError(error: Error): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof HTTPException) {
    if (error.status === 413) return new AppError("too_large", "body: larger than allowed", { field: "body" });
    if (error.status === 400) return new AppError("invalid_param", "body: not valid JSON", { field: "body" });
  }
  return new AppError("server_error", "server error");
}
