/**
 * @module live/shard-sessions
 * The sockets of one shard of a live room (SPEC §8.5): admission from what the room told the shard
 * (the view and the restrictions), the welcome and a resume from the shard's ring, and each client
 * frame under its socket's frame budget — then forwarded to the room in order (the room decides), or
 * dropped when it concerns only the shard (typing and read markers: a live audience is not told who
 * types, and has no read markers).
 */
import { type ErrorKind, type Failure, fail, type Result } from "../errors";
import type { Limits } from "../limits";
import { type ClientFrame, encode, wireRestriction } from "../room/protocol";
import { activeOrNull, isBanned, type Restriction } from "../room/restrictions";
import { admitClientFrame, type FrameVerdict, freshBudget, refuse } from "../room/socket-budget";
import { applyRefusal, errorFrame } from "../room/socket-errors";
import { CLOSE_REMOVED, type SocketHub, type SocketIdentity } from "../room/sockets";
import type { UpgradeSession } from "../room/upgrade";
import type { Ring } from "./ring";
import type { ShardView } from "./shard-protocol";

/** What a shard knows of its room, as its sessions see it. */
export interface ShardState {
  chatroomId: string;
  view: ShardView;
  restrictions: Map<string, Restriction>;
  ring: Ring;
  sockets: SocketHub;
  limits: Limits;
  /** Answers a socket's frame in order: after the answers to its earlier frames still at the room. */
  reply(socket: WebSocket, frame: string): void;
}

/** The role a user has in the room, from the view. */
function roleOf(view: ShardView, userId: string): "host" | "manager" | "member" {
  if (view.hostId === userId) return "host";
  return view.managers.includes(userId) ? "manager" : "member";
}

/** Why a user may not open a socket now, or null. */
export function admissionRefusal(shard: ShardState, session: UpgradeSession, now: number): Failure | null {
  if (shard.view.state === 2) return fail("conflict", "the room has ended");
  if (isBanned(shard.restrictions.get(session.userId), now)) return fail("banned", "you are banned from this room");
  return shard.sockets.connectRefusal(session.userId, now, shard.limits);
}

/** Accepts a viewer: the welcome, then what they missed from the ring (or `resync`), then live traffic. */
export function connect(shard: ShardState, socket: WebSocket, session: UpgradeSession, now: number): void {
  const { userId, since, updatesSince } = session;
  const { view } = shard;
  shard.sockets.accept(socket, {
    userId,
    connectedAt: now,
    iat: session.iat,
    exp: session.exp,
    clientId: session.clientId,
    platform: session.platform,
  });
  shard.sockets.send(
    socket,
    encode({
      type: "welcome",
      chatroomId: shard.chatroomId,
      userId,
      role: roleOf(view, userId),
      lastSeq: shard.ring.lastSeq,
      muteAll: view.muteAll,
      slowModeSeconds: view.slowModeSeconds,
      restriction: wireRestriction(activeOrNull(shard.restrictions.get(userId), now)),
      // A live room's audience is presence: counted, not listed.
      online: [],
      onlineCount: view.onlineCount,
      lastUpdateSeq: shard.ring.lastUpdateSeq,
      mode: "live",
    }),
  );
  if (since === null) return;
  const missed = shard.ring.replay(since, updatesSince);
  if (missed === null) {
    const resync = {
      type: "resync",
      since,
      lastSeq: shard.ring.lastSeq,
      lastUpdateSeq: shard.ring.lastUpdateSeq,
    } as const;
    shard.sockets.send(socket, encode(resync));
  } else for (const frame of missed) shard.sockets.send(socket, frame);
}

/** What a frame becomes in a shard: forwarded to the room, or handled (or dropped) here. */
export type FrameOutcome = { forward: ClientFrame } | { handled: true };

/** Applies the socket's frame budget and the shard's own checks to one client frame. */
export function onMessage(
  shard: ShardState,
  socket: WebSocket,
  identity: SocketIdentity,
  frame: Result<ClientFrame>,
  now: number,
): FrameOutcome {
  const verdict = admitClientFrame(identity.budget, frame, now, shard.limits);
  if (!verdict.ok) {
    const failure = { kind: "rate_limited", message: "too many frames: slow down" } as const;
    notice(shard, socket, verdict, failure, verdict.clientMsgId);
    return { handled: true };
  }
  shard.sockets.saveBudget(socket, verdict.budget, false);
  if (identity.exp > 0 && identity.exp * 1000 <= now) {
    shard.sockets.closeExpired(now);
    return { handled: true };
  }
  if (isBanned(shard.restrictions.get(identity.userId), now)) {
    shard.sockets.closeUser(identity.userId, CLOSE_REMOVED, "banned");
    return { handled: true };
  }
  if (!frame.ok) {
    shard.reply(socket, errorFrame(frame));
    return { handled: true };
  }
  if (frame.value.type === "typing" || frame.value.type === "read") return { handled: true };
  return { forward: frame.value };
}

/** Passes the room's answer to a forwarded frame to its socket; rate refusals go through the notice budget. */
export function answer(shard: ShardState, socket: WebSocket, frames: readonly string[], now: number): void {
  for (const frame of frames) {
    const rate = /^\{"type":"error","code":"(RATE_LIMITED|ROOM_BUSY)"/.exec(frame);
    if (!rate) {
      shard.sockets.send(socket, frame);
      continue;
    }
    const identity = shard.sockets.identity(socket);
    const parsed = JSON.parse(frame) as { message: string; clientMsgId?: string; retryAfterSec?: number };
    const verdict = refuse(identity?.budget ?? freshBudget(), now, (parsed.retryAfterSec ?? 1) * 1000, shard.limits);
    const kind: ErrorKind = rate[1] === "ROOM_BUSY" ? "room_busy" : "rate_limited";
    // Already in order (this is the answer to its frame): sent directly.
    const direct = (target: WebSocket, text: string) => shard.sockets.send(target, text);
    notice(shard, socket, verdict, { kind, message: parsed.message, send: direct }, parsed.clientMsgId);
  }
}

/** At most one rate notice a second per socket; 4008 after a long flood (as in a normal room). */
function notice(
  shard: ShardState,
  socket: WebSocket,
  verdict: Extract<FrameVerdict, { ok: false }>,
  reason: { kind: ErrorKind; message: string; send?: (socket: WebSocket, frame: string) => void },
  clientMsgId?: string,
): void {
  applyRefusal(shard.sockets, socket, verdict, reason, clientMsgId, reason.send ?? shard.reply);
}
