/**
 * @module app/components/moderation-panel
 * Host and manager tools: mute or ban a member (for a number of seconds, or until lifted), lift it,
 * appoint or remove managers (host only), and mute-all.
 */
import type { JSX } from "preact";
import { useEffect, useState } from "preact/hooks";
import type { RestrictionBody, Role } from "../../client";
import { useApp } from "../app-context";
import { duration } from "../lib/format";

/** Props of {@link ModerationPanel}. */
export interface ModerationPanelProps {
  chatroomId: string;
  role: Role;
  muteAll: boolean;
  /** Everyone the room has shown us (for the member field's suggestions). */
  known: readonly string[];
  /** A member picked in the list. */
  target: string;
  onMuteAll: (on: boolean) => void;
}

/** The moderation form (render only for host and managers). */
export function ModerationPanel({
  chatroomId,
  role,
  muteAll,
  known,
  target,
  onMuteAll,
}: ModerationPanelProps): JSX.Element {
  const { api, me, attempt, notify } = useApp();
  const [userId, setUserId] = useState(target);
  const [seconds, setSeconds] = useState("");
  useEffect(() => setUserId(target), [target]);

  const who = (): string | null => {
    const id = userId.trim();
    if (!id) notify({ text: "Enter the member to moderate." });
    return id || null;
  };

  const restrict = async (status: 1 | 2) => {
    const id = who();
    if (!id) return;
    const body: RestrictionBody = { status };
    if (seconds !== "") {
      const n = Number(seconds);
      if (!Number.isInteger(n) || n < 1) return notify({ text: "The duration is a whole number of seconds." });
      body.durationSeconds = n;
    }
    if (!(await attempt(() => api.restrict(chatroomId, id, body)))) return;
    const span = body.durationSeconds ? `for ${duration(body.durationSeconds * 1000)}` : "until lifted";
    notify({ text: `${id} is ${status === 1 ? "muted" : "banned"} ${span}.`, kind: "info" });
  };

  const lift = async () => {
    const id = who();
    if (id && (await attempt(() => api.lift(chatroomId, id))))
      notify({ text: `Lifted ${id}'s restriction.`, kind: "info" });
  };

  const setManager = async (on: boolean) => {
    const id = who();
    if (id && (await attempt(() => api.setManager(chatroomId, id, on)))) {
      notify({ text: on ? `${id} is now a manager.` : `${id} is no longer a manager.`, kind: "info" });
    }
  };

  const toggleMuteAll = async () => {
    const updated = await attempt(() => api.updateSettings(chatroomId, { muteAll: !muteAll }));
    if (updated) onMuteAll(updated.muteAll);
  };

  return (
    <form id="moderation" class="card moderation" aria-label="Moderation" onSubmit={(event) => event.preventDefault()}>
      <h3>Moderation</h3>
      <label for="mod-user">Member</label>
      <input
        id="mod-user"
        list="known-users"
        required
        placeholder="bob"
        value={userId}
        onInput={(event) => setUserId(event.currentTarget.value)}
      />
      <datalist id="known-users">
        {known
          .filter((id) => id !== me)
          .map((id) => (
            <option key={id} value={id} />
          ))}
      </datalist>
      <label for="mod-duration">
        Duration <span class="muted">(seconds, empty = until lifted)</span>
      </label>
      <input
        id="mod-duration"
        type="number"
        min={1}
        step={1}
        placeholder="60"
        value={seconds}
        onInput={(event) => setSeconds(event.currentTarget.value)}
      />
      <div class="button-row">
        <button type="button" onClick={() => restrict(1)}>
          Mute
        </button>
        <button type="button" class="danger" onClick={() => restrict(2)}>
          Ban
        </button>
        <button type="button" onClick={lift}>
          Lift
        </button>
      </div>
      {role === "host" && (
        <div class="button-row">
          <button type="button" onClick={() => setManager(true)}>
            Make manager
          </button>
          <button type="button" onClick={() => setManager(false)}>
            Remove manager
          </button>
        </div>
      )}
      <button type="button" class="wide" aria-pressed={muteAll} onClick={toggleMuteAll}>
        {muteAll ? "Turn mute-all off" : "Turn mute-all on"}
      </button>
    </form>
  );
}
