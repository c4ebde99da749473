import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { api, type RoleRoom, roleRoom } from "../helpers/api";

type RoleName = "host" | "manager" | "member" | "outsider" | "banned" | "muted";
const ROLES: RoleName[] = ["host", "manager", "member", "outsider", "banned", "muted"];

interface RouteCase {
  name: string;
  call: (room: RoleRoom, as: string) => [method: string, path: string, body?: unknown];
  /** Expected HTTP status per role (closed room). */
  expect: Record<RoleName, number>;
  /** Expected error code where the status is 403. */
  codes?: Partial<Record<RoleName, string>>;
}

const ALL_MEMBERS_OK = { host: 200, manager: 200, member: 200, muted: 200, outsider: 403, banned: 403 };
const MODERATORS_OK = { host: 200, manager: 200, member: 403, muted: 403, outsider: 403, banned: 403 };
const HOST_OK = { host: 200, manager: 403, member: 403, muted: 403, outsider: 403, banned: 403 };

/** Every client route that acts on a room, with the status each role gets. */
const ROUTES: RouteCase[] = [
  {
    name: "GET info",
    call: (r) => ["GET", `/chatrooms/${r.id}`],
    expect: ALL_MEMBERS_OK,
    codes: { banned: "BANNED", outsider: "FORBIDDEN" },
  },
  {
    name: "POST join",
    call: (r) => ["POST", `/chatrooms/${r.id}/join`, {}],
    expect: ALL_MEMBERS_OK,
    codes: { banned: "BANNED" },
  },
  { name: "POST leave", call: (r) => ["POST", `/chatrooms/${r.id}/leave`], expect: ALL_MEMBERS_OK },
  {
    name: "POST members (invite)",
    call: (r) => ["POST", `/chatrooms/${r.id}/members`, { users: [`${r.id}-new`] }],
    expect: ALL_MEMBERS_OK,
  },
  {
    name: "DELETE members (kick a plain member)",
    call: (r) => ["DELETE", `/chatrooms/${r.id}/members/${r.other}`],
    expect: MODERATORS_OK,
  },
  { name: "PUT managers", call: (r) => ["PUT", `/chatrooms/${r.id}/managers/${r.other}`], expect: HOST_OK },
  {
    name: "DELETE managers",
    call: (r) => ["DELETE", `/chatrooms/${r.id}/managers/${r.manager}`],
    expect: { ...HOST_OK, manager: 403 },
  },
  {
    name: "PUT restrictions",
    call: (r) => ["PUT", `/chatrooms/${r.id}/restrictions/${r.other}`, { status: 1, durationSeconds: 60 }],
    expect: MODERATORS_OK,
  },
  {
    name: "DELETE restrictions",
    call: (r) => ["DELETE", `/chatrooms/${r.id}/restrictions/${r.other}`],
    expect: MODERATORS_OK,
  },
  {
    name: "PUT settings",
    call: (r) => ["PUT", `/chatrooms/${r.id}/settings`, { title: "New" }],
    expect: MODERATORS_OK,
  },
  { name: "GET messages", call: (r) => ["GET", `/chatrooms/${r.id}/messages`], expect: ALL_MEMBERS_OK },
  {
    name: "POST messages",
    call: (r, as) => ["POST", `/chatrooms/${r.id}/messages`, { clientMsgId: `m-${as}`, content: "hi" }],
    expect: { host: 201, manager: 201, member: 201, muted: 403, outsider: 403, banned: 403 },
    codes: { muted: "MUTED", banned: "BANNED", outsider: "FORBIDDEN" },
  },
  { name: "POST read", call: (r) => ["POST", `/chatrooms/${r.id}/read`, { seq: 0 }], expect: ALL_MEMBERS_OK },
];

describe("permission matrix: every room route × caller role", () => {
  for (const route of ROUTES) {
    for (const role of ROLES) {
      it(`${route.name} as ${role} → ${route.expect[role]}`, async () => {
        const room = await roleRoom(false);
        const caller = room[role];
        const [method, path, body] = route.call(room, caller);
        const before = await env.ROOMS.getByName(room.id).info({ kind: "admin" });
        const res = await api(method, path, { as: caller, body });
        expect(res.status, JSON.stringify(res.body)).toBe(route.expect[role]);
        const code = route.codes?.[role];
        if (code) expect(res.body.code).toBe(code);
        if (res.status >= 400) {
          expect(res.body).toMatchObject({ status: res.status, error: res.body.code });
          // A refusal changes nothing: same members, same settings, same last seq.
          const after = await env.ROOMS.getByName(room.id).info({ kind: "admin" });
          expect(after).toEqual(before);
        }
      });
    }
  }

  it("lets anyone read info and join an open room, but not a banned user", async () => {
    const room = await roleRoom(true);
    expect((await api("GET", `/chatrooms/${room.id}`, { as: room.outsider })).status).toBe(200);
    expect((await api("POST", `/chatrooms/${room.id}/join`, { as: room.outsider, body: {} })).status).toBe(200);
    const banned = await api("POST", `/chatrooms/${room.id}/join`, { as: room.banned, body: {} });
    expect(banned.status).toBe(403);
    expect(banned.body.code).toBe("BANNED");
    // In an open room, plain members may not invite.
    expect(
      (await api("POST", `/chatrooms/${room.id}/members`, { as: room.member, body: { users: ["x1"] } })).status,
    ).toBe(403);
    expect(
      (await api("POST", `/chatrooms/${room.id}/members`, { as: room.manager, body: { users: ["x1"] } })).status,
    ).toBe(200);
  });

  it("refuses a manager acting on the host or another manager", async () => {
    const room = await roleRoom(false);
    await api("PUT", `/chatrooms/${room.id}/managers/${room.other}`, { as: room.host });
    for (const target of [room.host, room.other]) {
      expect((await api("DELETE", `/chatrooms/${room.id}/members/${target}`, { as: room.manager })).status).toBe(403);
      const restrict = await api("PUT", `/chatrooms/${room.id}/restrictions/${target}`, {
        as: room.manager,
        body: { status: 1 },
      });
      expect(restrict.status).toBe(403);
    }
  });
});
