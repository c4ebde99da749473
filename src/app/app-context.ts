/**
 * @module app/app-context
 * What every part of the signed-in app shares: the API client, who I am, notices, and the one way to
 * run an API call (token refresh on 401, countdown on 429, readable notice otherwise).
 */
import { createContext } from "preact";
import { useContext } from "preact/hooks";
import type { EdgeroomApi } from "../client";

/** A notice for the banner at the top: `until` adds a live countdown ("… in 4 s"). */
export interface NoticeInput {
  text: string;
  kind?: "error" | "info";
  until?: number;
}

/** The shared services of the signed-in app. */
export interface AppServices {
  api: EdgeroomApi;
  me: string;
  notify: (notice: NoticeInput) => void;
  /** A fresh token (through /dev/token in development), or null when none can be had. */
  refreshToken: () => Promise<string | null>;
  /**
   * Runs an API call; on failure shows why and resolves undefined. `explain` may word a failure itself
   * (null: the usual sentence).
   */
  attempt: <T>(action: () => Promise<T>, explain?: (error: unknown) => NoticeInput | null) => Promise<T | undefined>;
  /** Asks the room list to reload (after a send, a read, a create, a leave). */
  roomsChanged: () => void;
}

/** The services' context (provided by App once signed in). */
export const AppContext = createContext<AppServices | null>(null);

/** The shared services; only inside the signed-in app. */
export function useApp(): AppServices {
  const services = useContext(AppContext);
  if (!services) throw new Error("useApp() outside the signed-in app");
  return services;
}
