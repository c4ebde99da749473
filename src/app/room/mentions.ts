/**
 * @module app/room/mentions
 * Mentions in a message's text: `@userId` of a member the room has shown, at most MENTIONS_MAX.
 */

/** Most mentions one message carries (MENTIONS_MAX, SPEC §8.3). */
export const MENTIONS_MAX = 20;

/** The members mentioned as `@userId` in `text`, in order, without repeats. */
export function mentionsIn(text: string, members: ReadonlySet<string> | ReadonlyMap<string, unknown>): string[] {
  const found = new Set<string>();
  for (const match of text.matchAll(/(^|[^\w@])@([A-Za-z0-9_.:-]{1,64})/g)) {
    // A sentence may end right after the name: "@bob." mentions bob.
    const id = match[2]?.replace(/[.:]+$/, "") ?? "";
    if (members.has(id)) found.add(id);
    if (found.size === MENTIONS_MAX) break;
  }
  return [...found];
}
