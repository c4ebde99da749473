// The benchmark scenarios, in the order a full run takes them. `server` names the limits of the edgeroom
// server it runs on (lib/server.mjs SERVER_VARS); `peer: true` runs it side by side on the reference
// demo too when --peer is given. Durations: `durationSec` in a full run, `quickSec` with --quick.
import { httpApi } from "./kinds/api.mjs";
import { fanout, ramp } from "./kinds/fanout.mjs";
import { live } from "./kinds/live.mjs";
import { adminBatch, hostModeration, overload } from "./kinds/pressure.mjs";

/** Offered deliveries/s of the ramp (200 clients, 10 senders: rate per sender = offered / 2,000). */
const RAMP_OFFERED = [
  20_000, 30_000, 40_000, 50_000, 75_000, 100_000, 150_000, 200_000, 300_000, 400_000, 500_000, 600_000,
];

/**
 * live-N (SPEC §8.5): N sockets in one live room and in an ordinary room beside it. Only when named
 * (`live-5000`, or any `live-<N>`): it holds thousands of sockets for minutes. 10 senders share
 * `offered` deliveries/s, so the generator's receive load stays the same whatever N.
 */
function liveScenario(clients) {
  const senders = 10;
  const offered = 20_000;
  return {
    name: `live-${clients}`,
    about: `${clients.toLocaleString("en-US")} sockets in one live room across its shards, and in an ordinary room beside it; ${senders} senders, ${offered.toLocaleString("en-US")} deliveries/s offered`,
    kind: "live",
    run: live,
    server: "live",
    optIn: true,
    clients,
    // MAX_SOCKETS_PER_USER's default: fewer users, so fewer user objects locally (see kinds/live.mjs).
    socketsPerUser: 5,
    senders,
    rate: offered / (clients * senders),
    shards: [16],
    durationSec: 15,
    quickSec: 4,
  };
}

export const SCENARIOS = [
  {
    name: "quiet-50",
    about: "a quiet room: 50 clients, 2 senders × 2 msg/s (coalescing must not add latency)",
    kind: "fanout",
    run: fanout,
    server: "raised",
    peer: true,
    clients: 50,
    senders: 2,
    rate: 2,
    durationSec: 15,
    quickSec: 4,
  },
  {
    name: "fanout-200",
    about: "200 clients, 10 senders × 10 msg/s",
    kind: "fanout",
    run: fanout,
    server: "raised",
    peer: true,
    clients: 200,
    senders: 10,
    rate: 10,
    durationSec: 15,
    quickSec: 3,
  },
  {
    name: "fanout-500",
    about: "500 clients, 10 senders × 5 msg/s, with connect-all time",
    kind: "fanout",
    run: fanout,
    server: "raised",
    peer: true,
    clients: 500,
    senders: 10,
    rate: 5,
    durationSec: 15,
    quickSec: 3,
  },
  {
    name: "ramp-200",
    about: "200 clients, 10 senders, offered load raised step by step to each server's knee",
    kind: "ramp",
    run: ramp,
    server: "raised",
    peer: true,
    clients: 200,
    senders: 10,
    offered: RAMP_OFFERED,
    quickOffered: [20_000, 50_000, 100_000, 200_000],
    stepSec: 5,
    quickStepSec: 2,
  },
  {
    name: "admin-api",
    about: "signed admin calls `info` and `set_black_status`, closed loop at concurrency 16",
    kind: "http",
    run: httpApi,
    server: "raised",
    api: "admin",
    concurrency: 16,
    durationSec: 5,
    quickSec: 1.5,
  },
  {
    name: "client-api",
    about: "client API create and list through the typed client, closed loop at concurrency 16",
    kind: "http",
    run: httpApi,
    server: "raised",
    api: "client",
    concurrency: 16,
    durationSec: 5,
    quickSec: 1.5,
  },
  {
    name: "overload",
    about: "one socket offering 2,300 sends/s into a room of 20 (per-user limits raised, room budget at its default)",
    kind: "overload",
    run: overload,
    server: "budget",
    clients: 20,
    rate: 2300,
    durationSec: 10,
    quickSec: 3,
    drainSec: 10,
    slotMs: 500,
  },
  {
    name: "admin-batch",
    about:
      "an admin batch job: 100 signed calls/s, nonces 3..100,002 as the Wildfire SDK draws them (every limit at its default)",
    kind: "admin-batch",
    run: adminBatch,
    server: "defaults",
    rate: 100,
    durationSec: 20,
    quickSec: 3,
  },
  {
    name: "host-moderation",
    about:
      "a host muting/unmuting members over HTTP (2 calls/s and a burst of 30) while 40 senders × 4 msg/s fan out to 200 clients (every limit at its default)",
    kind: "host-moderation",
    run: hostModeration,
    server: "defaults",
    clients: 200,
    senders: 40,
    rate: 4,
    callsPerSec: 2,
    burst: 30,
    durationSec: 15,
    quickSec: 4,
  },
];

SCENARIOS.push(liveScenario(5000));

/** A scenario by name; `live-<N>` for any audience N. */
export function findScenario(name) {
  const found = SCENARIOS.find((s) => s.name === name);
  if (found) return found;
  const live = name.match(/^live-(\d+)$/);
  return live && Number(live[1]) >= 2 ? liveScenario(Number(live[1])) : null;
}
