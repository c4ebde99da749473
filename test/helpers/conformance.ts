/**
 * Conformance: every HTTP answer and socket frame the pool test helpers receive is checked against
 * the shape the server declares for it — the route's response schema from the app's OpenAPI
 * registry (by method, path and status) and the server-frame union — so the whole suite doubles as
 * the contract test between the server, its OpenAPI document and the typed client.
 *
 * Objects are checked strictly: a field the schema does not declare fails, as does a missing or
 * mistyped one. The schemas stay open for clients (unknown fields are ignored at runtime, so new
 * fields do not break old clients), but the server itself must never send a field it does not
 * document. An undeclared status fails too, so each route's error list stays true.
 */
import { z } from "@hono/zod-openapi";
import { AdminFailure } from "../../src/admin/envelope";
import { ErrorBody } from "../../src/api/schemas";
import { app } from "../../src/index";
import { ServerText } from "../../src/room/protocol";

interface Declared {
  key: string;
  method: string;
  pattern: RegExp;
  params: number;
  responses: Record<string, unknown>;
}

const literal = (text: string) => text.replace(/[.*+?^$()|[\]\\]/g, "\\$&");

/** Every documented route of the app, with its declared responses. */
const ROUTES: Declared[] = app.openAPIRegistry.definitions.flatMap((definition) => {
  if (definition.type !== "route") return [];
  const { method, path, responses } = definition.route;
  const params = (path.match(/\{[^}]+\}/g) ?? []).length;
  const pattern = new RegExp(
    `^${path
      .split(/\{[^}]+\}/)
      .map(literal)
      .join("[^/]+")}$`,
  );
  return [{ key: `${method.toUpperCase()} ${path}`, method: method.toUpperCase(), pattern, params, responses }];
});

/** The route a request reaches: the matching documented route with the fewest path parameters. */
export function routeOf(method: string, pathname: string): Declared | null {
  const matches = ROUTES.filter((route) => route.method === method.toUpperCase() && route.pattern.test(pathname));
  return matches.sort((a, b) => a.params - b.params)[0] ?? null;
}

const isSchema = (value: unknown): value is z.ZodType => value instanceof z.ZodType;

/**
 * What a route declares for a status: its JSON body schema and header schema, and the media types of its
 * content (a file download declares its file types, a 304 none), or null when it declares no such status.
 */
function declaredFor(
  route: Declared,
  status: number,
): { body: z.ZodType | null; headers: z.ZodType | null; mediaTypes: string[] } | null {
  const response = route.responses[String(status)] as
    | { content?: Record<string, { schema?: unknown }>; headers?: unknown }
    | undefined;
  if (!response) return null;
  const schema = response.content?.["application/json"]?.schema;
  return {
    body: isSchema(schema) ? schema : null,
    headers: isSchema(response.headers) ? response.headers : null,
    mediaTypes: Object.keys(response.content ?? {}),
  };
}

/** Checks an answer that is not JSON (a file, or no body) against the media types its route declares. */
function checkNonJson(label: string, mediaTypes: string[], response: Response, bytes: number): void {
  const type = (response.headers.get("content-type") ?? "").split(";")[0]?.trim() ?? "";
  if (mediaTypes.length === 0) {
    if (bytes > 0) violation(`${label}: declares no body but sent ${bytes} bytes`);
  } else if (!mediaTypes.includes(type)) {
    violation(`${label}: content-type ${type} is not among ${mediaTypes.join(", ")}`);
  }
}

/** The path of the first field in `sent` that `parsed` (the schema's output) dropped: an undeclared field. */
export function undeclaredField(sent: unknown, parsed: unknown, path = ""): string | null {
  if (Array.isArray(sent) && Array.isArray(parsed)) {
    for (const [index, item] of sent.entries()) {
      const found = undeclaredField(item, parsed[index], `${path}[${index}]`);
      if (found !== null) return found;
    }
    return null;
  }
  if (typeof sent !== "object" || sent === null || typeof parsed !== "object" || parsed === null) return null;
  for (const [key, value] of Object.entries(sent)) {
    const at = path ? `${path}.${key}` : key;
    if (!(key in parsed)) return at;
    const found = undeclaredField(value, (parsed as Record<string, unknown>)[key], at);
    if (found !== null) return found;
  }
  return null;
}

/** Why `value` does not conform to `schema` (strictly), or null when it does. */
export function nonConformance(schema: z.ZodType, value: unknown): string | null {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    return `${issue?.path.join(".") || "(root)"}: ${issue?.message ?? "invalid"}`;
  }
  const extra = undeclaredField(value, result.data);
  return extra === null ? null : `${extra}: not declared by the schema`;
}

const violations: string[] = [];

/** Records a violation and throws it, so the test fails even if the caller swallows the error. */
function violation(message: string): never {
  violations.push(message);
  throw new Error(`conformance: ${message}`);
}

/** Violations recorded since the last call (checked after every test by the setup file). */
export function takeViolations(): string[] {
  return violations.splice(0);
}

/** Checks an HTTP answer against what its route declares; throws (and records) when it differs. */
export async function checkResponse(method: string, url: string, response: Response): Promise<void> {
  const { pathname } = new URL(url);
  const label = `${method.toUpperCase()} ${pathname} → ${response.status}`;
  if (response.status === 101) return;
  const route = routeOf(method, pathname);
  const nonJson = route === null ? null : declaredFor(route, response.status);
  if (nonJson !== null && nonJson.body === null && !nonJson.mediaTypes.includes("application/json")) {
    return checkNonJson(label, nonJson.mediaTypes, response, (await response.arrayBuffer()).byteLength);
  }
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return violation(`${label}: body is not JSON: ${text.slice(0, 200)}`);
  }
  let schema: z.ZodType;
  if (route === null) {
    // Unknown paths answer in their API's error envelope.
    schema = pathname.startsWith("/admin/") ? AdminFailure : ErrorBody;
  } else {
    const declared = declaredFor(route, response.status);
    if (declared === null) return violation(`${label}: ${route.key} does not declare HTTP ${response.status}`);
    if (declared.body === null) return violation(`${label}: ${route.key} declares no JSON body for ${response.status}`);
    schema = declared.body;
    if (declared.headers !== null) {
      const headers = Object.fromEntries(
        Object.keys((declared.headers as z.ZodObject).shape).map((name) => [
          name,
          response.headers.get(name) ?? undefined,
        ]),
      );
      const problem = declared.headers.safeParse(headers).error?.issues[0];
      if (problem) return violation(`${label}: header ${problem.path.join(".")}: ${problem.message}`);
    }
  }
  if (!(response.headers.get("content-type") ?? "").startsWith("application/json")) {
    return violation(`${label}: content-type is ${response.headers.get("content-type")}`);
  }
  const problem = nonConformance(schema, body);
  if (problem !== null) violation(`${label}: ${problem} in ${text.slice(0, 300)}`);
}

/** Checks an answer (on a copy) and returns it unread; WebSocket upgrades pass as they are. */
export async function conformed(method: string, url: string, response: Response): Promise<Response> {
  if (response.status !== 101) await checkResponse(method, url, response.clone());
  return response;
}

/**
 * Checks one socket text message (a frame, a batch or pong) against the server-frame union. Returns
 * the problem (also recorded for the after-test check) instead of throwing: it runs in an event listener.
 */
export function checkFrame(parsed: unknown): string | null {
  const problem = nonConformance(ServerText, parsed);
  if (problem === null) return null;
  const message = `socket frame: ${problem} in ${JSON.stringify(parsed).slice(0, 300)}`;
  violations.push(message);
  return message;
}
