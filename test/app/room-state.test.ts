import { describe, expect, it } from "vitest";
import { composerBlock } from "../../src/app/room/composer-block";
import { initialRoomState, isViewer, type RoomState, roleLabel, roomReducer } from "../../src/app/room/room-state";
import type { ServerFrame, ThrottleInfo } from "../../src/client";
import { roomInfo } from "../helpers/room-info";

const welcome: ServerFrame = {
  type: "welcome",
  chatroomId: "r1",
  userId: "bob",
  role: "member",
  lastSeq: 0,
  muteAll: false,
  slowModeSeconds: 0,
  restriction: null,
  online: ["alice", "bob", "carol"],
  onlineCount: 3,
  lastUpdateSeq: 0,
  mode: "normal",
};

const apply = (state: RoomState, ...frames: ServerFrame[]) =>
  frames.reduce((s, frame) => roomReducer(s, { type: "frame", frame, now: 10_000 }), state);
const start = () => apply(initialRoomState("bob", roomInfo(), [], false), welcome);

describe("room state", () => {
  it("a presence change replaces one member object and leaves the others as they were", () => {
    const before = start();
    const after = apply(before, { type: "presence", userId: "carol", online: false, count: 2 });
    expect(after.members.get("carol")?.online).toBe(false);
    expect(after.members.get("alice")).toBe(before.members.get("alice"));
    expect(after.members.get("bob")).toBe(before.members.get("bob"));
    expect(after.onlineCount).toBe(2);
    // Nothing changed: the same map, so no row renders.
    const again = apply(after, { type: "presence", userId: "carol", online: false, count: 2 });
    expect(again.members).toBe(after.members);
  });

  it("a message appends one entry and clears its sender's typing hint", () => {
    const typing = apply(start(), { type: "typing", userId: "alice" });
    expect(typing.typing.alice).toBeGreaterThan(10_000);
    const after = apply(typing, {
      type: "message",
      seq: 1,
      senderId: "alice",
      clientMsgId: "c1",
      content: "hi",
      contentType: "text",
      ts: 1,
    });
    expect(after.entries).toHaveLength(1);
    expect(after.typing.alice).toBeUndefined();
  });

  it("a banned member stays listed with the ban; a kicked one leaves the list", () => {
    const banned = apply(
      start(),
      { type: "moderation", event: "banned", userId: "carol", until: 70_000 },
      { type: "member", event: "kicked", userId: "carol" },
    );
    expect(banned.members.get("carol")).toMatchObject({ restriction: { status: 2, until: 70_000 }, online: false });
    const kicked = apply(start(), { type: "member", event: "kicked", userId: "carol" });
    expect(kicked.members.has("carol")).toBe(false);
    expect(kicked.entries.at(-1)).toMatchObject({ kind: "system", text: "carol was removed from the room." });
  });

  it("closes the composer while muted, under mute-all, rate limited, or after the end, and says why", () => {
    const muted = apply(start(), { type: "moderation", event: "muted", userId: "bob", until: 13_000 });
    expect(composerBlock(muted, 10_000)?.text).toBe("You are muted · 3 s left");
    expect(composerBlock(muted, 10_000)?.until).toBe(13_000);
    expect(muted.entries.at(-1)).toMatchObject({ text: "You were muted for 3 s." });
    const lifted = apply(muted, { type: "moderation", event: "unmuted", userId: "bob" });
    expect(composerBlock(lifted, 10_000)).toBeNull();

    const all = apply(start(), { type: "moderation", event: "muteAll", on: true });
    expect(composerBlock(all, 10_000)?.text).toMatch(/Mute-all is on/);

    const throttle: ThrottleInfo = {
      code: "RATE_LIMITED",
      message: "sending too fast",
      retryAfterSec: 2,
      until: 12_000,
    };
    const limited = roomReducer(start(), { type: "throttle", throttle });
    expect(composerBlock(limited, 10_000)?.text).toBe("You are sending too fast. You can send again in 2 s.");
    expect(composerBlock(limited, 12_000)).toBeNull();

    const ended = apply(start(), { type: "room", event: "ended", reason: "timeUp" });
    expect(composerBlock(ended, 10_000)?.text).toBe("This room has ended.");
  });

  it("shows the token renewal while the socket waits for a new token", () => {
    const waiting = roomReducer(start(), { type: "status", status: { status: "needs-token", attempt: 0 } });
    expect(composerBlock(waiting, 10_000)?.text).toMatch(/signing you in again/);
    const closed = roomReducer(start(), {
      type: "status",
      status: { status: "closed", attempt: 0, close: { code: 4008, reason: "abuse", final: true } },
    });
    expect(closed.closed?.code).toBe(4008);
    expect([...closed.members.values()].every((m) => !m.online)).toBe(true);
  });

  it("in a live room a plain member is a viewer, the audience size follows `online` frames, and the host stays host", () => {
    const live = roomInfo({ mode: "live", shards: 4, role: "member", isOpen: true });
    const host = { userId: "alice", role: "host" as const, nickname: null, image: null, online: true };
    const loaded = initialRoomState("bob", live, [], false, [host]);
    const watching = apply(loaded, { ...welcome, mode: "live", online: [], onlineCount: 1 });
    expect(watching.members.get("bob")?.online).toBe(true);
    expect(watching.members.get("alice")).toBe(loaded.members.get("alice"));
    expect(isViewer(watching)).toBe(true);
    expect(roleLabel(watching)).toBe("viewer");
    const counted = apply(watching, { type: "online", count: 2 });
    expect(counted.onlineCount).toBe(2);
    expect(counted.members).toBe(watching.members);
    expect(apply(counted, { type: "online", count: 2 })).toBe(counted);

    const hosting = apply(initialRoomState("alice", { ...live, role: "host" }, [], false), {
      ...welcome,
      userId: "alice",
      role: "host",
      mode: "live",
    });
    expect(isViewer(hosting)).toBe(false);
    expect(roleLabel(hosting)).toBe("host");
    expect(roleLabel(start())).toBe("member");
  });
});
