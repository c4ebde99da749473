/**
 * @module room/store
 * All SQL of the room object, one small store per table group over one {@link Sql} door. Only this
 * folder contains room SQL (STYLE rule 6).
 */
import { AttachmentStore } from "./attachment-store";
import { LiveStore } from "./live-store";
import { MemberStore } from "./member-store";
import { MessageStore } from "./message-store";
import { MetaStore } from "./meta-store";
import { OutboxStore } from "./outbox-store";
import { RestrictionStore } from "./restriction-store";
import { migrate, storedVersion } from "./schema";
import { Sql } from "./sql";
import { WebhookStore } from "./webhook-store";

export { type AttachmentRow, attachmentKey } from "./attachment-store";
export type { MemberRow, NewMember } from "./member-store";
export type { MessageRow, ReactionCount, ReplyPreview } from "./message-store";
export type { RoomMeta, RoomMode } from "./meta-store";
export { SqlError } from "./sql";

/** Typed access to one room's SQLite database. */
export class RoomStore {
  private readonly sql: Sql;
  readonly meta: MetaStore;
  readonly members: MemberStore;
  readonly restrictions: RestrictionStore;
  readonly messages: MessageStore;
  readonly outbox: OutboxStore;
  readonly webhooks: WebhookStore;
  readonly attachments: AttachmentStore;
  readonly liveShards: LiveStore;

  constructor(storage: DurableObjectStorage) {
    this.sql = new Sql(storage);
    this.meta = new MetaStore(this.sql);
    this.members = new MemberStore(this.sql);
    this.restrictions = new RestrictionStore(this.sql);
    this.messages = new MessageStore(this.sql);
    this.outbox = new OutboxStore(this.sql);
    this.webhooks = new WebhookStore(this.sql);
    this.attachments = new AttachmentStore(this.sql);
    this.liveShards = new LiveStore(this.sql);
  }

  /** True when this object holds a room (its schema exists); reading this creates nothing. */
  exists(): boolean {
    return storedVersion(this.sql) > 0;
  }

  /** Upgrades an existing room's schema; a room that does not exist stays without tables. */
  upgrade(): void {
    migrate(this.sql, { create: false });
  }

  /** Creates the schema for a new room (the first write of a room). */
  create(): void {
    migrate(this.sql, { create: true });
  }

  /** Runs `write` atomically: every statement in it lands, or none. */
  transaction<T>(write: () => T): T {
    return this.sql.transaction(write);
  }
}
