/**
 * Abuse of authentication and authorisation (SPEC §2, §3): forged, replayed and expired admin
 * signatures and client tokens, cross-user and cross-room access, managers overreaching, a banned
 * user on every room route, and the dev token route in production. One table; every row is refused
 * with its documented code and changes nothing in either room object or the D1 directory.
 */
import { env } from "cloudflare:test";
import { sign } from "hono/jwt";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { wildfireSign } from "../../src/admin/sign";
import { newId } from "../helpers/admin";
import { directoryRows, roomRows, settle } from "./state";
import { adminCall, adminJson, apiCall, apiJson, call, token } from "./worker";

const b64url = (value: unknown) =>
  btoa(JSON.stringify(value)).replaceAll("+", "-").replaceAll("/", "_").replaceAll("=", "");
const inAnHour = () => Math.floor(Date.now() / 1000) + 3600;

/** The users and rooms every row acts on. */
interface World {
  room: string;
  other: string;
  replayRoom: string;
  replayNonce: string;
  replayTimestamp: number;
  host: string;
  manager: string;
  manager2: string;
  member: string;
  banned: string;
  stranger: string;
}

interface Row {
  name: string;
  send: (w: World) => Promise<Response>;
  /** Admin rows: the Wildfire code (HTTP 200). Client rows: the HTTP status and the allowed codes. */
  admin?: number;
  status?: number;
  codes?: string[];
}

const w: World = {
  room: "",
  other: "",
  replayRoom: "",
  replayNonce: crypto.randomUUID(),
  replayTimestamp: 0,
  host: "",
  manager: "",
  manager2: "",
  member: "",
  banned: "",
  stranger: "",
};

const withToken = (tokenValue: string, path = "/chatrooms") =>
  call(`/api${path}`, { headers: { "access-token": tokenValue } });

const ADMIN_ROWS: Row[] = [
  {
    name: "an admin call replaying a (nonce, timestamp) pair already used inside the window",
    send: (x) =>
      adminCall("/chatroom/create", JSON.stringify({ chatroomId: x.replayRoom, title: "Second" }), {
        nonce: x.replayNonce,
        timestamp: x.replayTimestamp,
      }),
    admin: 244,
  },
  {
    name: "an admin call stamped ten minutes in the past",
    send: (x) =>
      adminCall("/chatroom/del", JSON.stringify({ chatroomId: x.room }), { timestamp: Date.now() - 600_000 }),
    admin: 243,
  },
  {
    name: "an admin call stamped ten minutes in the future",
    send: (x) =>
      adminCall("/chatroom/del", JSON.stringify({ chatroomId: x.room }), { timestamp: Date.now() + 600_000 }),
    admin: 243,
  },
  {
    name: "an admin call whose timestamp is not a number",
    send: async (x) => {
      const nonce = crypto.randomUUID();
      const sign = await wildfireSign(nonce, env.ADMIN_SECRET, "soon");
      return call("/admin/chatroom/del", {
        method: "POST",
        headers: { "content-type": "application/json", nonce, timestamp: "soon", sign },
        body: JSON.stringify({ chatroomId: x.room }),
      });
    },
    admin: 243,
  },
  {
    name: "an admin call signed with the wrong secret",
    send: (x) => adminCall("/chatroom/del", JSON.stringify({ chatroomId: x.room }), { secret: "guessed-secret" }),
    admin: 244,
  },
  {
    name: "an admin call whose sign belongs to another nonce",
    send: async (x) => {
      const timestamp = String(Date.now());
      const sign = await wildfireSign("other-nonce", env.ADMIN_SECRET, timestamp);
      return adminCall("/chatroom/del", JSON.stringify({ chatroomId: x.room }), { headers: { sign, timestamp } });
    },
    admin: 244,
  },
  {
    name: "an admin call without a sign header, carrying a valid client token instead",
    send: async (x) =>
      call("/admin/chatroom/del", {
        method: "POST",
        headers: { "content-type": "application/json", "access-token": await token(x.host) },
        body: JSON.stringify({ chatroomId: x.room }),
      }),
    admin: 239,
  },
];

const CLIENT_AUTH_ROWS: Row[] = [
  {
    name: "a client token signed with the wrong secret",
    send: async (x) => withToken(await sign({ sub: x.host, exp: inAnHour() }, "guessed-secret", "HS256")),
    status: 401,
    codes: ["UNAUTHORIZED"],
  },
  {
    name: "a client token with alg none",
    send: async (x) => withToken(`${b64url({ alg: "none", typ: "JWT" })}.${b64url({ sub: x.host, exp: inAnHour() })}.`),
    status: 401,
    codes: ["UNAUTHORIZED"],
  },
  {
    name: "a client token with alg HS512 and the right secret",
    send: async (x) => withToken(await sign({ sub: x.host, exp: inAnHour() }, env.TOKEN_SECRET, "HS512")),
    status: 401,
    codes: ["UNAUTHORIZED"],
  },
  {
    name: "an expired client token",
    send: async (x) =>
      withToken(await sign({ sub: x.host, exp: Math.floor(Date.now() / 1000) - 10 }, env.TOKEN_SECRET, "HS256")),
    status: 401,
    codes: ["ACCESS_TOKEN_EXPIRED"],
  },
  {
    name: "a client token whose payload was swapped for another user's",
    send: async (x) => {
      const [header, , signature] = (await token(x.stranger)).split(".");
      return withToken(`${header}.${b64url({ sub: x.host, exp: inAnHour() })}.${signature}`, `/chatrooms/${x.room}`);
    },
    status: 401,
    codes: ["UNAUTHORIZED"],
  },
  {
    name: "a client token whose sub is not a valid user id",
    send: async () => withToken(await sign({ sub: "../host", exp: inAnHour() }, env.TOKEN_SECRET, "HS256")),
    status: 401,
    codes: ["UNAUTHORIZED"],
  },
  {
    name: "a client token without exp",
    send: async (x) => withToken(await sign({ sub: x.host }, env.TOKEN_SECRET, "HS256")),
    status: 401,
    codes: ["UNAUTHORIZED"],
  },
  {
    name: "a client token without iat (revocation could not apply to it)",
    send: async (x) => withToken(await sign({ sub: x.host, exp: inAnHour() }, env.TOKEN_SECRET, "HS256")),
    status: 401,
    codes: ["UNAUTHORIZED"],
  },
  {
    name: "a valid token in the query string of a route ending in /ws that is not the socket (room info of room ws)",
    send: async (x) => call(`/api/chatrooms/ws?token=${await token(x.host)}`),
    status: 401,
    codes: ["UNAUTHORIZED"],
  },
  {
    name: "a valid token in the query string of a route that is not the socket",
    send: async (x) => call(`/api/chatrooms/${x.room}/messages?token=${await token(x.host)}`),
    status: 401,
    codes: ["UNAUTHORIZED"],
  },
  {
    name: "signed admin headers on the client API",
    send: async (x) => {
      const nonce = crypto.randomUUID();
      const timestamp = String(Date.now());
      const sign = await wildfireSign(nonce, env.ADMIN_SECRET, timestamp);
      return call(`/api/chatrooms/${x.room}`, { headers: { nonce, timestamp, sign } });
    },
    status: 401,
    codes: ["UNAUTHORIZED"],
  },
  {
    name: "the dev token route with DEV_MODE off",
    send: (x) =>
      call("/dev/token", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ userId: x.host }),
      }),
    status: 404,
    codes: ["NOT_FOUND"],
  },
];

const FORBIDDEN = { status: 403, codes: ["FORBIDDEN"] };

const ACCESS_ROWS: Row[] = [
  {
    name: "a stranger creating a room with someone else as host",
    send: (x) =>
      apiCall("POST", "/chatroom", {
        as: x.stranger,
        body: { hostId: x.host, isOpen: true, users: [x.host, x.stranger] },
      }),
    ...FORBIDDEN,
  },
  ...(
    [
      ["reading room info", "GET", ""],
      ["reading history", "GET", "/messages?after=0"],
      ["sending a message", "POST", "/messages", { clientMsgId: "x", content: "let me in" }],
      ["moving a read marker", "POST", "/read", { seq: 1 }],
      ["inviting", "POST", "/members", { users: ["friend-of-stranger"] }],
      ["changing settings", "PUT", "/settings", { title: "Mine now" }],
      ["kicking a member", "DELETE", "/members/:member"],
      ["muting a member", "PUT", "/restrictions/:member", { status: 1 }],
      ["joining", "POST", "/join", {}],
    ] as const
  ).map(
    ([what, method, suffix, body]): Row => ({
      name: `a member of another room ${what} in a closed room`,
      send: (x) =>
        apiCall(method, `/chatrooms/${x.room}${suffix.replace(":member", x.member)}`, { as: x.stranger, body }),
      ...FORBIDDEN,
    }),
  ),
  {
    name: "a member of another room opening a socket to a closed room",
    send: async (x) =>
      call(`/api/chatrooms/${x.room}/ws?token=${await token(x.stranger)}`, { headers: { upgrade: "websocket" } }),
    ...FORBIDDEN,
  },
  ...(
    [
      ["kicking the host", "DELETE", "/members/:host"],
      ["muting the host", "PUT", "/restrictions/:host", { status: 1 }],
      ["banning the host", "PUT", "/restrictions/:host", { status: 2 }],
      ["kicking another manager", "DELETE", "/members/:manager2"],
      ["muting another manager", "PUT", "/restrictions/:manager2", { status: 1, durationSeconds: 60 }],
      ["removing another manager", "DELETE", "/managers/:manager2"],
      ["appointing a manager", "PUT", "/managers/:member"],
    ] as const
  ).map(
    ([what, method, suffix, body]): Row => ({
      name: `a manager ${what}`,
      send: (x) =>
        apiCall(
          method,
          `/chatrooms/${x.room}${suffix.replace(":host", x.host).replace(":manager2", x.manager2).replace(":member", x.member)}`,
          { as: x.manager, body },
        ),
      ...FORBIDDEN,
    }),
  ),
  ...(
    [
      ["GET", ""],
      ["POST", "/join", {}],
      ["POST", "/leave"],
      ["POST", "/members", { users: ["banned-friend"] }],
      ["DELETE", "/members/:member"],
      ["PUT", "/managers/:member"],
      ["DELETE", "/managers/:manager"],
      ["PUT", "/restrictions/:member", { status: 1 }],
      ["DELETE", "/restrictions/:banned"],
      ["PUT", "/settings", { title: "Banned was here" }],
      ["GET", "/messages?after=0"],
      ["POST", "/messages", { clientMsgId: "b", content: "still here" }],
      ["POST", "/read", { seq: 1 }],
    ] as const
  ).map(
    ([method, suffix, body]): Row => ({
      name: `a banned user: ${method} /chatrooms/:id${suffix.replace(/\?.*/, "")}`,
      send: (x) =>
        apiCall(
          method,
          `/chatrooms/${x.room}${suffix.replace(":member", x.member).replace(":manager", x.manager).replace(":banned", x.banned)}`,
          { as: x.banned, body },
        ),
      status: 403,
      codes: ["BANNED", "FORBIDDEN"],
    }),
  ),
  {
    name: "a banned user opening a socket",
    send: async (x) =>
      call(`/api/chatrooms/${x.room}/ws?token=${await token(x.banned)}`, { headers: { upgrade: "websocket" } }),
    status: 403,
    codes: ["BANNED"],
  },
];

const ROWS = [...ADMIN_ROWS, ...CLIENT_AUTH_ROWS, ...ACCESS_ROWS];

async function snapshot(): Promise<string> {
  const rooms = await Promise.all([w.room, w.other, w.replayRoom].map((id) => roomRows(id)));
  return JSON.stringify({ rooms, directory: await directoryRows() });
}

beforeAll(async () => {
  vi.spyOn(console, "log").mockImplementation(() => {});
  const tag = newId("s");
  Object.assign(w, {
    host: `${tag}-host`,
    manager: `${tag}-mgr`,
    manager2: `${tag}-mgr2`,
    member: `${tag}-mem`,
    banned: `${tag}-ban`,
    stranger: `${tag}-str`,
    replayRoom: `${tag}-replay`,
  });
  const created = await apiJson("POST", "/chatroom", {
    as: w.host,
    body: { hostId: w.host, isOpen: false, users: [w.host, w.manager, w.manager2, w.member, w.banned], title: "Fort" },
  });
  expect(created.status).toBe(201);
  w.room = String(created.body.data?.chatroomId);
  for (const manager of [w.manager, w.manager2]) {
    expect((await apiJson("PUT", `/chatrooms/${w.room}/managers/${manager}`, { as: w.host })).status).toBe(200);
  }
  const ban = await apiJson("PUT", `/chatrooms/${w.room}/restrictions/${w.banned}`, {
    as: w.host,
    body: { status: 2 },
  });
  expect(ban.status).toBe(200);
  expect(
    (
      await apiJson("POST", `/chatrooms/${w.room}/messages`, {
        as: w.member,
        body: { clientMsgId: "1", content: "hi" },
      })
    ).status,
  ).toBe(201);
  const other = await apiJson("POST", "/chatroom", {
    as: w.stranger,
    body: { hostId: w.stranger, isOpen: false, users: [w.stranger], title: "Elsewhere" },
  });
  expect(other.status).toBe(201);
  w.other = String(other.body.data?.chatroomId);
  // The replay row reuses this nonce and timestamp, which have just been used successfully.
  w.replayTimestamp = Date.now();
  const first = await adminCall("/chatroom/create", JSON.stringify({ chatroomId: w.replayRoom, title: "First" }), {
    nonce: w.replayNonce,
    timestamp: w.replayTimestamp,
  });
  expect(((await first.json()) as { code: number }).code).toBe(0);
  // Pending directory pushes (the coalesced activity) run now, so nothing changes on its own later.
  for (const id of [w.room, w.other, w.replayRoom]) await settle(id);
});

describe("authentication and authorisation abuse", () => {
  it.each(ROWS.map((row) => [row.name, row] as const))(
    "refuses %s with its documented code and changes nothing",
    async (_name, row) => {
      const before = await snapshot();
      const res = await row.send(w);
      const text = await res.text();
      expect(text).not.toMatch(/\n\s+at /);
      if (row.admin !== undefined) {
        expect(res.status).toBe(200);
        expect(JSON.parse(text)).toMatchObject({ code: row.admin });
      } else {
        expect(res.status, text).toBe(row.status);
        const body = JSON.parse(text) as { status: number; code: string; error: string };
        expect(row.codes).toContain(body.code);
        expect(body).toMatchObject({ status: row.status, error: body.code });
      }
      expect(res.webSocket ?? null).toBeNull();
      expect(await snapshot()).toBe(before);
    },
  );

  it("lets a token act only on its own user: a profile update by A leaves B's profile as it was", async () => {
    const [a, b] = [newId("a"), newId("b")];
    expect((await apiJson("PUT", "/users/me/profile", { as: b, body: { nickname: "Bee" } })).status).toBe(200);
    const res = await apiJson("PUT", "/users/me/profile", { as: a, body: { nickname: "Mallory", userId: b } });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ userId: a, nickname: "Mallory" });
    const rows = await env.DB.prepare(
      "SELECT user_id, display_name FROM profiles WHERE user_id IN (?, ?) ORDER BY user_id = ?",
    )
      .bind(a, b, b)
      .all();
    expect(rows.results).toEqual([
      { user_id: a, display_name: "Mallory" },
      { user_id: b, display_name: "Bee" },
    ]);
    const list = await apiJson("GET", "/chatrooms", { as: w.stranger });
    expect(((list.body.data?.ongoing ?? []) as { chatroomId: string }[]).map((room) => room.chatroomId)).toEqual([
      w.other,
    ]);
  });

  it("keeps the replayed admin call's first effect and not the second", async () => {
    const info = await adminJson<{ title: string }>("/chatroom/info", { chatroomId: w.replayRoom });
    expect(info.result?.title).toBe("First");
  });
});
