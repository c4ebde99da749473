/**
 * @module app/components/side-panel
 * The right column: message search, people (search, online first, roles, restrictions) and, for
 * host and managers, moderation. On narrow screens it slides over the chat and is toggled from the room header.
 */
import type { JSX } from "preact";
import { useCallback, useMemo, useState } from "preact/hooks";
import type { Role } from "../../client";
import { isModerator, type Member } from "../room/room-state";
import { IconButton } from "./icon-button";
import { MemberList, sortMembers } from "./member-list";
import { MessageSearch } from "./message-search";
import { ModerationPanel } from "./moderation-panel";
import { SearchField } from "./search-field";

/** Props of {@link SidePanel}. */
export interface SidePanelProps {
  chatroomId: string;
  me: string;
  role: Role;
  muteAll: boolean;
  members: ReadonlyMap<string, Member>;
  onlineCount: number;
  live: boolean;
  onMuteAll: (on: boolean) => void;
  onClose: () => void;
}

/** The people and moderation panel. */
export function SidePanel(props: SidePanelProps): JSX.Element {
  const { chatroomId, me, role, muteAll, members, onlineCount, live, onMuteAll, onClose } = props;
  const [query, setQuery] = useState("");
  const [target, setTarget] = useState("");
  const sorted = useMemo(() => sortMembers(members.values()), [members]);
  const needle = query.trim().toLowerCase();
  const shown = useMemo(
    () => (needle ? sorted.filter((m) => `${m.userId} ${m.nickname ?? ""}`.toLowerCase().includes(needle)) : sorted),
    [sorted, needle],
  );
  const known = useMemo(() => sorted.map((m) => m.userId), [sorted]);
  const moderator = isModerator(role);
  const pick = useCallback((userId: string) => {
    setTarget(userId);
    document.getElementById("mod-duration")?.focus();
  }, []);

  return (
    <aside id="people-panel" class="people" aria-label="People">
      <div class="panel-head">
        <h3>
          People <span class="muted">{live ? `· ${onlineCount} online` : ""}</span>
        </h3>
        <IconButton icon="close" iconSize={18} label="Hide people" onClick={onClose} class="panel-close" />
      </div>
      <MessageSearch chatroomId={chatroomId} />
      <SearchField label="Search people" value={query} onInput={setQuery} />
      <MemberList members={shown} me={me} onPick={moderator ? pick : null} />
      {moderator && (
        <ModerationPanel
          chatroomId={chatroomId}
          role={role}
          muteAll={muteAll}
          known={known}
          target={target}
          onMuteAll={onMuteAll}
        />
      )}
    </aside>
  );
}
