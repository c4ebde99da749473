/**
 * @module app/components/composer-banner
 * The line above the composer that says why it is closed (muted, mute-all, rate limited, ended…),
 * with a live countdown when the reason lifts by itself. Only this banner re-renders each second.
 */
import type { JSX } from "preact";
import { useNow } from "../lib/use-now";
import { composerBlock } from "../room/composer-block";
import type { RoomState } from "../room/room-state";

/** The banner; renders nothing while the user can write. */
export function ComposerBanner({ state }: { state: RoomState }): JSX.Element | null {
  const counting = composerBlock(state, Date.now())?.until !== undefined;
  const now = useNow(counting);
  const block = composerBlock(state, now);
  if (!block) return null;
  const throttled = state.throttle !== null && block.until === state.throttle.until;
  return (
    <div id="restriction-banner" class={`banner${throttled ? " throttled" : ""}`} role="status">
      {block.text}
    </div>
  );
}
