/**
 * @module permissions
 * Who may do what in a room (SPEC §3). Pure: a function of the actor's role, the action and the
 * target's role. The admin API is the server's authority and is not checked here.
 */

/** A member's role; `none` is anyone not in the room. */
export type Role = "host" | "manager" | "member";
export type ActorRole = Role | "none";

/** Actions a room member can attempt on the room or on another user. */
export type Action = "invite" | "kick" | "setManager" | "restrict" | "updateSettings" | "readHistory" | "send";

const RANK: Record<ActorRole, number> = { host: 3, manager: 2, member: 1, none: 0 };

/** True when the role is host or manager (they moderate and are exempt from mute-all and slow mode). */
export function isModerator(role: ActorRole): boolean {
  return role === "host" || role === "manager";
}

/**
 * Decides whether `actor` may perform `action` (on `target`, for user-directed actions).
 * Users never act on themselves through moderation routes; moderators act only on lower ranks.
 */
export function may(
  action: Action,
  actor: ActorRole,
  context: { isOpen?: boolean; target?: ActorRole; targetIsSelf?: boolean } = {},
): boolean {
  if (actor === "none") return false;
  switch (action) {
    case "invite":
      // SPEC §3: members invite into a closed room; only host and managers into an open one.
      return context.isOpen ? isModerator(actor) : true;
    case "setManager":
      return actor === "host" && !context.targetIsSelf;
    case "kick":
    case "restrict":
      if (context.targetIsSelf || !isModerator(actor)) return false;
      return RANK[actor] > RANK[context.target ?? "none"];
    case "updateSettings":
      return isModerator(actor);
    case "readHistory":
    case "send":
      return true;
  }
}
