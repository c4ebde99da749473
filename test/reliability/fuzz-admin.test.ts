/**
 * Property-based fuzzing of the Wildfire admin API (SPEC §2, §5): every broken body gets HTTP 200
 * with code 251 naming the broken field (unknown paths 254), never code 4 or a stack trace, and
 * leaves the room object and the D1 directory exactly as they were.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import * as AdminSchemas from "../../src/admin/schemas";
import { newId } from "../helpers/admin";
import {
  type BodyCase,
  brokenBodies,
  describeCase,
  type Field,
  labelled,
  namesField,
  STACK_LINE,
  schemasOf,
  weirdText,
} from "./fuzz-kit";
import { directoryRows, prototypeKeys, roomRows, settle } from "./state";
import { adminCall, adminJson, apiJson } from "./worker";

/** Requests sent at once per property run, and runs per family: 40 × 25 = 1,000 cases. */
const BATCH = 25;
const RUNS = 40;

const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const id = (path: string, required = true): Field => ({ path: [path], rule: { kind: "id" }, required });
const str = (path: string[], min: number, max: number, required = false): Field => ({
  path,
  rule: { kind: "string", min, max },
  required,
});
const oneOf = (path: string, values: number[], required = true): Field => ({
  path: [path],
  rule: { kind: "oneOf", values },
  required,
});

interface Route {
  path: string;
  template: Record<string, unknown>;
  fields: Field[];
}

let room = "";
let manager = "";
let muted = "";
const counts = { chatroom: 0, userMessage: 0, schemas: 0 };

/** The chatroom routes, each with a valid body for the fuzz room and the rules of its fields. */
function chatroomRoutes(): Route[] {
  const ref = { chatroomId: room };
  return [
    {
      path: "/chatroom/create",
      template: {
        chatroomId: room,
        title: "Renamed",
        desc: "d",
        portrait: "https://img/p.png",
        extra: "e",
        state: 0,
      },
      fields: [
        { path: ["chatroomId"], rule: { kind: "id", emptyOk: true }, required: false },
        str(["title"], 1, 100, true),
        str(["desc"], 0, 1000),
        { path: ["portrait"], rule: { kind: "url", max: 2048 }, required: false },
        str(["extra"], 0, 4096),
        oneOf("state", [0, 1, 2], false),
      ],
    },
    { path: "/chatroom/info", template: ref, fields: [id("chatroomId")] },
    { path: "/chatroom/del", template: ref, fields: [id("chatroomId")] },
    { path: "/chatroom/get_black_status", template: ref, fields: [id("chatroomId")] },
    { path: "/chatroom/get_manager_list", template: ref, fields: [id("chatroomId")] },
    {
      path: "/chatroom/set_black_status",
      template: { chatroomId: room, userId: manager, status: 2, expiredTime: Date.now() + 3_600_000 },
      fields: [
        id("chatroomId"),
        id("userId"),
        oneOf("status", [0, 1, 2]),
        // Status 2 with a past expiredTime is refused too (SPEC §2: past → 251).
        {
          path: ["expiredTime"],
          rule: {
            kind: "int",
            min: 0,
            max: MAX_SAFE,
            also: (t) => t === 0 || t > Date.now(),
            near: fc.integer({ min: 1, max: Date.now() - 1000 }),
          },
          required: false,
        },
      ],
    },
    {
      path: "/chatroom/set_manager",
      template: { chatroomId: room, userId: muted, status: 1 },
      fields: [id("chatroomId"), id("userId"), oneOf("status", [0, 1])],
    },
    {
      path: "/chatroom/mute_all",
      template: { chatroomId: room, status: 1 },
      fields: [id("chatroomId"), oneOf("status", [0, 1])],
    },
    {
      path: "/chatroom/members",
      template: { chatroomId: room, offset: 0, limit: 10 },
      fields: [
        id("chatroomId"),
        { path: ["offset"], rule: { kind: "int", min: 0, max: MAX_SAFE }, required: false },
        { path: ["limit"], rule: { kind: "int", min: 1, max: 10_000 }, required: false },
      ],
    },
  ];
}

/** The user and message routes. */
function userMessageRoutes(): Route[] {
  return [
    {
      path: "/user/create",
      template: { userId: manager, name: "n", displayName: "Manager", portrait: "https://img/p.png" },
      fields: [
        { path: ["userId"], rule: { kind: "id", emptyOk: true }, required: false },
        str(["name"], 0, 100),
        str(["displayName"], 1, 100, true),
        { path: ["portrait"], rule: { kind: "url", max: 2048 }, required: false },
      ],
    },
    {
      path: "/user/get_token",
      template: { userId: manager, ttlSeconds: 3600 },
      fields: [
        id("userId"),
        { path: ["ttlSeconds"], rule: { kind: "int", min: 60, max: 90 * 86_400 }, required: false },
      ],
    },
    {
      path: "/message/send",
      template: {
        sender: manager,
        conv: { type: 2, target: room, line: 0 },
        payload: { type: 1, searchableContent: "hi" },
      },
      fields: [
        id("sender"),
        { path: ["conv"], rule: { kind: "object" }, required: true },
        { path: ["conv", "type"], rule: { kind: "oneOf", values: [2] }, required: true },
        { path: ["conv", "target"], rule: { kind: "id" }, required: true },
        { path: ["conv", "line"], rule: { kind: "oneOf", values: [0] }, required: true },
        { path: ["payload"], rule: { kind: "object" }, required: true },
        { path: ["payload", "type"], rule: { kind: "int", min: 0, max: 1_000_000 }, required: true },
        // The stored text: 1..4000 characters (SPEC §4), checked after the schema.
        str(["payload", "searchableContent"], 1, 4000),
        str(["clientMsgId"], 1, 64),
      ],
    },
    {
      path: "/message/recall",
      template: { chatroomId: room, messageUid: 1 },
      fields: [
        id("chatroomId"),
        { path: ["messageUid"], rule: { kind: "int", min: 1, max: Number.MAX_SAFE_INTEGER }, required: true },
      ],
    },
  ];
}

/** One generated admin call: a route's path and a broken body, or an unknown path. */
interface AdminCase extends BodyCase {
  path: string;
  code: number;
}

function casesFor(routes: Route[]): fc.Arbitrary<AdminCase> {
  return fc.oneof(
    ...routes.map((route) =>
      brokenBodies(route.template, route.fields, { nullMeansAbsent: true }).map((body) =>
        labelled<AdminCase>({ ...body, path: route.path, code: 251 }),
      ),
    ),
  );
}

/** Signed calls to paths that do not exist answer 254 whatever the body. */
const unknownPaths: fc.Arbitrary<AdminCase> = fc
  .tuple(
    fc.constantFrom("/chatroom/", "/user/", "/message/", "/", "/chatroom/create/", "/CHATROOM/INFO"),
    fc.stringMatching(/^[a-z_]{0,12}$/),
  )
  .map(([prefix, rest]) => `${prefix}${rest}`)
  .filter(
    (path) =>
      !/^\/(chatroom\/(create|info|del|set_black_status|get_black_status|set_manager|get_manager_list|mute_all|members)|user\/(create|get_token)|message\/send)$/.test(
        path,
      ),
  )
  .chain((path) =>
    weirdText.map((text) =>
      labelled<AdminCase>({ path, raw: JSON.stringify({ text }), fields: [], code: 254, mode: "unknown path" }),
    ),
  );

/** Sends one case and checks the Wildfire refusal; returns nothing, throws with the case on a mismatch. */
async function refuse(c: AdminCase): Promise<void> {
  const res = await adminCall(c.path, c.raw);
  const text = await res.text();
  const where = describeCase(c, text);
  expect(res.status, where).toBe(200);
  expect(STACK_LINE.test(text), where).toBe(false);
  expect(text.length, where).toBeLessThan(1000);
  const reply = JSON.parse(text) as { code: number; msg: string; result?: unknown };
  expect(Object.keys(reply).sort(), where).toEqual(["code", "msg"]);
  expect(reply.code, where).toBe(c.code);
  if (c.code === 251)
    expect(
      c.fields.some((field) => namesField(reply.msg, field)),
      where,
    ).toBe(true);
}

/** Everything the admin API and the storage can tell about the fuzz room. */
async function observe() {
  const [info, members, managers, black] = await Promise.all([
    adminJson("/chatroom/info", { chatroomId: room }),
    adminJson("/chatroom/members", { chatroomId: room }),
    adminJson("/chatroom/get_manager_list", { chatroomId: room }),
    adminJson("/chatroom/get_black_status", { chatroomId: room }),
  ]);
  const list = await apiJson("GET", "/chatrooms", { as: manager });
  return {
    api: [info, members, managers, black].map((reply) => reply.result),
    list: list.body.data,
    room: await roomRows(room),
    directory: await directoryRows(),
  };
}

async function fuzzFamily(routes: Route[], extra: fc.Arbitrary<AdminCase>[], count: (n: number) => void) {
  const before = JSON.parse(JSON.stringify(await observe())) as unknown;
  const protoBefore = prototypeKeys();
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.oneof({ weight: 20, arbitrary: casesFor(routes) }, ...extra), { minLength: BATCH, maxLength: BATCH }),
      async (cases) => {
        count(cases.length);
        await Promise.all(cases.map(refuse));
      },
    ),
    { numRuns: RUNS, endOnFailure: true },
  );
  expect(prototypeKeys()).toEqual(protoBefore);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(JSON.stringify(await observe())).toBe(JSON.stringify(before));
}

beforeAll(async () => {
  // The access log prints a line per request; thousands of them only slow the run down.
  vi.spyOn(console, "log").mockImplementation(() => {});
  room = newId("fuzz");
  expect((await adminJson("/chatroom/create", { chatroomId: room, title: "Fuzz", desc: "before" })).code).toBe(0);
  manager = newId("mgr");
  muted = newId("muted");
  for (const userId of [manager, muted]) {
    expect((await apiJson("POST", `/chatrooms/${room}/join`, { as: userId, body: {} })).status).toBe(200);
  }
  expect((await adminJson("/chatroom/set_manager", { chatroomId: room, userId: manager, status: 1 })).code).toBe(0);
  expect((await adminJson("/chatroom/set_black_status", { chatroomId: room, userId: muted, status: 1 })).code).toBe(0);
  expect((await adminJson("/user/create", { userId: manager, displayName: "Manager" })).code).toBe(0);
  const sent = await adminJson("/message/send", {
    sender: manager,
    conv: { type: 2, target: room, line: 0 },
    payload: { type: 1, searchableContent: "before" },
  });
  expect(sent.code).toBe(0);
  await settle(room);
});

afterAll(() => {
  vi.restoreAllMocks();
  console.info(`fuzz-admin cases: ${JSON.stringify(counts)}`);
});

describe("admin API under random and adversarial bodies", () => {
  it("refuses every broken chatroom-route body with 251 naming the field and changes nothing", async () => {
    await fuzzFamily(chatroomRoutes(), [], (n) => {
      counts.chatroom += n;
    });
    expect(counts.chatroom).toBeGreaterThanOrEqual(1000);
  });

  it("refuses every broken user- and message-route body with 251 (unknown paths 254) and changes nothing", async () => {
    await fuzzFamily(userMessageRoutes(), [unknownPaths], (n) => {
      counts.userMessage += n;
    });
    expect(counts.userMessage).toBeGreaterThanOrEqual(1000);
  });
});

describe("admin wire schemas", () => {
  const schemas = schemasOf(AdminSchemas);

  it("covers every exported schema", () => {
    expect(schemas.map(([name]) => name).sort()).toEqual(
      [
        "BlackList",
        "ChatroomCreated",
        "ChatroomInfo",
        "ChatroomRef",
        "CreateChatroom",
        "CreateUser",
        "GetToken",
        "Members",
        "MessageSent",
        "MuteAll",
        "RecallMessage",
        "SendMessage",
        "SetBlackStatus",
        "SetManager",
        "UserCreated",
        "UserList",
        "UserToken",
      ].sort(),
    );
  });

  it("never throw from safeParse, whatever the input, and accept their own output again", () => {
    const input = fc.oneof(
      fc.anything({
        withBigInt: true,
        withDate: true,
        withMap: true,
        withSet: true,
        withTypedArray: true,
        withSparseArray: true,
        withNullPrototype: true,
        withObjectString: true,
        withBoxedValues: true,
        key: fc.oneof(
          fc.constantFrom("__proto__", "constructor", "prototype", "chatroomId", "userId", "status"),
          fc.string(),
        ),
      }),
      fc.json().map((text) => JSON.parse(text) as unknown),
    );
    for (const [name, schema] of schemas) {
      fc.assert(
        fc.property(input, (value) => {
          counts.schemas++;
          const result = schema.safeParse(value);
          expect(typeof result.success, name).toBe("boolean");
          if (result.success) expect(schema.safeParse(result.data).success, name).toBe(true);
        }),
        { numRuns: 500 },
      );
    }
  });
});
