/**
 * @module app/components/top-bar
 * The page header: brand, and who is signed in with a sign-out button.
 */
import type { JSX } from "preact";
import { Avatar } from "./avatar";

/** The header; `me` is null before sign-in. */
export function TopBar({ me, onSignOut }: { me: string | null; onSignOut: () => void }): JSX.Element {
  return (
    <header class="topbar">
      <h1 class="brand">
        edge<span>room</span>
      </h1>
      {me && (
        <div class="session" id="session">
          <Avatar userId={me} size="sm" />
          <span class="session-name">
            <span class="visually-hidden">Signed in as </span>
            <strong id="me-name">{me}</strong>
          </span>
          <button type="button" class="ghost" onClick={onSignOut}>
            Sign out
          </button>
        </div>
      )}
    </header>
  );
}
