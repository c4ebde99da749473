/**
 * @module app/components/typing-indicator
 * "bob is typing…": shown while a `typing` frame is fresh; ticks only while someone is typing.
 */
import type { JSX } from "preact";
import { useNow } from "../lib/use-now";

/** Who is typing (`typing`: userId → shown until epoch ms). */
export function TypingIndicator({ typing, me }: { typing: Readonly<Record<string, number>>; me: string }): JSX.Element {
  // Tick only while a typing hint is fresh; the last tick renders it away and stops the clock.
  const fresh = Object.entries(typing).some(([id, until]) => id !== me && until > Date.now());
  const now = useNow(fresh, 500);
  const names = Object.entries(typing)
    .filter(([id, until]) => id !== me && until > now)
    .map(([id]) => id);
  const text = names.length === 0 ? "" : `${names.join(", ")} ${names.length === 1 ? "is" : "are"} typing…`;
  return (
    <p id="typing" class="typing" aria-live="polite">
      {text}
    </p>
  );
}
