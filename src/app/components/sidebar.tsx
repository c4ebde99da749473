/**
 * @module app/components/sidebar
 * The left column: create a room, then my ongoing and scheduled rooms.
 */
import type { JSX } from "preact";
import type { CreatedChatroom, RoomList } from "../../client";
import { CreateRoomForm } from "./create-room-form";
import { IconButton } from "./icon-button";
import { RoomListSection } from "./room-list";

/** Props of {@link Sidebar}. */
export interface SidebarProps {
  rooms: RoomList | null;
  activeId: string | null;
  onOpen: (chatroomId: string) => void;
  onCreated: (room: CreatedChatroom) => void;
  onRefresh: () => void;
}

/** The room list column. */
export function Sidebar({ rooms, activeId, onOpen, onCreated, onRefresh }: SidebarProps): JSX.Element {
  return (
    <aside class="sidebar" aria-label="My rooms">
      <CreateRoomForm onCreated={onCreated} />
      <div class="rooms-head">
        <h2>My rooms</h2>
        <IconButton icon="refresh" iconSize={18} label="Refresh rooms" onClick={onRefresh} id="refresh-rooms" />
      </div>
      <RoomListSection
        title="Ongoing"
        id="ongoing-list"
        rooms={rooms?.ongoing ?? null}
        activeId={activeId}
        onOpen={onOpen}
      />
      <RoomListSection
        title="Scheduled"
        id="scheduled-list"
        rooms={rooms?.scheduled ?? null}
        activeId={activeId}
        onOpen={onOpen}
      />
    </aside>
  );
}
