// The chat page: rooms and direct conversations, history, presence, typing, unread counts and the
// connection's status. Everything a message carries is rendered with textContent, never as HTML.
// Nothing typed is lost: a message shows at once ("sending…", also while offline: the client resends it after
// a reconnect) until the server's copy replaces it; a refused one goes back into the box with the reason.
import { Switchboard, signIn, signOut, whoAmI } from "./switchboard.js";
import { t, applyTranslations, languageSwitcher, STRINGS } from "./i18n.js";

const $ = (id) => document.getElementById(id);
const ROOMS_KEY = "switchboard.rooms"; // rooms of pages from before the server kept them: joined once, then dropped
const ROOM_NAME = /^[A-Za-z0-9_.\-]{1,64}$/;
const USER_NAME = /^[A-Za-z0-9_.\-]{1,32}$/;
/** Refusals worth a retry as they are (the message itself was fine); any other puts the text back in the box. */
const TRANSIENT = new Set(["rate_limited"]);

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
  pending: new Map(), // client id -> { kind, key, text, ts, failed: code | null }: sent, not yet back from the server
  closed: new Map(), // peer -> seq: direct conversations closed here, until a message after that seq comes
  welcomed: false,
};

const storageKey = (what) => `switchboard.${what}.${state.me}`;

function rememberActive() {
  localStorage.setItem(storageKey("active"), JSON.stringify(state.active));
}

function rememberClosed() {
  localStorage.setItem(storageKey("closed"), JSON.stringify([...state.closed]));
}

function loadClosed() {
  try { state.closed = new Map(JSON.parse(localStorage.getItem(storageKey("closed"))) || []); } catch { state.closed = new Map(); }
}

function savedActive() {
  try { return JSON.parse(localStorage.getItem(storageKey("active"))); } catch { return null; }
}

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

function legacyRooms() {
  try { return JSON.parse(localStorage.getItem(ROOMS_KEY)) || []; } catch { return []; }
}

function current() {
  if (!state.active) return null;
  return state.active.kind === "room" ? room(state.active.name) : conversation(state.active.peer);
}

// ---- rendering ----

function messageItem(m) {
  const li = document.createElement("li");
  li.className = m.from === state.me ? "message mine" : "message";
  li.dataset.part = m.part;
  li.dataset.seq = m.seq;
  li.dataset.day = dayOf(m.ts);
  const head = document.createElement("div");
  head.className = "head";
  const who = document.createElement("span");
  who.className = "from";
  who.textContent = m.from;
  who.title = m.from;
  const time = document.createElement("time");
  time.dateTime = m.ts;
  time.textContent = new Date(m.ts).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  time.title = new Date(m.ts).toLocaleString([], { dateStyle: "full", timeStyle: "medium" });
  head.append(who, time);
  li.append(head, m.attachment ? attachmentView(m.attachment) : textView(m.text));
  return li;
}

/** A message sent here and not yet back from the server: "sending…", or why it was not taken, with a retry. */
function pendingItem(id, p) {
  const li = messageItem({ from: state.me, ts: p.ts, text: p.text, part: Infinity, seq: Infinity });
  li.classList.add("pending");
  li.dataset.pending = id;
  delete li.dataset.day; // no day of its own: it sits after every stored message
  const status = document.createElement("span");
  status.className = "state";
  if (p.failed) {
    li.classList.add("failed");
    status.textContent = t("pending.failed", { reason: errorText({ code: p.failed }) });
    const retry = document.createElement("button");
    retry.type = "button";
    retry.className = "secondary";
    retry.textContent = t("pending.retry");
    retry.addEventListener("click", () => { state.pending.delete(id); li.remove(); sendText(p.kind, p.key, p.text); });
    status.append(retry);
  } else if (!p.acked) {
    status.textContent = t("pending.sending");
  }
  li.querySelector(".head").append(status);
  return li;
}

const LINK = /\bhttps?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)\]]/g;

/** The text as typed (line breaks kept by CSS), web addresses as links: built from text nodes, never HTML. */
function textView(content) {
  const text = document.createElement("p");
  text.className = "text";
  let at = 0;
  for (const match of content.matchAll(LINK)) {
    let url;
    try { url = new URL(match[0]); } catch { continue; }
    if (url.protocol !== "http:" && url.protocol !== "https:") continue;
    text.append(content.slice(at, match.index));
    const a = document.createElement("a");
    a.href = url.href;
    a.textContent = match[0];
    a.target = "_blank";
    a.rel = "noopener noreferrer nofollow";
    text.append(a);
    at = match.index + match[0].length;
  }
  text.append(content.slice(at));
  return text;
}

/** The local calendar day of a timestamp, e.g. "2026-12-03": what date separators compare. */
function dayOf(ts) {
  const d = new Date(ts);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

function dayItem(ts) {
  const li = document.createElement("li");
  li.className = "day";
  li.setAttribute("role", "separator");
  const day = dayOf(ts);
  const today = dayOf(Date.now());
  const yesterday = dayOf(Date.now() - 86_400_000);
  li.textContent = day === today ? t("day.today") : day === yesterday ? t("day.yesterday")
    : new Date(ts).toLocaleDateString([], { weekday: "long", year: "numeric", month: "long", day: "numeric" });
  return li;
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

function pendingOf(kind, key) {
  return [...state.pending.entries()].filter(([, p]) => p.kind === kind && p.key === key);
}

function renderMessages() {
  const list = $("messages");
  const c = current();
  hideJump();
  if (!c) return list.replaceChildren();
  const sorted = [...c.messages.values()].map((m) => ({ part: m.part, seq: m.seq, m }))
    .concat([...c.gaps].map((part) => ({ part, seq: 0 })))
    .sort((a, b) => a.part - b.part || a.seq - b.seq);
  const items = [];
  let day = null;
  for (const i of sorted) {
    if (i.m && dayOf(i.m.ts) !== day) { day = dayOf(i.m.ts); items.push(dayItem(i.m.ts)); }
    items.push(i.m ? messageItem(i.m) : gapItem(i.part));
  }
  const key = state.active.kind === "room" ? state.active.name : state.active.peer;
  const pending = pendingOf(state.active.kind, key);
  if (c.messages.size === 0 && pending.length === 0) {
    const empty = document.createElement("li");
    empty.className = "empty";
    empty.textContent = t("empty.room");
    items.push(empty);
  }
  items.push(...pending.map(([id, p]) => pendingItem(id, p)));
  list.replaceChildren(...items);
  list.scrollTop = list.scrollHeight;
}

function atBottom(list) {
  return list.scrollHeight - list.scrollTop - list.clientHeight < 40;
}

/** A message of the open conversation: in seq order, before anything still pending, with a day line when due. */
function appendMessage(m) {
  const list = $("messages");
  list.querySelector(".empty")?.remove();
  const bottom = atBottom(list);
  const after = [...list.children].find((li) => li.dataset.pending || Number(li.dataset.part) > m.part
    || (Number(li.dataset.part) === m.part && Number(li.dataset.seq) > m.seq));
  const before = after ? after.previousElementSibling : list.lastElementChild;
  const previous = before && before.matches(".message:not(.pending)") ? before : null;
  if (after && !after.dataset.pending) return renderMessages(); // history filled in before others: lay it out again
  if (!previous || previous.dataset.day !== dayOf(m.ts)) list.insertBefore(dayItem(m.ts), after || null);
  list.insertBefore(messageItem(m), after || null);
  if (bottom || m.from === state.me) list.scrollTop = list.scrollHeight;
  else showJump();
}

let unseen = 0;
function showJump() {
  unseen++;
  $("jump").textContent = t("jump", { count: unseen });
  $("jump").hidden = false;
}

function hideJump() {
  unseen = 0;
  $("jump").hidden = true;
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
  b.title = label;
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
  $("dms").replaceChildren(...[...state.dms.entries()].filter(([peer]) => !state.closed.has(peer)).map(([peer, c]) =>
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
  const title = !state.active ? "" : state.active.kind === "room" ? `#${state.active.name}` : `@${state.active.peer}`;
  $("conversation-title").textContent = title;
  $("conversation-title").title = title;
  $("leave").hidden = !state.active;
  $("leave").textContent = state.active?.kind === "dm" ? t("conversation.close") : t("room.leave");
  // attachments go to rooms only (the protocol has none for direct messages): no button where it would do nothing
  $("attach").disabled = state.active?.kind !== "room";
  document.querySelector(".attach-button").hidden = state.active?.kind !== "room";
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
  if (target.kind === "dm" && state.closed.delete(target.peer)) rememberClosed();
  rememberActive();
  closeDrawers();
  const c = current();
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

/** The server's copy of a message sent here: the pending one gives way to it. */
function arrived(m) {
  if (m.from !== state.me || !m.id || !state.pending.delete(m.id)) return;
  document.querySelector(`[data-pending="${CSS.escape(m.id)}"]`)?.remove();
}

function onMessage(m) {
  const r = room(m.room);
  arrived(m);
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
  arrived(m);
  if (!keep(c, m, state.inboxPart)) return;
  if (state.closed.has(peer) && m.seq > state.closed.get(peer)) { // a new message reopens a closed conversation
    state.closed.delete(peer);
    rememberClosed();
    renderSidebar();
  }
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

/** A refusal in the reader's language: by its code, never the server's English message alone. */
function errorText(m) {
  const key = `error.${m.code}`;
  return STRINGS.en[key] ? t(key, { message: m.message || "", detail: m.detail || "" }) : t("error.generic", { code: m.code });
}

/**
 * A refusal. One of a message sent here puts its text back in the box (after anything typed since), or, when the
 * message itself was fine (too many at once), keeps it in the list with a retry.
 */
function onError(m) {
  const p = m.id && state.pending.get(m.id);
  if (m.code === "overloaded" && p) return notice(t("pending.busy")); // the client sends it again by itself
  if (m.code === "not_found") m.detail = p ? p.key : m.message.replace(/^.*: /, "");
  notice(errorText(m));
  if (!p) return;
  if (TRANSIENT.has(m.code)) {
    p.failed = m.code;
  } else {
    state.pending.delete(m.id);
    if (isActive(p.kind, p.key)) {
      const box = $("composer-text");
      box.value = box.value.trim() ? `${p.text}\n${box.value}` : p.text;
      fitComposer();
    }
  }
  if (isActive(p.kind, p.key)) renderMessages();
}

// ---- actions ----

function joinRoom(name, show = true) {
  if (!state.sb.rooms.has(name)) state.sb.join(name);
  room(name);
  if (show) open({ kind: "room", name });
  else renderSidebar();
}

/** Leaves the open room for good (on every device: the server forgets the membership), or closes a conversation here. */
function leaveActive() {
  const a = state.active;
  if (!a) return;
  if (a.kind === "room") {
    state.sb.leave(a.name);
    state.rooms.delete(a.name);
  } else {
    const c = conversation(a.peer);
    state.closed.set(a.peer, Math.max(0, ...[...c.messages.values()].map((m) => m.seq)));
    rememberClosed();
  }
  for (const [id, p] of pendingOf(a.kind, a.kind === "room" ? a.name : a.peer)) state.pending.delete(id);
  const next = state.rooms.keys().next().value;
  if (next) open({ kind: "room", name: next });
  else { state.active = null; rememberActive(); renderTitle(); renderMessages(); renderSidebar(); renderMembers(); }
}

/**
 * Every connection's welcome lists the rooms this user is in (kept by the server, so they follow the user to every
 * device): join those not joined here. The first welcome also opens where this browser was last.
 */
function onWelcome(m) {
  const rooms = [...(m.rooms || []), ...(state.welcomed ? [] : legacyRooms())];
  localStorage.removeItem(ROOMS_KEY);
  if (!state.welcomed && rooms.length === 0 && state.rooms.size === 0) rooms.push("lobby"); // a first visit
  rooms.forEach((r) => joinRoom(r, false));
  if (state.welcomed) return;
  state.welcomed = true;
  const last = savedActive();
  if (last?.kind === "room" && state.rooms.has(last.name)) open(last);
  else if (last?.kind === "dm" && USER_NAME.test(last.peer || "")) open({ kind: "dm", peer: last.peer });
  else if (state.rooms.size) open({ kind: "room", name: state.rooms.keys().next().value });
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
    .on("welcome", onWelcome)
    .on("joined", onJoined)
    .on("gap", onGap)
    .on("presence", onPresence)
    .on("typing", onTyping)
    .on("error", onError)
    .on("ack", onAck)
    .on("signed-out", () => { $("chat").hidden = true; $("signin").hidden = false; });
  loadClosed();
  sb.connect();
  sb.join("@me");
}

/**
 * Stored. The server's copy usually follows and replaces the pending message; when it came already (a resend after
 * a reconnect of one delivered before it) the pending one goes now; else it waits for it, no longer "sending…".
 */
function onAck(m) {
  const p = state.pending.get(m.id);
  if (!p) return;
  const c = p.kind === "room" ? room(p.key) : conversation(p.key);
  if ([...c.messages.values()].some((x) => x.id === m.id && x.from === state.me)) state.pending.delete(m.id);
  else p.acked = true;
  if (isActive(p.kind, p.key)) renderMessages();
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

/** A name's problem in the reader's language, or "" when it is fine; the input keeps what was typed. */
function nameProblem(value, pattern, max, key) {
  if (!value) return "";
  if (value.length > max) return t(`${key}.tooLong`, { max, length: value.length });
  return pattern.test(value) ? "" : t(`${key}.invalid`, { max });
}

function hint(id, text) {
  $(id).textContent = text;
  $(id).hidden = !text;
}

$("join-room").addEventListener("input", () => hint("join-hint", nameProblem($("join-room").value.trim(), ROOM_NAME, 64, "rooms.name")));
$("dm-user").addEventListener("input", () => hint("dm-hint", nameProblem($("dm-user").value.trim(), USER_NAME, 32, "dms.name")));

$("join-form").addEventListener("submit", (e) => {
  e.preventDefault();
  const name = $("join-room").value.trim();
  const problem = nameProblem(name, ROOM_NAME, 64, "rooms.name");
  hint("join-hint", problem);
  if (!name || problem) return $("join-room").focus();
  joinRoom(name);
  $("join-room").value = "";
});

/** A direct conversation opens only with someone the server knows: asked before anything is typed. */
$("dm-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const peer = $("dm-user").value.trim();
  const problem = nameProblem(peer, USER_NAME, 32, "dms.name");
  hint("dm-hint", problem);
  if (!peer || problem) return $("dm-user").focus();
  const known = await fetch(`api/users/${encodeURIComponent(peer)}`, { cache: "no-store" }).then((r) => r.status, () => 0);
  if (known === 404) return hint("dm-hint", t("dms.unknown", { name: peer }));
  conversation(peer); // offline (0) or any other answer: the server decides when the message is sent
  $("dm-user").value = "";
  open({ kind: "dm", peer });
});

$("leave").addEventListener("click", leaveActive);

/** Sends text to a room or a person; it shows at once as pending, whatever the connection is doing. */
function sendText(kind, key, text) {
  const id = kind === "room" ? state.sb.send(key, text) : state.sb.direct(key, text);
  state.pending.set(id, { kind, key, text, ts: new Date().toISOString(), failed: null });
  if (isActive(kind, key)) {
    const list = $("messages");
    list.querySelector(".empty")?.remove();
    list.append(pendingItem(id, state.pending.get(id)));
    list.scrollTop = list.scrollHeight;
  }
}

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
  sendText(state.active.kind, state.active.kind === "room" ? state.active.name : state.active.peer, text);
  $("composer-text").value = "";
  fitComposer();
});

/** Enter sends, Shift+Enter starts a new line (and Enter while an input method is composing is the IME's). */
$("composer-text").addEventListener("keydown", (e) => {
  if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
    e.preventDefault();
    $("composer").requestSubmit();
  }
});

/** The box grows with its lines (up to the CSS max-height, then it scrolls) and counts bytes near the limit. */
function fitComposer() {
  const box = $("composer-text");
  box.style.height = "auto";
  box.style.height = `${box.scrollHeight + 2}px`;
  const bytes = utf8.encode(box.value.trim()).length;
  const count = $("composer-count");
  count.hidden = bytes < MAX_TEXT_BYTES * 0.8;
  count.textContent = t("composer.count", { bytes, limit: MAX_TEXT_BYTES });
  count.classList.toggle("over", bytes > MAX_TEXT_BYTES);
}

$("messages").addEventListener("scroll", () => { if (atBottom($("messages"))) hideJump(); });
$("jump").addEventListener("click", () => { $("messages").scrollTop = $("messages").scrollHeight; hideJump(); });

// ---- phone width: rooms and people are drawers over the conversation ----

function toggleDrawer(which) {
  const chat = $("chat");
  const open = !chat.classList.contains(`${which}-open`);
  closeDrawers();
  chat.classList.toggle(`${which}-open`, open);
  $(which === "rooms" ? "drawer-toggle" : "people-toggle").setAttribute("aria-expanded", String(open));
}

function closeDrawers() {
  $("chat").classList.remove("rooms-open", "people-open");
  $("drawer-toggle").setAttribute("aria-expanded", "false");
  $("people-toggle").setAttribute("aria-expanded", "false");
}

$("drawer-toggle").addEventListener("click", () => toggleDrawer("rooms"));
$("people-toggle").addEventListener("click", () => toggleDrawer("people"));
$("backdrop").addEventListener("click", closeDrawers);
document.addEventListener("keydown", (e) => { if (e.key === "Escape") closeDrawers(); });

$("attach").addEventListener("change", async () => {
  const file = $("attach").files[0];
  $("attach").value = "";
  if (!file || state.active?.kind !== "room") return;
  if (file.size > 1024 * 1024 - 1024) { notice(t("attachment.tooLarge", { name: file.name })); return; }
  await state.sb.sendFile(state.active.name, file);
});

let lastTyping = 0;
$("composer-text").addEventListener("input", () => {
  fitComposer();
  if (state.active?.kind === "room" && Date.now() - lastTyping > 2000) {
    state.sb.typing(state.active.name);
    lastTyping = Date.now();
  }
});

document.addEventListener("languagechange", () => {
  renderStatus(state.sb ? state.sb.status : "idle");
  renderTitle();
  renderSidebar();
  renderMembers();
  renderMessages();
});

languageSwitcher($("lang"));
applyTranslations();
whoAmI().then((user) => (user ? start(user) : showSignin())).catch(showSignin);
