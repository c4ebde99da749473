/**
 * @module app/components/notice-bar
 * The one notice at the top of the page (role=alert): errors and confirmations, with a live
 * countdown when the server asked to wait (429 Retry-After).
 */
import type { JSX } from "preact";
import type { NoticeInput } from "../app-context";
import { useNow } from "../lib/use-now";
import { IconButton } from "./icon-button";

/** The notice banner; renders nothing without a notice. */
export function NoticeBar({
  notice,
  onDismiss,
}: {
  notice: NoticeInput | null;
  onDismiss: () => void;
}): JSX.Element | null {
  const counting = Boolean(notice?.until);
  const now = useNow(counting);
  if (!notice) return null;
  const left = notice.until ? Math.max(0, Math.ceil((notice.until - now) / 1000)) : 0;
  return (
    <div id="notice" class={`notice ${notice.kind ?? "error"}`} role="alert">
      <span id="notice-text">
        {notice.text}
        {notice.until ? (left > 0 ? ` ${left} s.` : " now.") : ""}
      </span>
      <IconButton icon="close" iconSize={16} label="Dismiss message" onClick={onDismiss} class="small" />
    </div>
  );
}
