/** Test helpers for attachments: uploads through the Worker, downloads of signed URLs, and R2 state of a room. */
import { env, runInDurableObject, SELF } from "cloudflare:test";
import { attachmentKey } from "../../src/room/store";
import { tokenFor } from "./admin";
import type { ApiReply } from "./api";
import { conformed } from "./conformance";

const ORIGIN = "https://edgeroom.test";

/** Uploads `bytes` as `userId` with Content-Type `type`; `query` is appended, `headers` override. */
export async function upload(
  chatroomId: string,
  userId: string,
  bytes: Uint8Array | ReadableStream<Uint8Array>,
  type: string,
  options: { query?: string; headers?: Record<string, string> } = {},
): Promise<ApiReply> {
  const url = `${ORIGIN}/api/chatrooms/${chatroomId}/attachments${options.query ?? ""}`;
  const headers = { "access-token": await tokenFor(userId), "content-type": type, ...options.headers };
  const res = await conformed("POST", url, await SELF.fetch(url, { method: "POST", headers, body: bytes }));
  return { status: res.status, body: (await res.json()) as ApiReply["body"], headers: res.headers };
}

/** Fetches a signed path (relative, as the API answers it) without a token. */
export async function download(path: string, headers: Record<string, string> = {}): Promise<Response> {
  const url = new URL(path, ORIGIN).toString();
  return conformed("GET", url, await SELF.fetch(url, { headers }));
}

/** The keys of every object stored under a room's prefix. */
export async function storedKeys(chatroomId: string): Promise<string[]> {
  const listed = await env.ATTACHMENTS.list({ prefix: `rooms/${chatroomId}/` });
  return listed.objects.map((object) => object.key);
}

/** The stored bytes of an attachment, or null. */
export async function storedBytes(chatroomId: string, id: string): Promise<Uint8Array | null> {
  const object = await env.ATTACHMENTS.get(attachmentKey(chatroomId, id));
  return object === null ? null : new Uint8Array(await object.arrayBuffer());
}

/** Bytes a user has counted against the daily upload quota (within the last day). */
export async function quotaUsed(userId: string): Promise<number> {
  return runInDurableObject(env.USERS.getByName(userId), async (_instance, state) => {
    const log = (await state.storage.get<[number, number][]>("attachmentBytes")) ?? [];
    return log.reduce((sum, [, bytes]) => sum + bytes, 0);
  });
}
