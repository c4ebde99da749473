/**
 * @module app/components/room-list
 * My rooms, ongoing and scheduled, as keyed items: a refresh re-renders only the rooms that changed.
 */
import type { JSX } from "preact";
import type { OngoingRoom, ScheduledRoom } from "../../client";
import { dateTimeOf, timeOf } from "../lib/format";
import { memo } from "../lib/memo";
import { Avatar } from "./avatar";

type ListedRoom = OngoingRoom | ScheduledRoom;

function subtitle(room: ListedRoom): string {
  if ("lastMessage" in room) {
    const last = room.lastMessage;
    // A recalled message has an empty preview; otherwise only a message that carries files has no text.
    if (last) return last.preview || (last.deleted ? "Message deleted" : "Attachment");
    return `${room.count} member${room.count === 1 ? "" : "s"}`;
  }
  return room.startAt ? `Starts ${dateTimeOf(room.startAt)}` : "Scheduled";
}

interface ItemProps {
  room: ListedRoom;
  active: boolean;
  onOpen: (chatroomId: string) => void;
}

/** One room button (memoised: same room object and active state → no render). */
const RoomListItem = memo(function RoomListItem({ room, active, onOpen }: ItemProps) {
  const unread = "unread" in room && !active ? room.unread : 0;
  const mentioned = "mentioned" in room && room.mentioned && !active;
  const at = "lastMessage" in room ? room.lastMessage?.at : undefined;
  return (
    <li>
      <button
        type="button"
        class={`room-item${active ? " active" : ""}`}
        aria-current={active ? "true" : undefined}
        onClick={() => onOpen(room.chatroomId)}
      >
        <Avatar userId={room.title || room.chatroomId} />
        <span class="room-item-text">
          <span class="room-item-top">
            <span class="room-item-title">{room.title}</span>
            {at !== undefined && <time class="room-item-time">{timeOf(at)}</time>}
          </span>
          <span class="room-item-bottom">
            <span class="room-item-sub">{subtitle(room)}</span>
            {mentioned && (
              <span class="mentioned" title="You were mentioned">
                @<span class="visually-hidden"> you were mentioned</span>
              </span>
            )}
            {unread > 0 && (
              <span class="unread">
                {unread}
                <span class="visually-hidden"> unread</span>
              </span>
            )}
          </span>
        </span>
      </button>
    </li>
  );
});

/** Props of {@link RoomListSection}. */
export interface RoomListSectionProps {
  title: string;
  id: string;
  rooms: readonly ListedRoom[] | null;
  activeId: string | null;
  onOpen: (chatroomId: string) => void;
}

/** A titled list of rooms. */
export function RoomListSection({ title, id, rooms, activeId, onOpen }: RoomListSectionProps): JSX.Element {
  return (
    <section class="room-section" aria-labelledby={`${id}-title`}>
      <h3 class="list-title" id={`${id}-title`}>
        {title}
      </h3>
      <ul id={id} class="room-list">
        {rooms === null && <li class="muted empty-item">Loading…</li>}
        {rooms?.length === 0 && <li class="muted empty-item">None yet</li>}
        {rooms?.map((room) => (
          <RoomListItem key={room.chatroomId} room={room} active={room.chatroomId === activeId} onOpen={onOpen} />
        ))}
      </ul>
    </section>
  );
}
