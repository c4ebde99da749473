/**
 * @module app/components/message-item
 * One chat message, keyed by `senderId/clientMsgId` and memoised: a new message, an ack, an edit or
 * a reaction renders only its own item. Inside: the quoted message of a reply, the body (or "deleted"),
 * time and "edited", reaction pills, and the actions shown on hover or keyboard focus.
 */
import type { JSX } from "preact";
import { timeOf } from "../lib/format";
import { memo } from "../lib/memo";
import type { MessageEntry } from "../room/timeline";
import { Avatar } from "./avatar";
import { MessageActions, MessageStatus, Reactions, ReplyChip } from "./message-parts";

/** Props of {@link MessageItem}. */
export interface MessageItemProps {
  entry: MessageEntry;
  mine: boolean;
  /** Whether the message mentions the reader. */
  mentionsMe: boolean;
  /** First of a run of messages from one sender: shows the avatar and name. */
  first: boolean;
  onRetry: (key: string) => void;
  onDiscard: (key: string) => void;
  onReply: (entry: MessageEntry) => void;
}

function MessageItemView(props: MessageItemProps): JSX.Element {
  const { entry, mine, mentionsMe, first, onRetry, onDiscard, onReply } = props;
  const { message, state } = entry;
  const classes = ["msg", mine ? "mine" : "theirs", first ? "first" : "cont"];
  if (state !== "sent") classes.push(state);
  if (message.deleted) classes.push("deleted");
  if (mentionsMe) classes.push("mention");
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
          <div class="msg-body">{message.deleted ? "This message was deleted." : message.content}</div>
          <span class="msg-time">
            {message.editedAt !== undefined && !message.deleted && <span class="edited">edited · </span>}
            <time dateTime={new Date(message.ts).toISOString()}>{timeOf(message.ts)}</time>
          </span>
        </div>
        {!message.deleted && <Reactions reactions={message.reactions} />}
        <MessageStatus entry={entry} onRetry={onRetry} onDiscard={onDiscard} />
      </div>
      {state === "sent" && !message.deleted && <MessageActions entry={entry} onReply={onReply} />}
    </li>
  );
}

/** A chat message (memoised). */
export const MessageItem = memo(MessageItemView);
