/**
 * @module app/components/message-parts
 * The pieces inside a message item: the quoted message of a reply, reaction pills, the hover/focus
 * actions (reply, react, edit, delete, copy) and the sending status. Each renders nothing when it has
 * nothing to show.
 */
import type { JSX } from "preact";
import type { WireMessage } from "../../client";
import type { MessageEntry } from "../room/timeline";
import type { Reaction } from "../room/updates";
import type { RefreshMessage } from "./attachment-list";
import { IconButton, type IconButtonProps } from "./icon-button";
import { Icon } from "./icons";

/** Scrolls to a message if it is rendered, and flashes it; false when it is not in the list. */
export function reveal(seq: number): boolean {
  const target = document.querySelector<HTMLElement>(`.msg[data-seq="${seq}"]`);
  if (!target) return false;
  const smooth = !matchMedia("(prefers-reduced-motion: reduce)").matches;
  target.scrollIntoView({ block: "center", behavior: smooth ? "smooth" : "auto" });
  target.classList.add("flash");
  setTimeout(() => target.classList.remove("flash"), 1200);
  return true;
}

/** The message a reply quotes: who and a short preview, or that it was deleted. */
export function ReplyChip({ replyTo }: { replyTo: WireMessage["replyTo"] }): JSX.Element | null {
  if (!replyTo) return null;
  const gone = replyTo.preview === undefined;
  return (
    <button
      type="button"
      class={`reply-chip${gone ? " gone" : ""}`}
      onClick={() => reveal(replyTo.seq)}
      aria-label={
        gone ? "Reply to a deleted message" : `Reply to ${replyTo.senderId ?? "a message"}: ${replyTo.preview}`
      }
    >
      {gone ? (
        "Original message deleted"
      ) : (
        <>
          <strong>{replyTo.senderId}</strong> <span class="reply-preview">{replyTo.preview || "Attachment"}</span>
        </>
      )}
    </button>
  );
}

/** What a message's controls do; one stable object for the whole list, so memoised items stay cheap. */
export interface MessageHandlers {
  retry: (key: string) => void;
  discard: (key: string) => void;
  reply: (entry: MessageEntry) => void;
  edit: (entry: MessageEntry) => void;
  recall: (entry: MessageEntry) => void;
  react: (seq: number, emoji: string, on: boolean) => void;
  /** Fetches a message again for fresh attachment URLs. */
  refresh: RefreshMessage;
}

/** The quick reactions offered on every message. */
export const QUICK_REACTIONS = ["👍", "❤️", "😂", "🎉", "😮", "😢"] as const;

/** Reaction pills under a message: each toggles my reaction; mine are highlighted. */
export function Reactions({ entry, onReact }: { entry: MessageEntry; onReact: MessageHandlers["react"] }) {
  const reactions: readonly Reaction[] = entry.message.reactions ?? [];
  if (reactions.length === 0) return null;
  return (
    <ul class="reactions" aria-label="Reactions">
      {reactions.map((r) => (
        <li key={r.emoji}>
          <button
            type="button"
            class={`reaction${r.mine ? " mine" : ""}`}
            aria-pressed={r.mine === true}
            aria-label={`${r.emoji} ${r.count}${r.mine ? ", yours: remove" : ": add yours"}`}
            onClick={() => onReact(entry.message.seq, r.emoji, !r.mine)}
          >
            {r.emoji} {r.count}
          </button>
        </li>
      ))}
    </ul>
  );
}

/** Props of {@link MessageActions}. */
export interface MessageActionsProps {
  entry: MessageEntry;
  canEdit: boolean;
  canRecall: boolean;
  handlers: MessageHandlers;
}

type ActionButtonProps = Pick<IconButtonProps, "icon" | "label" | "title" | "onClick">;

/** One message action: a small icon button whose tooltip is its label unless a shorter one is given. */
function ActionButton({ icon, label, title = label, onClick }: ActionButtonProps): JSX.Element {
  return <IconButton icon={icon} iconSize={16} label={label} title={title} onClick={onClick} class="small" />;
}

/** Hover / focus actions: reply, react, edit and delete where allowed, copy. */
export function MessageActions({ entry, canEdit, canRecall, handlers }: MessageActionsProps): JSX.Element {
  const { seq, content } = entry.message;
  const mine = new Set((entry.message.reactions ?? []).filter((r) => r.mine).map((r) => r.emoji));
  const copy = () => void navigator.clipboard?.writeText(content).catch(() => undefined);
  const pick = (event: Event, emoji: string) => {
    (event.currentTarget as HTMLElement).closest("details")?.removeAttribute("open");
    handlers.react(seq, emoji, !mine.has(emoji));
  };
  return (
    <div class="msg-actions">
      <ActionButton icon="reply" label="Reply" onClick={() => handlers.reply(entry)} />
      <details class="react-menu">
        {/* A summary, not an IconButton: details/summary opens the menu without script, styled alike. */}
        <summary class="icon-button small" aria-label="React" title="React">
          <Icon name="smile" size={16} />
        </summary>
        <div class="react-choices">
          {QUICK_REACTIONS.map((emoji) => (
            <button
              key={emoji}
              type="button"
              class={`react-choice${mine.has(emoji) ? " mine" : ""}`}
              aria-label={`React with ${emoji}`}
              aria-pressed={mine.has(emoji)}
              onClick={(event) => pick(event, emoji)}
            >
              {emoji}
            </button>
          ))}
        </div>
      </details>
      {canEdit && <ActionButton icon="edit" label="Edit" onClick={() => handlers.edit(entry)} />}
      {canRecall && <ActionButton icon="trash" label="Delete for everyone" onClick={() => handlers.recall(entry)} />}
      <ActionButton icon="copy" label="Copy message text" title="Copy" onClick={copy} />
    </div>
  );
}

/** "Sending…", or "Not sent" with why and a way out. */
export function MessageStatus({ entry, handlers }: { entry: MessageEntry; handlers: MessageHandlers }) {
  if (entry.state === "pending") return <span class="msg-status">Sending…</span>;
  if (entry.state !== "failed") return null;
  return (
    <span class="msg-status failed">
      Not sent{entry.error ? `: ${entry.error}` : ""}.{" "}
      <button type="button" class="link" onClick={() => handlers.retry(entry.key)}>
        Retry
      </button>{" "}
      <button type="button" class="link" onClick={() => handlers.discard(entry.key)}>
        Discard
      </button>
    </span>
  );
}
