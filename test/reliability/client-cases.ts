/**
 * Generated client API calls for fuzz-api.test.ts: bodies, path segments and queries broken in one
 * known place (with the field the refusal must name), and well-formed requests with hostile values.
 */
import fc from "fast-check";
import { encodeCursor } from "../../src/directory/cursor";
import { newId } from "../helpers/admin";
import { accepts, type BodyCase, brokenBodies, type Field, labelled, loneSurrogate, weirdText } from "./fuzz-kit";

export const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const EPOCH_MAX = 8_640_000_000_000_000;

/** The fuzz room and its users; filled in by the test's beforeAll, read when cases are generated. */
export const fx = { room: "", host: "", member: "", outsider: "", hostProfile: 0, outsiderProfile: 0 };

/** One generated client call and the refusal it must get. */
export interface ApiCase extends BodyCase {
  method: string;
  path: string;
  as: string;
  status: 400 | 404;
  headers?: Record<string, string>;
}

const str = (
  path: string,
  min: number,
  max: number,
  { nullable, required = false }: { nullable?: boolean; required?: boolean } = {},
): Field => ({ path: [path], rule: { kind: "string", min, max, nullable }, required });
const url = (path: string, { nullable }: { nullable?: boolean } = {}): Field => ({
  path: [path],
  rule: { kind: "url", max: 2048, nullable },
  required: false,
});
interface IntExtra {
  nullable?: boolean;
  required?: boolean;
  also?: (value: number) => boolean;
  near?: fc.Arbitrary<number>;
}
const int = (path: string, min: number, max: number, { required = false, ...rule }: IntExtra = {}): Field => ({
  path: [path],
  rule: { kind: "int", min, max, ...rule },
  required,
});
const future = () => Date.now() + 60_000;
const past = () => fc.integer({ min: 1, max: Date.now() - 1000 });

interface BodyRoute {
  method: string;
  path: () => string;
  as: () => string;
  template: () => Record<string, unknown>;
  fields: () => Field[];
}

export function bodyCases(routes: BodyRoute[]): fc.Arbitrary<ApiCase> {
  return fc.oneof(
    ...routes.map((route) =>
      brokenBodies(route.template(), route.fields()).map((body) =>
        labelled<ApiCase>({ ...body, method: route.method, path: route.path(), as: route.as(), status: 400 }),
      ),
    ),
  );
}

/** Room routes with a JSON body: create, join, invite, restrict, settings. */
export function roomBodyRoutes(): BodyRoute[] {
  const roomPath = (suffix: string) => () => `/chatrooms/${fx.room}${suffix}`;
  return [
    ...["/chatroom", "/chatrooms"].map(
      (path): BodyRoute => ({
        method: "POST",
        path: () => path,
        as: () => fx.host,
        template: () => ({
          hostId: fx.host,
          hostOpenProfileId: fx.hostProfile,
          isOpen: false,
          users: [fx.host, fx.member],
          title: "T",
          thumbnail: "https://img/t.png",
          startAt: future() + 3_600_000,
          durationMinutes: 30,
        }),
        fields: () => [
          { path: ["hostId"], rule: { kind: "id" }, required: true },
          int("hostOpenProfileId", 1, MAX_SAFE, {
            nullable: true,
            also: (id) => id === fx.hostProfile,
            near: fc.oneof(fc.constant(fx.outsiderProfile), fc.integer({ min: 1, max: 2 ** 40 })),
          }),
          { path: ["isOpen"], rule: { kind: "bool" }, required: true },
          { path: ["users"], rule: { kind: "ids", min: 1, max: 1000, mustInclude: fx.host }, required: true },
          str("title", 0, 100, { nullable: true }),
          url("thumbnail", { nullable: true }),
          int("startAt", 0, EPOCH_MAX, { also: (t) => t > Date.now(), near: past() }),
          int("durationMinutes", 1, 7 * 24 * 60),
        ],
      }),
    ),
    {
      method: "POST",
      path: roomPath("/join"),
      as: () => fx.outsider,
      template: () => ({ openProfileId: fx.outsiderProfile }),
      fields: () => [
        int("openProfileId", 1, MAX_SAFE, {
          also: (id) => id === fx.outsiderProfile,
          near: fc.oneof(fc.constant(fx.hostProfile), fc.integer({ min: 1, max: 2 ** 40 })),
        }),
      ],
    },
    {
      method: "POST",
      path: roomPath("/members"),
      as: () => fx.host,
      template: () => ({ users: [newId("inv")] }),
      fields: () => [{ path: ["users"], rule: { kind: "ids", min: 1, max: 1000 }, required: true }],
    },
    {
      method: "PUT",
      path: () => `/chatrooms/${fx.room}/restrictions/${fx.member}`,
      as: () => fx.host,
      template: () => ({ status: 1, durationSeconds: 60, reason: "r" }),
      fields: () => [
        { path: ["status"], rule: { kind: "oneOf", values: [1, 2] }, required: true },
        int("durationSeconds", 0, 366 * 24 * 3600),
        str("reason", 0, 500),
        // With durationSeconds given, any expiresAt is one too many.
        int("expiresAt", 0, EPOCH_MAX, { also: () => false, near: fc.integer({ min: future(), max: future() * 2 }) }),
      ],
    },
    {
      method: "PUT",
      path: () => `/chatrooms/${fx.room}/restrictions/${fx.member}`,
      as: () => fx.host,
      template: () => ({ status: 2, expiresAt: future() + 3_600_000 }),
      fields: () => [
        { path: ["status"], rule: { kind: "oneOf", values: [1, 2] }, required: true },
        int("expiresAt", 0, EPOCH_MAX, { also: (t) => t === 0 || t > Date.now(), near: past() }),
      ],
    },
    {
      method: "PUT",
      path: roomPath("/settings"),
      as: () => fx.host,
      template: () => ({ title: "New", thumbnail: "https://img/n.png", muteAll: true, slowModeSeconds: 5 }),
      fields: () => [
        str("title", 1, 100),
        url("thumbnail", { nullable: true }),
        { path: ["muteAll"], rule: { kind: "bool" }, required: false },
        int("slowModeSeconds", 0, 3600),
        int("durationMinutes", 1, 7 * 24 * 60, { nullable: true }),
        // The room has started, so only a past startAt is a 400 (a future one is 409).
        int("startAt", 0, EPOCH_MAX, { also: (t) => t > Date.now(), near: past() }),
      ],
    },
  ];
}

/** Message and profile routes with a JSON body. */
export function messageProfileBodyRoutes(): BodyRoute[] {
  return [
    {
      method: "POST",
      path: () => `/chatrooms/${fx.room}/messages`,
      as: () => fx.member,
      template: () => ({ clientMsgId: "fuzz-1", content: "hello", contentType: "text" }),
      fields: () => [
        str("clientMsgId", 1, 64, { required: true }),
        str("content", 1, 4000, { required: true }),
        str("contentType", 1, 64),
      ],
    },
    {
      method: "POST",
      path: () => `/chatrooms/${fx.room}/read`,
      as: () => fx.member,
      template: () => ({ seq: 1 }),
      fields: () => [int("seq", 0, MAX_SAFE, { required: true })],
    },
    {
      method: "PUT",
      path: () => "/users/me/profile",
      as: () => fx.host,
      template: () => ({ nickname: "Host 2", imageUrl: "https://img/h2.png" }),
      fields: () => [str("nickname", 1, 100), url("imageUrl", { nullable: true })],
    },
    {
      method: "POST",
      path: () => "/users/me/open-profiles",
      as: () => fx.host,
      template: () => ({ nickname: "Anon", imageUrl: "https://img/o.png" }),
      fields: () => [str("nickname", 1, 100, { required: true }), url("imageUrl")],
    },
  ];
}

/** A path segment that is not a valid id, percent-encoded; lone surrogates become invalid UTF-8. */
const badSegment = fc
  .oneof(
    weirdText,
    fc.integer({ min: 65, max: 300 }).map((n) => "a".repeat(n)),
    loneSurrogate,
  )
  .filter((text) => text.length > 0 && !/^[A-Za-z0-9_.:@-]{1,64}$/.test(text))
  .map((text) =>
    [...text]
      .map((char) => {
        const unit = char.charCodeAt(0);
        if (char.length === 1 && unit >= 0xd800 && unit <= 0xdfff) {
          return `%${(0xe0 | (unit >> 12)).toString(16)}%${(0x80 | ((unit >> 6) & 63)).toString(16)}%${(0x80 | (unit & 63)).toString(16)}`.toUpperCase();
        }
        return encodeURIComponent(char);
      })
      .join(""),
  );

/** Every room route, with a bad :id or :userId (and a valid body where one is needed). */
export const badPaths: fc.Arbitrary<ApiCase> = fc
  .tuple(
    badSegment,
    fc.constantFrom(
      ["GET", "", undefined],
      ["POST", "/join", "{}"],
      ["POST", "/leave", undefined],
      ["POST", "/members", '{"users":["someone"]}'],
      ["PUT", "/settings", '{"title":"x"}'],
      ["GET", "/messages", undefined],
      ["POST", "/messages", '{"clientMsgId":"p","content":"x"}'],
      ["POST", "/read", '{"seq":0}'],
      ["DELETE", "/members/:user", undefined],
      ["PUT", "/managers/:user", undefined],
      ["DELETE", "/managers/:user", undefined],
      ["PUT", "/restrictions/:user", '{"status":1}'],
      ["DELETE", "/restrictions/:user", undefined],
    ),
    fc.boolean(),
  )
  .map(([segment, [method, suffix, raw], inUser]) => {
    const onUser = suffix?.endsWith(":user") === true && inUser;
    const id = onUser ? fx.room : segment;
    const path = `/chatrooms/${id}${suffix?.replace(":user", onUser ? segment : fx.member) ?? ""}`;
    return labelled<ApiCase>({
      method: method as string,
      path,
      raw: raw ?? "",
      as: fx.host,
      status: 400,
      fields: [onUser ? "userId" : "id"],
      mode: "bad path segment",
    });
  });

/** A query value that coerces to a number outside [min, max] or to no integer at all. */
function badNumberParam(min: number, max: number): fc.Arbitrary<string> {
  return fc
    .oneof(
      fc.constantFrom("", " ", "abc", "1.5", "-1", "1e400", "NaN", "Infinity", "0x", "1_000", "9007199254740993"),
      fc.integer().map(String),
      fc.double().map(String),
      weirdText,
    )
    .filter((text) => {
      const value = Number(text);
      return !(Number.isInteger(value) && value >= min && value <= max);
    });
}

const q = (value: string) => encodeURIComponent(value.replace(/[\ud800-\udfff]/g, "?"));

/** Room-list queries with one bad parameter. */
export const badListQueries: fc.Arbitrary<ApiCase> = fc
  .oneof(
    weirdText.filter((s) => s !== "ongoing" && s !== "scheduled").map((s) => ["status", s] as const),
    badNumberParam(1, 100).map((s) => ["limit", s] as const),
    fc
      .oneof(
        fc.string({ minLength: 1 }),
        fc.integer({ min: 1001, max: 5000 }).map((n) => "A".repeat(n)),
      )
      .map((s) => ["cursor", s] as const),
  )
  .map(([field, value]) =>
    labelled<ApiCase>({
      method: "GET",
      path: `/chatrooms?${field}=${q(value)}`,
      raw: "",
      as: fx.host,
      status: 400,
      fields: [field],
      mode: "bad list query",
    }),
  );

/** History and socket queries with one bad parameter (or both before and after). */
export const badMessageQueries: fc.Arbitrary<ApiCase> = fc.oneof(
  fc
    .oneof(
      badNumberParam(1, MAX_SAFE).map((s) => ["before", `before=${q(s)}`] as const),
      badNumberParam(0, MAX_SAFE).map((s) => ["after", `after=${q(s)}`] as const),
      badNumberParam(1, 100).map((s) => ["limit", `limit=${q(s)}`] as const),
      fc.tuple(fc.nat(), fc.nat()).map(([a, b]) => ["before", `before=${a + 1}&after=${b}`] as const),
    )
    .map(([field, query]) =>
      labelled<ApiCase>({
        method: "GET",
        path: `/chatrooms/${fx.room}/messages?${query}`,
        raw: "",
        as: fx.member,
        status: 400,
        fields: [field],
        mode: "bad history query",
      }),
    ),
  badNumberParam(0, MAX_SAFE).map((s) =>
    labelled<ApiCase>({
      method: "GET",
      path: `/chatrooms/${fx.room}/ws?since=${q(s)}`,
      raw: "",
      as: fx.member,
      status: 400,
      fields: ["since"],
      headers: { upgrade: "websocket" },
      mode: "bad since",
    }),
  ),
);

/** Paths and methods the API does not have: 404 NOT_FOUND. */
export const unknownRoutes: fc.Arbitrary<ApiCase> = fc
  .tuple(fc.constantFrom("GET", "POST", "PATCH", "PUT", "DELETE"), fc.stringMatching(/^[a-z]{1,10}$/))
  .map(([method, word]) =>
    labelled<ApiCase>({
      method,
      path: `/zz-${word}`,
      raw: "",
      as: fx.host,
      status: 404,
      fields: [],
      mode: "unknown route",
    }),
  );

/** Text of `min`..`max` code points, ill-formed and hostile included. */
const oddText = (min: number, max: number) =>
  fc
    .tuple(weirdText, fc.integer({ min, max }))
    .map(([text, length]) => [...(text || "x").repeat(max)].slice(0, length).join(""))
    .filter((text) => [...text].length >= min);

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Ill-formed text (a lone surrogate) anywhere in a body is refused naming the field (400). */
const unlessIllFormed = (body: Record<string, unknown>, statuses: number[]): number[] =>
  Object.values(body).some((value) => typeof value === "string" && LONE_SURROGATE.test(value)) ? [400] : statuses;

/** A well-formed request with hostile values, and the statuses SPEC §3 allows for it. */
export interface OddCase {
  method: string;
  path: string;
  body?: unknown;
  allowed: number[];
  mode: string;
}

export function oddCases(oddRoom: string): fc.Arbitrary<OddCase> {
  return fc.oneof(
    fc.tuple(oddText(1, 100), fc.option(oddText(0, 2048))).map(([nickname, imageUrl]) => ({
      method: "PUT",
      path: "/users/me/profile",
      body: { nickname, imageUrl },
      allowed:
        imageUrl === null || accepts({ kind: "url", max: 2048 }, imageUrl)
          ? unlessIllFormed({ nickname, imageUrl }, [200])
          : [400],
      mode: "profile",
    })),
    oddText(1, 100).map((nickname) => ({
      method: "POST",
      path: "/users/me/open-profiles",
      body: { nickname },
      allowed: unlessIllFormed({ nickname }, [201]),
      mode: "open profile",
    })),
    fc
      .tuple(fc.constantFrom(1e308, -1e308, MAX_SAFE, 0, -1, 5e-324), oddText(0, 64), fc.boolean())
      .map(([at, id, ongoing]) => ({
        method: "GET",
        path: `/chatrooms?cursor=${encodeCursor(ongoing ? { ongoing: [at, id] } : { scheduled: [at, id] })}`,
        allowed: [200],
        mode: "cursor",
      })),
    fc
      .tuple(fc.integer({ min: 1, max: MAX_SAFE }), fc.integer({ min: 1, max: 100 }), fc.boolean())
      .map(([seq, limit, before]) => ({
        method: "GET",
        path: `/chatrooms/${oddRoom}/messages?${before ? "before" : "after"}=${before ? seq : seq - 1}&limit=${limit}`,
        allowed: [200],
        mode: "history",
      })),
    fc
      .tuple(oddText(1, 64), oddText(1, 4000), fc.option(oddText(1, 64), { nil: undefined }))
      .map(([clientMsgId, content, contentType]) => ({
        method: "POST",
        path: `/chatrooms/${oddRoom}/messages`,
        body: { clientMsgId, content, contentType },
        allowed: unlessIllFormed({ clientMsgId, content, contentType }, [200, 201, 429]),
        mode: "send",
      })),
    oddText(1, 100).map((title) => ({
      method: "PUT",
      path: `/chatrooms/${oddRoom}/settings`,
      body: { title },
      allowed: unlessIllFormed({ title }, [200]),
      mode: "settings",
    })),
  );
}
