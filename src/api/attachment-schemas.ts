/**
 * @module api/attachment-schemas
 * Wire shapes of the attachment routes (SPEC §8.4): the upload (a raw file body, one of the accepted
 * types), its answer, and the signed download.
 */
import { z } from "@hono/zod-openapi";
import { ATTACHMENT_TYPES } from "../attachments/media";
import { AttachmentId } from "../room/protocol";
import { Id } from "../validation";

/** /chatrooms/{id}/attachments/{attachmentId}. */
export const AttachmentParams = z.object({
  id: Id.openapi({ param: { name: "id", in: "path" } }),
  attachmentId: AttachmentId.openapi({ param: { name: "attachmentId", in: "path" } }),
});

/** POST /chatrooms/{id}/attachments query: the file's name, shown to others (sanitized). */
export const UploadQuery = z.object({
  name: z
    .string()
    .max(1024)
    .optional()
    .openapi({ description: "File name (else the Content-Disposition filename); path and control characters removed" }),
});

/** The headers an upload must carry (checked by the route: 411, 413, 415 as documented). */
export const UploadHeaders = z.object({
  "content-type": z
    .string()
    .optional()
    .openapi({ description: `One of ${ATTACHMENT_TYPES.join(", ")}` }),
  "content-length": z
    .string()
    .optional()
    .openapi({ description: "Required: the file's size in bytes (≤ ATTACHMENT_MAX_BYTES)" }),
});

const File = z.string().openapi({ type: "string", format: "binary" });

/** The file itself, as the upload body or a download, for every accepted type. */
export const fileContent = Object.fromEntries(ATTACHMENT_TYPES.map((type) => [type, { schema: File }])) as Record<
  (typeof ATTACHMENT_TYPES)[number],
  { schema: typeof File }
>;

/** POST /chatrooms/{id}/attachments: the stored attachment; put `attachmentId` in a message's `attachments`. */
export const UploadedAttachment = z
  .object({
    attachmentId: z.string(),
    url: z.string().openapi({ description: "Signed, expiring download path; resolve it against the API origin" }),
    contentType: z.string(),
    size: z.number().int().openapi({ description: "Bytes stored (a JPEG after its metadata was stripped)" }),
    width: z.number().int().optional(),
    height: z.number().int().optional(),
    name: z.string().optional(),
  })
  .openapi("UploadedAttachment");

/** GET /chatrooms/{id}/attachments/{attachmentId}: the signature of the URL (no token needed). */
export const DownloadQuery = z.object({
  exp: z.string().max(20).optional().openapi({ description: "Expiry, epoch seconds" }),
  sig: z.string().max(200).optional().openapi({ description: "HMAC of (attachment, room, exp)" }),
});
