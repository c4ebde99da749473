/**
 * @module app/components/message-list
 * The timeline as a keyed list, windowed: only the newest RENDER_WINDOW entries are in the DOM;
 * "Show earlier messages" widens the window, then pages older history in. While the reader is at the
 * bottom the list follows new messages; scrolled up, nothing moves under them and a button offers
 * to jump down.
 */
import type { JSX } from "preact";
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import { dayKey, dayLabel } from "../lib/format";
import type { Entry, MessageEntry } from "../room/timeline";
import { Icon } from "./icons";
import { MessageItem } from "./message-item";
import type { MessageHandlers } from "./message-parts";

/** Entries rendered at first (and again once the reader is back at the bottom). */
export const RENDER_WINDOW = 150;
/** Entries added to the window per "Show earlier messages". */
const WINDOW_STEP = 100;
/** Messages from one sender closer than this are one group. */
const GROUP_GAP_MS = 5 * 60_000;
/** How long a sender may recall their own message (RECALL_WINDOW_MS, SPEC §8.3). */
const RECALL_WINDOW_MS = 120_000;
/** Within this many pixels of the bottom counts as "at the bottom". */
const STICK_PX = 48;

/** Props of {@link MessageList}. */
export interface MessageListProps {
  entries: readonly Entry[];
  me: string;
  hasEarlier: boolean;
  onLoadEarlier: () => Promise<void>;
  /** Whether the reader is host or manager (may delete others' messages; the room decides by rank). */
  moderator: boolean;
  handlers: MessageHandlers;
}

/** Whether to offer "Delete for everyone" (the room has the last word, by rank and time). */
const canRecall = (entry: MessageEntry, me: string, moderator: boolean): boolean =>
  moderator || (entry.message.senderId === me && Date.now() - entry.message.ts < RECALL_WINDOW_MS);

const tsOf = (entry: Entry): number => (entry.kind === "message" ? entry.message.ts : entry.ts);

function startsGroup(entry: Entry, previous: Entry | undefined): boolean {
  if (entry.kind !== "message" || previous?.kind !== "message") return true;
  if (previous.message.senderId !== entry.message.senderId) return true;
  return (
    entry.message.ts - previous.message.ts > GROUP_GAP_MS || dayKey(entry.message.ts) !== dayKey(previous.message.ts)
  );
}

/** The message log. */
export function MessageList({
  entries,
  me,
  hasEarlier,
  onLoadEarlier,
  moderator,
  handlers,
}: MessageListProps): JSX.Element {
  const list = useRef<HTMLDivElement>(null);
  const [size, setSize] = useState(RENDER_WINDOW);
  const [atBottom, setAtBottom] = useState(true);
  const stuck = useRef(true);
  const firstKey = useRef<string | null>(null);
  /** Distance from the bottom to restore after entries were put above the reader. */
  const keepFromBottom = useRef<number | null>(null);

  let start = Math.max(0, entries.length - size);
  if (!stuck.current && firstKey.current) {
    // Scrolled up: never drop what is above the reader because new entries arrived below.
    const at = entries.findIndex((entry) => entry.key === firstKey.current);
    if (at >= 0) start = Math.min(start, at);
  }
  firstKey.current = entries[start]?.key ?? null;

  useLayoutEffect(() => {
    const el = list.current;
    if (!el) return;
    if (keepFromBottom.current !== null) {
      el.scrollTop = el.scrollHeight - keepFromBottom.current;
      keepFromBottom.current = null;
    } else if (stuck.current) el.scrollTop = el.scrollHeight;
  }, [entries, size]);

  useEffect(() => {
    // The list's box also changes without new entries (header badges, banners, the keyboard on a
    // phone, fonts): a reader at the bottom stays at the bottom.
    const el = list.current;
    if (!el || typeof ResizeObserver === "undefined") return;
    const observer = new ResizeObserver(() => {
      if (stuck.current) el.scrollTop = el.scrollHeight;
    });
    observer.observe(el);
    if (el.firstElementChild) observer.observe(el.firstElementChild);
    return () => observer.disconnect();
  }, []);

  const onScroll = useCallback(() => {
    const el = list.current;
    if (!el) return;
    const bottom = el.scrollHeight - el.scrollTop - el.clientHeight <= STICK_PX;
    if (bottom !== stuck.current) {
      stuck.current = bottom;
      setAtBottom(bottom);
      if (bottom) setSize(RENDER_WINDOW);
    }
  }, []);

  const showEarlier = async () => {
    const shown = entries.length - start;
    stuck.current = false;
    // Older history goes in front; the first rendered key keeps the reader's view where it is.
    if (start === 0 && hasEarlier) await onLoadEarlier();
    const el = list.current;
    if (el) keepFromBottom.current = el.scrollHeight - el.scrollTop;
    setSize((current) => Math.max(current, shown) + WINDOW_STEP);
  };

  const jumpDown = () => {
    stuck.current = true;
    setAtBottom(true);
    setSize(RENDER_WINDOW);
    const el = list.current;
    if (el) el.scrollTop = el.scrollHeight;
  };

  const rows: JSX.Element[] = [];
  for (let i = start; i < entries.length; i++) {
    const entry = entries[i] as Entry;
    const previous = i > start ? entries[i - 1] : undefined;
    const day = dayKey(tsOf(entry));
    if (!previous || dayKey(tsOf(previous)) !== day) {
      rows.push(
        <li key={`day-${day}`} class="day">
          <span>{dayLabel(tsOf(entry), Date.now())}</span>
        </li>,
      );
    }
    if (entry.kind === "system") {
      rows.push(
        <li key={entry.key} class="system">
          {entry.text}
        </li>,
      );
    } else {
      rows.push(
        <MessageItem
          key={entry.key}
          entry={entry}
          mine={entry.message.senderId === me}
          first={startsGroup(entry, previous)}
          mentionsMe={entry.message.mentions?.includes(me) ?? false}
          canRecall={canRecall(entry, me, moderator)}
          handlers={handlers}
        />,
      );
    }
  }

  return (
    <div class="messages-wrap">
      <div id="messages" class="messages" ref={list} onScroll={onScroll} role="log" aria-label="Messages">
        <ol class="message-items">
          {(start > 0 || hasEarlier) && (
            <li class="earlier" key="earlier">
              <button type="button" class="ghost small" onClick={showEarlier}>
                Show earlier messages
              </button>
            </li>
          )}
          {entries.length === 0 && (
            <li class="empty-log" key="empty">
              No messages yet. Say hello!
            </li>
          )}
          {rows}
        </ol>
      </div>
      {!atBottom && (
        <button type="button" class="jump-down" onClick={jumpDown} aria-label="Jump to the newest messages">
          <Icon name="down" />
        </button>
      )}
    </div>
  );
}
