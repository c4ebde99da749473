// Browser test of CORS (SPEC §8.2) in real Chromium against a real `wrangler dev`: a page served from
// a second local origin (its own tiny HTTP server on another port) calls the client API with a token,
// reads a refusal's Retry-After, uses Willson's x-token route, opens a room socket and chats; the same
// page cannot call the server-to-server admin API. Needs Debian's Chromium at /usr/bin/chromium.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { createServer } from "node:http";
import { after, before, describe, it } from "node:test";
import { freePort, startServer } from "../e2e/harness.mjs";

const CHROMIUM = "/usr/bin/chromium";
const ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"];
const skip = existsSync(CHROMIUM) ? false : `Chromium not found at ${CHROMIUM}: apt-get install -y chromium`;
if (skip) console.log(`# skipping browser tests: ${skip}`);

/** A page origin of its own: serves one empty HTML page on a free loopback port. */
async function startPageServer() {
  const port = await freePort();
  const server = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end("<!doctype html><title>another origin</title><p>page on another origin</p>");
  });
  await new Promise((resolve) => server.listen(port, "127.0.0.1", resolve));
  return { url: `http://localhost:${port}`, close: () => new Promise((resolve) => server.close(resolve)) };
}

describe("a page on another origin uses the client API in Chromium", { skip }, () => {
  let api;
  let site;
  let browser;
  let page;
  const host = `cors-host-${Date.now()}`;
  const guest = `cors-guest-${Date.now()}`;
  const tokens = {};

  before(async () => {
    const { chromium } = await import("playwright-core");
    [api, site, browser] = await Promise.all([
      startServer(),
      startPageServer(),
      chromium.launch({ executablePath: CHROMIUM, args: ARGS }),
    ]);
    for (const userId of [host, guest]) {
      const minted = await api.admin("/user/get_token", { userId });
      assert.equal(minted.code, 0);
      tokens[userId] = minted.result.token;
    }
    page = await browser.newPage();
    page.on("pageerror", (error) => console.log(`# page error: ${error.message}`));
    await page.goto(site.url);
    assert.notEqual(new URL(site.url).origin, new URL(api.url).origin);
  });

  after(async () => {
    await browser?.close();
    await site?.close();
    await api?.stop();
  });

  it("creates a room with ACCESS-TOKEN (a preflighted call) and lists it with x-token", async () => {
    const result = await page.evaluate(
      async ({ base, host, guest, token }) => {
        const created = await fetch(`${base}/api/chatroom`, {
          method: "POST",
          headers: { "content-type": "application/json", "ACCESS-TOKEN": token },
          body: JSON.stringify({ hostId: host, isOpen: false, users: [host, guest], title: "From another origin" }),
        });
        const body = await created.json();
        const willson = await fetch(`${base}/api/v1/asker/chat/chatrooms`, { headers: { "x-token": token } });
        return { status: created.status, body, origin: location.origin, willson: await willson.json() };
      },
      { base: api.url, host, guest, token: tokens[host] },
    );
    assert.equal(result.status, 201, JSON.stringify(result.body));
    assert.equal(result.body.data.title, "From another origin");
    assert.equal(result.willson.code, "success");
    assert.equal(result.willson.data.ing[0].roomkey, result.body.data.chatroomId);
  });

  it("reads a refusal's body and its Retry-After header", async () => {
    const result = await page.evaluate(
      async ({ base, host, guest, tokens }) => {
        const call = (token, method, path, body) =>
          fetch(`${base}/api${path}`, {
            method,
            headers: { "content-type": "application/json", Authorization: `Bearer ${token}` },
            body: body === undefined ? undefined : JSON.stringify(body),
          });
        const created = await (
          await call(tokens[host], "POST", "/chatroom", { hostId: host, isOpen: false, users: [host, guest] })
        ).json();
        const id = created.data.chatroomId;
        await call(tokens[host], "PUT", `/chatrooms/${id}/settings`, { slowModeSeconds: 600 });
        await call(tokens[guest], "POST", `/chatrooms/${id}/messages`, { clientMsgId: "a", content: "one" });
        const limited = await call(tokens[guest], "POST", `/chatrooms/${id}/messages`, {
          clientMsgId: "b",
          content: "two",
        });
        const unauthorized = await fetch(`${base}/api/chatrooms`);
        return {
          status: limited.status,
          retryAfter: limited.headers.get("Retry-After"),
          code: (await limited.json()).code,
          unauthorized: { status: unauthorized.status, code: (await unauthorized.json()).code },
        };
      },
      { base: api.url, host, guest, tokens },
    );
    assert.equal(result.status, 429);
    assert.equal(result.code, "RATE_LIMITED");
    assert.ok(Number(result.retryAfter) > 500, `Retry-After readable: ${result.retryAfter}`);
    assert.deepEqual(result.unauthorized, { status: 401, code: "UNAUTHORIZED" });
  });

  it("opens a room socket from the page and gets its welcome and its own message back", async () => {
    const result = await page.evaluate(
      async ({ base, host, guest, token }) => {
        const created = await fetch(`${base}/api/chatroom`, {
          method: "POST",
          headers: { "content-type": "application/json", "ACCESS-TOKEN": token },
          body: JSON.stringify({ hostId: host, isOpen: false, users: [host, guest] }),
        }).then((res) => res.json());
        const ws = new WebSocket(
          `${base.replace("http", "ws")}/api/chatrooms/${created.data.chatroomId}/ws?token=${token}`,
        );
        const frames = [];
        const done = new Promise((resolve, reject) => {
          setTimeout(() => reject(new Error(`timed out with ${JSON.stringify(frames)}`)), 10_000);
          ws.onmessage = (event) => {
            const parsed = JSON.parse(event.data);
            for (const frame of parsed.type === "batch" ? parsed.frames : [parsed]) {
              frames.push(frame);
              if (frame.type === "welcome")
                ws.send(JSON.stringify({ type: "send", clientMsgId: "c1", content: "hello" }));
              // The room may send the broadcast before the sender's ack: wait for both.
              const seen = new Set(frames.map((f) => f.type));
              if (seen.has("message") && seen.has("ack")) resolve();
            }
          };
          ws.onerror = () => reject(new Error("socket error"));
        });
        await done;
        ws.close(1000);
        return frames.map((frame) => [frame.type, frame.content ?? frame.userId]);
      },
      { base: api.url, host, guest, token: tokens[host] },
    );
    assert.deepEqual(result[0], ["welcome", host]);
    assert.ok(
      result.some(([type, content]) => type === "message" && content === "hello"),
      JSON.stringify(result),
    );
    assert.ok(result.some(([type]) => type === "ack"));
  });

  it("cannot call the admin API from the page: it gives browsers no CORS", async () => {
    const outcome = await page.evaluate(async (base) => {
      try {
        await fetch(`${base}/admin/chatroom/info`, {
          method: "POST",
          headers: { "content-type": "application/json", nonce: "1", timestamp: String(Date.now()), sign: "x" },
          body: JSON.stringify({ chatroomId: "x" }),
        });
        return "answered";
      } catch (error) {
        return error.name;
      }
    }, api.url);
    assert.equal(outcome, "TypeError");
  });
});
