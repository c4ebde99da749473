// Paces a storm of opens: at most `ratePerSec` starts a second and at most `maxInFlight` started and not
// yet settled, so thousands of sockets stay within the machine's limits (listen backlog, ephemeral
// ports, CPU shared with the server). 0 means no bound. Items not started by the timeout are given up.
import { clock } from "./clock.mjs";

/**
 * Starts `open(item, settled)` for each item in order; `open` calls `settled()` once when its item is
 * done (ready or failed). `giveUp(items)` gets what was not started before `timeoutMs`.
 */
export function paced(list, { timeoutMs, ratePerSec = 0, maxInFlight = 0 }, open, giveUp) {
  const t0 = clock();
  const interval = ratePerSec > 0 ? 1000 / ratePerSec : 0;
  const cap = maxInFlight > 0 ? maxInFlight : Number.POSITIVE_INFINITY;
  let next = 0;
  let inFlight = 0;
  let timer = null;
  const pump = () => {
    timer = null;
    while (next < list.length && inFlight < cap) {
      if (clock() - t0 > timeoutMs) {
        giveUp(list.slice(next));
        next = list.length;
        return;
      }
      const wait = t0 + next * interval - clock();
      if (wait > 0) {
        timer ??= setTimeout(pump, wait);
        return;
      }
      inFlight++;
      open(list[next++], () => {
        inFlight--;
        if (timer === null) pump();
      });
    }
  };
  pump();
}
