/**
 * @module app/components/message-search
 * Searching the room's messages (SPEC §8.3, any language): results newest first, a click scrolls to
 * the message when it is in the list.
 */
import type { JSX } from "preact";
import { useState } from "preact/hooks";
import type { SearchPage } from "../../client";
import { useApp } from "../app-context";
import { dateTimeOf } from "../lib/format";
import { IconButton } from "./icon-button";
import { reveal } from "./message-parts";
import { SearchField } from "./search-field";

/** Results shown per search. */
const RESULTS = 20;

/** The search box and its results. */
export function MessageSearch({ chatroomId }: { chatroomId: string }): JSX.Element {
  const { api, attempt, notify } = useApp();
  const [query, setQuery] = useState("");
  const [found, setFound] = useState<SearchPage | null>(null);
  const [busy, setBusy] = useState(false);

  const search = async (event: Event) => {
    event.preventDefault();
    const q = query.trim();
    if (!q) return setFound(null);
    setBusy(true);
    const page = await attempt(() => api.search(chatroomId, { q, limit: RESULTS }));
    setBusy(false);
    if (page) setFound(page);
  };

  const open = (seq: number) => {
    if (!reveal(seq)) notify({ text: "That message is further back: use “Show earlier messages”.", kind: "info" });
  };

  const clear = () => {
    setQuery("");
    setFound(null);
  };

  return (
    <section class="message-search" aria-label="Search messages">
      <form onSubmit={search} class="search-form">
        <SearchField label="Search messages" value={query} onInput={setQuery} />
        {found && <IconButton icon="close" iconSize={16} label="Clear search" onClick={clear} class="small" />}
      </form>
      {busy && <p class="muted search-note">Searching…</p>}
      {found && !busy && (
        <ul class="search-results" aria-label="Search results">
          {found.messages.length === 0 && <li class="muted search-note">No messages found.</li>}
          {found.messages.map((m) => (
            <li key={m.seq}>
              <button type="button" class="search-result" onClick={() => open(m.seq)}>
                <span class="search-result-head">
                  <strong>{m.senderId}</strong> <time>{dateTimeOf(m.ts)}</time>
                </span>
                <span class="search-result-text">{m.content}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
