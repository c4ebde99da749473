/**
 * @module app/components/room-header
 * The open room's header: back (narrow screens), title with badges and the online count (a live room's
 * audience size stands out on its own), the connection status, the people toggle and Leave (not for a
 * live room's viewers: they have no membership to leave). Below it, the invite link.
 */
import type { JSX } from "preact";
import type { StatusInfo } from "../../client";
import { useApp } from "../app-context";
import { dateTimeOf } from "../lib/format";
import { isLive, isViewer, type RoomState, roleLabel } from "../room/room-state";
import { IconButton } from "./icon-button";
import { Icon } from "./icons";

function statusText(connection: StatusInfo): string {
  switch (connection.status) {
    case "idle":
      return "";
    case "connecting":
      return "Connecting…";
    case "open":
      return "Live";
    case "reconnecting":
      return connection.retryInMs ? `Reconnecting in ${Math.ceil(connection.retryInMs / 1000)} s…` : "Reconnecting…";
    case "needs-token":
      return "Signing in again…";
    case "closed":
      return "Disconnected";
  }
}

/** Props of {@link RoomHeader}. */
export interface RoomHeaderProps {
  state: RoomState;
  panelOpen: boolean;
  onBack: () => void;
  onTogglePanel: () => void;
  onLeave: () => void;
}

/** The room header. */
export function RoomHeader({ state, panelOpen, onBack, onTogglePanel, onLeave }: RoomHeaderProps): JSX.Element {
  const { info, muteAll, connection, closed, onlineCount } = state;
  const connected = connection.status === "open";
  // A live room's audience size is its headline; elsewhere the count sits with the badges.
  const audience = isLive(state);
  return (
    <header class="room-head">
      <IconButton icon="back" label="Back to my rooms" onClick={onBack} class="back" />
      <div class="room-head-main">
        <h2 id="room-title">{info.title}</h2>
        <div class="badges" id="room-badges">
          {info.mode === "live" && <span class="badge live">Live room</span>}
          <span class="badge">{info.isOpen ? "Open" : "Closed"}</span>
          <span class="badge role" id="my-role">
            You: {roleLabel(state)}
          </span>
          {info.state === 1 && (
            <span class="badge warn">Starts {info.startAt ? dateTimeOf(info.startAt) : "later"}</span>
          )}
          {info.state === 2 && <span class="badge danger">Ended</span>}
          {muteAll && <span class="badge warn">Mute-all on</span>}
          {connected && !audience && (
            <span class="online-count" id="online-count">
              <span class="dot" aria-hidden="true" /> {onlineCount} online
            </span>
          )}
        </div>
      </div>
      {connected && audience && (
        <span class="audience" id="online-count" title="People in this live room now">
          <span class="dot" aria-hidden="true" />
          <strong>{onlineCount}</strong> <span class="audience-label">online</span>
        </span>
      )}
      <div class="room-actions">
        <span id="conn" class={`conn ${connection.status}`} role="status" aria-live="polite">
          {statusText(connection)}
        </span>
        <IconButton
          icon="people"
          label={panelOpen ? "Hide people" : "Show people"}
          onClick={onTogglePanel}
          class="people-toggle"
          expanded={panelOpen}
          controls="people-panel"
        />
        {!closed && !isViewer(state) && (
          <button type="button" class="ghost" id="leave-room" onClick={onLeave}>
            Leave
          </button>
        )}
      </div>
    </header>
  );
}

/** The invite link of an open room (or of a live room, for its host and managers), with a copy button. */
export function InviteLink({ chatroomId }: { chatroomId: string }): JSX.Element {
  const { notify } = useApp();
  const url = `${location.origin}/?join=${encodeURIComponent(chatroomId)}`;
  const copy = async (event: Event) => {
    const input = (event.currentTarget as HTMLElement).previousElementSibling;
    try {
      await navigator.clipboard.writeText(url);
      notify({ text: "Invite link copied.", kind: "info" });
    } catch {
      if (input instanceof HTMLInputElement) input.select();
    }
  };
  return (
    <div id="invite" class="invite">
      <label for="invite-url">Invite link</label>
      <input id="invite-url" readOnly value={url} onFocus={(event) => event.currentTarget.select()} />
      <button type="button" class="ghost small" id="copy-invite" onClick={copy}>
        <Icon name="copy" size={16} /> Copy
      </button>
    </div>
  );
}
