/**
 * The admin caller and the admin commands of the typed client (src/client/admin*.ts) against the
 * Worker and its own OpenAPI document: what the CLI and the end-to-end harness run on.
 */
import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { AdminClient, AdminHttpError } from "../../src/client/admin";
import { type AdminCommand, adminBody, adminCommands } from "../../src/client/admin-commands";
import { newId } from "../helpers/admin";

const client = new AdminClient({
  baseUrl: "https://edgeroom.test/",
  secret: env.ADMIN_SECRET,
  fetch: (input, init) => SELF.fetch(String(input), init),
});

async function commands(): Promise<AdminCommand[]> {
  return adminCommands(await (await SELF.fetch("https://edgeroom.test/openapi.json")).json());
}

function find(all: AdminCommand[], group: string, name: string): AdminCommand {
  const command = all.find((c) => c.group === group && c.name === name);
  if (!command) throw new Error(`no ${group} ${name}`);
  return command;
}

describe("AdminClient", () => {
  it("signs calls the server accepts, and its replays are refused", async () => {
    const chatroomId = newId("room");
    expect(await client.call("/chatroom/create", { chatroomId, title: "Signed" })).toEqual({
      code: 0,
      msg: "success",
      result: { chatroomId },
    });
    const pair = { nonce: "76616", timestamp: Date.now() };
    expect((await client.call("/chatroom/info", { chatroomId }, pair)).code).toBe(0);
    expect((await client.call("/chatroom/info", { chatroomId }, pair)).code).toBe(244);
    expect((await client.call("/chatroom/info", { chatroomId }, { secret: "wrong-secret" })).code).toBe(244);
  });

  it("throws AdminHttpError when the answer is not an envelope", async () => {
    const elsewhere = new AdminClient({
      baseUrl: "https://edgeroom.test",
      secret: env.ADMIN_SECRET,
      fetch: async () => new Response("<html>bad gateway</html>", { status: 502 }),
    });
    await expect(elsewhere.call("/chatroom/info", {})).rejects.toBeInstanceOf(AdminHttpError);
  });
});

describe("adminCommands", () => {
  it("derives one command per admin route of the server's OpenAPI document", async () => {
    const doc = (await (await SELF.fetch("https://edgeroom.test/openapi.json")).json()) as { paths: object };
    const routes = Object.keys(doc.paths).filter((path) => path.startsWith("/admin/"));
    const all = await commands();
    expect(all.map((c) => `/admin${c.path}`).sort()).toEqual(routes.sort());
    expect(all.every((c) => c.summary.length > 0)).toBe(true);
  });

  it("takes flags, types and requirement from each request schema", async () => {
    const all = await commands();
    expect(find(all, "chatroom", "set-black-status").flags).toEqual([
      { name: "chatroom-id", path: ["chatroomId"], kind: "string", required: true, description: expect.any(String) },
      { name: "user-id", path: ["userId"], kind: "string", required: true, description: expect.any(String) },
      { name: "status", path: ["status"], kind: "number", required: true, description: "one of 0, 1, 2" },
      { name: "expired-time", path: ["expiredTime"], kind: "number", required: false, description: expect.any(String) },
    ]);
    const send = find(all, "message", "send");
    expect(send.flags.map((f) => [f.name, f.kind, f.required])).toEqual([
      ["sender", "string", true],
      ["conv-target", "string", true],
      ["payload-type", "number", true],
      ["payload-searchable-content", "string", false],
      ["payload-content", "string", false],
      ["client-msg-id", "string", false],
    ]);
    expect(send.fixed).toEqual([
      { path: ["conv", "type"], value: 2 },
      { path: ["conv", "line"], value: 0 },
    ]);
    expect(find(all, "user", "revoke-tokens").flags.map((f) => f.name)).toEqual(["user-id"]);
  });

  it("builds request bodies the server accepts, and refuses missing or mistyped flags", async () => {
    const all = await commands();
    const chatroomId = newId("room");
    const create = adminBody(find(all, "chatroom", "create"), {
      "chatroom-id": chatroomId,
      title: "Built",
      state: "0",
    });
    expect(create).toEqual({ ok: true, body: { chatroomId, title: "Built", state: 0 } });
    if (create.ok) expect((await client.call("/chatroom/create", create.body)).code).toBe(0);
    const send = adminBody(find(all, "message", "send"), {
      sender: "u1",
      "conv-target": chatroomId,
      "payload-type": "1",
      "payload-content": "hi",
    });
    expect(send).toEqual({
      ok: true,
      body: { sender: "u1", conv: { type: 2, target: chatroomId, line: 0 }, payload: { type: 1, content: "hi" } },
    });
    // u1 is not a member: the server parsed the body and answered with its own rule (20), not 251.
    if (send.ok) expect((await client.call("/message/send", send.body)).code).toBe(20);
    expect(adminBody(find(all, "chatroom", "info"), {})).toEqual({ ok: false, message: "missing --chatroom-id" });
    expect(adminBody(find(all, "chatroom", "mute-all"), { "chatroom-id": "r", status: "on" })).toEqual({
      ok: false,
      message: '--status must be a number, got "on"',
    });
  });

  it("gives nothing for a document without admin routes", () => {
    expect(adminCommands(null)).toEqual([]);
    expect(adminCommands({ paths: { "/api/chatrooms": { get: {} } } })).toEqual([]);
  });
});
