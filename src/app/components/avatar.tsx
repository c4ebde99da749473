/**
 * @module app/components/avatar
 * A round avatar with the user's initials on a colour derived from their id.
 */
import type { JSX } from "preact";
import { hueOf, initials } from "../lib/format";

/** A user's avatar; decorative (the name is always written next to it). */
export function Avatar({ userId, size = "md" }: { userId: string; size?: "sm" | "md" }): JSX.Element {
  return (
    <span class={`avatar ${size}`} style={{ "--hue": String(hueOf(userId)) }} aria-hidden="true">
      {initials(userId)}
    </span>
  );
}
