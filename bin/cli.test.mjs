// The admin CLI (bin/edgeroom-admin.mjs) against a real `wrangler dev`: signed calls, JSON output,
// exit codes, and help derived from the server's /openapi.json. Run with `node --test bin/cli.test.mjs`.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { after, before, describe, it } from "node:test";
import { startServer } from "../e2e/harness.mjs";

const CLI = new URL("./edgeroom-admin.mjs", import.meta.url).pathname;

/** Runs the CLI; resolves to { code, stdout, stderr, json } (json: stdout parsed, when it is JSON). */
function run(args, env = {}) {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { env: { ...process.env, ...env } }, (error, stdout, stderr) => {
      let json = null;
      try {
        json = JSON.parse(stdout);
      } catch {
        // Help text or nothing.
      }
      resolve({ code: error ? error.code : 0, stdout, stderr, json });
    });
  });
}

describe("edgeroom-admin CLI", () => {
  let server;
  let env;
  before(async () => {
    server = await startServer();
    env = { ADMIN_URL: server.url, ADMIN_SECRET: server.adminSecret };
  });
  after(async () => {
    await server?.stop();
  });

  it("creates a chatroom and reads it back with info", async () => {
    const created = await run(["chatroom", "create", "--chatroom-id", "cli-room", "--title", "CLI room"], env);
    assert.equal(created.code, 0, created.stderr);
    assert.deepEqual(created.json, { code: 0, msg: "success", result: { chatroomId: "cli-room" } });

    const info = await run(["chatroom", "info", "--chatroom-id", "cli-room"], env);
    assert.equal(info.code, 0, info.stderr);
    assert.equal(info.json.result.title, "CLI room");
    assert.equal(info.json.result.state, 0);
  });

  it("sets and reads a black status, with numbers sent as numbers", async () => {
    const until = Date.now() + 3_600_000;
    const set = await run(
      [
        "chatroom",
        "set-black-status",
        "--chatroom-id",
        "cli-room",
        "--user-id",
        "bob",
        "--status",
        "1",
        "--expired-time",
        String(until),
      ],
      env,
    );
    assert.equal(set.code, 0, set.stderr);
    assert.equal(set.json.code, 0);

    const get = await run(["chatroom", "get-black-status", "--chatroom-id", "cli-room"], env);
    assert.equal(get.code, 0, get.stderr);
    assert.deepEqual(get.json.result.infos, [{ userId: "bob", state: 1, expiredTime: until }]);
  });

  it("mints a client token that the client API accepts", async () => {
    const got = await run(["user", "get-token", "--user-id", "carol", "--ttl-seconds", "600"], env);
    assert.equal(got.code, 0, got.stderr);
    const { userId, token, expiresAt } = got.json.result;
    assert.equal(userId, "carol");
    assert.ok(expiresAt > Date.now());
    const res = await fetch(`${server.url}/api/chatrooms`, { headers: { "ACCESS-TOKEN": token } });
    assert.equal(res.status, 200);
  });

  it("exits non-zero with the envelope on a non-zero code", async () => {
    const missing = await run(["chatroom", "info", "--chatroom-id", "no-such-room"], env);
    assert.equal(missing.code, 1);
    assert.equal(missing.json.code, 253);
    assert.match(missing.stderr, /code 253/);

    const past = await run(
      ["chatroom", "set-black-status", "--chatroom-id", "cli-room", "--user-id", "bob", "--status", "1"].concat([
        "--expired-time",
        "1000",
      ]),
      env,
    );
    assert.equal(past.code, 1);
    assert.equal(past.json.code, 251);

    const wrongSecret = await run(["chatroom", "info", "--chatroom-id", "cli-room"], { ...env, ADMIN_SECRET: "nope" });
    assert.equal(wrongSecret.code, 1);
    assert.equal(wrongSecret.json.code, 244);
  });

  it("refuses bad usage with exit 2 before calling the server", async () => {
    const notNumber = await run(["chatroom", "mute-all", "--chatroom-id", "cli-room", "--status", "on"], env);
    assert.equal(notNumber.code, 2);
    assert.match(notNumber.stderr, /--status must be a number/);

    const missing = await run(["chatroom", "info"], env);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /missing --chatroom-id/);

    const unknown = await run(["chatroom", "explode"], env);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown command "chatroom explode"/);

    const unknownFlag = await run(["chatroom", "info", "--chatroom-id", "x", "--colour", "red"], env);
    assert.equal(unknownFlag.code, 2);
    assert.match(unknownFlag.stderr, /--colour/);

    const noSecret = await run(["chatroom", "info", "--chatroom-id", "x"], { ...env, ADMIN_SECRET: "" });
    assert.equal(noSecret.code, 2);
    assert.match(noSecret.stderr, /ADMIN_SECRET/);
  });

  it("offers exactly the server's admin routes, with flags from each route's request schema", async () => {
    const doc = await (await fetch(`${server.url}/openapi.json`)).json();
    const routes = Object.keys(doc.paths).filter((path) => path.startsWith("/admin/"));
    assert.ok(routes.includes("/admin/user/revoke_tokens") && routes.includes("/admin/chatroom/user_chatroom"));
    const tool = await run(["--help"], env);
    assert.equal(tool.code, 0, tool.stderr);
    const listed = tool.stdout.split("\n").filter((line) => /^ {2}\S+ \S+ {2,}/.test(line));
    assert.equal(listed.length, routes.length, tool.stdout);
    for (const route of routes) {
      const [, group, name] = route.split("/").slice(1);
      const command = `${group} ${name.replaceAll("_", "-")}`;
      assert.ok(tool.stdout.includes(`  ${command} `), `tool help lists ${command}`);
      const help = await run([...command.split(" "), "--help"], env);
      assert.equal(help.code, 0, help.stderr);
      assert.match(help.stdout, new RegExp(`^Usage: edgeroom-admin ${command} \\[flags\\]`));
      assert.ok(help.stdout.includes(`POST ${route}`), `${command} help names its route`);
      const schema = doc.paths[route].post.requestBody.content["application/json"].schema;
      const ref = schema.$ref?.split("/").pop();
      const fields = Object.keys((ref ? doc.components.schemas[ref] : schema).properties);
      for (const field of fields) {
        const flag = field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
        assert.ok(
          help.stdout.includes(`--${flag}`) || help.stdout.includes(`${field}.`),
          `${command} help covers ${field}`,
        );
      }
    }
    const send = await run(["message", "send", "--help"], env);
    for (const flag of ["--sender", "--conv-target", "--payload-type", "--payload-content"]) {
      assert.ok(send.stdout.includes(flag), `message send help names ${flag}`);
    }
    assert.match(send.stdout, /conv\.type is always 2/);
    assert.match(tool.stdout, /ADMIN_URL/);
    assert.match(tool.stdout, /ADMIN_SECRET/);
  });

  it("says clearly when the server cannot be reached, and exits 1", async () => {
    const down = { ADMIN_URL: "http://127.0.0.1:9", ADMIN_SECRET: "x".repeat(20) };
    const call = await run(["chatroom", "info", "--chatroom-id", "x"], down);
    assert.equal(call.code, 1);
    assert.match(call.stderr, /could not reach http:\/\/127\.0\.0\.1:9 to read its admin commands/);
    assert.match(call.stderr, /Set ADMIN_URL/);
    const help = await run(["--help"], down);
    assert.equal(help.code, 1);
    assert.match(help.stdout, /^Usage: edgeroom-admin/);
    assert.match(help.stderr, /could not reach/);
  });

  it("revokes a user's tokens and reports the room a user is in (commands the server added)", async () => {
    const token = (await run(["user", "get-token", "--user-id", "erin"], env)).json.result.token;
    const revoked = await run(["user", "revoke-tokens", "--user-id", "erin"], env);
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.equal(revoked.json.result.userId, "erin");
    const res = await fetch(`${server.url}/api/chatrooms`, { headers: { "ACCESS-TOKEN": token } });
    assert.equal(res.status, 401);
    const where = await run(["chatroom", "user-chatroom", "--user-id", "erin"], env);
    assert.equal(where.code, 1);
    assert.equal(where.json.code, 253);
  });

  it("covers the remaining routes: managers, mute-all, members, users, messages, del", async () => {
    const ok = async (args) => {
      const result = await run(args, env);
      assert.equal(result.code, 0, `${args.join(" ")}: ${result.stderr}`);
      return result.json.result;
    };
    await ok(["user", "create", "--user-id", "dave", "--display-name", "Dave"]);
    await ok(["chatroom", "set-manager", "--chatroom-id", "cli-room", "--user-id", "dave", "--status", "1"]);
    assert.deepEqual((await ok(["chatroom", "get-manager-list", "--chatroom-id", "cli-room"])).list, ["dave"]);
    await ok(["chatroom", "mute-all", "--chatroom-id", "cli-room", "--status", "1"]);
    assert.ok(Array.isArray((await ok(["chatroom", "members", "--chatroom-id", "cli-room", "--limit", "10"])).list));

    // An admin-created room is open: dave joins over the client API, then the CLI speaks as him.
    const token = (await ok(["user", "get-token", "--user-id", "dave"])).token;
    const joined = await fetch(`${server.url}/api/chatrooms/cli-room/join`, {
      method: "POST",
      headers: { "ACCESS-TOKEN": token, "content-type": "application/json" },
      body: "{}",
    });
    assert.equal(joined.status, 200);
    const sent = await ok([
      "message",
      "send",
      "--sender",
      "dave",
      "--conv-target",
      "cli-room",
      "--payload-type",
      "1",
      "--payload-content",
      "hello",
    ]);
    assert.equal(sent.messageUid, 1);
    assert.equal(typeof sent.timestamp, "number");

    await ok(["chatroom", "del", "--chatroom-id", "cli-room"]);
    assert.equal((await ok(["chatroom", "info", "--chatroom-id", "cli-room"])).state, 2);
  });
});
