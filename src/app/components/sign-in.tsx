/**
 * @module app/components/sign-in
 * Development sign-in: any user name gets a token from POST /dev/token (DEV_MODE only).
 */
import type { JSX } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { ApiError, type EdgeroomApi } from "../../client";
import type { NoticeInput } from "../app-context";
import { describe } from "../lib/describe";
import type { Session } from "../lib/session";

/** Props of {@link SignIn}. */
export interface SignInProps {
  api: EdgeroomApi;
  onSignedIn: (session: Session) => void;
  notify: (notice: NoticeInput) => void;
}

function refusal(error: unknown): NoticeInput {
  if (error instanceof ApiError && error.status === 404) {
    return {
      text: "Sign-in is turned off on this server. The demo's sign-in needs DEV_MODE=true in .dev.vars (local development only); then restart npm start.",
    };
  }
  if (error instanceof ApiError && error.status === 429) {
    return { text: "Too many sign-in attempts. Try again in", until: Date.now() + (error.retryAfterSec ?? 1) * 1000 };
  }
  if (error instanceof ApiError && error.code === "BAD_REQUEST") {
    return { text: "User names are 1–64 characters: letters, digits and _ . : @ -" };
  }
  return { text: describe(error) };
}

/** The sign-in card. */
export function SignIn({ api, onSignedIn, notify }: SignInProps): JSX.Element {
  const [name, setName] = useState("");
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), []);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    try {
      onSignedIn(await api.devToken(name.trim()));
    } catch (error) {
      notify(refusal(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="signin-view" class="signin">
      <form id="signin-form" class="card signin-card" onSubmit={submit}>
        <h2>Sign in</h2>
        <p class="muted">Development sign-in: pick any user name. Open a second window to chat as someone else.</p>
        <label for="signin-name">User name</label>
        <input
          ref={input}
          id="signin-name"
          name="userId"
          autocomplete="username"
          required
          maxLength={64}
          pattern="[A-Za-z0-9_.:@\-]+"
          title="Letters, digits and _ . : @ -"
          placeholder="alice"
          value={name}
          onInput={(event) => setName(event.currentTarget.value)}
        />
        <button type="submit" class="primary" disabled={busy}>
          Sign in
        </button>
      </form>
    </main>
  );
}
