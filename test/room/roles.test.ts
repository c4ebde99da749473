/**
 * Roles after the hardening review (SPEC §8.1 "Roles"): leaving or a ban clears a manager designation,
 * the host can revoke a manager who is no longer a member, and a restriction remembers who set it so
 * only that rank or higher may lift or shorten it.
 */
import { describe, expect, it } from "vitest";
import { admin } from "../helpers/admin";
import { api, roleRoom } from "../helpers/api";

async function managers(id: string): Promise<string[]> {
  return (await admin<{ list: string[] }>("/chatroom/get_manager_list", { chatroomId: id })).result?.list ?? [];
}

async function restriction(id: string, userId: string) {
  const reply = await admin<{ infos: { userId: string; state: number; expiredTime: number }[] }>(
    "/chatroom/get_black_status",
    { chatroomId: id },
  );
  return reply.result?.infos.find((info) => info.userId === userId) ?? null;
}

describe("manager lifecycle", () => {
  it("clears the designation when a manager leaves, so a re-invite brings back a plain member", async () => {
    const r = await roleRoom();
    expect((await api("POST", `/chatrooms/${r.id}/leave`, { as: r.manager })).status).toBe(200);
    expect(await managers(r.id)).toEqual([]);
    expect((await api("POST", `/chatrooms/${r.id}/members`, { as: r.host, body: { users: [r.manager] } })).status).toBe(
      200,
    );
    expect((await api("GET", `/chatrooms/${r.id}`, { as: r.manager })).body.data?.role).toBe("member");
  });

  it("clears the designation when a manager is banned", async () => {
    const r = await roleRoom();
    await admin("/chatroom/set_black_status", { chatroomId: r.id, userId: r.manager, status: 2 });
    expect(await managers(r.id)).toEqual([]);
  });

  it("lets the host revoke a manager who is not a member (an admin designation), but not appoint one", async () => {
    const r = await roleRoom();
    await admin("/chatroom/set_manager", { chatroomId: r.id, userId: r.outsider, status: 1 });
    expect(await managers(r.id)).toContain(r.outsider);
    const appoint = await api("PUT", `/chatrooms/${r.id}/managers/${r.outsider}-x`, { as: r.host });
    expect(appoint.status).toBe(404);
    const revoke = await api("DELETE", `/chatrooms/${r.id}/managers/${r.outsider}`, { as: r.host });
    expect(revoke.status).toBe(200);
    expect(await managers(r.id)).toEqual([r.manager]);
    // A manager still may not revoke anyone.
    await admin("/chatroom/set_manager", { chatroomId: r.id, userId: r.outsider, status: 1 });
    expect((await api("DELETE", `/chatrooms/${r.id}/managers/${r.outsider}`, { as: r.manager })).status).toBe(403);
    expect(await managers(r.id)).toContain(r.outsider);
  });
});

describe("restriction ranks", () => {
  it("keeps a manager from lifting, shortening or softening a ban the host set", async () => {
    const r = await roleRoom();
    const until = Date.now() + 600_000;
    await api("PUT", `/chatrooms/${r.id}/restrictions/${r.other}`, {
      as: r.host,
      body: { status: 1, expiresAt: until },
    });
    const before = await restriction(r.id, r.other);
    const attempts = [
      api("DELETE", `/chatrooms/${r.id}/restrictions/${r.other}`, { as: r.manager }),
      api("PUT", `/chatrooms/${r.id}/restrictions/${r.other}`, {
        as: r.manager,
        body: { status: 1, durationSeconds: 5 },
      }),
    ];
    for (const attempt of await Promise.all(attempts)) {
      expect(attempt.status).toBe(403);
      expect(attempt.body.code).toBe("FORBIDDEN");
    }
    expect(await restriction(r.id, r.other)).toEqual(before);
  });

  it("lets a manager lengthen a host's mute, which then stays the host's to lift", async () => {
    const r = await roleRoom();
    await api("PUT", `/chatrooms/${r.id}/restrictions/${r.other}`, {
      as: r.host,
      body: { status: 1, durationSeconds: 60 },
    });
    const longer = await api("PUT", `/chatrooms/${r.id}/restrictions/${r.other}`, {
      as: r.manager,
      body: { status: 1 },
    });
    expect(longer.status).toBe(200);
    expect((await restriction(r.id, r.other))?.expiredTime).toBe(0);
    expect((await api("DELETE", `/chatrooms/${r.id}/restrictions/${r.other}`, { as: r.manager })).status).toBe(403);
    expect((await api("DELETE", `/chatrooms/${r.id}/restrictions/${r.other}`, { as: r.host })).status).toBe(200);
    expect(await restriction(r.id, r.other)).toBeNull();
  });

  it("keeps the host from lifting an admin's restriction; the admin lifts anyone's", async () => {
    const r = await roleRoom();
    await admin("/chatroom/set_black_status", { chatroomId: r.id, userId: r.outsider, status: 2 });
    expect((await api("DELETE", `/chatrooms/${r.id}/restrictions/${r.outsider}`, { as: r.host })).status).toBe(403);
    expect((await restriction(r.id, r.outsider))?.state).toBe(2);
    // The host's own ban of r.banned (roleRoom) is lifted by the admin.
    expect((await admin("/chatroom/set_black_status", { chatroomId: r.id, userId: r.banned, status: 0 })).code).toBe(0);
    expect(await restriction(r.id, r.banned)).toBeNull();
  });

  it("lets a manager lift what a manager set", async () => {
    const r = await roleRoom();
    await api("PUT", `/chatrooms/${r.id}/restrictions/${r.other}`, { as: r.manager, body: { status: 1 } });
    expect((await api("DELETE", `/chatrooms/${r.id}/restrictions/${r.other}`, { as: r.manager })).status).toBe(200);
  });
});
