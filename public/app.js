// edgeroom demo chat: dev sign-in, my rooms, create/join, live chat with resume, presence and moderation.
// No framework: a little state, a few render functions, and the typed client from ./client.js.
import { ApiError, EdgeroomApi, newClientMsgId, SocketError } from "./client.js";

const SESSION_KEY = "edgeroom.demo.session";
const $ = (id) => document.getElementById(id);

const api = new EdgeroomApi();
/** The signed-in user id, or null. */
let me = null;
/** The open room, or null. */
let room = null;
let roomsTimer = null;

// ── small helpers ─────────────────────────────────────────────────────

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children) if (child !== null && child !== undefined) node.append(child);
  return node;
}

const timeOf = (ms) => new Date(ms).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
const dateTimeOf = (ms) =>
  new Date(ms).toLocaleString([], { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });

/** "3 s", "2 min 5 s", "1 h 4 min". */
function duration(ms) {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h) return `${h} h ${m} min`;
  if (m) return s ? `${m} min ${s} s` : `${m} min`;
  return `${s} s`;
}

/** Time left until `until` (epoch ms), or "until lifted" for 0 / missing. */
function remaining(until) {
  if (!until) return "until lifted";
  const left = until - Date.now();
  return left > 0 ? `${duration(left)} left` : "lifting…";
}

const sentence = (text) => (text ? text.charAt(0).toUpperCase() + text.slice(1) : "");

/** A readable message for any error (never raw JSON). */
function describe(error) {
  if (error instanceof ApiError || error instanceof SocketError) {
    switch (error.code) {
      case "NETWORK_ERROR":
        return "Can't reach the server. Check that it is running and try again.";
      case "UNAUTHORIZED":
        return "Your session is no longer valid. Please sign in again.";
      case "ACCESS_TOKEN_EXPIRED":
        return "Your session has expired. Please sign in again.";
      case "MUTED":
        return error.message.includes("room is muted")
          ? "Mute-all is on: only the host and managers can talk right now."
          : "You are muted in this room.";
      case "BANNED":
        return "You are banned from this room.";
      case "RATE_LIMITED":
        return `You are sending too fast. Try again in ${error.retryAfterSec ?? 1} s.`;
      case "CLOSED":
        return "Not connected to the room.";
      default:
        return sentence(error.message) || "Something went wrong.";
    }
  }
  return "Something went wrong. Please try again.";
}

let noticeTimer = null;
function notify(message, kind = "error") {
  $("notice-text").textContent = message;
  $("notice").className = `notice ${kind}`;
  $("notice").hidden = false;
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => {
    $("notice").hidden = true;
  }, 8000);
}

/** Runs an action, showing any error as a notice; returns its result or undefined. */
async function attempt(action) {
  try {
    return await action();
  } catch (error) {
    notify(describe(error));
    if (error instanceof ApiError && (error.code === "UNAUTHORIZED" || error.code === "ACCESS_TOKEN_EXPIRED")) {
      signOut();
    }
    return undefined;
  }
}

// ── session ───────────────────────────────────────────────────────────

function loadSession() {
  try {
    const saved = JSON.parse(localStorage.getItem(SESSION_KEY) ?? "null");
    if (saved && typeof saved.token === "string" && saved.expiresAt > Date.now() + 60_000) return saved;
  } catch {
    // Corrupt entry: sign in again.
  }
  return null;
}

async function signIn(userId) {
  try {
    const session = await api.devToken(userId);
    localStorage.setItem(SESSION_KEY, JSON.stringify(session));
    start(session);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      notify(
        "Sign-in is turned off on this server. The demo's sign-in needs DEV_MODE=true in .dev.vars (local development only); then restart npm start.",
      );
    } else if (error instanceof ApiError && error.code === "BAD_REQUEST") {
      notify("User names are 1–64 characters: letters, digits and _ . : @ -");
    } else notify(describe(error));
  }
}

function signOut() {
  closeRoom();
  localStorage.removeItem(SESSION_KEY);
  me = null;
  api.token = null;
  clearInterval(roomsTimer);
  showSignIn();
}

function showSignIn() {
  $("app-view").hidden = true;
  $("session").hidden = true;
  $("signin-view").hidden = false;
  $("signin-name").focus();
}

function start(session) {
  me = session.userId;
  api.token = session.token;
  $("me-name").textContent = me;
  $("session").hidden = false;
  $("signin-view").hidden = true;
  $("app-view").hidden = false;
  refreshRooms();
  clearInterval(roomsTimer);
  roomsTimer = setInterval(refreshRooms, 20_000);
  const join = new URLSearchParams(location.search).get("join");
  if (join) {
    history.replaceState(null, "", location.pathname);
    joinAndOpen(join);
  }
}

// ── room list ─────────────────────────────────────────────────────────

async function refreshRooms() {
  if (!me) return;
  const list = await attempt(() => api.listChatrooms({ limit: 50 }));
  if (!list) return;
  renderRoomList($("ongoing-list"), list.ongoing, (r) =>
    r.lastMessage ? `${r.lastMessage.preview}` : `${r.count} member${r.count === 1 ? "" : "s"}`,
  );
  renderRoomList($("scheduled-list"), list.scheduled, (r) => (r.startAt ? `starts ${dateTimeOf(r.startAt)}` : ""));
}

function renderRoomList(target, rooms, subtitle) {
  target.replaceChildren();
  if (rooms.length === 0) {
    target.append(el("li", { class: "muted empty-item", text: "None yet" }));
    return;
  }
  for (const r of rooms) {
    const active = room?.id === r.chatroomId;
    target.append(
      el(
        "li",
        {},
        el(
          "button",
          {
            type: "button",
            class: `room-item${active ? " active" : ""}`,
            "aria-current": active ? "true" : undefined,
            onclick: () => openRoom(r.chatroomId),
          },
          el(
            "span",
            { class: "room-item-top" },
            el("span", { class: "room-item-title", text: r.title }),
            r.unread > 0 && !active ? el("span", { class: "unread", text: String(r.unread) }) : null,
          ),
          el("span", { class: "room-item-sub", text: subtitle(r) }),
        ),
      ),
    );
  }
}

async function createRoom(form) {
  const data = new FormData(form);
  const members = String(data.get("members") ?? "")
    .split(/[\s,]+/)
    .map((name) => name.trim())
    .filter(Boolean);
  const body = {
    hostId: me,
    isOpen: data.get("access") === "open",
    users: [me, ...members.filter((name) => name !== me)],
  };
  const title = String(data.get("title") ?? "").trim();
  if (title) body.title = title;
  const startAt = String(data.get("startAt") ?? "");
  if (startAt) body.startAt = new Date(startAt).getTime();
  const created = await attempt(() => api.createChatroom(body));
  if (!created) return;
  form.reset();
  $("create-details").open = false;
  notify(`Room “${created.title}” created.`, "info");
  await refreshRooms();
  await openRoom(created.chatroomId);
}

// ── one room ──────────────────────────────────────────────────────────

async function joinAndOpen(chatroomId) {
  const joined = await attempt(() => api.join(chatroomId));
  if (joined) await openRoom(chatroomId);
}

function closeRoom() {
  if (!room) return;
  room.socket?.close("switched room");
  clearInterval(room.ticker);
  room = null;
  $("room-view").hidden = true;
  $("room-empty").hidden = false;
}

async function openRoom(chatroomId) {
  closeRoom();
  const info = await attempt(() => api.getChatroom(chatroomId));
  if (!info) return;
  if (info.role === null) {
    notify("You are not a member of this room.");
    return;
  }
  const page = info.state === 1 ? { messages: [] } : await attempt(() => api.history(chatroomId, { limit: 50 }));
  if (!page) return;
  room = {
    id: chatroomId,
    info,
    role: info.role,
    muteAll: info.muteAll,
    messages: new Map(), // seq → message
    online: new Set(),
    onlineCount: 0,
    known: new Set([me]),
    roles: new Map(),
    restrictions: new Map(), // userId → { status, until }
    pendingEls: new Map(), // clientMsgId → element
    typing: new Map(),
    socket: null,
    ticker: setInterval(tick, 1000),
  };
  if (info.hostId) {
    room.roles.set(info.hostId, "host");
    room.known.add(info.hostId);
  }
  room.roles.set(me, info.role);
  if (info.restriction)
    room.restrictions.set(me, { status: info.restriction.status, until: info.restriction.expiresAt });
  $("messages").replaceChildren();
  for (const message of [...page.messages].reverse()) addMessage(message);
  const newest = page.messages[0]?.seq ?? 0;
  $("room-empty").hidden = true;
  $("room-view").hidden = false;
  $("leave-room").hidden = false;
  renderRoom();
  connect(newest);
  if (newest > 0) attempt(() => api.markRead(chatroomId, newest)).then(refreshRooms);
  else refreshRooms();
}

function connect(since) {
  const current = room;
  const socket = api.socket(current.id, { since });
  current.socket = socket;
  socket.on("status", (s) => {
    if (room !== current) return;
    const text = {
      idle: "",
      connecting: "Connecting…",
      open: "Live",
      reconnecting: s.retryInMs ? `Reconnecting in ${Math.ceil(s.retryInMs / 1000)} s…` : "Reconnecting…",
      closed: "Disconnected",
    }[s.status];
    $("conn").textContent = text;
    $("conn").className = `conn ${s.status}`;
    renderRoom();
  });
  socket.on("close", (info) => {
    if (room !== current || !info.final || info.reason === "switched room") return;
    current.online.clear();
    current.onlineCount = 0;
    $("leave-room").hidden = true;
    renderRoom();
    if (info.code === 4003) notify("You were removed from this room.");
    else if (info.code === 4004) notify("This room has ended.", "info");
    else if (info.code === 1000) notify("You left the room.", "info");
    else if (info.error) notify(describe(info.error));
    refreshRooms();
  });
  socket.on("frame", (frame) => {
    if (room === current) onFrame(frame);
  });
  socket.connect();
}

function onFrame(frame) {
  switch (frame.type) {
    case "welcome":
      room.role = frame.role;
      room.roles.set(me, frame.role);
      room.muteAll = frame.muteAll;
      room.online = new Set(frame.online);
      room.onlineCount = frame.onlineCount ?? frame.online.length;
      for (const id of frame.online) room.known.add(id);
      if (frame.restriction)
        room.restrictions.set(me, { status: frame.restriction.status, until: frame.restriction.expiresAt });
      else room.restrictions.delete(me);
      break;
    case "message":
      addMessage(frame);
      room.typing.delete(frame.senderId);
      afterNewMessage();
      break;
    case "presence":
      if (frame.online) room.online.add(frame.userId);
      else room.online.delete(frame.userId);
      room.onlineCount = frame.count;
      room.known.add(frame.userId);
      break;
    case "member":
      onMember(frame);
      break;
    case "moderation":
      onModeration(frame);
      break;
    case "room":
      onRoomEvent(frame);
      break;
    case "typing":
      room.typing.set(frame.userId, Date.now() + 3000);
      break;
    case "resync":
      catchUp(frame.since);
      break;
    case "error":
      if (!frame.clientMsgId) notify(describe(new SocketError(frame.code, frame.message, frame.retryAfterSec)));
      break;
  }
  renderRoom();
}

function onMember(frame) {
  const { userId } = frame;
  if (frame.event === "joined") {
    room.known.add(userId);
    room.roles.set(userId, frame.role ?? "member");
    systemLine(`${userId} joined the room.`);
  } else if (frame.event === "left" || frame.event === "kicked") {
    room.known.delete(userId);
    room.online.delete(userId);
    room.roles.delete(userId);
    const who = userId === me ? "You" : userId;
    const verb = userId === me ? "were" : "was";
    systemLine(frame.event === "left" ? `${who} left the room.` : `${who} ${verb} removed from the room.`);
  } else if (frame.event === "role") {
    room.roles.set(userId, frame.role);
    if (userId === me) room.role = frame.role;
    const what =
      frame.role === "manager" ? "is now a manager" : frame.role === "host" ? "is now the host" : "is a member";
    systemLine(`${userId} ${what}.`);
  }
}

function onModeration(frame) {
  const who = frame.userId === me ? "You" : frame.userId;
  switch (frame.event) {
    case "muted":
    case "banned": {
      room.known.add(frame.userId);
      room.restrictions.set(frame.userId, { status: frame.event === "muted" ? 1 : 2, until: frame.until ?? 0 });
      const verb = frame.event === "muted" ? "muted" : "banned";
      const span = frame.until ? `for ${duration(frame.until - Date.now())}` : "until lifted";
      systemLine(`${who} ${frame.userId === me ? "were" : "was"} ${verb} ${span}.`);
      break;
    }
    case "unmuted":
      room.restrictions.delete(frame.userId);
      systemLine(`${who} can speak again.`);
      break;
    case "unbanned":
      room.restrictions.delete(frame.userId);
      systemLine(`${who} ${frame.userId === me ? "are" : "is"} no longer banned.`);
      break;
    case "muteAll":
      room.muteAll = Boolean(frame.on);
      systemLine(frame.on ? "Mute-all is on: only the host and managers can talk." : "Mute-all is off.");
      break;
  }
}

function onRoomEvent(frame) {
  if (frame.event === "started") {
    room.info.state = 0;
    systemLine("The room has started.");
  } else if (frame.event === "updated") {
    if (typeof frame.title === "string") room.info.title = frame.title;
    if (typeof frame.state === "number") room.info.state = frame.state;
    if (typeof frame.muteAll === "boolean") room.muteAll = frame.muteAll;
  } else if (frame.event === "ending" && typeof frame.endsAt === "number") {
    systemLine(`The room ends at ${timeOf(frame.endsAt)}.`);
  } else if (frame.event === "ended") {
    room.info.state = 2;
    systemLine("The room has ended.");
  }
}

/** Soon after new messages: move my read marker and refresh the room list (previews, unread). */
let followUp = null;
function afterNewMessage() {
  if (followUp) return;
  const current = room;
  followUp = setTimeout(() => {
    followUp = null;
    if (room !== current) return;
    const newest = Math.max(0, ...current.messages.keys());
    if (newest > 0) current.socket?.read(newest);
    refreshRooms();
  }, 1500);
}

/** After a `resync`, page the missed messages over HTTP. */
async function catchUp(since) {
  const current = room;
  let after = since;
  for (;;) {
    const page = await attempt(() => api.history(current.id, { after, limit: 100 }));
    if (!page || room !== current) return;
    for (const message of page.messages) addMessage(message);
    const last = page.messages.at(-1);
    if (last) {
      after = last.seq;
      current.socket?.markSeen(last.seq);
    }
    if (!page.hasMore || !last) return;
  }
}

// ── messages ──────────────────────────────────────────────────────────

function messageEl(message, { pending = false } = {}) {
  const mine = message.senderId === me;
  return el(
    "li",
    { class: `msg${mine ? " mine" : ""}${pending ? " pending" : ""}`, "data-seq": message.seq },
    el(
      "div",
      { class: "msg-meta" },
      el("span", { class: "msg-sender", text: mine ? "You" : message.senderId }),
      el("time", { text: pending ? "sending…" : timeOf(message.ts) }),
    ),
    el("div", { class: "msg-body", text: message.content }),
  );
}

function addMessage(message) {
  if (room.messages.has(message.seq)) return;
  room.messages.set(message.seq, message);
  room.known.add(message.senderId);
  const pending = room.pendingEls.get(message.clientMsgId);
  if (pending && message.senderId === me) {
    pending.remove();
    room.pendingEls.delete(message.clientMsgId);
  }
  const list = $("messages");
  const node = messageEl(message);
  // Keep seq order; a message normally lands at the end (before any still-pending ones).
  const later = [...list.children].find((child) => Number(child.dataset.seq) > message.seq);
  list.insertBefore(node, later ?? null);
  scrollDown();
}

function systemLine(text) {
  // Ordered just after the newest message so far, so later messages go below it.
  const seq = Math.max(0, ...room.messages.keys()) + 0.5;
  const node = el("li", { class: "system", "data-seq": seq, text });
  $("messages").insertBefore(node, $("messages").querySelector(".pending"));
  scrollDown();
}

function scrollDown() {
  const list = $("messages");
  list.scrollTop = list.scrollHeight;
}

async function sendMessage(content) {
  const current = room;
  const clientMsgId = newClientMsgId();
  const node = messageEl({ seq: Number.MAX_SAFE_INTEGER, senderId: me, content, ts: Date.now() }, { pending: true });
  current.pendingEls.set(clientMsgId, node);
  $("messages").append(node);
  scrollDown();
  try {
    await current.socket.send(content, { clientMsgId });
  } catch (error) {
    if (room !== current) return;
    current.pendingEls.delete(clientMsgId);
    node.classList.remove("pending");
    node.classList.add("failed");
    const time = node.querySelector("time");
    if (time) time.textContent = "not sent";
    notify(describe(error));
  }
}

// ── rendering ─────────────────────────────────────────────────────────

const isModerator = () => room?.role === "host" || room?.role === "manager";

function renderRoom() {
  if (!room) return;
  const { info } = room;
  $("room-title").textContent = info.title;
  const badges = [
    el("span", { class: "badge", text: info.isOpen ? "Open" : "Closed" }),
    el("span", { class: "badge role", text: `You: ${room.role}` }),
  ];
  if (info.state === 1) badges.push(el("span", { class: "badge warn", text: `Starts ${dateTimeOf(info.startAt)}` }));
  if (info.state === 2) badges.push(el("span", { class: "badge danger", text: "Ended" }));
  if (room.muteAll) badges.push(el("span", { class: "badge warn", text: "Mute-all on" }));
  $("room-badges").replaceChildren(...badges);
  $("invite").hidden = !info.isOpen;
  if (info.isOpen) $("invite-url").value = `${location.origin}/?join=${encodeURIComponent(info.chatroomId)}`;
  renderPeople();
  renderModeration();
  renderComposer();
  renderTyping();
}

function restrictionText(r) {
  return `${r.status === 1 ? "Muted" : "Banned"} · ${remaining(r.until)}`;
}

function renderPeople() {
  const people = [...room.known].sort((a, b) => {
    const rank = (id) => (room.online.has(id) ? 0 : 1);
    return rank(a) - rank(b) || a.localeCompare(b);
  });
  const live = room.socket?.status === "open";
  $("online-count").textContent = live ? `· ${room.onlineCount} online` : "";
  $("people").replaceChildren(
    ...people.map((id) => {
      const role = room.roles.get(id);
      const restriction = room.restrictions.get(id);
      const online = room.online.has(id);
      return el(
        "li",
        { class: `person${online ? " online" : ""}`, "data-user": id },
        el("span", { class: "dot", "aria-hidden": "true" }),
        el(
          "span",
          { class: "person-name" },
          isModerator() && id !== me
            ? el("button", {
                type: "button",
                class: "link",
                text: id,
                title: `Moderate ${id}`,
                onclick: () => {
                  $("mod-user").value = id;
                  $("mod-duration").focus();
                },
              })
            : el("span", { text: id === me ? `${id} (you)` : id }),
          el("span", { class: "visually-hidden", text: online ? " online" : " offline" }),
        ),
        role && role !== "member" ? el("span", { class: `badge ${role}`, text: role }) : null,
        restriction ? el("span", { class: "badge restricted", text: restrictionText(restriction) }) : null,
      );
    }),
  );
  $("known-users").replaceChildren(...people.filter((id) => id !== me).map((id) => el("option", { value: id })));
}

function renderModeration() {
  $("moderation").hidden = !isModerator();
  $("manager-buttons").hidden = room.role !== "host";
  $("mute-all").textContent = room.muteAll ? "Turn mute-all off" : "Turn mute-all on";
  $("mute-all").setAttribute("aria-pressed", String(room.muteAll));
}

function renderComposer() {
  if (!room) return;
  const own = room.restrictions.get(me);
  const status = room.socket?.status;
  let reason = "";
  if (room.info.state === 1) reason = `This room starts ${dateTimeOf(room.info.startAt)}.`;
  else if (room.info.state === 2) reason = "This room has ended.";
  else if (own?.status === 2) reason = "You are banned from this room.";
  else if (status === "closed") reason = "Disconnected from this room.";
  else if (own?.status === 1) reason = `You are muted · ${remaining(own.until)}`;
  else if (room.muteAll && !isModerator()) reason = "Mute-all is on: only the host and managers can talk.";
  $("restriction-banner").hidden = !reason;
  $("restriction-banner").textContent = reason;
  $("composer-input").disabled = Boolean(reason);
  $("composer-send").disabled = Boolean(reason);
}

function renderTyping() {
  const now = Date.now();
  const names = [...room.typing].filter(([id, until]) => until > now && id !== me).map(([id]) => id);
  $("typing").textContent = names.length ? `${names.join(", ")} ${names.length === 1 ? "is" : "are"} typing…` : "";
}

/** Once a second: countdowns and typing hints. */
function tick() {
  if (!room) return;
  for (const node of $("people").querySelectorAll(".person")) {
    const restriction = room.restrictions.get(node.dataset.user);
    const badge = node.querySelector(".restricted");
    if (restriction && badge) badge.textContent = restrictionText(restriction);
  }
  renderComposer();
  renderTyping();
}

// ── moderation actions ────────────────────────────────────────────────

function target() {
  const userId = $("mod-user").value.trim();
  if (!userId) notify("Enter the member to moderate.");
  return userId;
}

async function restrict(status) {
  const userId = target();
  if (!userId) return;
  const seconds = Number($("mod-duration").value);
  const body = { status };
  if ($("mod-duration").value !== "") {
    if (!Number.isInteger(seconds) || seconds < 1) return notify("The duration is a whole number of seconds.");
    body.durationSeconds = seconds;
  }
  const done = await attempt(() => api.restrict(room.id, userId, body));
  if (done) {
    const span = body.durationSeconds ? `for ${duration(body.durationSeconds * 1000)}` : "until lifted";
    notify(`${userId} is ${status === 1 ? "muted" : "banned"} ${span}.`, "info");
  }
}

async function lift() {
  const userId = target();
  if (userId && (await attempt(() => api.lift(room.id, userId)))) notify(`Lifted ${userId}'s restriction.`, "info");
}

async function setManager(on) {
  const userId = target();
  if (userId && (await attempt(() => api.setManager(room.id, userId, on)))) {
    notify(on ? `${userId} is now a manager.` : `${userId} is no longer a manager.`, "info");
  }
}

async function toggleMuteAll() {
  const next = !room.muteAll;
  const updated = await attempt(() => api.updateSettings(room.id, { muteAll: next }));
  if (updated && room) {
    room.muteAll = updated.muteAll;
    renderRoom();
  }
}

async function leaveRoom() {
  if (!room) return;
  const current = room;
  if (!confirm(`Leave “${current.info.title}”?`)) return;
  const left = await attempt(() => api.leave(current.id));
  if (!left) return;
  closeRoom();
  notify(left.ended ? "You left; the room has ended." : "You left the room.", "info");
  refreshRooms();
}

// ── wiring ────────────────────────────────────────────────────────────

$("signin-form").addEventListener("submit", (event) => {
  event.preventDefault();
  signIn($("signin-name").value.trim());
});
$("signout").addEventListener("click", signOut);
$("notice-close").addEventListener("click", () => {
  $("notice").hidden = true;
});
$("create-form").addEventListener("submit", (event) => {
  event.preventDefault();
  createRoom(event.currentTarget);
});
$("refresh-rooms").addEventListener("click", refreshRooms);
$("composer").addEventListener("submit", (event) => {
  event.preventDefault();
  const input = $("composer-input");
  const content = input.value.trim();
  if (!content || !room) return;
  input.value = "";
  sendMessage(content);
});
let lastTyping = 0;
$("composer-input").addEventListener("input", () => {
  if (Date.now() - lastTyping > 2000 && room?.socket) {
    lastTyping = Date.now();
    room.socket.typing();
  }
});
$("mod-mute").addEventListener("click", () => restrict(1));
$("mod-ban").addEventListener("click", () => restrict(2));
$("mod-lift").addEventListener("click", lift);
$("mod-manager").addEventListener("click", () => setManager(true));
$("mod-unmanager").addEventListener("click", () => setManager(false));
$("mute-all").addEventListener("click", toggleMuteAll);
$("leave-room").addEventListener("click", leaveRoom);
$("copy-invite").addEventListener("click", async () => {
  try {
    await navigator.clipboard.writeText($("invite-url").value);
    notify("Invite link copied.", "info");
  } catch {
    $("invite-url").select();
  }
});

const saved = loadSession();
if (saved) start(saved);
else showSignIn();
