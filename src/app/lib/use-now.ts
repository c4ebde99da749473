/**
 * @module app/lib/use-now
 * A clock for countdowns: the component that shows one re-renders every `intervalMs` while `active`,
 * and nothing else does.
 */
import { useEffect, useState } from "preact/hooks";

/** The current time, refreshed every `intervalMs` while `active`. */
export function useNow(active = true, intervalMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [active, intervalMs]);
  return now;
}
