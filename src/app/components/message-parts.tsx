/**
 * @module app/components/message-parts
 * The pieces inside a message item: the quoted message of a reply, reaction pills, the hover/focus
 * actions and the sending status. Each renders nothing when it has nothing to show.
 */
import type { JSX } from "preact";
import type { WireMessage } from "../../client";
import type { MessageEntry } from "../room/timeline";
import type { Reaction } from "../room/updates";
import { Icon } from "./icons";

/** Scrolls to a message if it is rendered, and flashes it. */
function reveal(seq: number): void {
  const target = document.querySelector<HTMLElement>(`.msg[data-seq="${seq}"]`);
  if (!target) return;
  const smooth = !matchMedia("(prefers-reduced-motion: reduce)").matches;
  target.scrollIntoView({ block: "center", behavior: smooth ? "smooth" : "auto" });
  target.classList.add("flash");
  setTimeout(() => target.classList.remove("flash"), 1200);
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
          <strong>{replyTo.senderId}</strong> <span class="reply-preview">{replyTo.preview}</span>
        </>
      )}
    </button>
  );
}

/** Reaction counts under a message; mine are highlighted. */
export function Reactions({ reactions }: { reactions: readonly Reaction[] | undefined }): JSX.Element | null {
  if (!reactions || reactions.length === 0) return null;
  return (
    <ul class="reactions" aria-label="Reactions">
      {reactions.map((r) => (
        <li key={r.emoji} class={`reaction${r.mine ? " mine" : ""}`}>
          <span aria-hidden="true">{r.emoji}</span>
          <span class="visually-hidden">{r.emoji}:</span> {r.count}
          {r.mine && <span class="visually-hidden"> (you)</span>}
        </li>
      ))}
    </ul>
  );
}

/** Hover / focus actions: reply and copy today; recall, edit and react join them with their routes. */
export function MessageActions({ entry, onReply }: { entry: MessageEntry; onReply: (entry: MessageEntry) => void }) {
  const copy = () => void navigator.clipboard?.writeText(entry.message.content).catch(() => undefined);
  return (
    <div class="msg-actions">
      <button type="button" class="icon-button small" onClick={() => onReply(entry)} aria-label="Reply" title="Reply">
        <Icon name="reply" size={16} />
      </button>
      <button type="button" class="icon-button small" onClick={copy} aria-label="Copy message text" title="Copy">
        <Icon name="copy" size={16} />
      </button>
    </div>
  );
}

/** Props of {@link MessageStatus}. */
export interface MessageStatusProps {
  entry: MessageEntry;
  onRetry: (key: string) => void;
  onDiscard: (key: string) => void;
}

/** "Sending…", or "Not sent" with why and a way out. */
export function MessageStatus({ entry, onRetry, onDiscard }: MessageStatusProps): JSX.Element | null {
  if (entry.state === "pending") return <span class="msg-status">Sending…</span>;
  if (entry.state !== "failed") return null;
  return (
    <span class="msg-status failed">
      Not sent{entry.error ? `: ${entry.error}` : ""}.{" "}
      <button type="button" class="link" onClick={() => onRetry(entry.key)}>
        Retry
      </button>{" "}
      <button type="button" class="link" onClick={() => onDiscard(entry.key)}>
        Discard
      </button>
    </span>
  );
}
