/**
 * @module app/lib/session
 * The signed-in user's dev token, kept in localStorage so a reload stays signed in.
 */
import type { DevToken } from "../../client";

const KEY = "edgeroom.demo.session";

/** A signed-in session (what POST /dev/token answers). */
export type Session = DevToken;

/** The saved session, unless missing, corrupt or about to expire. */
export function loadSession(): Session | null {
  try {
    const saved: unknown = JSON.parse(localStorage.getItem(KEY) ?? "null");
    if (typeof saved !== "object" || saved === null) return null;
    const { userId, token, expiresAt } = saved as Partial<Session>;
    if (typeof userId === "string" && typeof token === "string" && typeof expiresAt === "number") {
      if (expiresAt > Date.now() + 60_000) return { userId, token, expiresAt };
    }
  } catch {
    // Corrupt entry: sign in again.
  }
  return null;
}

/** Remembers the session. */
export function saveSession(session: Session): void {
  localStorage.setItem(KEY, JSON.stringify(session));
}

/** Forgets the session. */
export function clearSession(): void {
  localStorage.removeItem(KEY);
}
