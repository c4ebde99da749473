/**
 * @module app/room/use-message-changes
 * Recall, edit and react (SPEC §8.3) over HTTP. Each answer is applied at once; the room's
 * `message_update` / `reaction` frame that follows changes nothing more.
 */
import { useCallback } from "preact/hooks";
import { useApp } from "../app-context";
import type { RoomAction } from "./room-state";

/** What a message's actions can do. */
export interface MessageChanges {
  recall: (seq: number) => Promise<void>;
  edit: (seq: number, content: string) => Promise<boolean>;
  react: (seq: number, emoji: string, on: boolean) => Promise<void>;
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

  return { recall, edit, react };
}
