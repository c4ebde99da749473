/**
 * @module app/use-rooms
 * My room list: loaded on sign-in, polled, and reloaded on demand. Rooms that did not change keep
 * their object, so memoised list items skip their render.
 */
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import type { EdgeroomApi, RoomList } from "../client";

/** How often the list is polled (previews and unread counts of rooms not open). */
const POLL_MS = 20_000;

function reuse<T extends { chatroomId: string }>(previous: readonly T[] | undefined, next: T[]): T[] {
  if (!previous) return next;
  const old = new Map(previous.map((room) => [room.chatroomId, room]));
  return next.map((room) => {
    const before = old.get(room.chatroomId);
    return before && JSON.stringify(before) === JSON.stringify(room) ? before : room;
  });
}

/** The list and a function to reload it (coalesced: several calls in a row load once). */
export function useRooms(
  api: EdgeroomApi,
  attempt: <T>(action: () => Promise<T>) => Promise<T | undefined>,
): { rooms: RoomList | null; reload: () => void } {
  const [rooms, setRooms] = useState<RoomList | null>(null);
  const loading = useRef<Promise<void> | null>(null);
  const again = useRef(false);

  const reload = useCallback(() => {
    if (loading.current) {
      again.current = true;
      return;
    }
    loading.current = (async () => {
      const list = await attempt(() => api.listChatrooms({ limit: 50 }));
      if (list) {
        setRooms((previous) => ({
          ...list,
          ongoing: reuse(previous?.ongoing, list.ongoing),
          scheduled: reuse(previous?.scheduled, list.scheduled),
        }));
      }
      loading.current = null;
      if (again.current) {
        again.current = false;
        reload();
      }
    })();
  }, [api, attempt]);

  useEffect(() => {
    reload();
    const timer = setInterval(reload, POLL_MS);
    return () => clearInterval(timer);
  }, [reload]);

  return { rooms, reload };
}
