/** Test helpers for the client API: authenticated calls, a closed room, and a room with one user per role. */
import { SELF } from "cloudflare:test";
import { newId, tokenFor } from "./admin";
import { conformed } from "./conformance";

/** A parsed client API response. */
export interface ApiReply {
  status: number;
  body: { status?: number; message?: string; data?: Record<string, unknown>; code?: string; error?: string };
  headers: Headers;
}

/** Calls the client API as `userId` (or with explicit headers); the answer is checked against its route's schema. */
export async function api(
  method: string,
  path: string,
  options: { as?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {},
): Promise<ApiReply> {
  const headers: Record<string, string> = { "content-type": "application/json", ...options.headers };
  if (options.as) headers["access-token"] = await tokenFor(options.as);
  const init: RequestInit = { method, headers };
  if (options.raw !== undefined) init.body = options.raw;
  else if (options.body !== undefined) init.body = JSON.stringify(options.body);
  const url = `https://edgeroom.test/api${path}`;
  const res = await conformed(method, url, await SELF.fetch(url, init));
  return { status: res.status, body: (await res.json()) as ApiReply["body"], headers: res.headers };
}

/** Creates a closed room through the client API, hosted by `host` with `members` in it; returns its id. */
export async function closedRoom(host: string, members: string[]): Promise<string> {
  const created = await api("POST", "/chatroom", {
    as: host,
    body: { hostId: host, isOpen: false, users: [host, ...members] },
  });
  if (created.status !== 201) throw new Error(`create failed: ${JSON.stringify(created.body)}`);
  return String(created.body.data?.chatroomId);
}

/** The users of a role-matrix room. */
export interface RoleRoom {
  id: string;
  host: string;
  manager: string;
  member: string;
  other: string;
  muted: string;
  banned: string;
  outsider: string;
}

/** Creates a room (closed unless `isOpen`) with a host, a manager, plain members, a muted and a banned user. */
export async function roleRoom(isOpen = false): Promise<RoleRoom> {
  const tag = newId("r");
  const users = {
    host: `${tag}-host`,
    manager: `${tag}-mgr`,
    member: `${tag}-mem`,
    other: `${tag}-oth`,
    muted: `${tag}-mut`,
    banned: `${tag}-ban`,
    outsider: `${tag}-out`,
  };
  const created = await api("POST", "/chatroom", {
    as: users.host,
    body: {
      hostId: users.host,
      isOpen,
      users: [users.host, users.manager, users.member, users.other, users.muted, users.banned],
      title: "Matrix",
    },
  });
  if (created.status !== 201) throw new Error(`create failed: ${JSON.stringify(created.body)}`);
  const id = String(created.body.data?.chatroomId);
  const steps = [
    await api("PUT", `/chatrooms/${id}/managers/${users.manager}`, { as: users.host }),
    await api("PUT", `/chatrooms/${id}/restrictions/${users.muted}`, { as: users.host, body: { status: 1 } }),
    await api("PUT", `/chatrooms/${id}/restrictions/${users.banned}`, { as: users.host, body: { status: 2 } }),
  ];
  for (const step of steps) if (step.status !== 200) throw new Error(`setup failed: ${JSON.stringify(step.body)}`);
  return { id, ...users };
}
