/**
 * @module app/room/room-state
 * One open room's state and the pure reducer that applies socket frames and local actions to it.
 * Every change replaces only what it touches (one timeline entry, one member object), so keyed,
 * memoised components re-render only the item that changed.
 */
import type {
  CloseInfo,
  ListedMember,
  Role,
  RoomInfo,
  ServerFrame,
  StatusInfo,
  ThrottleInfo,
  WireMessage,
  WireRestriction,
} from "../../client";
import { memberText, moderationText, roomText } from "./frame-text";
import {
  addPending,
  addSystem,
  confirmMessage,
  dropTail,
  type Entry,
  prependHistory,
  setTailState,
  trim,
} from "./timeline";
import { applyUpdate, mergeReactions, updateMessage } from "./updates";

/** A mute (1) or ban (2) until an epoch ms (0: until lifted). */
export interface Restriction {
  status: 1 | 2;
  until: number;
}

/** Someone the room has shown us: role when known, online state, restriction. */
export interface Member {
  userId: string;
  role: Role | null;
  online: boolean;
  restriction: Restriction | null;
  /** The name they show in this room (their open profile's or their own), when they set one. */
  nickname?: string | null;
}

/** The state of the open room. */
export interface RoomState {
  me: string;
  info: RoomInfo;
  role: Role;
  muteAll: boolean;
  entries: readonly Entry[];
  /** Whether older messages exist on the server that are not in `entries`. */
  hasEarlier: boolean;
  members: ReadonlyMap<string, Member>;
  onlineCount: number;
  /** userId → epoch ms until which they count as typing. */
  typing: Readonly<Record<string, number>>;
  connection: StatusInfo;
  /** The final close, once the socket gave up. */
  closed: CloseInfo | null;
  throttle: ThrottleInfo | null;
  /** Counter for system line keys. */
  lines: number;
}

/** What changes a room's state. */
export type RoomAction =
  | { type: "frame"; frame: ServerFrame; now: number }
  | { type: "status"; status: StatusInfo }
  | { type: "throttle"; throttle: ThrottleInfo | null }
  | { type: "sending"; message: WireMessage }
  | { type: "sent"; message: WireMessage }
  | { type: "failed"; key: string; error: string }
  | { type: "retrying"; key: string }
  | { type: "discard"; key: string }
  | { type: "earlier"; messages: readonly WireMessage[]; hasMore: boolean }
  | { type: "caught-up"; messages: readonly WireMessage[] }
  | { type: "mute-all"; on: boolean }
  | { type: "patch"; seq: number; patch: Partial<WireMessage> };

/** How long a `typing` frame shows its sender as typing. */
export const TYPING_SHOWN_MS = 3000;

const blank = (userId: string): Member => ({ userId, role: null, online: false, restriction: null });

const restrictionOf = (r: WireRestriction | null): Restriction | null =>
  r ? { status: r.status, until: r.expiresAt } : null;

/** The state of a room just loaded over HTTP (history newest-first, as the API pages it). */
export function initialRoomState(
  me: string,
  info: RoomInfo,
  history: readonly WireMessage[],
  hasMore: boolean,
  listed: readonly ListedMember[] = [],
): RoomState {
  const role = info.role ?? "member";
  const members = new Map<string, Member>();
  for (const m of listed) {
    members.set(m.userId, {
      userId: m.userId,
      role: m.role,
      online: m.online,
      restriction: null,
      nickname: m.nickname,
    });
  }
  if (info.hostId && !members.has(info.hostId)) members.set(info.hostId, { ...blank(info.hostId), role: "host" });
  members.set(me, { ...(members.get(me) ?? blank(me)), role, restriction: restrictionOf(info.restriction) });
  for (const m of history) {
    if (!members.has(m.senderId)) members.set(m.senderId, blank(m.senderId));
  }
  return {
    me,
    info,
    role,
    muteAll: info.muteAll,
    entries: prependHistory([], history),
    hasEarlier: hasMore,
    members,
    onlineCount: 0,
    typing: {},
    connection: { status: "idle", attempt: 0 },
    closed: null,
    throttle: null,
    lines: 0,
  };
}

/**
 * Returns `members` with `patch(id)` applied to each id: one copy of the map at most, new objects
 * only for the members that changed, the same map when none did.
 */
function patchEach(
  members: ReadonlyMap<string, Member>,
  ids: Iterable<string>,
  patch: (id: string) => Partial<Member>,
): ReadonlyMap<string, Member> {
  let next: Map<string, Member> | null = null;
  for (const id of ids) {
    const source = next ?? members;
    const current = source.get(id) ?? blank(id);
    const change = patch(id);
    const keys = Object.keys(change) as (keyof Member)[];
    if (source.has(id) && keys.every((k) => change[k] === current[k])) continue;
    next ??= new Map(members);
    next.set(id, { ...current, ...change });
  }
  return next ?? members;
}

/** Returns `members` with one member changed (added when unknown). */
const patchMember = (members: ReadonlyMap<string, Member>, userId: string, patch: Partial<Member>) =>
  patchEach(members, [userId], () => patch);

function withLine(state: RoomState, text: string | null, ts: number): RoomState {
  if (!text) return state;
  const lines = state.lines + 1;
  return { ...state, lines, entries: addSystem(state.entries, { kind: "system", key: `line-${lines}`, text, ts }) };
}

function withMessage(state: RoomState, message: WireMessage): RoomState {
  const entries = confirmMessage(state.entries, message);
  if (entries === state.entries) return state;
  const kept = trim(entries);
  const members = state.members.has(message.senderId)
    ? state.members
    : patchMember(state.members, message.senderId, {});
  const { [message.senderId]: _, ...typing } = state.typing;
  return { ...state, entries: kept.entries, hasEarlier: state.hasEarlier || kept.dropped, members, typing };
}

function onFrame(state: RoomState, frame: ServerFrame, now: number): RoomState {
  switch (frame.type) {
    case "welcome": {
      const online = new Set([...frame.online, state.me]);
      const own = patchMember(state.members, state.me, {
        role: frame.role,
        restriction: restrictionOf(frame.restriction),
      });
      // A live room lists nobody, its audience is counted (SPEC §8.5): only my own presence is news;
      // the member list's word on host and managers stands.
      const listed = frame.mode === "live" ? [state.me] : new Set([...own.keys(), ...online]);
      const members = patchEach(own, listed, (id) => ({ online: online.has(id) }));
      const onlineCount = frame.onlineCount ?? frame.online.length;
      return { ...state, role: frame.role, muteAll: frame.muteAll, members, onlineCount, closed: null };
    }
    case "message":
      return withMessage(state, frame);
    case "message_update":
      return { ...state, entries: applyUpdate(state.entries, frame) };
    case "reaction": {
      const entries = updateMessage(state.entries, frame.seq, (message) => ({
        ...message,
        reactions: mergeReactions(message.reactions, frame, state.me),
      }));
      return { ...state, entries };
    }
    case "online":
      // A live room's audience is counted, not announced one by one (SPEC §8.5).
      return frame.count === state.onlineCount ? state : { ...state, onlineCount: frame.count };
    case "presence":
      return {
        ...state,
        members: patchMember(state.members, frame.userId, { online: frame.online }),
        onlineCount: frame.count,
      };
    case "member": {
      let members = state.members;
      let role = state.role;
      if (frame.event === "joined") members = patchMember(members, frame.userId, { role: frame.role ?? "member" });
      else if (frame.event === "role") {
        members = patchMember(members, frame.userId, { role: frame.role ?? "member" });
        if (frame.userId === state.me && frame.role) role = frame.role;
      } else if (members.get(frame.userId)?.restriction) {
        // A banned member stays listed with the ban's countdown, so moderators can see and lift it.
        members = patchMember(members, frame.userId, { role: null, online: false });
      } else {
        const next = new Map(members);
        next.delete(frame.userId);
        members = next;
      }
      return withLine({ ...state, members, role }, memberText(frame, state.me), now);
    }
    case "moderation": {
      let next = state;
      if (frame.event === "muteAll") next = { ...state, muteAll: Boolean(frame.on) };
      else {
        const restriction: Restriction | null =
          frame.event === "muted" || frame.event === "banned"
            ? { status: frame.event === "muted" ? 1 : 2, until: frame.until ?? 0 }
            : null;
        next = { ...state, members: patchMember(state.members, frame.userId, { restriction }) };
      }
      return withLine(next, moderationText(frame, state.me, now), now);
    }
    case "room": {
      const info = { ...state.info };
      let muteAll = state.muteAll;
      if (frame.event === "started") info.state = 0;
      if (frame.event === "ended") info.state = 2;
      if (frame.event === "updated") {
        if (frame.title !== undefined) info.title = frame.title;
        if (frame.state !== undefined) info.state = frame.state;
        if (frame.startAt !== undefined) info.startAt = frame.startAt;
        if (frame.slowModeSeconds !== undefined) info.slowModeSeconds = frame.slowModeSeconds;
        if (frame.muteAll !== undefined) muteAll = frame.muteAll;
      }
      return withLine({ ...state, info, muteAll }, roomText(frame), now);
    }
    case "typing":
      return frame.userId === state.me
        ? state
        : { ...state, typing: { ...state.typing, [frame.userId]: now + TYPING_SHOWN_MS } };
    default:
      return state;
  }
}

/** Applies one action. */
export function roomReducer(state: RoomState, action: RoomAction): RoomState {
  switch (action.type) {
    case "frame":
      return onFrame(state, action.frame, action.now);
    case "status": {
      const closed = action.status.status === "closed" ? (action.status.close ?? null) : null;
      const online = closed ? patchOffline(state) : {};
      return { ...state, connection: action.status, closed, ...online };
    }
    case "throttle":
      return { ...state, throttle: action.throttle };
    case "sending":
      return { ...state, entries: addPending(state.entries, action.message) };
    case "sent":
      return withMessage(state, action.message);
    case "failed":
      return { ...state, entries: setTailState(state.entries, action.key, "failed", action.error) };
    case "retrying":
      return { ...state, entries: setTailState(state.entries, action.key, "pending") };
    case "discard":
      return { ...state, entries: dropTail(state.entries, action.key) };
    case "earlier":
      return { ...state, entries: prependHistory(state.entries, action.messages), hasEarlier: action.hasMore };
    case "caught-up":
      return action.messages.reduce(withMessage, state);
    case "mute-all":
      return { ...state, muteAll: action.on };
    case "patch":
      return { ...state, entries: updateMessage(state.entries, action.seq, (m) => ({ ...m, ...action.patch })) };
  }
}

/** After a final close nobody is shown online: we no longer know. */
function patchOffline(state: RoomState): Pick<RoomState, "members" | "onlineCount"> {
  return { members: patchEach(state.members, state.members.keys(), () => ({ online: false })), onlineCount: 0 };
}

/** Whether the user moderates this room. */
export const isModerator = (role: Role): boolean => role === "host" || role === "manager";

/** Whether this is a live room (SPEC §8.5): an audience, no typing or read markers relayed. */
export const isLive = (state: Pick<RoomState, "info">): boolean => state.info.mode === "live";

/**
 * Whether the user only watches: in a live room the server calls everyone "member" who is not host or
 * manager, but they have no membership (nothing to leave, nobody to invite).
 */
export const isViewer = (state: Pick<RoomState, "info" | "role">): boolean => isLive(state) && state.role === "member";

/** The user's own role as the header names it. */
export const roleLabel = (state: Pick<RoomState, "info" | "role">): string => (isViewer(state) ? "viewer" : state.role);
