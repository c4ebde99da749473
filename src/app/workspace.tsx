/**
 * @module app/workspace
 * The signed-in app: provides the shared services (API calls with token refresh and 429 countdowns),
 * the room list, the open room, and invite links (`/?join=<chatroomId>`).
 */
import type { JSX } from "preact";
import { useCallback, useEffect, useMemo, useRef, useState } from "preact/hooks";
import type { EdgeroomApi } from "../client";
import { AppContext, type AppServices, type NoticeInput } from "./app-context";
import { RoomView } from "./components/room-view";
import { Sidebar } from "./components/sidebar";
import { describe, isAuthError, retryAfterOf } from "./lib/describe";
import { saveSession } from "./lib/session";
import { useRooms } from "./use-rooms";

/** Props of {@link Workspace}. */
export interface WorkspaceProps {
  api: EdgeroomApi;
  me: string;
  notify: (notice: NoticeInput) => void;
  onSignOut: () => void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The room list and the open room. */
export function Workspace({ api, me, notify, onSignOut }: WorkspaceProps): JSX.Element {
  const refreshing = useRef<Promise<string | null> | null>(null);

  /** A new dev token (one request at a time; waits out a 429), or null after signing out. */
  const refreshToken = useCallback((): Promise<string | null> => {
    refreshing.current ??= (async () => {
      for (let tries = 0; tries < 3; tries++) {
        try {
          const session = await api.devToken(me);
          saveSession(session);
          return session.token;
        } catch (error) {
          const wait = retryAfterOf(error);
          if (wait === null) break;
          await sleep(wait * 1000);
        }
      }
      notify({ text: "Your session has expired. Please sign in again." });
      onSignOut();
      return null;
    })().finally(() => {
      refreshing.current = null;
    });
    return refreshing.current;
  }, [api, me, notify, onSignOut]);

  const attempt = useCallback(
    async <T,>(action: () => Promise<T>, explain?: (error: unknown) => NoticeInput | null): Promise<T | undefined> => {
      let failure: unknown;
      try {
        return await action();
      } catch (error) {
        failure = error;
      }
      if (isAuthError(failure)) {
        if (!(await refreshToken())) return undefined;
        try {
          return await action();
        } catch (error) {
          failure = error;
        }
      }
      const explained = explain?.(failure);
      if (explained) {
        notify(explained);
        return undefined;
      }
      const wait = retryAfterOf(failure);
      if (wait !== null) notify({ text: "Too many requests. Try again in", until: Date.now() + wait * 1000 });
      else notify({ text: describe(failure) });
      return undefined;
    },
    [notify, refreshToken],
  );

  const { rooms, reload } = useRooms(api, attempt);
  const [roomId, setRoomId] = useState<string | null>(null);
  const services = useMemo<AppServices>(
    () => ({ api, me, notify, refreshToken, attempt, roomsChanged: reload }),
    [api, me, notify, refreshToken, attempt, reload],
  );

  useEffect(() => {
    const join = new URLSearchParams(location.search).get("join");
    if (!join) return;
    history.replaceState(null, "", location.pathname);
    void (async () => {
      // A live room is watched without joining (SPEC §8.5); other rooms are joined first.
      const info = await attempt(() => api.getChatroom(join));
      if (info && (info.mode === "live" || info.role !== null || (await attempt(() => api.join(join))))) {
        setRoomId(join);
      }
      reload();
    })();
  }, []);

  const close = useCallback(() => setRoomId(null), []);

  return (
    <AppContext.Provider value={services}>
      <div id="app-view" class={`layout${roomId ? " has-room" : ""}`}>
        <Sidebar
          rooms={rooms}
          activeId={roomId}
          onOpen={setRoomId}
          onCreated={(created) => {
            reload();
            setRoomId(created.chatroomId);
          }}
          onRefresh={reload}
        />
        <main id="room" class="room" aria-label="Chat room">
          {roomId ? (
            <RoomView key={roomId} chatroomId={roomId} onClose={close} />
          ) : (
            <div id="room-empty" class="empty">
              <p>Pick a room from your list, or create one.</p>
            </div>
          )}
        </main>
      </div>
    </AppContext.Provider>
  );
}
