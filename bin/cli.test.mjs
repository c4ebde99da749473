// The admin CLI (bin/edgeroom-admin.mjs) against a real `wrangler dev`: signed calls, JSON output,
// exit codes and help. Run with `node --test bin/cli.test.mjs`.
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

    const noSecret = await run(["chatroom", "info", "--chatroom-id", "x"], { ADMIN_SECRET: "" });
    assert.equal(noSecret.code, 2);
    assert.match(noSecret.stderr, /ADMIN_SECRET/);
  });

  it("prints help for the tool and for each command", async () => {
    const tool = await run(["--help"]);
    assert.equal(tool.code, 0);
    for (const command of [
      "chatroom create",
      "chatroom info",
      "chatroom del",
      "chatroom set-black-status",
      "chatroom get-black-status",
      "chatroom set-manager",
      "chatroom get-manager-list",
      "chatroom mute-all",
      "chatroom members",
      "user create",
      "user get-token",
      "message send",
    ]) {
      assert.ok(tool.stdout.includes(command), `tool help lists ${command}`);
      const help = await run([...command.split(" "), "--help"]);
      assert.equal(help.code, 0);
      assert.match(help.stdout, new RegExp(`^Usage: edgeroom-admin ${command} \\[flags\\]`));
      assert.match(help.stdout, /POST \/admin\//);
    }
    const setBlack = await run(["chatroom", "set-black-status", "-h"]);
    for (const flag of ["--chatroom-id", "--user-id", "--status", "--expired-time"]) {
      assert.ok(setBlack.stdout.includes(flag), `set-black-status help names ${flag}`);
    }
    assert.match(tool.stdout, /ADMIN_URL/);
    assert.match(tool.stdout, /ADMIN_SECRET/);
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
    const sent = await ok(["message", "send", "--sender", "dave", "--chatroom-id", "cli-room", "--content", "hello"]);
    assert.equal(sent.messageUid, 1);
    assert.equal(typeof sent.timestamp, "number");

    await ok(["chatroom", "del", "--chatroom-id", "cli-room"]);
    assert.equal((await ok(["chatroom", "info", "--chatroom-id", "cli-room"])).state, 2);
  });
});
