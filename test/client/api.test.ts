import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ApiError, EdgeroomApi, type RetryOptions } from "../../src/client";
import { newId, tokenFor } from "../helpers/admin";
import { api as call } from "../helpers/api";

/** Slow mode of the test rooms: long enough that the refusal's Retry-After stays put while a test runs. */
const SLOW_SECONDS = 600;

/** A typed client on the pool's Worker whose waits are recorded instead of slept (pool tests never sleep). */
async function client(userId: string, retry: RetryOptions = {}) {
  const waits: number[] = [];
  const api = new EdgeroomApi({
    baseUrl: "https://edgeroom.test",
    token: await tokenFor(userId),
    fetch: (input, init) => SELF.fetch(input, init),
    retry: {
      maxWaitSec: SLOW_SECONDS,
      ...retry,
      sleep: async (ms) => {
        waits.push(ms);
      },
    },
  });
  return { api, waits };
}

/** A slow-mode room where `member` has just sent, so their next send is refused with 429 and Retry-After. */
async function slowRoom(): Promise<{ member: string; chatroomId: string; send: string }> {
  const [host, member] = [newId("h"), newId("m")];
  const created = await call("POST", "/chatroom", {
    as: host,
    body: { hostId: host, isOpen: false, users: [host, member] },
  });
  const chatroomId = String(created.body.data?.chatroomId);
  const slowed = await call("PUT", `/chatrooms/${chatroomId}/settings`, {
    as: host,
    body: { slowModeSeconds: SLOW_SECONDS },
  });
  expect(slowed.status).toBe(200);
  const sent = await call("POST", `/chatrooms/${chatroomId}/messages`, {
    as: member,
    body: { clientMsgId: "first", content: "x" },
  });
  expect(sent.status).toBe(201);
  return { member, chatroomId, send: `/api/chatrooms/${chatroomId}/messages` };
}

const lastSeq = async (userId: string, chatroomId: string) =>
  (await call("GET", `/chatrooms/${chatroomId}`, { as: userId })).body.data?.lastSeq;

/** The error a call threw (or the value it returned, which fails the expectations). */
const outcome = (call: Promise<unknown>) => call.catch((error: unknown) => error);

describe("typed client: 429 handling", () => {
  it("waits Retry-After and retries a safe call a bounded number of times, then throws with retryAfterSec", async () => {
    const { member, chatroomId } = await slowRoom();
    const { api, waits } = await client(member, { retries: 3 });
    const refused = await outcome(api.sendMessage(chatroomId, { clientMsgId: "again", content: "x" }));
    expect(refused).toBeInstanceOf(ApiError);
    expect(refused).toMatchObject({ status: 429, code: "RATE_LIMITED" });
    const wait = (refused as ApiError).retryAfterSec ?? 0;
    expect(wait).toBeGreaterThan(SLOW_SECONDS - 60);
    expect(waits).toHaveLength(3);
    for (const ms of waits) expect(ms).toBeGreaterThanOrEqual(wait * 1000);
    expect(await lastSeq(member, chatroomId)).toBe(1);
  });

  it("does not retry a call that is not idempotent unless the caller opts in", async () => {
    const { member, chatroomId, send } = await slowRoom();
    const plain = await client(member);
    const refused = await outcome(plain.api.request("POST", send, { body: { clientMsgId: "a", content: "x" } }));
    expect(refused).toMatchObject({ status: 429, code: "RATE_LIMITED" });
    expect(plain.waits).toEqual([]);

    const perCall = await client(member, { retries: 1 });
    await outcome(perCall.api.request("POST", send, { body: { clientMsgId: "b", content: "x" }, retry: true }));
    expect(perCall.waits).toHaveLength(1);

    const everywhere = await client(member, { retries: 2, nonIdempotent: true });
    await outcome(everywhere.api.request("POST", send, { body: { clientMsgId: "c", content: "x" } }));
    expect(everywhere.waits).toHaveLength(2);
    expect(await lastSeq(member, chatroomId)).toBe(1);
  });

  it("throws at once when retrying is off or Retry-After is longer than the client will wait", async () => {
    const { member, chatroomId } = await slowRoom();
    for (const retry of [{ retries: 0 }, { maxWaitSec: 30 }]) {
      const { api, waits } = await client(member, retry);
      const refused = await outcome(api.sendMessage(chatroomId, { clientMsgId: "late", content: "x" }));
      expect(refused).toMatchObject({ status: 429, code: "RATE_LIMITED" });
      expect((refused as ApiError).retryAfterSec).toBeGreaterThan(30);
      expect(waits).toEqual([]);
    }
  });

  it("never retries other errors", async () => {
    const { api, waits } = await client(newId("u"));
    const refused = await outcome(api.getChatroom(newId("nope")));
    expect(refused).toMatchObject({ status: 404, code: "NOT_FOUND" });
    expect(waits).toEqual([]);
  });
});
