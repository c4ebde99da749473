/**
 * @module app/room/use-room
 * The open room as a hook: one RoomSocket for the component's life, its frames folded into
 * {@link RoomState} by the reducer, and the actions the room's components call.
 */
import { useCallback, useEffect, useReducer, useRef } from "preact/hooks";
import {
  type CloseInfo,
  isThrottleCode,
  newClientMsgId,
  type RoomSocket,
  SocketError,
  type WireAttachment,
  type WireMessage,
} from "../../client";
import { useApp } from "../app-context";
import { describe } from "../lib/describe";
import { mentionsIn } from "./mentions";
import { isLive, isViewer, type RoomState, roomReducer } from "./room-state";
import { type MessageEntry, newestSeq, oldestSeq } from "./timeline";
import { type MessageChanges, useMessageChanges } from "./use-message-changes";

/** What the room's components can do. */
export interface RoomControls extends MessageChanges {
  state: RoomState;
  /**
   * Sends a message, as a reply to `reply` when given, carrying uploaded `attachments` (the text may
   * then be empty); `@userId` of members become mentions.
   */
  send: (content: string, reply?: MessageEntry | null, attachments?: readonly WireAttachment[]) => void;
  retry: (key: string) => void;
  discard: (key: string) => void;
  loadEarlier: () => Promise<void>;
  typing: () => void;
  setMuteAll: (on: boolean) => void;
}

/** Move the read marker (and refresh the list's unread counts) this long after the last new message. */
const READ_DELAY_MS = 1500;
/** Send `typing` at most this often (the room forwards one per TYPING_INTERVAL_MS anyway). */
const TYPING_EVERY_MS = 2000;
/** Characters of a quoted message shown in a reply (the room keeps the same, PREVIEW_MAX). */
const PREVIEW_CHARS = 100;
/** A page of older messages. */
const EARLIER_PAGE = 50;
/** The reason our own close carries, so its close event is not reported as news. */
const SWITCHED = "switched room";

/** A sentence for a close the socket will not recover from. */
function closeNotice(info: CloseInfo): { text: string; kind: "error" | "info" } | null {
  switch (info.code) {
    case 4003:
      return { text: "You were removed from this room.", kind: "error" };
    case 4004:
      return { text: "This room has ended.", kind: "info" };
    case 1000:
      return info.reason === SWITCHED ? null : { text: "You left the room.", kind: "info" };
    case 4008:
      return {
        text: "Disconnected: too many messages, or this room is open in too many tabs. Close the other tabs, then open the room again.",
        kind: "error",
      };
    default:
      return { text: info.error ? describe(info.error) : "Disconnected from this room.", kind: "error" };
  }
}

/** Runs one open room. `initial` comes from the HTTP load (info + newest history page). */
export function useRoom(initial: RoomState): RoomControls {
  const { api, me, notify, refreshToken, attempt, roomsChanged } = useApp();
  const [state, dispatch] = useReducer(roomReducer, initial);
  const socketRef = useRef<RoomSocket | null>(null);
  const stateRef = useRef(state);
  stateRef.current = state;
  const lastTyping = useRef(0);
  const chatroomId = initial.info.chatroomId;

  useEffect(() => {
    const socket = api.socket(chatroomId, { since: newestSeq(initial.entries), getToken: refreshToken });
    socketRef.current = socket;
    let readTimer: ReturnType<typeof setTimeout> | null = null;
    let throttleTimer: ReturnType<typeof setTimeout> | null = null;
    const scheduleRead = () => {
      // A live room's viewer has no member row to hold a read marker (SPEC §8.5): nothing to move.
      if (readTimer || isViewer(stateRef.current)) return;
      readTimer = setTimeout(() => {
        readTimer = null;
        const newest = newestSeq(stateRef.current.entries);
        if (newest > 0) socket.read(newest);
        roomsChanged();
      }, READ_DELAY_MS);
    };
    /** After `resync` (more missed than the server replays), page the gap over HTTP. */
    const catchUp = async (since: number) => {
      for (let after = since; ; ) {
        const page = await attempt(() => api.history(chatroomId, { after, limit: 100 }));
        const last = page?.messages.at(-1);
        if (!page || !last || socketRef.current !== socket) return;
        dispatch({ type: "caught-up", messages: page.messages });
        socket.markSeen(last.seq);
        after = last.seq;
        if (!page.hasMore) return;
      }
    };
    const offs = [
      socket.on("frame", (frame) => {
        dispatch({ type: "frame", frame, now: Date.now() });
        if (frame.type === "message") scheduleRead();
        else if (frame.type === "resync") void catchUp(frame.since);
        else if (frame.type === "error" && !frame.clientMsgId && !isThrottleCode(frame.code)) {
          notify({ text: describe(new SocketError(frame.code, frame.message, frame.retryAfterSec)) });
        }
      }),
      socket.on("status", (status) => dispatch({ type: "status", status })),
      socket.on("close", (info) => {
        if (!info.final) return;
        const notice = closeNotice(info);
        if (notice) notify(notice);
        roomsChanged();
      }),
      socket.on("throttled", (throttle) => {
        dispatch({ type: "throttle", throttle });
        if (throttleTimer) clearTimeout(throttleTimer);
        throttleTimer = setTimeout(() => dispatch({ type: "throttle", throttle: null }), throttle.until - Date.now());
      }),
    ];
    socket.connect();
    const newest = newestSeq(initial.entries);
    if (newest > 0 && !isViewer(initial)) void attempt(() => api.markRead(chatroomId, newest)).then(roomsChanged);
    return () => {
      for (const off of offs) off();
      if (readTimer) clearTimeout(readTimer);
      if (throttleTimer) clearTimeout(throttleTimer);
      socketRef.current = null;
      socket.close(SWITCHED);
    };
    // One socket per mounted room: the component is keyed by chatroomId.
  }, [chatroomId]);

  const deliver = useCallback(
    (message: WireMessage) => {
      const socket = socketRef.current;
      const key = `${message.senderId}/${message.clientMsgId}`;
      if (!socket) return;
      const { mentions, attachments } = message;
      const options = {
        clientMsgId: message.clientMsgId,
        replyTo: message.replyTo?.seq,
        mentions,
        attachments: attachments?.map((attachment) => attachment.id),
      };
      socket.send(message.content, options).then(
        (ack) => dispatch({ type: "sent", message: { ...message, seq: ack.seq, ts: ack.ts } }),
        (error: unknown) => {
          // A throttle shows in the composer's banner with its countdown; other refusals get a notice.
          const throttled = error instanceof SocketError && isThrottleCode(error.code);
          const why = throttled
            ? error.code === "ROOM_BUSY"
              ? "the room was busy"
              : "sent too fast"
            : describe(error);
          dispatch({ type: "failed", key, error: why });
          if (!throttled) notify({ text: why });
        },
      );
    },
    [notify],
  );

  const send = useCallback(
    (content: string, reply?: MessageEntry | null, attachments: readonly WireAttachment[] = []) => {
      const message: WireMessage = {
        seq: 0,
        senderId: me,
        clientMsgId: newClientMsgId(),
        content,
        contentType: "text",
        ts: Date.now(),
      };
      const mentions = mentionsIn(content, stateRef.current.members);
      if (mentions.length > 0) message.mentions = mentions;
      // Shown from the upload's answers at once; their URLs are as fresh as the room's would be.
      if (attachments.length > 0) message.attachments = [...attachments];
      if (reply) {
        // Shown at once; the room's own preview replaces it when the message comes back confirmed.
        const { seq, senderId, content: quoted } = reply.message;
        message.replyTo = { seq, senderId, preview: quoted.slice(0, PREVIEW_CHARS) };
      }
      dispatch({ type: "sending", message });
      deliver(message);
    },
    [me, deliver],
  );

  const retry = useCallback(
    (key: string) => {
      const entry = stateRef.current.entries.find((e): e is MessageEntry => e.key === key && e.kind === "message");
      if (entry?.state !== "failed") return;
      dispatch({ type: "retrying", key });
      // The same clientMsgId: if the first try did reach the room, the server answers it as a duplicate.
      deliver(entry.message);
    },
    [deliver],
  );

  const discard = useCallback((key: string) => dispatch({ type: "discard", key }), []);

  const loadEarlier = useCallback(async () => {
    const before = oldestSeq(stateRef.current.entries);
    if (before <= 1) return;
    const page = await attempt(() => api.history(chatroomId, { before, limit: EARLIER_PAGE }));
    if (page) dispatch({ type: "earlier", messages: page.messages, hasMore: page.hasMore });
  }, [chatroomId]);

  const typing = useCallback(() => {
    // Live rooms do not relay typing (SPEC §8.5); the frame would only spend the socket's budget.
    if (isLive(stateRef.current) || Date.now() - lastTyping.current < TYPING_EVERY_MS) return;
    lastTyping.current = Date.now();
    socketRef.current?.typing();
  }, []);

  const setMuteAll = useCallback((on: boolean) => dispatch({ type: "mute-all", on }), []);

  const changes = useMessageChanges(chatroomId, dispatch);
  return { state, send, retry, discard, loadEarlier, typing, setMuteAll, ...changes };
}
