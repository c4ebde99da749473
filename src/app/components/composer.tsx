/**
 * @module app/components/composer
 * Writing a message: the reply or edit being written (Escape cancels it), the attached files, the attach
 * button (files can also be dropped on the composer or pasted into the input), a growing text area
 * (Enter sends, Shift+Enter adds a line) and the send button. A message with files may have no text;
 * it waits until every file is uploaded.
 */
import type { JSX } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { ATTACHMENT_TYPES } from "../../attachments/media";
import { CONTENT_MAX } from "../../limits";
import type { MessageEntry } from "../room/timeline";
import type { Uploads } from "../room/use-uploads";
import { IconButton } from "./icon-button";
import { Icon } from "./icons";
import { UploadChips } from "./upload-chips";

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
  /** The files attached to the message being written. */
  uploads: Uploads;
}

/** What the reply will quote, or which message is being edited, with a way to cancel. */
function DraftBar({ draft, onCancel }: { draft: Draft; onCancel: () => void }): JSX.Element {
  const { senderId, content } = draft.entry.message;
  return (
    <div class={`reply-bar ${draft.kind}`}>
      <span class="reply-bar-text">
        {draft.kind === "reply" ? (
          <>
            Replying to <strong>{senderId}</strong>: {content || "an attachment"}
          </>
        ) : (
          <>
            <strong>Editing</strong> your message
          </>
        )}
      </span>
      <IconButton
        icon="close"
        iconSize={16}
        label={draft.kind === "reply" ? "Cancel reply" : "Cancel edit"}
        onClick={onCancel}
        class="small"
      />
    </div>
  );
}

/** The message composer. */
export function Composer({ disabled, draft, onCancelDraft, onSend, onTyping, uploads }: ComposerProps): JSX.Element {
  const [text, setText] = useState("");
  const [dragging, setDragging] = useState(false);
  const input = useRef<HTMLTextAreaElement>(null);
  const picker = useRef<HTMLInputElement>(null);
  // An edit changes the text only; files go with new messages.
  const canAttach = !disabled && draft?.kind !== "edit";
  const attached = canAttach && uploads.items.length > 0;
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
    if ((!content && !attached) || disabled || (attached && uploads.busy)) return;
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

  const attach = (files: readonly File[]) => {
    if (files.length === 0) return;
    if (canAttach) uploads.add(files);
    input.current?.focus();
  };

  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    attach([...(event.dataTransfer?.files ?? [])]);
  };

  const onPaste = (event: ClipboardEvent) => {
    // A pasted image (a screenshot) arrives as a file; pasted text stays text.
    const files = [...(event.clipboardData?.files ?? [])];
    if (files.length === 0) return;
    event.preventDefault();
    attach(files);
  };

  return (
    <form
      id="composer"
      class={`composer${dragging && canAttach ? " dragging" : ""}`}
      onSubmit={submit}
      onDragOver={(event) => {
        if (!canAttach || !event.dataTransfer?.types.includes("Files")) return;
        event.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={onDrop}
    >
      {draft && (
        <DraftBar
          draft={draft}
          onCancel={() => {
            if (draft.kind === "edit") setText("");
            onCancelDraft();
          }}
        />
      )}
      {canAttach && <UploadChips items={uploads.items} onRemove={uploads.remove} />}
      <IconButton
        icon="attach"
        label="Attach files"
        title="Attach images or files (or drop or paste them here)"
        onClick={() => picker.current?.click()}
        class="attach"
        id="composer-attach"
        disabled={!canAttach}
      />
      <input
        ref={picker}
        id="composer-files"
        type="file"
        multiple
        hidden
        accept={ATTACHMENT_TYPES.join(",")}
        onChange={(event) => {
          attach([...(event.currentTarget.files ?? [])]);
          event.currentTarget.value = "";
        }}
      />
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
        onPaste={onPaste}
      />
      <button
        type="submit"
        id="composer-send"
        class="primary send"
        aria-label="Send"
        title={attached && uploads.busy ? "Waiting for the files to upload" : "Send (Enter)"}
        disabled={disabled || (!text.trim() && !attached) || (attached && uploads.busy)}
      >
        <Icon name="send" />
      </button>
    </form>
  );
}
