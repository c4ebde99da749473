/**
 * @module app/components/composer
 * Writing a message: a growing text area (Enter sends, Shift+Enter adds a line) and the send button.
 * Later features fit around the input: a reply preview above it, an attach button and mention
 * suggestions beside it.
 */
import type { JSX } from "preact";
import { useRef, useState } from "preact/hooks";
import { Icon } from "./icons";

/** The longest message the room accepts, in characters (SPEC §4). */
const CONTENT_MAX = 4000;

/** Props of {@link Composer}. */
export interface ComposerProps {
  disabled: boolean;
  onSend: (content: string) => void;
  onTyping: () => void;
}

/** The message composer. */
export function Composer({ disabled, onSend, onTyping }: ComposerProps): JSX.Element {
  const [text, setText] = useState("");
  const input = useRef<HTMLTextAreaElement>(null);

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
  };

  return (
    <form id="composer" class="composer" onSubmit={submit}>
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
