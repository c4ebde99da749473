/**
 * @module app/components/search-field
 * The demo's search box (messages, people): a controlled `input.search` whose label is also its placeholder.
 */
import type { JSX } from "preact";

/** Props of {@link SearchField}. */
export interface SearchFieldProps {
  /** The accessible name, shown as the placeholder too. */
  label: string;
  value: string;
  onInput: (value: string) => void;
}

/** A search input bound to a string. */
export function SearchField({ label, value, onInput }: SearchFieldProps): JSX.Element {
  return (
    <input
      type="search"
      class="search"
      aria-label={label}
      placeholder={label}
      value={value}
      onInput={(event) => onInput(event.currentTarget.value)}
    />
  );
}
