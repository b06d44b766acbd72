// The chat page: rooms and direct conversations, history, presence, typing, unread counts and the
// connection's status. Everything a message carries is rendered with textContent, never as HTML.
import { Switchboard, signIn, signOut, whoAmI } from "./switchboard.js";
import { t, applyTranslations, languageSwitcher } from "./i18n.js";

const $ = (id) => document.getElementById(id);
const ROOMS_KEY = "switchboard.rooms";

const state = {
  sb: null,
  me: null,
  active: null, // { kind: "room", name } | { kind: "dm", peer }
  // A conversation's messages are keyed by part and seq: a gap (the server could not continue the stream's
  // history) starts a new part, whose seqs start over, shown after a gap notice.
  rooms: new Map(), // room -> { messages: Map<"part:seq", m>, gaps: Set<part>, part, members: Set, unread, historyUpTo }
  dms: new Map(), // peer -> { messages: Map<"part:seq", m>, gaps: Set<part>, unread }
  inboxUpTo: null,
  inboxPart: 0, // the part of @me (every direct conversation) direct messages arrive in now
};

function room(name) {
  if (!state.rooms.has(name)) {
    state.rooms.set(name, { messages: new Map(), gaps: new Set(), part: 0, members: new Set(), unread: 0, historyUpTo: null });
  }
  return state.rooms.get(name);
}

function conversation(peer) {
  if (!state.dms.has(peer)) state.dms.set(peer, { messages: new Map(), gaps: new Set(), unread: 0 });
  return state.dms.get(peer);
}

/** Adds a message to a conversation once (per part and seq); false when it was there already. */
function keep(c, m, part) {
  const key = `${part}:${m.seq}`;
  if (c.messages.has(key)) return false;
  m.part = part;
  c.messages.set(key, m);
  return true;
}

function isActive(kind, key) {
  return state.active && state.active.kind === kind && (state.active.name === key || state.active.peer === key);
}

function savedRooms() {
  try { return JSON.parse(localStorage.getItem(ROOMS_KEY)) || ["lobby"]; } catch { return ["lobby"]; }
}

function saveRooms() {
  localStorage.setItem(ROOMS_KEY, JSON.stringify([...state.rooms.keys()]));
}

// ---- rendering ----

function messageItem(m) {
  const li = document.createElement("li");
  li.className = m.from === state.me ? "message mine" : "message";
  li.dataset.part = m.part;
  li.dataset.seq = m.seq;
  const head = document.createElement("div");
  head.className = "head";
  const who = document.createElement("span");
  who.className = "from";
  who.textContent = m.from;
  const time = document.createElement("time");
  time.dateTime = m.ts;
  time.textContent = new Date(m.ts).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  time.title = new Date(m.ts).toLocaleString();
  head.append(who, time);
  li.append(head, m.attachment ? attachmentView(m.attachment) : textView(m.text));
  return li;
}

function textView(content) {
  const text = document.createElement("p");
  text.className = "text";
  text.textContent = content;
  return text;
}

/** Images inline, anything else as a download link; the name is text, the bytes a local blob. */
function attachmentView(a) {
  if (a.mime.startsWith("image/")) {
    const img = document.createElement("img");
    img.className = "attachment";
    img.src = a.url;
    img.alt = a.name;
    return img;
  }
  const link = document.createElement("a");
  link.className = "attachment";
  link.href = a.url;
  link.download = a.name;
  link.textContent = t("attachment.download", { name: a.name });
  return link;
}

/** The notice that starts a part after a gap: what came before it may be incomplete. */
function gapItem(part) {
  const li = document.createElement("li");
  li.className = "gap";
  li.setAttribute("role", "note");
  li.dataset.part = part;
  li.dataset.seq = 0; // before the part's first message
  li.textContent = t("history.gap");
  return li;
}

function renderMessages() {
  const list = $("messages");
  const c = state.active && (state.active.kind === "room" ? room(state.active.name) : conversation(state.active.peer));
  if (!c) return list.replaceChildren();
  const items = [...c.messages.values()].map((m) => ({ part: m.part, seq: m.seq, item: () => messageItem(m) }))
    .concat([...c.gaps].map((part) => ({ part, seq: 0, item: () => gapItem(part) })))
    .sort((a, b) => a.part - b.part || a.seq - b.seq);
  if (c.messages.size === 0) {
    const empty = document.createElement("li");
    empty.className = "empty";
    empty.textContent = t("empty.room");
    items.push({ item: () => empty });
  }
  list.replaceChildren(...items.map((i) => i.item()));
  list.scrollTop = list.scrollHeight;
}

function appendMessage(m) {
  const list = $("messages");
  list.querySelector(".empty")?.remove();
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  const item = messageItem(m);
  const after = [...list.children].find((li) => Number(li.dataset.part) > m.part
    || (Number(li.dataset.part) === m.part && Number(li.dataset.seq) > m.seq));
  list.insertBefore(item, after || null);
  if (atBottom || m.from === state.me) list.scrollTop = list.scrollHeight;
}

function conversationButton(label, unread, active, onClick, testId) {
  const li = document.createElement("li");
  const b = document.createElement("button");
  b.type = "button";
  b.className = active ? "conv active" : "conv";
  b.dataset.testid = testId;
  if (active) b.setAttribute("aria-current", "true");
  const name = document.createElement("span");
  name.textContent = label;
  b.append(name);
  if (unread > 0) {
    const badge = document.createElement("span");
    badge.className = "badge";
    badge.textContent = String(unread);
    badge.setAttribute("aria-label", t("unread", { count: unread }));
    b.append(badge);
  }
  b.addEventListener("click", onClick);
  li.append(b);
  return li;
}

function renderSidebar() {
  $("rooms").replaceChildren(...[...state.rooms.entries()].map(([name, r]) =>
    conversationButton(`#${name}`, r.unread, isActive("room", name), () => open({ kind: "room", name }), `room-${name}`)));
  $("dms").replaceChildren(...[...state.dms.entries()].map(([peer, c]) =>
    conversationButton(peer, c.unread, isActive("dm", peer), () => open({ kind: "dm", peer }), `dm-${peer}`)));
  renderTabTitle();
}

/** The unread count in the tab's title, so a background tab shows that something came. */
function renderTabTitle() {
  const unread = [...state.rooms.values(), ...state.dms.values()].reduce((n, c) => n + c.unread, 0);
  document.title = unread > 0 ? `(${unread}) ${t("app.title")}` : t("app.title");
}

function renderMembers() {
  const list = $("members");
  if (!state.active || state.active.kind !== "room") return list.replaceChildren();
  list.replaceChildren(...[...room(state.active.name).members].sort().map((u) => {
    const li = document.createElement("li");
    li.textContent = u === state.me ? `${u} (${t("you")})` : u;
    return li;
  }));
}

function renderTitle() {
  $("conversation-title").textContent = !state.active ? "" : state.active.kind === "room" ? `#${state.active.name}` : `@${state.active.peer}`;
}

function renderStatus(s) {
  $("status").dataset.state = s;
  $("status").textContent = t(`status.${s}`);
}

function notice(text) {
  $("notice").textContent = text;
  $("notice").hidden = !text;
}

function open(target) {
  state.active = target;
  const c = target.kind === "room" ? room(target.name) : conversation(target.peer);
  c.unread = 0;
  notice("");
  endTyping();
  renderTitle();
  renderMessages();
  renderSidebar();
  renderMembers();
  $("composer-text").focus();
}

// ---- protocol events ----

function onMessage(m) {
  const r = room(m.room);
  if (!keep(r, m, r.part)) return;
  if (isActive("room", m.room) && typingUser === m.from) endTyping(); // their message came: they stopped typing
  if (isActive("room", m.room)) appendMessage(m);
  else if (m.seq > r.historyUpTo && m.from !== state.me) { r.unread++; renderSidebar(); }
}

function onAttachment({ header, bytes }) {
  const url = URL.createObjectURL(new Blob([bytes], { type: header.mime }));
  onMessage({ room: header.room, seq: header.seq, from: header.from, ts: header.ts, id: header.id,
    attachment: { name: header.name, mime: header.mime, url } });
}

function onDirect(m) {
  const peer = m.from === state.me ? m.to : m.from;
  const c = conversation(peer);
  const fresh = !state.dms.has(peer) || c.messages.size === 0;
  if (!keep(c, m, state.inboxPart)) return;
  if (isActive("dm", peer)) appendMessage(m);
  else if (m.seq > state.inboxUpTo && m.from !== state.me) c.unread++;
  if (fresh || !isActive("dm", peer)) renderSidebar();
}

function onJoined(m) {
  // What the first join replays is history, not unread; what a later rejoin replays was missed: unread.
  if (m.room === "@me") {
    state.inboxUpTo ??= m.seq;
    return;
  }
  const r = room(m.room);
  r.members = new Set(m.members);
  r.historyUpTo ??= m.seq;
  renderSidebar();
  if (isActive("room", m.room)) renderMembers();
}

/**
 * The server could not continue a stream from where this page was (its history was replaced or reset,
 * or messages were trimmed): a notice in the conversation, once, then whatever follows, all of it new
 * (unread when not open). A gap in @me is one in every direct conversation.
 */
function onGap({ stream }) {
  const mark = (c, part, active) => {
    c.gaps.add(part);
    if (active) renderMessages();
  };
  if (stream === "@me") {
    state.inboxPart++;
    state.inboxUpTo = 0;
    for (const [peer, c] of state.dms) mark(c, state.inboxPart, isActive("dm", peer));
  } else {
    const r = room(stream);
    r.part++;
    r.historyUpTo = 0;
    mark(r, r.part, isActive("room", stream));
  }
}

function onPresence(m) {
  const r = room(m.room);
  if (m.event === "join") r.members.add(m.user); else r.members.delete(m.user);
  if (isActive("room", m.room)) renderMembers();
}

let typingTimer;
let typingUser = null;
function onTyping(m) {
  if (!isActive("room", m.room)) return;
  typingUser = m.user;
  $("typing").textContent = t("typing.one", { user: m.user });
  clearTimeout(typingTimer);
  typingTimer = setTimeout(endTyping, 3000);
}

function endTyping() {
  clearTimeout(typingTimer);
  typingUser = null;
  $("typing").textContent = "";
}

/** Every refusal in the reader's language: by its code, never the server's English message alone. */
function onError(m) {
  if (m.code === "not_found") notice(t("error.not_found", { detail: m.message.replace(/^.*: /, "") }));
  else if (ERROR_KEYS.has(m.code)) notice(t("error." + m.code, m));
  else notice(t("error.generic", { code: m.code }));
}
const ERROR_KEYS = new Set(["too_large", "rate_limited", "not_joined", "forbidden", "bad_request"]);

// ---- actions ----

function joinRoom(name) {
  room(name);
  state.sb.join(name);
  saveRooms();
  open({ kind: "room", name });
}

function start(user) {
  state.me = user;
  $("signin").hidden = true;
  $("chat").hidden = false;
  $("signout").hidden = false;
  $("me").textContent = user;
  const sb = new Switchboard();
  state.sb = sb;
  window.switchboard = sb; // for the curious, and for the browser tests
  sb.on("status", renderStatus)
    .on("message", onMessage)
    .on("direct", onDirect)
    .on("attachment", onAttachment)
    .on("joined", onJoined)
    .on("gap", onGap)
    .on("presence", onPresence)
    .on("typing", onTyping)
    .on("error", onError)
    .on("signed-out", () => { $("chat").hidden = true; $("signin").hidden = false; });
  sb.connect();
  sb.join("@me");
  const rooms = savedRooms();
  rooms.forEach((r) => { room(r); sb.join(r); });
  open({ kind: "room", name: rooms[0] || "lobby" });
}

function showSignin() {
  $("signin").hidden = false;
  $("chat").hidden = true;
  $("signout").hidden = true;
  $("me").textContent = "";
  renderStatus("idle");
  $("name").focus();
}

$("signin-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  $("signin-error").textContent = "";
  try {
    start((await signIn($("name").value.trim())).user);
  } catch (err) {
    $("signin-error").textContent = err.status === 409 ? t("signin.taken")
      : err.status === 400 ? t("signin.invalid") : t("signin.failed", { message: err.message });
  }
});

$("signout").addEventListener("click", async () => {
  state.sb?.close();
  await signOut();
  location.reload();
});

$("join-form").addEventListener("submit", (e) => {
  e.preventDefault();
  joinRoom($("join-room").value.trim());
  $("join-room").value = "";
});

$("dm-form").addEventListener("submit", (e) => {
  e.preventDefault();
  const peer = $("dm-user").value.trim();
  conversation(peer);
  $("dm-user").value = "";
  open({ kind: "dm", peer });
});

/** The server's default limit on a message's text (switchboard.limits.text), in UTF-8 bytes. */
const MAX_TEXT_BYTES = 4096;
const utf8 = new TextEncoder();

$("composer").addEventListener("submit", (e) => {
  e.preventDefault();
  const text = $("composer-text").value.trim();
  if (!text || !state.active) return;
  const bytes = utf8.encode(text).length;
  if (bytes > MAX_TEXT_BYTES) { // kept in the box, not cut and not sent: the writer decides what to drop
    notice(t("composer.tooLong", { bytes, limit: MAX_TEXT_BYTES }));
    return;
  }
  notice("");
  lastTyping = 0; // the others clear "typing" when this message arrives: the next keystroke says it again
  if (state.active.kind === "room") state.sb.send(state.active.name, text);
  else state.sb.direct(state.active.peer, text);
  $("composer-text").value = "";
});

$("attach").addEventListener("change", async () => {
  const file = $("attach").files[0];
  $("attach").value = "";
  if (!file || state.active?.kind !== "room") return;
  if (file.size > 1024 * 1024 - 1024) { notice(t("attachment.tooLarge", { name: file.name })); return; }
  await state.sb.sendFile(state.active.name, file);
});

let lastTyping = 0;
$("composer-text").addEventListener("input", () => {
  if (state.active?.kind === "room" && Date.now() - lastTyping > 2000) {
    state.sb.typing(state.active.name);
    lastTyping = Date.now();
  }
});

document.addEventListener("languagechange", () => {
  renderStatus(state.sb ? state.sb.status : "idle");
  renderSidebar();
  renderMembers();
  renderMessages();
});

languageSwitcher($("lang"));
applyTranslations();
whoAmI().then((user) => (user ? start(user) : showSignin())).catch(showSignin);
