/**
 * Generators for the fuzz suites: request bodies that are wrong in exactly one known place, so the
 * test knows which field the refusal must name. The field rules are written here from SPEC §2–5,
 * independently of src/, so a body is never "invalid" only because the code under test says so.
 */
import fc from "fast-check";

/** SPEC §5 id rule, restated (not imported) so the generators do not trust src/limits.ts. */
const ID = /^[A-Za-z0-9_.:@-]{1,64}$/;
/** limits.ts BODY_MAX_BYTES: above it a body may be refused as a whole ("body") instead of by field. */
export const BODY_LIMIT_BYTES = 256 * 1024;
/** Largest body the suites send (a little over the limit). */
export const HUGE_MAX = 300 * 1024;

/** What one JSON field accepts. */
export type Rule =
  | { kind: "id"; emptyOk?: boolean }
  | { kind: "string"; min: number; max: number; nullable?: boolean }
  /** A user-supplied URL: "" (none) or an absolute http(s) URL with a host, no whitespace or controls. */
  | { kind: "url"; max: number; nullable?: boolean }
  | {
      kind: "int";
      min: number;
      max: number;
      nullable?: boolean;
      /** A further rule (a time in the future, an id that exists) and values that break it. */
      also?: (value: number) => boolean;
      near?: fc.Arbitrary<number>;
    }
  | { kind: "oneOf"; values: readonly (string | number)[] }
  | { kind: "bool" }
  | { kind: "ids"; min: number; max: number; mustInclude?: string }
  | { kind: "object" };

/** One field of a body template: where it sits, what it accepts, and whether it may be left out. */
export interface Field {
  path: readonly string[];
  rule: Rule;
  required: boolean;
}

/** A generated request body and the field its refusal must name. */
export interface BodyCase {
  raw: string;
  /** Field paths the refusal may name ("body" for the body as a whole). */
  fields: string[];
  /** How the body was broken, for failure messages. */
  mode: string;
}

/** True when `value` (after a JSON round trip) satisfies the rule. */
export function accepts(rule: Rule, value: unknown): boolean {
  switch (rule.kind) {
    case "id":
      return typeof value === "string" && (ID.test(value) || (rule.emptyOk === true && value === ""));
    case "string":
      if (value === null) return rule.nullable === true;
      return typeof value === "string" && between([...value].length, rule.min, rule.max);
    case "url":
      if (value === null) return rule.nullable === true;
      return typeof value === "string" && [...value].length <= rule.max && isHttpUrl(value);
    case "int":
      if (value === null) return rule.nullable === true;
      return (
        typeof value === "number" &&
        Number.isInteger(value) &&
        value >= rule.min &&
        value <= rule.max &&
        (rule.also?.(value) ?? true)
      );
    case "oneOf":
      return (typeof value === "string" || typeof value === "number") && rule.values.includes(value);
    case "bool":
      return typeof value === "boolean";
    case "ids":
      return (
        Array.isArray(value) &&
        value.length >= rule.min &&
        value.length <= rule.max &&
        value.every((item) => accepts({ kind: "id" }, item)) &&
        (rule.mustInclude === undefined || value.includes(rule.mustInclude))
      );
    case "object":
      return typeof value === "object" && value !== null && !Array.isArray(value);
  }
}

/** SPEC §8.1: http(s) only. Restated here with the platform's URL parser, not imported from src/. */
function isHttpUrl(value: string): boolean {
  if (value === "") return true;
  if ([...value].some((char) => (char.codePointAt(0) ?? 0) <= 0x20 || /[\u007f-\u009f]/u.test(char))) return false;
  try {
    const url = new URL(value);
    return ["http:", "https:"].includes(url.protocol) && url.hostname !== "";
  } catch {
    return false;
  }
}

/** Lengths are counted in code points, as SPEC §5 counts "characters" (and zod does). */
const between = (length: number, min: number, max: number) => length >= min && length <= max;

const roundTrip = (value: unknown): unknown => JSON.parse(JSON.stringify(value) ?? "null");

/** One code unit of a UTF-16 surrogate pair, alone: ill-formed text that JSON still carries. */
export const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((unit) => String.fromCharCode(unit));

/** Characters that break naive parsers, paths, logs and terminals. */
const nasty = fc.constantFrom(
  "\u0000",
  " ",
  "/",
  "\\",
  "?",
  "#",
  "%",
  "\n",
  '"',
  "'",
  "é",
  "😀",
  "\u202e",
  "\ufeff",
  "__proto__",
  "constructor",
  "<script>",
  "' OR 1=1 --",
);

/** Unicode text including lone surrogates and the characters above. */
export const weirdText = fc
  .array(fc.oneof(fc.string({ unit: "binary", maxLength: 6 }), loneSurrogate, nasty), { maxLength: 6 })
  .map((parts) => parts.join(""));

/** A long string built by repetition (fast even at 300 KB), of one possibly multi-unit character. */
export function longString(minLength: number, maxLength = HUGE_MAX): fc.Arbitrary<string> {
  return fc
    .tuple(fc.constantFrom("x", "é", "😀", "\ud800", "\u0000", '"'), fc.integer({ min: minLength, max: maxLength }))
    .map(([unit, length]) => unit.repeat(Math.ceil(length / unit.length)));
}

/** Valid JSON nested up to 20,000 levels deep (arrays or objects), as raw text. */
export const deepJson = fc
  .tuple(fc.integer({ min: 1, max: 20_000 }), fc.boolean())
  .map(([depth, arrays]) =>
    arrays ? `${"[".repeat(depth)}${"]".repeat(depth)}` : `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`,
  );

/** Keys that pollute prototypes in careless merge code. */
const POISON_KEYS = ["__proto__", "constructor", "prototype"] as const;
const poisonValue = fc.constantFrom(
  '{"polluted":true}',
  '{"prototype":{"polluted":true}}',
  '{"__proto__":{"polluted":true}}',
  '"polluted"',
  "null",
);

/** Any JSON value (including deep and odd ones), as a JS value. */
const anyJson = fc.oneof(
  { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: weirdText },
  { weight: 1, arbitrary: fc.constantFrom(-0, Number.MAX_SAFE_INTEGER + 2, -1e308, 1e308, 5e-324, 0.5) },
);

/** A value the rule refuses, even after the JSON round trip (NaN becomes null, 1.0 becomes 1, ...). */
export function badValue(rule: Rule): fc.Arbitrary<unknown> {
  const near: fc.Arbitrary<unknown>[] = [];
  switch (rule.kind) {
    case "id":
      near.push(
        weirdText,
        fc.integer({ min: 65, max: 400 }).map((n) => "a".repeat(n)),
        longString(65),
        fc.constant(""),
      );
      break;
    case "string":
      near.push(longString(rule.max + 1, Math.min(HUGE_MAX, rule.max * 4 + 10)), longString(rule.max + 1));
      if (rule.min > 0) near.push(fc.constant(""));
      near.push(fc.integer(), fc.boolean(), fc.array(fc.string(), { maxLength: 2 }));
      break;
    case "url":
      near.push(
        fc.constantFrom(
          "javascript:alert(1)",
          " javascript:alert(1)",
          "java\tscript:alert(1)",
          "data:text/html,<script>alert(1)</script>",
          "file:///etc/passwd",
          "//evil.example/a.png",
          "/a.png",
          "https://a b/c",
          "not a url",
        ),
        longString(rule.max + 1).map((tail) => `https://img.example/${tail}`),
        fc.integer(),
        fc.boolean(),
        weirdText,
      );
      break;
    case "int":
      near.push(
        fc.constantFrom(rule.min - 1, rule.max + 1, rule.min - 0.5, rule.min + 0.5, -1e300, 1e300),
        fc.integer({ min: rule.min, max: Math.min(rule.max, rule.min + 1000) }).map(String),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
      );
      if (rule.near) near.push(rule.near);
      break;
    case "oneOf":
      near.push(fc.integer({ min: -3, max: 6 }), fc.constantFrom(...rule.values.map(String)), fc.constant(true));
      break;
    case "bool":
      near.push(fc.constantFrom(0, 1, "true", "false", "yes"));
      break;
    case "ids":
      near.push(
        fc.constant([]),
        fc.integer({ min: rule.max + 1, max: rule.max + 50 }).map((n) => Array.from({ length: n }, (_, i) => `u${i}`)),
        fc
          .tuple(fc.array(fc.constantFrom("ok-a", "ok-b"), { maxLength: 3 }), badValue({ kind: "id" }))
          .map(([good, bad]) => [...good, bad]),
        fc.constant("u1"),
        fc.array(fc.constantFrom("ok-a", "ok-b", "ok-c"), { minLength: 1, maxLength: 3 }),
      );
      break;
    case "object":
      break;
  }
  return fc.oneof(...near, anyJson).filter((value) => !accepts(rule, roundTrip(value)));
}

/** Raw JSON tokens put where a field's value goes; only ±1e400 (±Infinity) are valid JSON. */
const RAW_TOKENS = [
  "NaN",
  "Infinity",
  "-Infinity",
  "1e400",
  "-1e400",
  "0x10",
  "01",
  "+1",
  ".5",
  "1.",
  "undefined",
  "'x'",
  "True",
];

function setPath(body: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let target: Record<string, unknown> = body;
  for (const key of path.slice(0, -1)) {
    const next = target[key];
    if (typeof next !== "object" || next === null) return;
    target = next as Record<string, unknown>;
  }
  const last = path[path.length - 1] as string;
  if (value === undefined) delete target[last];
  else target[last] = value;
}

const clone = (body: Record<string, unknown>) => structuredClone(body);
const MARK = "\u0000RAW\u0000";

/** Puts raw text where the value at `path` goes. */
function withRaw(template: Record<string, unknown>, path: readonly string[], token: string): string {
  const body = clone(template);
  setPath(body, path, MARK);
  return JSON.stringify(body).replace(JSON.stringify(MARK), token);
}

/** Prepends poison keys to the body's JSON text (JSON.parse makes them own properties). */
function withPoison(raw: string, poison: [string, string][]): string {
  if (!raw.startsWith("{") || poison.length === 0) return raw;
  const keys = poison.map(([key, value]) => `${JSON.stringify(key)}:${value}`).join(",");
  return raw === "{}" ? `{${keys}}` : `{${keys},${raw.slice(1)}`;
}

/** Adds a huge unknown field so the body is as big as `bytes`. */
function withPadding(raw: string, bytes: number): string {
  if (!raw.startsWith("{") || raw === "{}") return raw;
  return `{"padding":"${"p".repeat(Math.max(0, bytes - raw.length))}",${raw.slice(1)}`;
}

/** The fields a refusal of `raw` may name: the broken one, or "body" when the body is over the limit. */
function allowed(field: string, raw: string): string[] {
  return new TextEncoder().encode(raw).length > BODY_LIMIT_BYTES ? [field, "body"] : [field];
}

/** Text that is not JSON at all. */
function notJson(template: Record<string, unknown>): fc.Arbitrary<string> {
  const text = JSON.stringify(template);
  return fc.oneof(
    fc.integer({ min: 0, max: text.length - 1 }).map((end) => text.slice(0, end)),
    fc.constantFrom(
      "",
      "NaN",
      "Infinity",
      "-Infinity",
      "undefined",
      "{'a':1}",
      '{"a":1,}',
      "[1,2,]",
      '{"a":1}/* c */',
      '{"a" 1}',
      "{a:1}",
      "\u0000",
      "}{",
    ),
    fc.integer({ min: 1, max: 50_000 }).map((depth) => "[".repeat(depth)),
    fc.string({ unit: "binary" }).filter((candidate) => {
      try {
        JSON.parse(candidate);
        return false;
      } catch {
        return true;
      }
    }),
    fc
      .tuple(fc.constantFrom("NaN", "Infinity", "-Infinity"), fc.constantFrom(...Object.keys(template)))
      .map(([token, key]) => withRaw(template, [key], token)),
  );
}

/**
 * Bodies for one route, each wrong in exactly one way: a field of the wrong type, out of range,
 * missing, or replaced by raw non-JSON tokens; a root that is not an object; text that is not JSON.
 * Poison keys and padding are added on top and never make a body valid. With `nullMeansAbsent`, null
 * (or what JSON turns into null) in an optional field is not a break.
 */
export function brokenBodies(
  template: Record<string, unknown>,
  fields: readonly Field[],
  options: { nullMeansAbsent?: boolean } = {},
): fc.Arbitrary<BodyCase> {
  const root = "body";
  const poison = fc.array(fc.tuple(fc.constantFrom(...POISON_KEYS), poisonValue), { maxLength: 2 });
  const dressed = (raw: string, field: string, mode: string) =>
    fc
      .tuple(poison, fc.oneof({ weight: 9, arbitrary: fc.constant(0) }, fc.constant(BODY_LIMIT_BYTES + 4096)))
      .map(([keys, pad]): BodyCase => {
        const text = withPadding(withPoison(raw, keys), pad);
        return {
          raw: text,
          fields: allowed(field, text),
          mode: `${mode}${keys.length ? "+poison" : ""}${pad ? "+pad" : ""}`,
        };
      });
  const field = fc.constantFrom(...fields);
  const modes: fc.Arbitrary<BodyCase>[] = [
    field.chain((f) =>
      // Where null means absent (the admin API, SPEC §8.2), null in an optional field is valid.
      badValue(f.rule)
        .filter((value) => !(options.nullMeansAbsent && !f.required && roundTrip(value) === null))
        .chain((value) => {
          const body = clone(template);
          setPath(body, f.path, value);
          return dressed(JSON.stringify(body), f.path.join("."), "bad value");
        }),
    ),
    field.chain((f) =>
      fc.oneof(fc.constantFrom(...RAW_TOKENS), deepJson).chain((token) => {
        const infinite = token === "1e400" || token === "-1e400" || token.startsWith("[") || token.startsWith("{");
        return dressed(
          withRaw(template, f.path, token),
          infinite ? f.path.join(".") : root,
          `raw ${token.slice(0, 12)}`,
        );
      }),
    ),
    fc
      .oneof(
        fc
          .jsonValue({ maxDepth: 2 })
          .filter((value) => typeof value !== "object" || Array.isArray(value) || value === null),
        weirdText,
      )
      .map((value): BodyCase => ({ raw: JSON.stringify(value), fields: [root], mode: "root not an object" })),
    notJson(template).map((raw): BodyCase => ({ raw, fields: allowed(root, raw), mode: "not JSON" })),
  ];
  const required = fields.filter((f) => f.required);
  if (required.length > 0) {
    modes.push(
      fc.constantFrom(...required).chain((f) => {
        const body = clone(template);
        setPath(body, f.path, undefined);
        return dressed(JSON.stringify(body), f.path.join("."), "missing");
      }),
    );
  }
  return fc.oneof(...modes);
}

/** True when an error message names `field` (zod paths may go deeper: "users.3: ..."). */
export function namesField(message: string, field: string): boolean {
  return message.startsWith(`${field}:`) || message.startsWith(`${field}.`);
}

/**
 * A short, ASCII-safe description of a case and its reply for failure messages: lone surrogates
 * would otherwise break the pool's own WebSocket to Vitest (invalid UTF-8), and 300 KB bodies would
 * flood the report.
 */
export function describeCase(c: BodyCase & { path?: string }, reply: string): string {
  const raw = c.raw.length > 240 ? `${c.raw.slice(0, 160)}…(${c.raw.length} chars)…${c.raw.slice(-60)}` : c.raw;
  return `${c.path ?? ""} [${c.mode}] ${JSON.stringify(raw)} → ${JSON.stringify(reply.slice(0, 200))}`;
}

/** Makes fast-check print a case by its short description instead of its whole body. */
export function labelled<T extends BodyCase & { path?: string }>(c: T): T {
  return Object.defineProperty(c, fc.toStringMethod, { value: () => describeCase(c, ""), enumerable: false });
}

/** What the schema property needs from a zod schema. */
export interface Parser {
  safeParse(value: unknown): { success: boolean; data?: unknown };
}

/** The zod schemas among a module's exports (helpers such as `envelope()` are left out). */
export function schemasOf(exports: Record<string, unknown>): [string, Parser][] {
  return Object.entries(exports).flatMap(([name, value]): [string, Parser][] =>
    typeof (value as { safeParse?: unknown } | null)?.safeParse === "function" ? [[name, value as Parser]] : [],
  );
}

/** A stack trace line as V8 prints it. */
export const STACK_LINE = /\n\s+at /;
