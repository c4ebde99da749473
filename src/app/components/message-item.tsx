/**
 * @module app/components/message-item
 * One chat message, keyed by `senderId/clientMsgId` and memoised: a new message, an ack, an edit or
 * a reaction renders only its own item. Inside: the quoted message of a reply, the body (or "deleted"),
 * its attachments (hidden once it is deleted), time and "edited", reaction pills, and the actions shown
 * on hover or keyboard focus.
 */
import type { JSX } from "preact";
import { timeOf } from "../lib/format";
import { memo } from "../lib/memo";
import type { MessageEntry } from "../room/timeline";
import { AttachmentList } from "./attachment-list";
import { Avatar } from "./avatar";
import { MessageActions, type MessageHandlers, MessageStatus, Reactions, ReplyChip } from "./message-parts";

/** Props of {@link MessageItem}. */
export interface MessageItemProps {
  entry: MessageEntry;
  mine: boolean;
  /** Whether the message mentions the reader. */
  mentionsMe: boolean;
  /** First of a run of messages from one sender: shows the avatar and name. */
  first: boolean;
  /** Whether the reader may delete it for everyone (sender within the window, or host/manager). */
  canRecall: boolean;
  handlers: MessageHandlers;
}

function MessageItemView({ entry, mine, mentionsMe, first, canRecall, handlers }: MessageItemProps): JSX.Element {
  const { message, state } = entry;
  const classes = ["msg", mine ? "mine" : "theirs", first ? "first" : "cont"];
  if (state !== "sent") classes.push(state);
  if (message.deleted) classes.push("deleted");
  if (mentionsMe) classes.push("mention");
  const live = state === "sent" && !message.deleted;
  const attachments = message.deleted ? [] : (message.attachments ?? []);
  if (attachments.length > 0) classes.push("has-attachments");
  return (
    <li class={classes.join(" ")} data-seq={state === "sent" ? message.seq : undefined}>
      {!mine && (first ? <Avatar userId={message.senderId} /> : <span class="avatar-space" />)}
      <div class="msg-main">
        {first && (
          <div class="msg-meta">
            <span class="msg-sender">{mine ? "You" : message.senderId}</span>
          </div>
        )}
        <div class="msg-bubble">
          {!message.deleted && <ReplyChip replyTo={message.replyTo} />}
          {(message.deleted || message.content || attachments.length === 0) && (
            <div class="msg-body">{message.deleted ? "This message was deleted." : message.content}</div>
          )}
          <AttachmentList
            attachments={attachments}
            seq={state === "sent" ? message.seq : 0}
            onRefresh={handlers.refresh}
          />
          <span class="msg-time">
            {message.editedAt !== undefined && !message.deleted && <span class="edited">edited · </span>}
            <time dateTime={new Date(message.ts).toISOString()}>{timeOf(message.ts)}</time>
          </span>
        </div>
        {live && <Reactions entry={entry} onReact={handlers.react} />}
        <MessageStatus entry={entry} handlers={handlers} />
      </div>
      {live && <MessageActions entry={entry} canEdit={mine} canRecall={canRecall} handlers={handlers} />}
    </li>
  );
}

/** A chat message (memoised). */
export const MessageItem = memo(MessageItemView);
