/**
 * @module client/admin-commands
 * The admin API as commands, derived from the server's OpenAPI document (`/openapi.json`) rather than
 * restated: one command per `POST /admin/<group>/<name>` route, one flag per leaf field of its request
 * schema (nested fields joined with "-": `conv.target` → `--conv-target`), fields with a single allowed
 * value filled in. Used by bin/edgeroom-admin.mjs through the bundle.
 */

/** A flag's value type. */
export type FlagKind = "string" | "number" | "boolean";

/** One command-line flag: a leaf field of the request body. */
export interface AdminFlag {
  /** The flag without dashes, kebab-case: `chatroom-id`, `conv-target`. */
  name: string;
  /** Where the value goes in the body. */
  path: string[];
  kind: FlagKind;
  required: boolean;
  description: string;
}

/** One admin route as a command. */
export interface AdminCommand {
  group: string;
  /** The command's name, kebab-case: `set-black-status`. */
  name: string;
  /** The route below /admin, e.g. `/chatroom/set_black_status`. */
  path: string;
  summary: string;
  flags: AdminFlag[];
  /** Fields with exactly one allowed value (e.g. `conv.type` = 2), sent without a flag. */
  fixed: { path: string[]; value: unknown }[];
}

type Schema = Record<string, unknown>;

const isSchema = (value: unknown): value is Schema => typeof value === "object" && value !== null;
const kebab = (name: string) => name.replace(/[A-Z]/g, (char) => `-${char.toLowerCase()}`).replaceAll("_", "-");

/** Follows `$ref` (local references only). */
function resolve(doc: Schema, schema: unknown): Schema {
  if (!isSchema(schema)) return {};
  const ref = schema.$ref;
  if (typeof ref !== "string" || !ref.startsWith("#/")) return schema;
  let target: unknown = doc;
  for (const key of ref.slice(2).split("/")) target = isSchema(target) ? target[key] : undefined;
  return resolve(doc, target);
}

/** `null` is how optional fields are written by some SDKs; the command line simply leaves them out. */
const isNullOnly = (schema: Schema) => schema.type === "null";

/** The values a leaf allows when it is a closed set (enum, const, or a union of those; null aside). */
function allowedValues(doc: Schema, schema: Schema): unknown[] | null {
  if (Array.isArray(schema.enum)) return schema.enum.filter((value) => value !== null);
  if ("const" in schema) return [schema.const];
  const options = schema.anyOf ?? schema.oneOf;
  if (!Array.isArray(options)) return null;
  const values: unknown[] = [];
  for (const option of options.map((o) => resolve(doc, o)).filter((o) => !isNullOnly(o))) {
    const allowed = allowedValues(doc, option);
    if (allowed === null) return null;
    values.push(...allowed);
  }
  return values;
}

/** The JSON type of a leaf, looking through unions and type lists (e.g. "" or an id; a value or null). */
function typeOf(doc: Schema, schema: Schema): string | null {
  if (typeof schema.type === "string" && schema.type !== "null") return schema.type;
  if (Array.isArray(schema.type)) {
    const type = schema.type.find((t): t is string => typeof t === "string" && t !== "null");
    if (type !== undefined) return type;
  }
  const options = schema.anyOf ?? schema.oneOf;
  if (!Array.isArray(options)) return null;
  for (const option of options) {
    const type = typeOf(doc, resolve(doc, option));
    if (type !== null) return type;
  }
  return null;
}

function describe(schema: Schema, type: string, allowed: unknown[] | null): string {
  if (typeof schema.description === "string") return schema.description;
  if (allowed !== null) return `one of ${allowed.map((value) => JSON.stringify(value)).join(", ")}`;
  if (type === "integer" || type === "number") {
    const range = [schema.minimum, schema.maximum].map((bound) => (typeof bound === "number" ? bound : "…"));
    return `${type === "integer" ? "an integer" : "a number"}, ${range.join(" to ")}`;
  }
  if (typeof schema.pattern === "string") return "an id: 1-64 of A-Z a-z 0-9 _ . : @ -";
  const max = typeof schema.maxLength === "number" ? `, at most ${schema.maxLength} characters` : "";
  return `text${max}`;
}

function collect(doc: Schema, schema: Schema, path: string[], required: boolean, into: AdminCommand): void {
  const properties = schema.properties;
  if (schema.type === "object" && isSchema(properties)) {
    const needed = Array.isArray(schema.required) ? schema.required : [];
    for (const [key, child] of Object.entries(properties)) {
      collect(doc, resolve(doc, child), [...path, key], required && needed.includes(key), into);
    }
    return;
  }
  const allowed = allowedValues(doc, schema);
  if (allowed !== null && allowed.length === 1) {
    into.fixed.push({ path, value: allowed[0] });
    return;
  }
  const type = typeOf(doc, schema) ?? "string";
  const kind: FlagKind = type === "integer" || type === "number" ? "number" : type === "boolean" ? "boolean" : "string";
  into.flags.push({
    name: path.map(kebab).join("-"),
    path,
    kind,
    required,
    description: describe(schema, type, allowed),
  });
}

/** Every `POST /admin/...` route of an OpenAPI document as a command, sorted by group and name. */
export function adminCommands(document: unknown): AdminCommand[] {
  if (!isSchema(document) || !isSchema(document.paths)) return [];
  const commands: AdminCommand[] = [];
  for (const [route, item] of Object.entries(document.paths)) {
    const match = /^\/admin\/([^/]+)\/(.+)$/.exec(route);
    const post = isSchema(item) ? item.post : undefined;
    if (!match || !isSchema(post)) continue;
    const body = isSchema(post.requestBody) ? post.requestBody.content : undefined;
    const json = isSchema(body) ? body["application/json"] : undefined;
    const command: AdminCommand = {
      group: match[1] ?? "",
      name: kebab(match[2] ?? ""),
      path: route.slice("/admin".length),
      summary: typeof post.summary === "string" ? post.summary : "",
      flags: [],
      fixed: [],
    };
    if (isSchema(json)) collect(document, resolve(document, json.schema), [], true, command);
    commands.push(command);
  }
  return commands.sort((a, b) => `${a.group} ${a.name}`.localeCompare(`${b.group} ${b.name}`));
}

/**
 * The request body of a command from flag values as typed (strings): numbers and booleans are parsed,
 * fixed fields filled in. Refuses a missing required flag or a value of the wrong type.
 */
export function adminBody(
  command: AdminCommand,
  values: Record<string, string | undefined>,
): { ok: true; body: Record<string, unknown> } | { ok: false; message: string } {
  const body: Record<string, unknown> = {};
  const put = (path: string[], value: unknown) => {
    let node = body;
    for (const key of path.slice(0, -1)) {
      if (!isSchema(node[key])) node[key] = {};
      node = node[key] as Record<string, unknown>;
    }
    node[path[path.length - 1] ?? ""] = value;
  };
  for (const { path, value } of command.fixed) put(path, value);
  for (const flag of command.flags) {
    const raw = values[flag.name];
    if (raw === undefined) {
      if (flag.required) return { ok: false, message: `missing --${flag.name}` };
      continue;
    }
    if (flag.kind === "number") {
      const value = raw.trim() === "" ? Number.NaN : Number(raw);
      if (!Number.isFinite(value)) return { ok: false, message: `--${flag.name} must be a number, got "${raw}"` };
      put(flag.path, value);
    } else if (flag.kind === "boolean") {
      if (raw !== "true" && raw !== "false") return { ok: false, message: `--${flag.name} must be true or false` };
      put(flag.path, raw === "true");
    } else put(flag.path, raw);
  }
  return { ok: true, body };
}
