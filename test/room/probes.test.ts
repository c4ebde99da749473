/**
 * Ids that are not rooms (SPEC §8.1 "Storage"): reading or probing them creates no stored object, and
 * a room stored by the first release is upgraded in place with its rows intact.
 */
import { env, runInDurableObject, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { MIGRATIONS } from "../../src/room/store/schema";
import { admin, evict, newId, tokenFor } from "../helpers/admin";
import { api } from "../helpers/api";

async function tables(id: string): Promise<string[]> {
  return runInDurableObject(env.ROOMS.getByName(id), (_instance, state) =>
    state.storage.sql
      .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .toArray()
      .map((row) => row.name),
  );
}

describe("probes of ids that are not rooms", () => {
  it("answer 404 / 253 and leave no tables and no alarm behind", async () => {
    const id = newId("probe");
    const user = newId("u");
    const token = await tokenFor(user);
    const replies = await Promise.all([
      api("GET", `/chatrooms/${id}`, { as: user }),
      api("GET", `/chatrooms/${id}/messages`, { as: user }),
      api("POST", `/chatrooms/${id}/join`, { as: user, body: {} }),
      api("POST", `/chatrooms/${id}/read`, { as: user, body: { seq: 1 } }),
      api("POST", `/chatrooms/${id}/messages`, { as: user, body: { clientMsgId: "1", content: "x" } }),
      api("PUT", `/chatrooms/${id}/restrictions/${user}-x`, { as: user, body: { status: 1 } }),
    ]);
    for (const reply of replies) expect(reply.status).toBe(404);
    const socket = await SELF.fetch(`https://edgeroom.test/api/chatrooms/${id}/ws?token=${token}`, {
      headers: { Upgrade: "websocket" },
    });
    expect(socket.status).toBe(404);
    for (const path of ["/chatroom/info", "/chatroom/get_black_status", "/chatroom/members"]) {
      expect((await admin(path, { chatroomId: id })).code).toBe(253);
    }
    expect((await admin("/chatroom/del", { chatroomId: id })).code).toBe(0);
    expect(await tables(id)).toEqual([]);
    expect(await runInDurableObject(env.ROOMS.getByName(id), (_i, state) => state.storage.getAlarm())).toBeNull();
  });
});

describe("schema upgrade", () => {
  it("upgrades a first-release room in place: rows survive and old restrictions count as the admin's", async () => {
    const id = newId("v1");
    const stub = env.ROOMS.getByName(id);
    await runInDurableObject(stub, (_instance, state) => {
      const sql = state.storage.sql;
      sql.exec("CREATE TABLE schema_version (version INTEGER NOT NULL)");
      sql.exec(MIGRATIONS[0] as string);
      sql.exec("INSERT INTO schema_version (version) VALUES (1)");
      sql.exec(
        `INSERT INTO meta (id, chatroom_id, title, is_open, state, host_id, created_at, updated_at, started_at)
         VALUES (1, ?, 'Old room', 0, 0, 'old-host', 1, 1, 1)`,
        id,
      );
      sql.exec("INSERT INTO members (user_id, joined_at) VALUES ('old-host', 1), ('old-mem', 1)");
      sql.exec(
        "INSERT INTO restrictions (user_id, status, expires_at, reason, set_at) VALUES ('old-bad', 2, 0, NULL, 1)",
      );
      sql.exec(
        "INSERT INTO messages (seq, sender_id, client_msg_id, content, content_type, ts) VALUES (1, 'old-mem', 'c', 'hi', 'text', 1)",
      );
    });
    await evict(stub);
    const info = await admin<{ title: string; memberCount: number }>("/chatroom/info", { chatroomId: id });
    expect(info.result).toMatchObject({ title: "Old room", memberCount: 2 });
    const restrictions = await env.ROOMS.getByName(id).restrictions();
    expect(restrictions).toMatchObject({ ok: true, value: [{ userId: "old-bad", status: 2, setBy: 3 }] });
    const history = await api("GET", `/chatrooms/${id}/messages`, { as: "old-mem" });
    expect(history.body.data?.messages).toMatchObject([{ seq: 1, content: "hi" }]);
    const version = await runInDurableObject(env.ROOMS.getByName(id), (_i, state) =>
      state.storage.sql.exec<{ v: number }>("SELECT max(version) AS v FROM schema_version").one(),
    );
    expect(version.v).toBe(MIGRATIONS.length);
  });
});
