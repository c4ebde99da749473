import { describe, expect, it } from "vitest";
import { type Action, type ActorRole, isModerator, may } from "../../src/room/permissions";

const ACTORS: readonly ActorRole[] = ["host", "manager", "member", "none"];
const TARGETS: readonly ActorRole[] = ["host", "manager", "member", "none"];
const ACTIONS: readonly Action[] = [
  "invite",
  "kick",
  "setManager",
  "restrict",
  "updateSettings",
  "readHistory",
  "send",
];

/**
 * The expected answers, written out from SPEC §3 rather than derived from the code:
 * actor → target → allowed, for a target who is someone else.
 */
const MODERATE_OTHER: Record<ActorRole, Record<ActorRole, boolean>> = {
  // The host moderates everyone below: managers, members and non-members (Wildfire restricts anyone).
  host: { host: false, manager: true, member: true, none: true },
  // A manager moderates plain members (and non-members), never another manager or the host.
  manager: { host: false, manager: false, member: true, none: true },
  member: { host: false, manager: false, member: false, none: false },
  none: { host: false, manager: false, member: false, none: false },
};

/** Actions that do not depend on a target: actor → allowed. */
const ROOM_ACTIONS: Record<"updateSettings" | "readHistory" | "send", Record<ActorRole, boolean>> = {
  updateSettings: { host: true, manager: true, member: false, none: false },
  readHistory: { host: true, manager: true, member: true, none: false },
  send: { host: true, manager: true, member: true, none: false },
};

/** invite: isOpen → actor → allowed. */
const INVITE: Record<"open" | "closed", Record<ActorRole, boolean>> = {
  closed: { host: true, manager: true, member: true, none: false },
  open: { host: true, manager: true, member: false, none: false },
};

/** setManager: only the host, on someone else. */
const SET_MANAGER: Record<ActorRole, boolean> = { host: true, manager: false, member: false, none: false };

/** "lets" or "does not let", for test names that read as sentences. */
function verdict(allowed: boolean): string {
  return allowed ? "lets" : "does not let";
}

const WHO: Record<ActorRole, string> = {
  host: "the host",
  manager: "a manager",
  member: "a plain member",
  none: "a non-member",
};

const VERB: Record<Action, string> = {
  invite: "invite",
  kick: "kick",
  setManager: "set managers",
  restrict: "restrict",
  updateSettings: "update settings",
  readHistory: "read history",
  send: "send",
};

describe("isModerator", () => {
  it("is true for host and manager only", () => {
    expect(ACTORS.map((role) => [role, isModerator(role)])).toEqual([
      ["host", true],
      ["manager", true],
      ["member", false],
      ["none", false],
    ]);
  });
});

describe("may", () => {
  for (const actor of ACTORS) {
    for (const target of TARGETS) {
      for (const action of ["kick", "restrict"] as const) {
        const expected = MODERATE_OTHER[actor][target];
        it(`${verdict(expected)} ${WHO[actor]} ${VERB[action]} another user who is ${WHO[target]}`, () => {
          expect(may(action, actor, { target, targetIsSelf: false })).toBe(expected);
        });
      }
    }
    for (const action of ["kick", "restrict"] as const) {
      it(`does not let ${WHO[actor]} ${VERB[action]} themselves`, () => {
        expect(may(action, actor, { target: actor, targetIsSelf: true })).toBe(false);
      });
    }
  }

  it("treats a missing target of kick or restrict as a non-member", () => {
    expect(may("kick", "host")).toBe(true);
    expect(may("restrict", "manager")).toBe(true);
    expect(may("restrict", "member")).toBe(false);
  });

  for (const actor of ACTORS) {
    for (const target of TARGETS) {
      for (const targetIsSelf of [false, true]) {
        const expected = SET_MANAGER[actor] && !targetIsSelf;
        const whom = targetIsSelf ? "themselves" : `another user who is ${WHO[target]}`;
        it(`${verdict(expected)} ${WHO[actor]} set or unset ${whom} as manager`, () => {
          expect(may("setManager", actor, { target, targetIsSelf })).toBe(expected);
        });
      }
    }
  }

  for (const actor of ACTORS) {
    for (const room of ["closed", "open"] as const) {
      const expected = INVITE[room][actor];
      it(`${verdict(expected)} ${WHO[actor]} invite into ${room === "open" ? "an open" : "a closed"} room`, () => {
        expect(may("invite", actor, { isOpen: room === "open" })).toBe(expected);
      });
    }
  }

  it("treats an invite without isOpen as a closed room", () => {
    expect(may("invite", "member")).toBe(true);
    expect(may("invite", "member", { isOpen: false })).toBe(true);
    expect(may("invite", "member", { isOpen: true })).toBe(false);
  });

  for (const action of ["updateSettings", "readHistory", "send"] as const) {
    for (const actor of ACTORS) {
      const expected = ROOM_ACTIONS[action][actor];
      it(`${verdict(expected)} ${WHO[actor]} ${VERB[action]}, whatever the target and room`, () => {
        for (const target of TARGETS) {
          expect(may(action, actor, { target, targetIsSelf: false, isOpen: true }), target).toBe(expected);
          expect(may(action, actor, { target, targetIsSelf: true, isOpen: false }), target).toBe(expected);
        }
      });
    }
  }

  it("refuses every action to a non-member in every context", () => {
    for (const action of ACTIONS) {
      for (const target of TARGETS) {
        for (const isOpen of [false, true]) {
          for (const targetIsSelf of [false, true]) {
            expect(may(action, "none", { target, isOpen, targetIsSelf }), `${action} ${target}`).toBe(false);
          }
        }
      }
    }
  });
});
