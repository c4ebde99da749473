/**
 * @module api/attachments
 * Attachment routes (SPEC §8.4). Upload: the room says whether the caller may post before the body is
 * read, the user's object counts the bytes against the daily quota, the file is checked and stored in
 * R2 under the room's prefix, then registered in the room; a refusal at any step leaves no object and
 * refunds the bytes. Download: the URL's signature is the credential (so it works in an `<img>`), the
 * object is streamed from R2; a bad signature counts as a failed authentication of the address.
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { downloadResponse, rangeBounds, rangeOf } from "../attachments/download";
import { dispositionFileName, sanitizeFileName } from "../attachments/file-name";
import { ATTACHMENT_TYPES, type AttachmentType, isAttachmentType, mediaTypeOf } from "../attachments/media";
import { type DeclaredUpload, storeUpload } from "../attachments/store-upload";
import { verifyAttachmentUrl } from "../attachments/url";
import type { AppEnv } from "../env";
import { AppError, invalidParam, unwrap } from "../errors";
import { countAuthFailure } from "../limiter/auth-fails";
import { readLimits } from "../limits";
import { attachmentKey } from "../room/store";
import * as A from "./attachment-schemas";
import { reply } from "./envelope";
import { clientRoute, ROOM_WRITE_ERRORS, room } from "./route";
import { clientErrors, success } from "./schemas";

/** The upload route's path (outside the JSON body limit). */
const UPLOAD_PATH = /^\/api\/chatrooms\/[^/]+\/attachments$/;

/** True for an upload request: its body is a file of up to ATTACHMENT_MAX_BYTES, not JSON. */
export function isUpload(c: Context<AppEnv>): boolean {
  return c.req.method === "POST" && UPLOAD_PATH.test(c.req.path);
}

/** The declared type and length of an upload, checked before the body is read (411, 413, 415, 400). */
export function declaredFile(headers: Headers, maxBytes: number): { type: AttachmentType; length: number } {
  const raw = headers.get("content-length");
  if (raw === null) throw new AppError("length_required", "Content-Length: required", { field: "Content-Length" });
  if (!/^\d{1,15}$/.test(raw)) throw invalidParam("Content-Length", "must be a number of bytes");
  const length = Number(raw);
  if (length > maxBytes) throw new AppError("too_large", `body: larger than ${maxBytes} bytes`, { field: "body" });
  if (length === 0) throw invalidParam("body", "the file is empty");
  const type = mediaTypeOf(headers.get("content-type"));
  if (type === null || !isAttachmentType(type)) {
    const given = type === null ? "missing" : `${type} is not accepted`;
    throw new AppError("unsupported_media_type", `Content-Type: ${given}; one of ${ATTACHMENT_TYPES.join(", ")}`, {
      field: "Content-Type",
    });
  }
  return { type, length };
}

/** Upload routes (authenticated), mounted into the client API. */
export const uploadRoutes = new OpenAPIHono<AppEnv>();

uploadRoutes.openapi(
  clientRoute({
    method: "post",
    path: "/chatrooms/{id}/attachments",
    summary: "Upload an attachment (image, PDF or text) for a message of this room",
    request: {
      params: A.AttachmentParams.pick({ id: true }),
      query: A.UploadQuery,
      headers: A.UploadHeaders,
      body: { content: A.fileContent, required: true },
    },
    responses: {
      201: success(A.UploadedAttachment, 201, "Created"),
      ...ROOM_WRITE_ERRORS,
      ...clientErrors(411, 415),
    },
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    const file = declaredFile(c.req.raw.headers, readLimits(c.env).attachmentMaxBytes);
    const name = unwrap(
      sanitizeFileName(c.req.valid("query").name ?? dispositionFileName(c.req.header("content-disposition")) ?? ""),
    );
    const userId = c.get("userId");
    const stub = room(c.env, id);
    unwrap(await stub.uploadGate(userId));
    const user = c.env.USERS.getByName(userId);
    const { slot } = unwrap(await user.spendAttachmentBytes(file.length));
    const attachmentId = crypto.randomUUID().replaceAll("-", "");
    const key = attachmentKey(id, attachmentId);
    try {
      const declared: DeclaredUpload = { ...file, name };
      const stored = await storeUpload(c.env.ATTACHMENTS, key, c.req.raw.body ?? new ReadableStream(), declared);
      const upload = { id: attachmentId, contentType: file.type, name, ...stored };
      const wire = unwrap(await stub.registerAttachment(userId, upload));
      if (wire === undefined) throw new AppError("server_error", "the room did not register the upload");
      const { url, contentType, size, width, height } = wire;
      const answer = { attachmentId, url, contentType, size, width, height, name: name ?? undefined };
      return reply(c, answer, 201, "Created");
    } catch (error) {
      // Nothing of a refused upload is kept: no object, and its bytes do not count.
      await Promise.allSettled([c.env.ATTACHMENTS.delete(key), user.refundAttachmentBytes(file.length, slot)]);
      throw error;
    }
  },
);

/** The signed download (no token), mounted before authentication. */
export const downloadRoutes = new OpenAPIHono<AppEnv>();

downloadRoutes.openapi(
  {
    ...clientRoute({
      method: "get",
      path: "/chatrooms/{id}/attachments/{attachmentId}",
      summary: "Download an attachment through its signed URL (no token: it works in an <img>)",
      request: { params: A.AttachmentParams, query: A.DownloadQuery },
      responses: {
        200: {
          description: "The file, with its stored type and X-Content-Type-Options: nosniff",
          content: A.fileContent,
        },
        206: { description: "The requested byte range", content: A.fileContent },
        304: { description: "Not modified (If-None-Match matched the ETag)" },
        ...clientErrors(400, 403, 404, 429, 500),
      },
    }),
    security: [],
  },
  async (c) => {
    const { id, attachmentId } = c.req.valid("param");
    const { exp, sig } = c.req.valid("query");
    const now = Date.now();
    const expiry = /^\d{1,12}$/.test(exp ?? "") ? Number(exp) : -1;
    if (!verifyAttachmentUrl(c.env.TOKEN_SECRET, id, attachmentId, expiry, sig ?? "", now)) {
      throw await countAuthFailure(c, new AppError("forbidden", "attachment URL: invalid or expired signature"));
    }
    const key = attachmentKey(id, attachmentId);
    let range = rangeOf(c.req.header("range"));
    if (range !== null) {
      // A range that selects nothing is ignored (the whole file), as HTTP allows.
      const head = await c.env.ATTACHMENTS.head(key);
      if (head === null || rangeBounds(range, head.size) === null) range = null;
    }
    const object = await c.env.ATTACHMENTS.get(key, { onlyIf: c.req.raw.headers, ...(range ? { range } : {}) });
    if (object === null) throw new AppError("not_found", "no such attachment: recalled, deleted or never sent");
    return downloadResponse(object, range, expiry, now);
  },
);
