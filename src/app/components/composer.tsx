/**
 * @module app/components/composer
 * Writing a message: the reply or edit being written (Escape cancels it), a growing text area (Enter sends,
 * Shift+Enter adds a line) and the send button. An attach button and mention suggestions go beside
 * the input when the room has them.
 */
import type { JSX } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import type { MessageEntry } from "../room/timeline";
import { Icon } from "./icons";

/** The longest message the room accepts, in characters (SPEC §4). */
const CONTENT_MAX = 4000;

/** What the composer is writing besides a new message: a reply to, or an edit of, a message. */
export interface Draft {
  kind: "reply" | "edit";
  entry: MessageEntry;
}

/** Props of {@link Composer}. */
export interface ComposerProps {
  disabled: boolean;
  /** The message being replied to or edited, if any. */
  draft: Draft | null;
  onCancelDraft: () => void;
  onSend: (content: string) => void;
  onTyping: () => void;
}

/** What the reply will quote, or which message is being edited, with a way to cancel. */
function DraftBar({ draft, onCancel }: { draft: Draft; onCancel: () => void }): JSX.Element {
  const { senderId, content } = draft.entry.message;
  return (
    <div class={`reply-bar ${draft.kind}`}>
      <span class="reply-bar-text">
        {draft.kind === "reply" ? (
          <>
            Replying to <strong>{senderId}</strong>: {content}
          </>
        ) : (
          <>
            <strong>Editing</strong> your message
          </>
        )}
      </span>
      <button
        type="button"
        class="icon-button small"
        onClick={onCancel}
        aria-label={draft.kind === "reply" ? "Cancel reply" : "Cancel edit"}
      >
        <Icon name="close" size={16} />
      </button>
    </div>
  );
}

/** The message composer. */
export function Composer({ disabled, draft, onCancelDraft, onSend, onTyping }: ComposerProps): JSX.Element {
  const [text, setText] = useState("");
  const input = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    if (!draft) return;
    // Editing starts from the message's text; a reply keeps what was being written.
    if (draft.kind === "edit") setText(draft.entry.message.content);
    input.current?.focus();
    requestAnimationFrame(grow);
  }, [draft]);

  const grow = () => {
    const el = input.current;
    if (!el) return;
    el.style.height = "auto";
    el.style.height = `${Math.min(el.scrollHeight, 160)}px`;
  };

  const submit = (event?: Event) => {
    event?.preventDefault();
    const content = text.trim();
    if (!content || disabled) return;
    onSend(content);
    setText("");
    requestAnimationFrame(grow);
    input.current?.focus();
  };

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) submit(event);
    else if (event.key === "Escape" && draft) {
      if (draft.kind === "edit") setText("");
      onCancelDraft();
    }
  };

  return (
    <form id="composer" class="composer" onSubmit={submit}>
      {draft && (
        <DraftBar
          draft={draft}
          onCancel={() => {
            if (draft.kind === "edit") setText("");
            onCancelDraft();
          }}
        />
      )}
      <label for="composer-input" class="visually-hidden">
        Message
      </label>
      <textarea
        ref={input}
        id="composer-input"
        rows={1}
        maxLength={CONTENT_MAX}
        autocomplete="off"
        placeholder={disabled ? "" : "Write a message…"}
        disabled={disabled}
        value={text}
        onInput={(event) => {
          setText(event.currentTarget.value);
          grow();
          onTyping();
        }}
        onKeyDown={onKeyDown}
      />
      <button
        type="submit"
        id="composer-send"
        class="primary send"
        aria-label="Send"
        title="Send (Enter)"
        disabled={disabled || !text.trim()}
      >
        <Icon name="send" />
      </button>
    </form>
  );
}
