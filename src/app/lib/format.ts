/**
 * @module app/lib/format
 * Times, durations and countdowns as people read them.
 */

/** "14:05" in the user's locale. */
export const timeOf = (ms: number): string =>
  new Date(ms).toLocaleTimeString([], { hour: "numeric", minute: "2-digit" });

/** "Mar 3, 14:05" in the user's locale. */
export const dateTimeOf = (ms: number): string =>
  new Date(ms).toLocaleString([], { month: "short", day: "numeric", hour: "numeric", minute: "2-digit" });

/** A day key ("2026-3-3") for grouping messages by local day. */
export const dayKey = (ms: number): string => {
  const d = new Date(ms);
  return `${d.getFullYear()}-${d.getMonth() + 1}-${d.getDate()}`;
};

/** "Today", "Yesterday" or "Tuesday, March 3" for a day divider. */
export function dayLabel(ms: number, now: number): string {
  if (dayKey(ms) === dayKey(now)) return "Today";
  if (dayKey(ms) === dayKey(now - 86_400_000)) return "Yesterday";
  return new Date(ms).toLocaleDateString([], { weekday: "long", month: "long", day: "numeric" });
}

/** "3 s", "2 min 5 s", "1 h 4 min". */
export function duration(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h) return `${h} h ${m} min`;
  if (m) return s ? `${m} min ${s} s` : `${m} min`;
  return `${s} s`;
}

/** Time left until `until` (epoch ms), or "until lifted" for 0. */
export function remaining(until: number, now: number): string {
  if (!until) return "until lifted";
  const left = until - now;
  return left > 0 ? `${duration(left)} left` : "lifting…";
}

/** The first letter upper-cased. */
export const sentence = (text: string): string => (text ? text.charAt(0).toUpperCase() + text.slice(1) : "");

/** One or two letters for an avatar. */
export function initials(userId: string): string {
  const parts = userId.split(/[\s._@:-]+/).filter(Boolean);
  const letters = parts.length > 1 ? `${parts[0]?.[0] ?? ""}${parts[1]?.[0] ?? ""}` : userId.slice(0, 2);
  return letters.toUpperCase();
}

/** A stable hue (0–359) per user, so a sender keeps their avatar colour everywhere. */
export function hueOf(userId: string): number {
  let hash = 0;
  for (let i = 0; i < userId.length; i++) hash = (hash * 31 + userId.charCodeAt(i)) >>> 0;
  return hash % 360;
}
