/**
 * @module app/components/message-item
 * One chat message, keyed by `senderId/clientMsgId` and memoised: a new message, an ack or a failure
 * renders only its own item. The slots of later features (reply chip above the body, attachment
 * previews and reaction pills below it, more hover actions) go inside this item.
 */
import type { JSX } from "preact";
import { timeOf } from "../lib/format";
import { memo } from "../lib/memo";
import type { MessageEntry } from "../room/timeline";
import { Avatar } from "./avatar";
import { Icon } from "./icons";

/** Props of {@link MessageItem}. */
export interface MessageItemProps {
  entry: MessageEntry;
  mine: boolean;
  /** First of a run of messages from one sender: shows the avatar and name. */
  first: boolean;
  onRetry: (key: string) => void;
  onDiscard: (key: string) => void;
}

/** Hover / focus actions on a message. Copy works today; recall, edit, reply and react join it later. */
function MessageActions({ content }: { content: string }): JSX.Element {
  const copy = () => void navigator.clipboard?.writeText(content).catch(() => undefined);
  return (
    <div class="msg-actions">
      <button type="button" class="icon-button small" onClick={copy} aria-label="Copy message text" title="Copy">
        <Icon name="copy" size={16} />
      </button>
    </div>
  );
}

/** "Sending…", or "Not sent" with why and a way out. */
function MessageStatus({ entry, onRetry, onDiscard }: Omit<MessageItemProps, "mine" | "first">): JSX.Element | null {
  if (entry.state === "pending") return <span class="msg-status">Sending…</span>;
  if (entry.state !== "failed") return null;
  return (
    <span class="msg-status failed">
      Not sent{entry.error ? `: ${entry.error}` : ""}{" "}
      <button type="button" class="link" onClick={() => onRetry(entry.key)}>
        Retry
      </button>{" "}
      <button type="button" class="link" onClick={() => onDiscard(entry.key)}>
        Discard
      </button>
    </span>
  );
}

function MessageItemView({ entry, mine, first, onRetry, onDiscard }: MessageItemProps): JSX.Element {
  const { message, state } = entry;
  const classes = ["msg", mine ? "mine" : "theirs", first ? "first" : "cont"];
  if (state !== "sent") classes.push(state);
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
          <div class="msg-body">{message.content}</div>
          <time class="msg-time" dateTime={new Date(message.ts).toISOString()}>
            {timeOf(message.ts)}
          </time>
        </div>
        <MessageStatus entry={entry} onRetry={onRetry} onDiscard={onDiscard} />
      </div>
      {state === "sent" && <MessageActions content={message.content} />}
    </li>
  );
}

/** A chat message (memoised). */
export const MessageItem = memo(MessageItemView);
