/**
 * @module app/components/member-list
 * The people the room has shown us, one keyed, memoised row each: a presence change re-renders one
 * row (and moves it, online first). Restricted members show a live countdown in their row only.
 */
import type { JSX } from "preact";
import { remaining } from "../lib/format";
import { memo } from "../lib/memo";
import { useNow } from "../lib/use-now";
import type { Member, Restriction } from "../room/room-state";
import { Avatar } from "./avatar";

function RestrictionBadge({ restriction }: { restriction: Restriction }): JSX.Element {
  const now = useNow(restriction.until > 0);
  return (
    <span class="badge restricted">
      {restriction.status === 1 ? "Muted" : "Banned"} · {remaining(restriction.until, now)}
    </span>
  );
}

interface RowProps {
  member: Member;
  isMe: boolean;
  /** Moderators pick a member to act on; null when I cannot moderate. */
  onPick: ((userId: string) => void) | null;
}

const MemberRow = memo(function MemberRow({ member, isMe, onPick }: RowProps) {
  const { userId, role, online, restriction, nickname } = member;
  const shown = nickname || userId;
  const name = isMe ? `${shown} (you)` : shown;
  return (
    <li class={`person${online ? " online" : ""}`} data-user={userId}>
      <span class="person-avatar">
        <Avatar userId={userId} size="sm" />
        <span class="dot" aria-hidden="true" />
      </span>
      <span class="person-name">
        {onPick && !isMe ? (
          <button type="button" class="link" title={`Moderate ${userId}`} onClick={() => onPick(userId)}>
            {name}
          </button>
        ) : (
          <span>{name}</span>
        )}
        <span class="visually-hidden">{online ? " online" : " offline"}</span>
      </span>
      {role && role !== "member" && <span class={`badge ${role}`}>{role}</span>}
      {restriction && <RestrictionBadge restriction={restriction} />}
    </li>
  );
});

const rank = (m: Member): number => (m.online ? 0 : 2) + (m.role === "host" || m.role === "manager" ? 0 : 1);

/** Online first, then host and managers, then by name. */
export function sortMembers(members: Iterable<Member>): Member[] {
  return [...members].sort((a, b) => rank(a) - rank(b) || a.userId.localeCompare(b.userId));
}

/** Props of {@link MemberList}. */
export interface MemberListProps {
  members: readonly Member[];
  me: string;
  onPick: ((userId: string) => void) | null;
}

/** The member rows. */
export function MemberList({ members, me, onPick }: MemberListProps): JSX.Element {
  return (
    <ul id="people" class="people-list">
      {members.map((member) => (
        <MemberRow key={member.userId} member={member} isMe={member.userId === me} onPick={onPick} />
      ))}
      {members.length === 0 && <li class="muted empty-item">Nobody matches.</li>}
    </ul>
  );
}
