// Browser test of the demo chat (public/, built from src/app) against a real `wrangler dev`: two users
// in two browser contexts create and open a room, chat both ways, a flood meets the room's rate limit
// (composer closed with a countdown, refused messages retried without duplicates), the host mutes the
// other user for 3 s (shown in both UIs, lifts by itself), invite links and bans; then the same UI at
// phone width in the dark theme with reduced motion. Screenshots go to test-output/.
// Needs Debian's Chromium at /usr/bin/chromium (apt-get install -y chromium); skipped without it.
import assert from "node:assert/strict";
import { existsSync, mkdirSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { startServer } from "../e2e/harness.mjs";
import { png } from "../e2e/images.mjs";

const CHROMIUM = "/usr/bin/chromium";
const OUT = new URL("../test-output/", import.meta.url).pathname;
const ARGS = [
  "--headless=new",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];
const skip = existsSync(CHROMIUM) ? false : `Chromium not found at ${CHROMIUM}: apt-get install -y chromium`;
if (skip) console.log(`# skipping browser tests: ${skip}`);

describe("demo chat in a real browser", { skip }, () => {
  let server;
  let browser;
  const pages = {};

  before(async () => {
    mkdirSync(OUT, { recursive: true });
    const { chromium } = await import("playwright-core");
    [server, browser] = await Promise.all([
      startServer({ DEV_MODE: "true" }),
      chromium.launch({ executablePath: CHROMIUM, args: ARGS }),
    ]);
    for (const name of ["alice", "bob"]) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      page.on("pageerror", (error) => console.log(`# [${name}] page error: ${error.message}`));
      pages[name] = page;
    }
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  const shot = (name, file) =>
    pages[name].screenshot({ path: `${OUT}${file}`, fullPage: true, animations: "disabled" });

  async function signIn(name) {
    const page = pages[name];
    await page.goto(server.url);
    await page.getByLabel("User name").fill(name);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.locator("#me-name", { hasText: name }).waitFor();
  }

  it("shows a readable message when dev sign-in is off", async () => {
    const page = pages.alice;
    // Answer /dev/token as a server without DEV_MODE does (404 in the error envelope).
    await page.route("**/dev/token", (route) =>
      route.fulfill({
        status: 404,
        contentType: "application/json",
        body: JSON.stringify({
          status: 404,
          message: "no such route",
          error: "NOT_FOUND",
          code: "NOT_FOUND",
          timestamp: new Date().toISOString(),
        }),
      }),
    );
    await page.goto(server.url);
    await page.getByLabel("User name").fill("alice");
    await page.getByRole("button", { name: "Sign in" }).click();
    const notice = page.getByRole("alert");
    await notice.waitFor();
    const text = await notice.innerText();
    assert.match(text, /DEV_MODE=true/);
    assert.doesNotMatch(text, /[{}]/, "no raw JSON in the message");
    await shot("alice", "00-dev-mode-off.png");
    await page.unroute("**/dev/token");
  });

  it("alice creates a room with bob and both open it", async () => {
    await signIn("alice");
    const alice = pages.alice;
    await alice.getByText("New room").click();
    await alice.getByLabel("Title").fill("Weekend trip");
    await alice.getByLabel(/^Members/).fill("bob");
    await shot("alice", "01a-create-form.png");
    await alice.getByRole("button", { name: "Create room" }).click();
    await alice.locator("#room-title", { hasText: "Weekend trip" }).waitFor();
    await alice.locator("#conn", { hasText: "Live" }).waitFor();

    await signIn("bob");
    const bob = pages.bob;
    await bob.getByRole("button", { name: /Weekend trip/ }).click();
    await bob.locator("#conn", { hasText: "Live" }).waitFor();
    // Presence: alice sees bob come online.
    await alice.locator('.person.online[data-user="bob"]').waitFor();
    await bob.locator('.person.online[data-user="alice"]').waitFor();
  });

  it("they chat and each sees the other's message", async () => {
    const { alice, bob } = pages;
    await alice.getByRole("textbox", { name: "Message" }).fill("Hi Bob! Ready for the trip?");
    await alice.getByRole("button", { name: "Send" }).click();
    await bob.locator(".msg:not(.mine) .msg-body", { hasText: "Hi Bob! Ready for the trip?" }).waitFor();

    await bob.getByRole("textbox", { name: "Message" }).fill("Absolutely, packing now.");
    await bob.getByRole("button", { name: "Send" }).click();
    await alice.locator(".msg:not(.mine) .msg-body", { hasText: "Absolutely, packing now." }).waitFor();
    // Confirmed, not pending, on the sender's side.
    await bob.locator(".msg.mine:not(.pending) .msg-body", { hasText: "Absolutely, packing now." }).waitFor();
    await shot("alice", "01-alice-chat.png");
    await shot("bob", "02-bob-chat.png");
  });

  it("bob replies to alice's message from its hover action, mentioning her; both see the quote", async () => {
    const { alice, bob } = pages;
    const quoted = bob.locator(".msg", { hasText: "Hi Bob! Ready for the trip?" });
    await quoted.hover();
    await quoted.getByRole("button", { name: "Reply", exact: true }).click();
    await bob.locator(".reply-bar", { hasText: "Replying to alice" }).waitFor();
    const composer = bob.getByRole("textbox", { name: "Message" });
    assert.equal(await composer.evaluate((el) => el === document.activeElement), true, "focus moves to the composer");
    await composer.fill("Yes @alice, leaving at 8.");
    await composer.press("Enter");
    await bob.locator(".reply-bar").waitFor({ state: "detached" });
    const reply = alice.locator(".msg", { hasText: "Yes @alice, leaving at 8." });
    await reply.locator(".reply-chip", { hasText: "Hi Bob! Ready for the trip?" }).waitFor();
    assert.match(await reply.getAttribute("class"), /\bmention\b/, "alice sees that it mentions her");
    await shot("alice", "01b-alice-sees-reply.png");
  });

  it("alice reacts, searches, edits and deletes; bob sees each change", async () => {
    const { alice, bob } = pages;
    const theirs = alice.locator(".msg", { hasText: "Absolutely, packing now." });
    await theirs.hover();
    await theirs.locator('summary[aria-label="React"]').click();
    await theirs.getByRole("button", { name: "React with 👍" }).click();
    await theirs.locator(".reaction.mine", { hasText: "👍 1" }).waitFor();
    await bob
      .locator(".msg", { hasText: "Absolutely, packing now." })
      .locator(".reaction", { hasText: "👍 1" })
      .waitFor();

    await alice.getByRole("searchbox", { name: "Search messages" }).fill("packing");
    await alice.getByRole("searchbox", { name: "Search messages" }).press("Enter");
    await alice.locator(".search-result", { hasText: "Absolutely, packing now." }).waitFor();

    const mine = alice.locator(".msg.mine", { hasText: "Hi Bob! Ready for the trip?" });
    await mine.hover();
    await mine.getByRole("button", { name: "Edit" }).click();
    const composer = alice.getByRole("textbox", { name: "Message" });
    // Editing starts from the message's text (filled in on the next frame).
    await alice.waitForFunction(
      () => document.querySelector("#composer-input")?.value === "Hi Bob! Ready for the trip?",
      null,
      { timeout: 2000 },
    );
    await composer.fill("Hi Bob! Ready for the trip? We leave at 8.");
    await composer.press("Enter");
    await bob.locator(".msg", { hasText: "We leave at 8." }).locator(".edited").waitFor();
    await shot("bob", "02b-bob-sees-reaction-and-edit.png");

    alice.once("dialog", (dialog) => dialog.accept());
    const edited = alice.locator(".msg.mine", { hasText: "We leave at 8." });
    await edited.hover();
    await edited.getByRole("button", { name: "Delete for everyone" }).click();
    await bob.locator(".msg.deleted", { hasText: "This message was deleted." }).waitFor();
    // bob's reply quoted it: the quote is hidden now.
    await bob.locator(".msg", { hasText: "Yes @alice, leaving at 8." }).locator(".reply-chip.gone").waitFor();
  });

  it("a flood meets the rate limit: the composer closes with a countdown, then refused messages are retried once", async () => {
    const { alice, bob } = pages;
    const composer = alice.getByRole("textbox", { name: "Message" });
    // Typed and sent with Enter faster than a person can (Playwright's own round trips would stay under the
    // refill rate): SEND_BURST is 10, so the flood runs into RATE_LIMITED within a few more.
    const typed = await alice.evaluate(async () => {
      const input = document.querySelector("#composer-input");
      const tick = () => new Promise((resolve) => setTimeout(resolve, 0));
      const sent = [];
      for (let i = 1; i <= 40 && !input.disabled; i++) {
        input.value = `flood ${i}`;
        input.dispatchEvent(new Event("input", { bubbles: true }));
        await tick();
        if (input.disabled) break;
        input.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true, cancelable: true }));
        sent.push(`flood ${i}`);
        await tick();
      }
      return sent;
    });
    const banner = alice.locator("#restriction-banner");
    await banner.filter({ hasText: /sending too fast\. You can send again in \d+ s/ }).waitFor({ timeout: 2000 });
    assert.equal(await composer.isDisabled(), true, "the composer is closed while rate limited");
    await alice.locator(".msg.failed").first().waitFor();
    await shot("alice", "02a-alice-rate-limited.png");

    await banner.waitFor({ state: "hidden", timeout: 5000 });
    assert.equal(await composer.isDisabled(), false, "the composer opens again by itself");
    // Retry keeps each message's clientMsgId: whatever the room had already taken is not stored twice.
    // A retry can meet the limit again; go on until every typed message is confirmed.
    const exact = (text) => new RegExp(`^${text}$`);
    for (let round = 0; round < 100; round++) {
      const confirmed = await alice.locator(".msg.mine:not(.pending):not(.failed) .msg-body").allInnerTexts();
      if (typed.every((text) => confirmed.includes(text))) break;
      const failed = alice.locator(".msg.failed");
      if ((await failed.count()) > 0 && !(await composer.isDisabled())) {
        await failed.first().getByRole("button", { name: "Retry" }).click();
      }
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    for (const text of typed) await bob.locator(".msg-body", { hasText: exact(text) }).waitFor();
    const seen = await bob.locator(".msg-body").allInnerTexts();
    for (const text of typed) assert.equal(seen.filter((t) => t === text).length, 1, `"${text}" shown exactly once`);
  });

  it("alice mutes bob for 3 s; bob sees it, the room shows it, and it lifts by itself", async () => {
    const { alice, bob } = pages;
    await alice.getByLabel("Member", { exact: true }).fill("bob");
    await alice.getByLabel(/^Duration/).fill("3");
    await alice.getByRole("button", { name: "Mute", exact: true }).click();

    const banner = bob.locator("#restriction-banner");
    await banner.filter({ hasText: "You are muted" }).waitFor({ timeout: 5000 });
    assert.equal(
      await bob.getByRole("textbox", { name: "Message" }).isDisabled(),
      true,
      "bob's composer is disabled while muted",
    );
    await bob.locator(".system", { hasText: "You were muted" }).waitFor();
    await alice.locator('.person[data-user="bob"] .restricted', { hasText: "Muted" }).waitFor();
    await alice.locator(".system", { hasText: "bob was muted" }).waitFor();
    await shot("bob", "03-bob-muted.png");
    await shot("alice", "04-alice-sees-bob-muted.png");

    // The room's alarm lifts the mute and the `unmuted` frame arrives: no action needed.
    await bob.locator(".system", { hasText: "You can speak again" }).waitFor({ timeout: 15_000 });
    await banner.waitFor({ state: "hidden" });
    assert.equal(await bob.getByRole("textbox", { name: "Message" }).isDisabled(), false);
    await alice.locator('.person[data-user="bob"] .restricted').waitFor({ state: "detached" });

    await bob.getByRole("textbox", { name: "Message" }).fill("Thanks, I can talk again.");
    await bob.getByRole("button", { name: "Send" }).click();
    await alice.locator(".msg-body", { hasText: "Thanks, I can talk again." }).waitFor();
    await shot("bob", "05-bob-unmuted.png");
  });

  it("alice attaches a picture, a text file and a PDF and sends them without text; bob sees the picture inline and downloads the files", async () => {
    const { alice, bob } = pages;
    // bob's first load of the picture fails as an expired signature would: the page asks history once for
    // the message again. Its answer stands for a freshly signed URL (marked, so the test can tell it apart).
    const refreshes = [];
    let refused = 0;
    const isDownload = (url) => url.pathname.includes("/attachments/");
    const isOneMessage = (url) => url.pathname.endsWith("/messages") && url.searchParams.get("limit") === "1";
    await bob.route(isDownload, (route) =>
      route.request().resourceType() === "image" && refused++ === 0
        ? route.fulfill({ status: 403, contentType: "application/json", body: "{}" })
        : route.continue(),
    );
    await bob.route(isOneMessage, async (route) => {
      refreshes.push(new URL(route.request().url()).searchParams.get("before"));
      const res = await route.fetch();
      const body = await res.json();
      for (const message of body.data.messages) {
        for (const attachment of message.attachments ?? []) attachment.url += "&renewed=1";
      }
      await route.fulfill({ response: res, json: body });
    });
    const bobBefore = await bob.locator(".msg").count();
    // The flood above may have left a line in the composer when it closed: this message has no text.
    await alice.getByRole("textbox", { name: "Message" }).fill("");

    const pdf = Buffer.from("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n");
    await alice.locator("#composer-files").setInputFiles([
      { name: "red.png", mimeType: "image/png", buffer: Buffer.from(png(64, 48)) },
      { name: "packing list.txt", mimeType: "text/plain", buffer: Buffer.from("socks\nmap\n") },
      { name: "plan.pdf", mimeType: "application/pdf", buffer: pdf },
      { name: "spare.txt", mimeType: "text/plain", buffer: Buffer.from("not this one") },
    ]);
    await alice.locator(".upload-chip", { hasText: "red.png" }).waitFor();
    await alice.getByRole("button", { name: "Remove spare.txt" }).click();
    await alice.locator(".upload-chip.uploading").first().waitFor({ state: "detached" });
    assert.deepEqual(
      await alice.locator(".upload-chip .upload-name").allInnerTexts(),
      ["red.png", "packing list.txt", "plan.pdf"],
      "a chip per kept file, in order",
    );
    await alice.locator(".upload-chip", { hasText: "plan.pdf" }).filter({ hasText: /\d+ B/ }).waitFor();
    assert.equal(await alice.getByRole("textbox", { name: "Message" }).inputValue(), "", "no text at all");
    await alice.getByRole("button", { name: "Send" }).click();
    await alice.locator(".upload-chip").first().waitFor({ state: "detached" });

    const sent = bob.locator(".msg.has-attachments:not(.mine)").last();
    const image = sent.locator(".attachment-image img");
    await image.waitFor();
    assert.deepEqual([await image.getAttribute("width"), await image.getAttribute("height")], ["64", "48"]);
    assert.equal(await image.getAttribute("loading"), "lazy");
    await bob.waitForFunction(
      (img) => img.complete && img.naturalWidth > 0 && img.src.includes("renewed=1"),
      await image.elementHandle(),
      { timeout: 10_000 },
    );
    assert.equal(await image.evaluate((img) => img.naturalWidth), 64);
    assert.equal(refreshes.length, 1, "one history call for the failed picture");
    assert.equal(await sent.locator(".msg-body").count(), 0, "no empty text line");
    assert.equal(await bob.locator(".msg").count(), bobBefore + 1, "one message with all three files");

    const chips = sent.locator(".file-chip");
    assert.deepEqual(await chips.locator(".file-name").allInnerTexts(), ["packing list.txt", "plan.pdf"]);
    await sent.locator(".file-chip", { hasText: "PDF ·" }).waitFor();
    const downloads = await chips.evaluateAll((links) =>
      Promise.all(
        links.map(async (link) => {
          const res = await fetch(link.href);
          return { status: res.status, type: res.headers.get("content-type"), text: await res.text() };
        }),
      ),
    );
    assert.deepEqual(
      downloads.map(({ status, type }) => [status, type]),
      [
        [200, "text/plain; charset=utf-8"],
        [200, "application/pdf"],
      ],
    );
    assert.equal(downloads[0].text, "socks\nmap\n");

    // The picture opens full size in a new tab.
    const [tab] = await Promise.all([bob.context().waitForEvent("page"), image.click()]);
    await tab.waitForLoadState();
    assert.match(tab.url(), /\/attachments\/[0-9a-f]+\?exp=\d+&sig=/);
    await tab.close();
    await bob.unroute(isDownload);
    await bob.unroute(isOneMessage);
    await shot("bob", "10-attachments.png");
    await shot("alice", "10a-attachments-sender.png");
  });

  it("refused uploads say why in one notice, leave no chip and send nothing", async () => {
    const { alice, bob } = pages;
    const bobBefore = await bob.locator(".msg").count();
    const notice = alice.getByRole("alert");
    await alice.locator("#composer-files").setInputFiles({
      name: "holiday.png",
      mimeType: "image/png",
      buffer: Buffer.from("this is text, not a picture"),
    });
    await notice.filter({ hasText: /“holiday\.png” can't be attached: its contents do not match its type/ }).waitFor();
    await alice.locator(".upload-chip").first().waitFor({ state: "detached" });
    await alice.getByRole("button", { name: "Dismiss message" }).click();

    await alice.locator("#composer-files").setInputFiles({
      name: "scan.pdf",
      mimeType: "application/pdf",
      buffer: Buffer.alloc(12 * 1024 * 1024),
    });
    await notice.filter({ hasText: "“scan.pdf” is too large to attach (12 MB; the most is 10 MB)." }).waitFor();
    await alice.locator(".upload-chip").first().waitFor({ state: "detached" });
    assert.equal(await alice.getByRole("button", { name: "Send" }).isDisabled(), true, "nothing to send");
    await shot("alice", "10b-upload-refused.png");
    await alice.getByRole("button", { name: "Dismiss message" }).click();
    assert.equal(await bob.locator(".msg").count(), bobBefore, "bob received nothing");
  });

  it("recalling a message with attachments hides them for everyone", async () => {
    const { alice, bob } = pages;
    alice.once("dialog", (dialog) => dialog.accept());
    const mine = alice.locator(".msg.mine.has-attachments").last();
    const seq = await mine.getAttribute("data-seq");
    await mine.hover();
    await mine.getByRole("button", { name: "Delete for everyone" }).click();
    for (const page of [bob, alice]) {
      const recalled = page.locator(`.msg[data-seq="${seq}"]`);
      await recalled.locator(".msg-body", { hasText: "This message was deleted." }).waitFor();
      assert.equal(await recalled.locator(".attachments").count(), 0, "no picture or file left");
    }
  });

  it("an image pasted into the input and one dropped on the composer are attached too", async () => {
    const { alice, bob } = pages;
    const bytes = [...png(20, 10, [30, 120, 200])];
    await alice.evaluate((data) => {
      const file = (name) => new File([new Uint8Array(data)], name, { type: "image/png" });
      const pasted = new DataTransfer();
      pasted.items.add(file("screenshot.png"));
      const input = document.querySelector("#composer-input");
      input.dispatchEvent(new ClipboardEvent("paste", { clipboardData: pasted, bubbles: true, cancelable: true }));
      const dropped = new DataTransfer();
      dropped.items.add(file("dropped.png"));
      const composer = document.querySelector("#composer");
      composer.dispatchEvent(new DragEvent("dragover", { dataTransfer: dropped, bubbles: true, cancelable: true }));
      composer.dispatchEvent(new DragEvent("drop", { dataTransfer: dropped, bubbles: true, cancelable: true }));
    }, bytes);
    await alice.locator(".upload-chip", { hasText: "dropped.png" }).waitFor();
    await alice.locator(".upload-chip.uploading").first().waitFor({ state: "detached" });
    assert.deepEqual(await alice.locator(".upload-chip .upload-name").allInnerTexts(), [
      "screenshot.png",
      "dropped.png",
    ]);
    assert.equal(await alice.getByRole("textbox", { name: "Message" }).inputValue(), "", "the paste added no text");
    await alice.getByRole("textbox", { name: "Message" }).fill("Two more");
    await alice.getByRole("textbox", { name: "Message" }).press("Enter");
    await bob.locator(".msg", { hasText: "Two more" }).locator(".attachment-image img").nth(1).waitFor();
    const loaded = await bob.waitForFunction(
      () => {
        const message = [...document.querySelectorAll(".msg")].find((m) => m.textContent.includes("Two more"));
        const images = [...(message?.querySelectorAll(".attachment-image img") ?? [])];
        return images.length === 2 && images.every((img) => img.complete) && images.map((img) => img.naturalWidth);
      },
      null,
      { timeout: 10_000 },
    );
    assert.deepEqual(await loaded.jsonValue(), [20, 20]);
  });

  it("bob joins an open room through its invite link", async () => {
    const { alice, bob } = pages;
    await alice.getByText("New room").click();
    await alice.getByLabel("Title").fill("Open house");
    await alice.getByLabel(/Open \(anyone with the link\)/).check();
    await alice.getByRole("button", { name: "Create room" }).click();
    await alice.locator("#room-title", { hasText: "Open house" }).waitFor();
    const invite = await alice.getByLabel("Invite link").inputValue();
    assert.match(invite, /\/\?join=[0-9a-f-]{36}$/);

    await bob.goto(invite);
    await bob.locator("#room-title", { hasText: "Open house" }).waitFor();
    await bob.locator("#conn", { hasText: "Live" }).waitFor();
    await alice.locator(".system", { hasText: "bob joined the room" }).waitFor();
    assert.equal(new URL(bob.url()).search, "", "the join parameter is consumed");
  });

  it("a ban removes bob from the room with a readable message", async () => {
    const { alice, bob } = pages;
    await alice.getByLabel("Member", { exact: true }).fill("bob");
    await alice.getByLabel(/^Duration/).fill("");
    await alice.getByRole("button", { name: "Ban" }).click();
    await bob.getByRole("alert").filter({ hasText: "You were removed from this room." }).waitFor();
    await bob.locator("#conn", { hasText: "Disconnected" }).waitFor();
    assert.equal(await bob.getByRole("textbox", { name: "Message" }).isDisabled(), true);
    await alice.locator('.person[data-user="bob"] .restricted', { hasText: "Banned" }).waitFor();
    await shot("bob", "06-bob-banned.png");
  });

  it("renews a refused token through /dev/token and carries on", async () => {
    const { bob } = pages;
    await bob.evaluate(() => {
      const session = JSON.parse(localStorage.getItem("edgeroom.demo.session"));
      localStorage.setItem("edgeroom.demo.session", JSON.stringify({ ...session, token: "no.longer.valid" }));
    });
    let renewals = 0;
    const count = (request) => {
      if (request.url().endsWith("/dev/token")) renewals++;
    };
    bob.on("request", count);
    await bob.reload();
    await bob.getByRole("button", { name: /Weekend trip/ }).click();
    await bob.locator("#conn", { hasText: "Live" }).waitFor();
    bob.off("request", count);
    assert.equal(renewals, 1, "one renewal for the calls refused together");
    const stored = await bob.evaluate(() => JSON.parse(localStorage.getItem("edgeroom.demo.session")).token);
    assert.notEqual(stored, "no.longer.valid");
  });

  it("a revocation closes bob's socket with 4001: the demo gets a new token and the room goes on", async () => {
    const { bob } = pages;
    const renewed = bob.waitForResponse((res) => res.url().endsWith("/dev/token") && res.ok(), { timeout: 10_000 });
    assert.equal((await server.admin("/user/revoke_tokens", { userId: "bob" })).code, 0);
    await renewed;
    await bob.locator("#conn", { hasText: "Live" }).waitFor({ timeout: 15_000 });
    const composer = bob.getByRole("textbox", { name: "Message" });
    await composer.fill("Still here with a new token.");
    await composer.press("Enter");
    await bob
      .locator(".msg.mine:not(.pending):not(.failed) .msg-body", { hasText: "Still here with a new token." })
      .waitFor();
    assert.equal(await bob.getByRole("alert").count(), 0, "no error shown for a renewal");
  });

  it("pages earlier history in on demand", async () => {
    const { alice } = pages;
    const call = async (token, method, path, body) => {
      const res = await fetch(`${server.url}${path}`, {
        method,
        headers: { "content-type": "application/json", ...(token ? { "ACCESS-TOKEN": token } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return (await res.json()).data;
    };
    const token = {};
    for (const user of ["alice", "bob"]) token[user] = (await call(null, "POST", "/dev/token", { userId: user })).token;
    const list = await call(token.alice, "GET", "/api/chatrooms?status=ongoing");
    const trip = list.ongoing.find((room) => room.title === "Weekend trip").chatroomId;
    // 60 more messages, two senders in step, paced under each sender's SEND_RATE_PER_SEC.
    for (let i = 0; i < 30; i++) {
      await Promise.all(
        ["alice", "bob"].map((user) =>
          call(token[user], "POST", `/api/chatrooms/${trip}/messages`, {
            clientMsgId: `page-${user}-${i}`,
            content: `${user} page ${i}`,
          }),
        ),
      );
      await new Promise((resolve) => setTimeout(resolve, 220));
    }
    await alice.getByRole("button", { name: /Weekend trip/ }).click();
    await alice.locator(".msg-body", { hasText: "bob page 29" }).waitFor();
    const first = alice.locator(".msg-body", { hasText: "Absolutely, packing now." });
    assert.equal(await first.count(), 0, "the first message is not loaded yet");
    await alice.getByRole("button", { name: "Show earlier messages" }).click();
    await first.waitFor({ state: "attached" });
    assert.equal(await alice.locator(".msg-body", { hasText: "bob page 29" }).count(), 1);
  });

  it("a live room: bob watches and chats through the invite link without joining, as a viewer", async () => {
    const { alice, bob } = pages;
    const typingFrames = [];
    const watchFrames = (socket) =>
      socket.on("framesent", ({ payload }) => {
        if (String(payload).includes('"type":"typing"')) typingFrames.push(socket.url());
      });
    alice.on("websocket", watchFrames);
    await alice.getByText("New room").click();
    await alice.getByLabel("Title").fill("Launch stream");
    await alice.getByLabel(/Open \(anyone with the link\)/).check();
    await alice.getByLabel(/Live room/).check();
    await alice.getByLabel(/^Shards/).fill("4");
    await alice.getByRole("button", { name: "Create room" }).click();
    await alice.locator("#room-badges .badge.live").waitFor();
    await alice.locator("#conn", { hasText: "Live" }).waitFor();
    await alice.locator("#my-role", { hasText: "You: host" }).waitFor();
    const invite = await alice.getByLabel("Invite link").inputValue();
    const created = await alice.evaluate(async (id) => {
      const { token } = JSON.parse(localStorage.getItem("edgeroom.demo.session"));
      const res = await fetch(`/api/chatrooms/${id}`, { headers: { "ACCESS-TOKEN": token } });
      return (await res.json()).data;
    }, new URL(invite).searchParams.get("join"));
    assert.equal(created.mode, "live");
    assert.equal(created.shards, 4, "the shard count from the form");

    await bob.goto(invite);
    await bob.locator("#room-title", { hasText: "Launch stream" }).waitFor();
    await bob.locator("#conn", { hasText: "Live" }).waitFor();
    await bob.locator("#room-badges .badge.live").waitFor();
    await bob.locator("#my-role", { hasText: "You: viewer" }).waitFor();
    // The audience size comes from the room's `online` frames: both of them, on both screens.
    await bob.locator("#online-count.audience", { hasText: /^\s*2 online$/ }).waitFor({ timeout: 10_000 });
    await alice.locator("#online-count.audience", { hasText: /^\s*2 online$/ }).waitFor({ timeout: 10_000 });
    assert.equal(await bob.locator("#leave-room").count(), 0, "a viewer has nothing to leave");
    assert.equal(await bob.locator("#invite").count(), 0, "a viewer does not invite");
    assert.equal(await alice.locator("#leave-room").count(), 1, "the host still can leave");

    const composer = bob.getByRole("textbox", { name: "Message" });
    await composer.fill("Watching from the audience!");
    await composer.press("Enter");
    await alice.locator(".msg-body", { hasText: "Watching from the audience!" }).waitFor();
    // Typing is not relayed in a live room: no typing line on either side, and the host's page sends none.
    await alice.getByRole("textbox", { name: "Message" }).pressSequentially("Welcome", { delay: 20 });
    alice.off("websocket", watchFrames);
    assert.deepEqual(typingFrames, [], "no typing frame sent in a live room");
    assert.equal(await bob.locator("#typing").count(), 0);
    assert.equal(await alice.locator("#typing").count(), 0);
    await shot("bob", "11-live-room.png");
    await shot("alice", "11a-live-room-host.png");
    await alice.getByRole("textbox", { name: "Message" }).fill("");
  });

  it("fits a phone: room list, then the room with a back button, people in a panel; dark theme, reduced motion", async () => {
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      colorScheme: "dark",
      reducedMotion: "reduce",
      storageState: await pages.alice.context().storageState(),
    });
    const phone = await context.newPage();
    phone.on("pageerror", (error) => console.log(`# [phone] page error: ${error.message}`));
    const fits = () => phone.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
    await phone.goto(server.url);
    await phone.getByRole("button", { name: /Weekend trip/ }).waitFor();
    assert.equal(await fits(), true, "no sideways scrolling at 390 px");
    await phone.screenshot({ path: `${OUT}07-phone-rooms.png` });

    await phone.getByRole("button", { name: /Weekend trip/ }).click();
    await phone.locator("#conn", { hasText: "Live" }).waitFor();
    assert.equal(await phone.getByRole("complementary", { name: "My rooms" }).isVisible(), false);
    assert.equal(await fits(), true);
    await phone.screenshot({ path: `${OUT}08-phone-room.png` });

    const toggle = phone.getByRole("button", { name: "Show people" });
    assert.equal(await toggle.getAttribute("aria-expanded"), "false");
    await toggle.click();
    await phone.locator('.person[data-user="alice"]').waitFor();
    await phone.screenshot({ path: `${OUT}09-phone-people.png` });
    await phone.getByRole("button", { name: "Hide people" }).first().click();

    await phone.getByRole("button", { name: "Back to my rooms" }).click();
    await phone.getByRole("button", { name: /Weekend trip/ }).waitFor();

    // The live room's header keeps its audience count at phone width.
    await phone.getByRole("button", { name: /Launch stream/ }).click();
    await phone.locator("#online-count.audience").waitFor();
    assert.equal(await fits(), true);
    await phone.screenshot({ path: `${OUT}12-phone-live-room.png` });
    await context.close();
  });
});
