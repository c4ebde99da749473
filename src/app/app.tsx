/**
 * @module app/app
 * The demo chat's root: the top bar, the one notice, and either the sign-in card or the workspace.
 */
import type { JSX } from "preact";
import { useCallback, useRef, useState } from "preact/hooks";
import { EdgeroomApi } from "../client";
import type { NoticeInput } from "./app-context";
import { NoticeBar } from "./components/notice-bar";
import { SignIn } from "./components/sign-in";
import { TopBar } from "./components/top-bar";
import { clearSession, loadSession, type Session, saveSession } from "./lib/session";
import { Workspace } from "./workspace";

/** A notice stays this long (longer when it counts down). */
const NOTICE_MS = 8000;

/** The same-origin API client the whole page shares (its token is the session's). */
const api = new EdgeroomApi();

/** The app. */
export function App(): JSX.Element {
  const [session, setSession] = useState<Session | null>(() => {
    const saved = loadSession();
    api.token = saved?.token ?? null;
    return saved;
  });
  const [notice, setNotice] = useState<NoticeInput | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const notify = useCallback((next: NoticeInput) => {
    setNotice(next);
    if (timer.current) clearTimeout(timer.current);
    const ms = Math.max(NOTICE_MS, (next.until ?? 0) - Date.now() + 2000);
    timer.current = setTimeout(() => setNotice(null), ms);
  }, []);

  const signedIn = useCallback((next: Session) => {
    saveSession(next);
    api.token = next.token;
    setSession(next);
  }, []);

  const signOut = useCallback(() => {
    clearSession();
    api.token = null;
    setSession(null);
  }, []);

  return (
    <>
      <TopBar me={session?.userId ?? null} onSignOut={signOut} />
      <NoticeBar notice={notice} onDismiss={() => setNotice(null)} />
      {session ? (
        <Workspace key={session.userId} api={api} me={session.userId} notify={notify} onSignOut={signOut} />
      ) : (
        <SignIn api={api} onSignedIn={signedIn} notify={notify} />
      )}
    </>
  );
}
