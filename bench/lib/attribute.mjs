// Splits a runtime CPU profile by object. Locally every Durable Object and the Worker run in one
// isolate of one workerd process, so CPU per object is not visible to the OS; the profile's stacks show
// it. A sample belongs to the object whose entry point is the outermost frame of its stack: the room
// object's class file (src/room/ChatRoom.ts), a shard's (src/live/RoomShard.ts), the Worker's router
// (src/index.ts, src/api, src/admin) or another object (src/user, src/limiter, the nonce guard). The
// runtime calls each object's entry points directly, and an RPC to another object runs in that
// object's own turn, so stacks never mix objects.
//
// A callback that runs in a later turn (a timer, a microtask, a promise reaction) has no entry frame
// on its stack; it belongs to the object whose module defined it: src/live/* is a shard's, the room's
// fan-out modules (push queue, shard fan-out) are the room's. The socket hub's flush (src/room/sockets.ts)
// runs in whichever object holds sockets, so it is kept apart as `hub` and the report assigns it with
// the work counters (a live room's object writes to no socket: its counter says so).

const ENTRY = [
  [/^src\/room\/ChatRoom\.ts$/, "room"],
  [/^src\/live\/RoomShard\.ts$/, "shards"],
  [/^src\/(user|limiter)\/|^src\/admin\/nonce-guard\.ts$/, "otherObjects"],
  [/^src\/(index\.ts|api\/|admin\/|directory\/)/, "worker"],
];
const OWNER = [
  [/^src\/live\//, "shards"],
  [/^src\/room\/(sockets|coalesce)\.ts$/, "hub"],
  [/^src\/room\//, "room"],
  [/^src\/(user|limiter)\//, "otherObjects"],
  [/^src\//, "worker"],
];
const RUNTIME = new Set(["(program)", "(garbage collector)"]);

const classify = (rules, module) => rules.find(([pattern]) => pattern.test(module))?.[1] ?? null;
const pct = (x, total) => (total > 0 ? Math.round((1000 * x) / total) / 10 : 0);

/**
 * Busy samples per object of a .cpuprofile: { busySamples, idleSamples, sharePct: { room, shards, hub,
 * worker, otherObjects, runtime, unattributed }, top: { <category>: [{ frame, pct }] } }. Samples are
 * counted, not weighted by their time deltas: on a busy machine the isolate's thread is descheduled for
 * up to seconds between two samples, and that wait would be charged to whichever frame ran last.
 * `moduleOf(callFrame)` names a frame's source module (inspector.mjs moduleOfFrame).
 */
export function attributeByObject(profile, moduleOf) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const categoryOf = new Map();
  const categorise = (id) => {
    const cached = categoryOf.get(id);
    if (cached) return cached;
    const leaf = byId.get(id).callFrame.functionName;
    let entry = null;
    let owner = null;
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const module = moduleOf(byId.get(at).callFrame);
      if (!module) continue;
      entry = classify(ENTRY, module) ?? entry;
      owner = classify(OWNER, module) ?? owner;
    }
    const category = entry ?? owner ?? (RUNTIME.has(leaf) ? "runtime" : "unattributed");
    categoryOf.set(id, category);
    return category;
  };
  const counts = { room: 0, shards: 0, hub: 0, worker: 0, otherObjects: 0, runtime: 0, unattributed: 0 };
  const frames = new Map();
  let idle = 0;
  for (const id of profile.samples) {
    const node = byId.get(id);
    if (node.callFrame.functionName === "(idle)") {
      idle++;
      continue;
    }
    const category = categorise(id);
    counts[category]++;
    const key = `${category}\u0000${node.callFrame.functionName || "(anonymous)"} (${moduleOf(node.callFrame) ?? "native"})`;
    frames.set(key, (frames.get(key) ?? 0) + 1);
  }
  const busy = Object.values(counts).reduce((a, b) => a + b, 0);
  const top = {};
  for (const [key, n] of [...frames].sort((a, b) => b[1] - a[1])) {
    const [category, frame] = key.split("\u0000");
    top[category] ??= [];
    if (top[category].length < 5) top[category].push({ frame, pct: pct(n, busy) });
  }
  return {
    busySamples: busy,
    idleSamples: idle,
    sharePct: Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, pct(v, busy)])),
    top,
  };
}
