// Attachments end to end (SPEC §8.4) against a real `wrangler dev` with its local R2: the typed client
// uploads a real PNG and a JPEG carrying EXIF and GPS (built byte by byte), a message carries both, and
// another member, seeing it over a real `ws` socket, fetches the signed URLs without a token: stored
// type, nosniff, metadata gone, dimensions kept. Expired and forged URLs are refused; recall deletes.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { EdgeroomApi } from "../public/client.js";
import { eventually, RoomSocket, tokenFor, uid } from "./client.mjs";
import { startServer } from "./harness.mjs";
import { containsText, jpeg, png } from "./images.mjs";

describe("attachments against wrangler dev", () => {
  let server;
  let alice;
  let bob;
  let chatroomId;
  const users = { alice: uid("alice"), bob: uid("bob") };

  before(async () => {
    server = await startServer();
    alice = new EdgeroomApi({ baseUrl: server.url, token: await tokenFor(server, users.alice) });
    bob = new EdgeroomApi({ baseUrl: server.url, token: await tokenFor(server, users.bob) });
    const room = await alice.createChatroom({ hostId: users.alice, isOpen: false, users: [users.alice, users.bob] });
    chatroomId = room.chatroomId;
  });
  after(async () => {
    await server?.stop();
  });

  it("uploads a PNG and a JPEG with GPS, sends them, and another member downloads them stripped", async () => {
    const picture = png(12, 8);
    const photo = jpeg(48, 32, { metadata: true, orientation: 6 });
    const socket = await RoomSocket.open(server.wsUrl, chatroomId, bob.token);
    await socket.next("welcome");
    const pngUp = await alice.upload(chatroomId, new Blob([picture], { type: "image/png" }), { name: "dot.png" });
    const jpegUp = await alice.upload(chatroomId, photo, { contentType: "image/jpeg", name: "trip/photo.jpg" });
    assert.deepEqual(
      [pngUp.contentType, pngUp.size, pngUp.width, pngUp.height, pngUp.name],
      ["image/png", picture.length, 12, 8, "dot.png"],
    );
    assert.deepEqual(
      [jpegUp.contentType, jpegUp.width, jpegUp.height, jpegUp.name],
      ["image/jpeg", 48, 32, "photo.jpg"],
    );
    assert.ok(jpegUp.size < photo.length);
    const sent = await alice.sendMessage(chatroomId, {
      clientMsgId: uid("m"),
      content: "from the trip",
      attachments: [pngUp.attachmentId, jpegUp.attachmentId],
    });
    const frame = await socket.next("message");
    assert.equal(frame.seq, sent.seq);
    assert.deepEqual(
      frame.attachments.map((a) => [a.id, a.contentType, a.width, a.height]),
      [
        [pngUp.attachmentId, "image/png", 12, 8],
        [jpegUp.attachmentId, "image/jpeg", 48, 32],
      ],
    );
    await socket.close();

    // Bob fetches them as an <img> would: no token.
    const [pngRes, jpegRes] = await Promise.all(frame.attachments.map((a) => fetch(bob.resolveUrl(a.url))));
    for (const [res, type] of [
      [pngRes, "image/png"],
      [jpegRes, "image/jpeg"],
    ]) {
      assert.equal(res.status, 200);
      assert.equal(res.headers.get("content-type"), type);
      assert.equal(res.headers.get("x-content-type-options"), "nosniff");
      assert.match(res.headers.get("content-disposition"), /^inline; filename="/);
    }
    assert.deepEqual(new Uint8Array(await pngRes.arrayBuffer()), picture);
    const stripped = new Uint8Array(await jpegRes.arrayBuffer());
    assert.equal(stripped.length, jpegUp.size);
    for (const secret of ["EdgeCam", "GPS", "xap", "Photoshop", "comment", "MOTION"]) {
      assert.equal(containsText(stripped, secret), false, secret);
    }
    assert.equal(containsText(stripped, "Exif"), true, "the orientation stays");
  });

  it("refuses expired and forged URLs, and recall deletes the object", async () => {
    const up = await alice.upload(chatroomId, png(3, 3), { contentType: "image/png" });
    const sent = await alice.sendMessage(chatroomId, {
      clientMsgId: uid("m"),
      content: "",
      attachments: [up.attachmentId],
    });
    const url = new URL(bob.resolveUrl(up.url));
    assert.equal((await fetch(url)).status, 200);
    const expired = new URL(url);
    expired.searchParams.set("exp", String(Math.floor(Date.now() / 1000) - 60));
    const forged = new URL(url);
    forged.searchParams.set("sig", "A".repeat(43));
    for (const refused of [expired, forged]) {
      const res = await fetch(refused);
      assert.equal(res.status, 403);
      assert.equal((await res.json()).code, "FORBIDDEN");
    }
    await alice.request("DELETE", `/api/chatrooms/${chatroomId}/messages/${sent.seq}`);
    await eventually(async () => (await fetch(url)).status === 404, { what: "the recalled object to be deleted" });
  });

  it("answers 411, 413 and 415 from the real runtime before storing anything", async () => {
    const path = `${server.url}/api/chatrooms/${chatroomId}/attachments`;
    const headers = { "ACCESS-TOKEN": alice.token, "content-type": "image/png" };
    const chunked = new ReadableStream({
      start(controller) {
        controller.enqueue(png(1, 1));
        controller.close();
      },
    });
    const noLength = await fetch(path, { method: "POST", headers, body: chunked, duplex: "half" });
    assert.deepEqual([noLength.status, (await noLength.json()).code], [411, "LENGTH_REQUIRED"]);
    const tooBig = await fetch(path, { method: "POST", headers, body: new Uint8Array(10 * 1024 * 1024 + 1) });
    assert.deepEqual([tooBig.status, (await tooBig.json()).code], [413, "PAYLOAD_TOO_LARGE"]);
    const svg = await fetch(path, {
      method: "POST",
      headers: { ...headers, "content-type": "image/svg+xml" },
      body: "<svg/>",
    });
    assert.deepEqual([svg.status, (await svg.json()).code], [415, "UNSUPPORTED_MEDIA_TYPE"]);
    const disguised = await fetch(path, { method: "POST", headers, body: jpeg(8, 8) });
    assert.deepEqual(
      [disguised.status, (await disguised.json()).message],
      [415, "Content-Type: the file is image/jpeg"],
    );
  });
});
