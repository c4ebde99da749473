/**
 * @module app/room/use-message-changes
 * Recall, edit and react (SPEC §8.3) over HTTP. Each answer is applied at once; the room's
 * `message_update` / `reaction` frame that follows changes nothing more. And `refresh`: one message
 * fetched again, for fresh signed attachment URLs once the old ones expired (SPEC §8.4).
 */
import { useCallback, useRef } from "preact/hooks";
import type { WireMessage } from "../../client";
import { useApp } from "../app-context";
import type { RoomAction } from "./room-state";

/** What a message's actions can do. */
export interface MessageChanges {
  recall: (seq: number) => Promise<void>;
  edit: (seq: number, content: string) => Promise<boolean>;
  react: (seq: number, emoji: string, on: boolean) => Promise<void>;
  /** Fetches the message with this seq again and applies it (new URLs, or its recall); null when gone. */
  refresh: (seq: number) => Promise<WireMessage | null>;
}

/** The message-change actions of one room. */
export function useMessageChanges(chatroomId: string, dispatch: (action: RoomAction) => void): MessageChanges {
  const { api, attempt } = useApp();

  const recall = useCallback(
    async (seq: number) => {
      const done = await attempt(() => api.recall(chatroomId, seq));
      if (!done) return;
      const frame = { type: "message_update", seq, updateSeq: done.updateSeq, deleted: true } as const;
      dispatch({ type: "frame", frame, now: Date.now() });
    },
    [api, attempt, chatroomId],
  );

  const edit = useCallback(
    async (seq: number, content: string) => {
      const edited = await attempt(() => api.edit(chatroomId, seq, content));
      if (edited) dispatch({ type: "patch", seq, patch: { content: edited.content, editedAt: edited.editedAt } });
      return edited !== undefined;
    },
    [api, attempt, chatroomId],
  );

  const react = useCallback(
    async (seq: number, emoji: string, on: boolean) => {
      const result = await attempt(() => api.react(chatroomId, seq, emoji, on));
      if (result) dispatch({ type: "patch", seq, patch: { reactions: result.reactions } });
    },
    [api, attempt, chatroomId],
  );

  // Several images of one message fail together: they share one request.
  const refreshing = useRef(new Map<number, Promise<WireMessage | null>>());
  const refresh = useCallback(
    (seq: number) => {
      const running = refreshing.current.get(seq);
      if (running) return running;
      const request = (async () => {
        // History is the one read that signs URLs anew: the page that ends at this seq.
        const page = await attempt(() => api.history(chatroomId, { before: seq + 1, limit: 1 }));
        const fresh = page?.messages.find((m) => m.seq === seq) ?? null;
        if (fresh) {
          const patch = fresh.deleted ? { deleted: true as const, content: "", attachments: [] } : fresh;
          dispatch({ type: "patch", seq, patch });
        }
        return fresh;
      })().finally(() => refreshing.current.delete(seq));
      refreshing.current.set(seq, request);
      return request;
    },
    [api, attempt, chatroomId],
  );

  return { recall, edit, react, refresh };
}
