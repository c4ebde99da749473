/**
 * Property-based fuzzing of the client API (SPEC §3, §5): every broken body, path segment or query
 * gets a 4xx in the documented error envelope naming the field (never 500, never a stack trace),
 * and leaves the room object, the D1 directory and the callers' room lists exactly as they were.
 * Also: every zod wire schema of the client API and the socket protocol survives any input.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import * as ApiSchemas from "../../src/api/schemas";
import { ClientFrame, SendMessage } from "../../src/room/protocol";
import { newId } from "../helpers/admin";
import {
  type ApiCase,
  badListQueries,
  badMessageQueries,
  badPaths,
  bodyCases,
  fx,
  messageProfileBodyRoutes,
  oddCases,
  roomBodyRoutes,
  unknownRoutes,
} from "./client-cases";
import { BODY_LIMIT_BYTES, describeCase, labelled, namesField, STACK_LINE, schemasOf } from "./fuzz-kit";
import { directoryRows, prototypeKeys, roomRows, settle } from "./state";
import { apiCall, apiJson } from "./worker";

/** Requests sent at once per property run, and runs per family: 40 × 25 = 1,000 cases. */
const BATCH = 25;
const RUNS = 40;
const counts = { room: 0, messageProfile: 0, wellFormed: 0, schemas: 0 };

/** Sends one case and checks the client error envelope. */
async function refuse(c: ApiCase): Promise<void> {
  const body = c.method === "GET" ? undefined : c.raw;
  const res = await apiCall(c.method, c.path, { as: c.as, raw: body, headers: c.headers });
  const text = await res.text();
  const where = describeCase(c, `${res.status} ${text}`);
  const bigBody = new TextEncoder().encode(c.raw).length > BODY_LIMIT_BYTES;
  expect(bigBody && res.status === 413 ? c.status : res.status, where).toBe(c.status);
  expect(STACK_LINE.test(text), where).toBe(false);
  expect(text.length, where).toBeLessThan(1000);
  const reply = JSON.parse(text) as { status: number; message: string; error: string; code: string; timestamp: string };
  expect(Object.keys(reply).sort(), where).toEqual(["code", "error", "message", "status", "timestamp"]);
  expect(reply.status, where).toBe(res.status);
  expect(reply.error, where).toBe(reply.code);
  expect(reply.code, where).toBe({ 400: "BAD_REQUEST", 404: "NOT_FOUND", 413: "PAYLOAD_TOO_LARGE" }[res.status]);
  expect(reply.timestamp, where).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  if (res.status === 400)
    expect(
      c.fields.some((field) => namesField(reply.message, field)),
      where,
    ).toBe(true);
}

/** Everything the callers and the storage can tell about the fuzz room and its users. */
async function observe(): Promise<string> {
  const views = await Promise.all([
    apiJson("GET", `/chatrooms/${fx.room}`, { as: fx.host }),
    apiJson("GET", `/chatrooms/${fx.room}/messages?after=0`, { as: fx.member }),
    ...[fx.host, fx.member, fx.outsider].map((user) => apiJson("GET", "/chatrooms", { as: user })),
  ]);
  return JSON.stringify({
    views: views.map((view) => view.body.data),
    room: await roomRows(fx.room),
    directory: await directoryRows(),
  });
}

async function fuzzFamily(cases: fc.Arbitrary<ApiCase>, count: (n: number) => void): Promise<void> {
  const before = await observe();
  const protoBefore = prototypeKeys();
  await fc.assert(
    fc.asyncProperty(fc.array(cases, { minLength: BATCH, maxLength: BATCH }), async (batch) => {
      count(batch.length);
      await Promise.all(batch.map(refuse));
    }),
    { numRuns: RUNS, endOnFailure: true },
  );
  expect(prototypeKeys()).toEqual(protoBefore);
  expect(await observe()).toBe(before);
}

beforeAll(async () => {
  // The access log prints a line per request; thousands of them only slow the run down.
  vi.spyOn(console, "log").mockImplementation(() => {});
  const tag = newId("f");
  [fx.host, fx.member, fx.outsider] = [`${tag}-host`, `${tag}-mem`, `${tag}-out`];
  const profile = async (as: string) => {
    const created = await apiJson("POST", "/users/me/open-profiles", { as, body: { nickname: "Anon" } });
    expect(created.status).toBe(201);
    return Number(created.body.data?.id);
  };
  fx.hostProfile = await profile(fx.host);
  fx.outsiderProfile = await profile(fx.outsider);
  expect((await apiJson("PUT", "/users/me/profile", { as: fx.host, body: { nickname: "Host" } })).status).toBe(200);
  const created = await apiJson("POST", "/chatroom", {
    as: fx.host,
    body: { hostId: fx.host, isOpen: false, users: [fx.host, fx.member], title: "Fuzz" },
  });
  expect(created.status).toBe(201);
  fx.room = String(created.body.data?.chatroomId);
  const sent = await apiJson("POST", `/chatrooms/${fx.room}/messages`, {
    as: fx.member,
    body: { clientMsgId: "m1", content: "before" },
  });
  expect(sent.status).toBe(201);
  await settle(fx.room);
});

afterAll(() => {
  vi.restoreAllMocks();
  console.info(`fuzz-api cases: ${JSON.stringify(counts)}`);
});

describe("client API under random and adversarial input", () => {
  it("refuses every broken room-route body, path segment and list query with 400 naming the field and changes nothing", async () => {
    const cases = fc.oneof(
      { weight: 12, arbitrary: bodyCases(roomBodyRoutes()) },
      { weight: 4, arbitrary: badPaths },
      { weight: 2, arbitrary: badListQueries },
      { weight: 1, arbitrary: unknownRoutes },
      {
        weight: 1,
        arbitrary: fc.constant(
          labelled<ApiCase>({
            method: "PUT",
            path: `/chatrooms/${fx.room}/settings`,
            raw: "{}",
            as: fx.host,
            status: 400,
            fields: ["body"],
            mode: "no setting",
          }),
        ),
      },
    );
    await fuzzFamily(cases, (n) => {
      counts.room += n;
    });
    expect(counts.room).toBeGreaterThanOrEqual(1000);
  });

  it("refuses every broken message- and profile-route body and query with 400 naming the field and changes nothing", async () => {
    const cases = fc.oneof(
      { weight: 5, arbitrary: bodyCases(messageProfileBodyRoutes()) },
      { weight: 1, arbitrary: badMessageQueries },
    );
    await fuzzFamily(cases, (n) => {
      counts.messageProfile += n;
    });
    expect(counts.messageProfile).toBeGreaterThanOrEqual(1000);
  });
});

describe("client API under well-formed but hostile values", () => {
  it("accepts them or refuses them with a documented status, never 500 and never a stack trace", async () => {
    const owner = newId("odd");
    const created = await apiJson("POST", "/chatroom", {
      as: owner,
      body: { hostId: owner, isOpen: false, users: [owner] },
    });
    expect(created.status).toBe(201);
    const oddRoom = String(created.body.data?.chatroomId);
    await fc.assert(
      fc.asyncProperty(fc.array(oddCases(oddRoom), { minLength: 10, maxLength: 10 }), async (batch) => {
        counts.wellFormed += batch.length;
        await Promise.all(
          batch.map(async (c) => {
            const res = await apiCall(c.method, c.path, { as: owner, body: c.body });
            const text = await res.text();
            const where = `${c.mode} ${JSON.stringify(c.body ?? c.path).slice(0, 200)} → ${res.status} ${JSON.stringify(text.slice(0, 200))}`;
            expect(c.allowed, where).toContain(res.status);
            expect(STACK_LINE.test(text), where).toBe(false);
            const reply = JSON.parse(text) as { status: number; code?: string; data?: unknown };
            expect(reply.status, where).toBe(res.status);
            if (res.status === 429) expect(reply.code, where).toBe("RATE_LIMITED");
          }),
        );
      }),
      { numRuns: 30 },
    );
    const history = await apiJson("GET", `/chatrooms/${oddRoom}/messages?after=0&limit=100`, { as: owner });
    const seqs = ((history.body.data?.messages ?? []) as { seq: number }[]).map((message) => message.seq);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
  });
});

describe("client and socket wire schemas", () => {
  const exported = schemasOf({ ...ApiSchemas, ClientFrame, SendMessage });

  it("covers every exported schema", () => {
    expect(exported.map(([name]) => name).sort()).toEqual(
      [
        "ClientFrame",
        "CreateChatroom",
        "CreatedChatroom",
        "CreatedOpenProfile",
        "DevToken",
        "ErrorBody",
        "HistoryPage",
        "HistoryQuery",
        "InviteBody",
        "InviteResult",
        "JoinBody",
        "KickResult",
        "LeaveResult",
        "ListQuery",
        "ManagerResult",
        "MyProfile",
        "OngoingRoom",
        "OpenProfileBody",
        "ProfileBody",
        "ReadBody",
        "ReadResult",
        "RestrictionBody",
        "RestrictionLifted",
        "RestrictionSet",
        "RoomList",
        "RoomParams",
        "RoomUserParams",
        "ScheduledRoom",
        "SendMessage",
        "SettingsBody",
        "WsQuery",
      ].sort(),
    );
  });

  it("never throw from safeParse, whatever the input, and accept their own output again", () => {
    const keys = fc.oneof(
      fc.constantFrom(
        "__proto__",
        "constructor",
        "prototype",
        "type",
        "seq",
        "users",
        "status",
        "content",
        "clientMsgId",
      ),
      fc.string(),
    );
    const input = fc.oneof(
      fc.anything({
        key: keys,
        withBigInt: true,
        withDate: true,
        withMap: true,
        withSet: true,
        withTypedArray: true,
        withSparseArray: true,
        withNullPrototype: true,
        withObjectString: true,
        withBoxedValues: true,
      }),
      fc.json().map((text) => JSON.parse(text) as unknown),
      fc
        .constantFrom("send", "read", "typing", "history")
        .chain((type) => fc.dictionary(keys, fc.anything(), { maxKeys: 4 }).map((rest) => ({ ...rest, type }))),
    );
    for (const [name, schema] of exported) {
      fc.assert(
        fc.property(input, (value) => {
          counts.schemas++;
          const result = schema.safeParse(value);
          expect(typeof result.success, name).toBe("boolean");
          if (result.success) expect(schema.safeParse(result.data).success, name).toBe(true);
        }),
        { numRuns: 400 },
      );
    }
  });
});
