/**
 * @module app/components/create-room-form
 * "New room": title, open or closed, live (with its shard count), members, optional start time (a scheduled room).
 */
import type { JSX } from "preact";
import { useRef, useState } from "preact/hooks";
import type { CreateChatroomBody, CreatedChatroom } from "../../client";
import { LIVE_SHARDS_MAX } from "../../limits";
import { useApp } from "../app-context";

/** The collapsible create form; `onCreated` opens the new room. */
export function CreateRoomForm({ onCreated }: { onCreated: (room: CreatedChatroom) => void }): JSX.Element {
  const { api, me, attempt, notify } = useApp();
  const details = useRef<HTMLDetailsElement>(null);
  const [live, setLive] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const members = String(data.get("members") ?? "")
      .split(/[\s,]+/)
      .map((name) => name.trim())
      .filter((name) => name && name !== me);
    const body: CreateChatroomBody = { hostId: me, isOpen: data.get("access") === "open", users: [me, ...members] };
    if (data.get("live") === "on") body.mode = "live";
    const shards = String(data.get("shards") ?? "");
    if (body.mode === "live" && shards) body.shards = Number(shards);
    const title = String(data.get("title") ?? "").trim();
    if (title) body.title = title;
    const startAt = String(data.get("startAt") ?? "");
    if (startAt) body.startAt = new Date(startAt).getTime();
    const created = await attempt(() => api.createChatroom(body));
    if (!created) return;
    form.reset();
    setLive(false);
    if (details.current) details.current.open = false;
    notify({ text: `Room “${created.title}” created.`, kind: "info" });
    onCreated(created);
  };

  return (
    <details id="create-details" class="card create" ref={details}>
      <summary>New room</summary>
      <form id="create-form" onSubmit={submit}>
        <label for="create-title">Title</label>
        <input id="create-title" name="title" maxLength={100} placeholder="Weekend trip" />
        <fieldset class="choice">
          <legend>Who can join</legend>
          <label>
            <input type="radio" name="access" value="closed" defaultChecked /> Closed (invited members)
          </label>
          <label>
            <input type="radio" name="access" value="open" /> Open (anyone with the link)
          </label>
        </fieldset>
        <label class="check">
          <input type="checkbox" name="live" onChange={(event) => setLive(event.currentTarget.checked)} /> Live room (an
          audience watches and chats without joining)
        </label>
        {live && (
          <>
            <label for="create-shards">
              Shards <span class="muted">(optional: objects the audience is spread over; fixed once created)</span>
            </label>
            <input id="create-shards" name="shards" type="number" min={1} max={LIVE_SHARDS_MAX} placeholder="default" />
          </>
        )}
        <label for="create-members">
          Members <span class="muted">(names, comma separated)</span>
        </label>
        <input id="create-members" name="members" placeholder="bob, carol" />
        <label for="create-start">
          Start time <span class="muted">(optional, schedules the room)</span>
        </label>
        <input id="create-start" name="startAt" type="datetime-local" />
        <button type="submit" class="primary wide">
          Create room
        </button>
      </form>
    </details>
  );
}
