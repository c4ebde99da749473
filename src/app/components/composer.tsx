/**
 * @module app/components/composer
 * Writing a message: the reply being written (Escape cancels it), a growing text area (Enter sends,
 * Shift+Enter adds a line) and the send button. An attach button and mention suggestions go beside
 * the input when the room has them.
 */
import type { JSX } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import type { MessageEntry } from "../room/timeline";
import { Icon } from "./icons";

/** The longest message the room accepts, in characters (SPEC §4). */
const CONTENT_MAX = 4000;

/** Props of {@link Composer}. */
export interface ComposerProps {
  disabled: boolean;
  /** The message being replied to, if any. */
  reply: MessageEntry | null;
  onCancelReply: () => void;
  onSend: (content: string) => void;
  onTyping: () => void;
}

/** What the reply will quote, with a way to cancel it. */
function ReplyPreview({ reply, onCancel }: { reply: MessageEntry; onCancel: () => void }): JSX.Element {
  return (
    <div class="reply-bar">
      <span class="reply-bar-text">
        Replying to <strong>{reply.message.senderId}</strong>: {reply.message.content}
      </span>
      <button type="button" class="icon-button small" onClick={onCancel} aria-label="Cancel reply">
        <Icon name="close" size={16} />
      </button>
    </div>
  );
}

/** The message composer. */
export function Composer({ disabled, reply, onCancelReply, onSend, onTyping }: ComposerProps): JSX.Element {
  const [text, setText] = useState("");
  const input = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    if (reply) input.current?.focus();
  }, [reply]);

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
    else if (event.key === "Escape" && reply) onCancelReply();
  };

  return (
    <form id="composer" class="composer" onSubmit={submit}>
      {reply && <ReplyPreview reply={reply} onCancel={onCancelReply} />}
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
