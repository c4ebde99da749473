/**
 * @module app/components/room-view
 * An open room: loads its info and newest history over HTTP, then runs it live (header, message
 * list, typing line, composer with its banner, people panel). Keyed by chatroomId by its parent, so
 * switching rooms starts fresh.
 */
import type { JSX } from "preact";
import { useEffect, useMemo, useState } from "preact/hooks";
import { useApp } from "../app-context";
import { composerBlock } from "../room/composer-block";
import { initialRoomState, isLive, isModerator, isViewer, type RoomState } from "../room/room-state";
import { useRoom } from "../room/use-room";
import { useUploads } from "../room/use-uploads";
import { Composer, type Draft } from "./composer";
import { ComposerBanner } from "./composer-banner";
import { MessageList } from "./message-list";
import type { MessageHandlers } from "./message-parts";
import { InviteLink, RoomHeader } from "./room-header";
import { SidePanel } from "./side-panel";
import { TypingIndicator } from "./typing-indicator";

/** Members loaded with the room (one page of the member list). */
const MEMBERS_SHOWN = 100;
/** Wide screens show the people panel beside the chat; narrow ones slide it over on demand. */
const WIDE = "(min-width: 1100px)";

function LiveRoom({ initial, onClose }: { initial: RoomState; onClose: () => void }): JSX.Element {
  const { api, attempt, notify, roomsChanged } = useApp();
  const room = useRoom(initial);
  const { state } = room;
  const [panelOpen, setPanelOpen] = useState(() => matchMedia(WIDE).matches);
  const [draft, setDraft] = useState<Draft | null>(null);
  const chatroomId = state.info.chatroomId;

  const handlers = useMemo<MessageHandlers>(
    () => ({
      retry: room.retry,
      discard: room.discard,
      reply: (entry) => setDraft({ kind: "reply", entry }),
      edit: (entry) => setDraft({ kind: "edit", entry }),
      recall: (entry) => {
        if (confirm("Delete this message for everyone?")) void room.recall(entry.message.seq);
      },
      react: (seq, emoji, on) => void room.react(seq, emoji, on),
      refresh: room.refresh,
    }),
    [room.retry, room.discard, room.recall, room.react, room.refresh],
  );
  const uploads = useUploads(chatroomId);

  const submit = (content: string) => {
    if (draft?.kind === "edit") {
      const { seq, content: before } = draft.entry.message;
      if (content !== before) void room.edit(seq, content);
    } else room.send(content, draft?.entry, uploads.take());
    setDraft(null);
  };

  useEffect(() => {
    // Where the panel covers the chat, Escape closes it, like any overlay.
    if (!panelOpen || matchMedia(WIDE).matches) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape") setPanelOpen(false);
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [panelOpen]);

  const leave = async () => {
    if (!confirm(`Leave “${state.info.title}”?`)) return;
    const left = await attempt(() => api.leave(chatroomId));
    if (!left) return;
    onClose();
    notify({ text: left.ended ? "You left; the room has ended." : "You left the room.", kind: "info" });
    roomsChanged();
  };

  return (
    <div id="room-view" class={`room-view${panelOpen ? " panel-open" : ""}`}>
      <RoomHeader
        state={state}
        panelOpen={panelOpen}
        onBack={onClose}
        onTogglePanel={() => setPanelOpen((open) => !open)}
        onLeave={leave}
      />
      {(state.info.isOpen || isLive(state)) && !isViewer(state) && <InviteLink chatroomId={chatroomId} />}
      <div class="room-body">
        <section class="chat" aria-label="Chat">
          <MessageList
            entries={state.entries}
            me={state.me}
            hasEarlier={state.hasEarlier}
            onLoadEarlier={room.loadEarlier}
            moderator={isModerator(state.role)}
            handlers={handlers}
          />
          {!isLive(state) && <TypingIndicator typing={state.typing} me={state.me} />}
          <ComposerBanner state={state} />
          <Composer
            disabled={composerBlock(state, Date.now()) !== null}
            draft={draft}
            onCancelDraft={() => setDraft(null)}
            onSend={submit}
            onTyping={room.typing}
            uploads={uploads}
          />
        </section>
        <SidePanel
          chatroomId={chatroomId}
          me={state.me}
          role={state.role}
          muteAll={state.muteAll}
          members={state.members}
          onlineCount={state.onlineCount}
          live={state.connection.status === "open"}
          onMuteAll={room.setMuteAll}
          onClose={() => setPanelOpen(false)}
        />
      </div>
    </div>
  );
}

/** Props of {@link RoomView}. */
export interface RoomViewProps {
  chatroomId: string;
  onClose: () => void;
}

/** Loads a room, then shows it live. */
export function RoomView({ chatroomId, onClose }: RoomViewProps): JSX.Element {
  const { api, me, attempt, notify } = useApp();
  const [initial, setInitial] = useState<RoomState | null>(null);

  useEffect(() => {
    let current = true;
    void (async () => {
      const info = await attempt(() => api.getChatroom(chatroomId));
      if (!current) return;
      if (!info || (info.role === null && info.mode !== "live")) {
        if (info) notify({ text: "You are not a member of this room." });
        onClose();
        return;
      }
      const page =
        info.state === 1
          ? { messages: [], hasMore: false }
          : await attempt(() => api.history(chatroomId, { limit: 50 }));
      if (!current) return;
      if (!page) return onClose();
      // The first page of members (roles, names, online); the room shows everyone else as they appear.
      const listed = await api.members(chatroomId, { limit: MEMBERS_SHOWN }).catch(() => null);
      if (!current) return;
      setInitial(initialRoomState(me, info, page.messages, page.hasMore, listed?.members ?? []));
    })();
    return () => {
      current = false;
    };
  }, [chatroomId]);

  if (!initial) {
    return (
      <div class="room-loading" aria-busy="true">
        Loading room…
      </div>
    );
  }
  return <LiveRoom initial={initial} onClose={onClose} />;
}
