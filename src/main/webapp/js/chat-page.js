// The chat page: rooms and direct conversations, history, presence, typing, unread counts and the
// connection's status; rooms with owners (private rooms, invitations, roles and moderation, edits and deletes, read
// markers kept by the server, the room directory). Everything a message carries is rendered with textContent, never as HTML.
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
/** Roles that moderate a room. */
const STAFF = new Set(["owner", "moderator"]);
/** What "Mute" does from the member list: ten minutes. */
const MUTE_SECONDS = 600;
/** A padlock (static markup, no data in it): private rooms in the sidebar and the header. */
const LOCK_SVG = '<svg aria-hidden="true" viewBox="0 0 24 24" width="12" height="12" fill="none" stroke="currentColor" '
  + 'stroke-width="2.2" stroke-linecap="round" stroke-linejoin="round"><rect x="5" y="11" width="14" height="10" rx="2"/>'
  + '<path d="M8 11V7a4 4 0 0 1 8 0v4"/></svg>';

const state = {
  sb: null,
  me: null,
  active: null, // { kind: "room", name } | { kind: "dm", peer }
  // A conversation's messages are keyed by part and seq: a gap (the server could not continue the stream's
  // history) starts a new part, whose seqs start over, shown after a gap notice.
  // room -> { messages: Map<"part:seq", m>, gaps: Set<part>, part, members: Set, unread, historyUpTo, latest, read,
  //           joined, role, roles: {user: role}, private, title, topic }. unread is the server's (joined.unread, then
  //           live messages from others after joined.seq); read the read marker; latest the newest seq seen in the room.
  // Stored moderation events are kept with the messages (shown as system lines); edits and deletes change them.
  rooms: new Map(),
  dms: new Map(), // peer -> { messages: Map<"part:seq", m>, gaps: Set<part>, unread }
  inboxUpTo: null,
  inboxPart: 0, // the part of @me (every direct conversation) direct messages arrive in now
  pending: new Map(), // client id -> { kind, key, text, ts, failed: code | null }: sent, not yet back from the server
  closed: new Map(), // peer -> seq: direct conversations closed here, until a message after that seq comes
  welcomed: false,
  invites: new Map(), // room -> who invited this user: pending invitations (welcome.invites, then live invited items)
  creating: new Set(), // rooms asked for as private here, until their joined says what they are
  memberMenu: null, // the user whose moderation actions are open in the member list
  reasons: new Map(), // user -> reason typed in their moderation actions
  editing: null, // { room, key: "part:seq", draft }: the message being edited here
  confirming: null, // { room, key }: the message whose delete waits for a confirmation
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
    state.rooms.set(name, { messages: new Map(), gaps: new Set(), part: 0, members: new Set(), unread: 0, historyUpTo: null,
      latest: null, read: null, joined: false, role: null, roles: {}, private: false, title: null, topic: null });
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
  if (m.type === "moderation" || m.type === "notice") return systemItem(m);
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
  if (m.deleted) {
    li.classList.add("deleted");
    const tomb = document.createElement("p");
    tomb.className = "tombstone";
    tomb.textContent = t("message.deleted");
    li.append(head, tomb);
    return li;
  }
  if (m.edited) {
    const mark = document.createElement("span");
    mark.className = "edited";
    mark.textContent = t("message.edited");
    head.append(mark);
  }
  const key = `${m.part}:${m.seq}`;
  const editing = state.editing && state.editing.room === m.room && state.editing.key === key;
  const actions = editing ? null : messageActions(m, key);
  if (actions) {
    head.append(actions);
    li.tabIndex = -1; // a tap (or a click) on the message shows its actions on a touch screen, where nothing hovers
  }
  li.append(head, editing ? editForm(m, key) : m.attachment ? attachmentView(m.attachment) : textView(m.text));
  return li;
}

/** Edit and delete, on a room's stored message: one's own (edit: text only), anyone's for the owner and moderators. */
function messageActions(m, key) {
  const r = m.room && m.room !== "@me" ? state.rooms.get(m.room) : null;
  if (!r || !Number.isFinite(m.seq)) return null;
  const mine = m.from === state.me;
  const mayEdit = mine && !m.attachment;
  const mayDelete = mine || STAFF.has(r.role);
  if (!mayEdit && !mayDelete) return null;
  const box = document.createElement("span");
  box.className = "msg-actions";
  if (state.confirming && state.confirming.room === m.room && state.confirming.key === key) {
    box.classList.add("confirming");
    const question = document.createElement("span");
    question.textContent = t("message.confirmDelete");
    const yes = smallButton(t("message.delete"), "confirm-delete", `confirm:${key}`, () => deleteMessage(m, key));
    const no = smallButton(t("message.cancel"), "cancel-delete", `cancel:${key}`, () => {
      state.confirming = null;
      refreshMessage(m);
      focusKey(`delete:${key}`);
    });
    box.append(question, yes, no);
    return box;
  }
  if (mayEdit) {
    const edit = smallButton(t("message.edit"), "edit", `edit:${key}`, () => {
      state.editing = { room: m.room, key, draft: m.text };
      state.confirming = null;
      refreshMessage(m);
      focusKey(`editbox:${key}`);
    });
    edit.setAttribute("aria-label", t("message.editLabel"));
    box.append(edit);
  }
  if (mayDelete) {
    const del = smallButton(t("message.delete"), "delete", `delete:${key}`, () => {
      state.confirming = { room: m.room, key };
      refreshMessage(m);
      focusKey(`confirm:${key}`);
    });
    del.setAttribute("aria-label", t("message.deleteLabel", { from: m.from }));
    box.append(del);
  }
  return box;
}

function smallButton(text, className, focus, onClick) {
  const b = document.createElement("button");
  b.type = "button";
  b.className = `secondary small ${className}`;
  b.textContent = text;
  b.dataset.focusKey = focus;
  b.addEventListener("click", onClick);
  return b;
}

/** The message's text in a box: Enter (or Save) stores it, Escape (or Cancel) leaves it as it was. */
function editForm(m, key) {
  const form = document.createElement("form");
  form.className = "edit-form";
  const box = document.createElement("textarea");
  box.rows = 2;
  box.value = state.editing.draft;
  box.dataset.focusKey = `editbox:${key}`;
  box.setAttribute("aria-label", t("message.editBox"));
  box.addEventListener("input", () => { if (state.editing) state.editing.draft = box.value; });
  const cancel = () => {
    state.editing = null;
    refreshMessage(m);
    focusKey(`edit:${key}`);
  };
  box.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); form.requestSubmit(); }
    if (e.key === "Escape") { e.preventDefault(); e.stopPropagation(); cancel(); }
  });
  const save = document.createElement("button");
  save.type = "submit";
  save.className = "small";
  save.textContent = t("message.save");
  const no = smallButton(t("message.cancel"), "cancel-edit", `canceledit:${key}`, cancel);
  form.append(box, save, no);
  form.addEventListener("submit", (e) => { e.preventDefault(); saveEdit(m, key, box.value); });
  return form;
}

/** A stored moderation event as a line of the conversation; a ban offers its lifting to the room's staff. */
function systemItem(m) {
  const li = document.createElement("li");
  li.className = "system";
  li.setAttribute("role", "note");
  li.dataset.part = m.part;
  li.dataset.seq = m.seq;
  li.dataset.day = dayOf(m.ts);
  const text = document.createElement("span");
  text.className = "system-text";
  text.textContent = m.type === "notice" ? t("notice.room", { text: m.text }) : moderationText(m);
  const time = document.createElement("time");
  time.dateTime = m.ts;
  time.textContent = new Date(m.ts).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  time.title = new Date(m.ts).toLocaleString([], { dateStyle: "full", timeStyle: "medium" });
  li.append(text, time);
  const r = state.rooms.get(m.room);
  if (m.action === "ban" && r && STAFF.has(r.role) && m.user !== state.me && r.roles[m.user] !== "owner") {
    const lift = smallButton(t("mod.unbanButton"), "unban", `unban:${m.part}:${m.seq}`, () =>
      state.sb.unban(m.room, m.user).catch((err) => notice(requestError("unban", err, { user: m.user, room: m.room }))));
    lift.setAttribute("aria-label", t("mod.unbanLabel", { user: m.user }));
    li.append(lift);
  }
  return li;
}

/** A duration in the reader's language: 600 → "10 min". */
function duration(seconds) {
  if (seconds % 86400 === 0) return t("duration.d", { n: seconds / 86400 });
  if (seconds % 3600 === 0) return t("duration.h", { n: seconds / 3600 });
  if (seconds % 60 === 0) return t("duration.min", { n: seconds / 60 });
  return t("duration.s", { n: seconds });
}

/** What a moderation event says, e.g. "alice removed bob (off topic)". */
function moderationText(m) {
  const v = { by: m.by, user: m.user ?? "", title: m.title ?? "", topic: m.topic ?? "" };
  let text;
  switch (m.action) {
    case "kick": text = t("mod.kick", v); break;
    case "ban": text = t("mod.ban", v); break;
    case "unban": text = t("mod.unban", v); break;
    case "mute": text = m.seconds > 0 ? t("mod.mute", { ...v, duration: duration(m.seconds) }) : t("mod.unmute", v); break;
    case "role": text = t(m.role === "moderator" ? "mod.promote" : "mod.demote", v); break;
    case "title":
      if (m.title != null && m.topic != null) text = t(m.title || m.topic ? "mod.titleTopic" : "mod.aboutCleared", v);
      else if (m.title != null) text = t(m.title ? "mod.title" : "mod.titleCleared", v);
      else text = t(m.topic ? "mod.topic" : "mod.topicCleared", v);
      break;
    default: text = t("mod.other", { by: m.by, action: m.action });
  }
  return m.reason ? t("mod.withReason", { text, reason: m.reason }) : text;
}

/** Moves the focus to the element marked with this key, when there is one. */
function focusKey(key) {
  document.querySelector(`[data-focus-key="${CSS.escape(key)}"]`)?.focus();
}

/** Runs a redraw and gives the focus back to the element that had it (found again by its data-focus-key). */
function keepFocus(redraw) {
  const had = document.activeElement;
  const key = had?.dataset?.focusKey;
  const selection = key && typeof had.selectionStart === "number" ? [had.selectionStart, had.selectionEnd] : null;
  redraw();
  if (!key || document.activeElement === had && had.isConnected) return;
  const again = document.querySelector(`[data-focus-key="${CSS.escape(key)}"]`);
  if (!again) return;
  again.focus();
  if (selection && again.setSelectionRange) again.setSelectionRange(...selection);
}

/** Draws one message again where it is (an edit, a delete, its actions), when its conversation is open. */
function refreshMessage(m) {
  if (!isActive("room", m.room)) return;
  const li = $("messages").querySelector(`li[data-part="${m.part}"][data-seq="${m.seq}"]:not(.day)`);
  if (li) keepFocus(() => li.replaceWith(messageItem(m)));
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
  keepFocus(() => list.replaceChildren(...items));
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
  const previous = before && before.dataset.day ? before : null; // a stored message or system line: it has a day
  if (after && !after.dataset.pending) return renderMessages(); // history filled in before others: lay it out again
  if (!previous || previous.dataset.day !== dayOf(m.ts)) list.insertBefore(dayItem(m.ts), after || null);
  list.insertBefore(messageItem(m), after || null);
  if (bottom || m.from === state.me) { list.scrollTop = list.scrollHeight; markSeen(); }
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

function conversationButton(label, unread, active, onClick, testId, isPrivate = false) {
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
  if (isPrivate) {
    const lock = document.createElement("span");
    lock.className = "lock";
    lock.setAttribute("role", "img");
    lock.setAttribute("aria-label", t("room.private"));
    lock.title = t("room.private");
    lock.innerHTML = LOCK_SVG;
    b.append(lock);
  }
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
    conversationButton(`#${name}`, r.unread, isActive("room", name), () => open({ kind: "room", name }), `room-${name}`, r.private)));
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
  const a = state.active;
  const r = a?.kind === "room" ? room(a.name) : null;
  const staff = Boolean(r && STAFF.has(r.role));
  $("invite-form").hidden = !staff;
  if (!staff) hint("invite-hint", "");
  if (!r) return list.replaceChildren();
  keepFocus(() => list.replaceChildren(...[...r.members].sort().map((u) => memberItem(a.name, r, u))));
}

/** Whether this user may moderate `user` in the room: staff acts on others, never on the owner; on moderators only the owner. */
function mayModerate(r, user) {
  if (user === state.me || !STAFF.has(r.role)) return false;
  const theirs = r.roles[user];
  return theirs !== "owner" && (theirs !== "moderator" || r.role === "owner");
}

/** A person here now: their name, their role's badge, and for the room's staff a menu of what they may do to them. */
function memberItem(name, r, u) {
  const li = document.createElement("li");
  li.dataset.testid = `member-${u}`;
  const who = document.createElement("span");
  who.className = "who";
  who.textContent = u === state.me ? `${u} (${t("you")})` : u;
  who.title = u;
  li.append(who);
  const role = r.roles[u];
  if (role === "owner" || role === "moderator") {
    const badge = document.createElement("span");
    badge.className = `role-badge role-${role}`;
    badge.textContent = t(`role.${role}`);
    li.append(badge);
  }
  if (!mayModerate(r, u)) return li;
  const open = state.memberMenu === u;
  const menuId = `member-actions-${u}`;
  const toggle = document.createElement("button");
  toggle.type = "button";
  toggle.className = "secondary small member-menu";
  toggle.textContent = "⋯";
  toggle.dataset.focusKey = `menu:${u}`;
  toggle.setAttribute("aria-label", t("member.actions", { user: u }));
  toggle.setAttribute("aria-expanded", String(open));
  toggle.setAttribute("aria-controls", menuId);
  toggle.addEventListener("click", () => {
    state.memberMenu = open ? null : u;
    renderMembers();
    focusKey(open ? `menu:${u}` : `reason:${u}`);
  });
  li.append(toggle);
  const group = document.createElement("div");
  group.className = "member-actions";
  group.id = menuId;
  group.hidden = !open;
  group.setAttribute("role", "group");
  group.setAttribute("aria-label", t("member.actions", { user: u }));
  group.addEventListener("keydown", (e) => {
    if (e.key !== "Escape") return;
    e.stopPropagation();
    state.memberMenu = null;
    renderMembers();
    focusKey(`menu:${u}`);
  });
  const reason = document.createElement("input");
  reason.className = "reason";
  reason.maxLength = 500;
  reason.value = state.reasons.get(u) || "";
  reason.placeholder = t("member.reason");
  reason.setAttribute("aria-label", t("member.reasonLabel", { user: u }));
  reason.dataset.focusKey = `reason:${u}`;
  reason.addEventListener("input", () => state.reasons.set(u, reason.value));
  group.append(reason);
  const act = (action, text) => {
    const b = smallButton(text, `act-${action}`, `${action}:${u}`, () => moderate(name, u, action));
    b.dataset.action = action;
    group.append(b);
  };
  act("kick", t("member.kick"));
  act("ban", t("member.ban"));
  act("mute", t("member.mute"));
  act("unmute", t("member.unmute"));
  if (r.role === "owner") role === "moderator" ? act("demote", t("member.demote")) : act("promote", t("member.promote"));
  li.append(group);
  return li;
}

/** One moderation request from the member list; its stored event shows in the conversation, a refusal as a notice. */
async function moderate(name, user, action) {
  const reason = (state.reasons.get(user) || "").trim() || undefined;
  const sb = state.sb;
  const requests = {
    kick: () => sb.kick(name, user, reason),
    ban: () => sb.ban(name, user, reason),
    mute: () => sb.mute(name, user, MUTE_SECONDS),
    unmute: () => sb.mute(name, user, 0),
    promote: () => sb.setRole(name, user, "moderator"),
    demote: () => sb.setRole(name, user, "member"),
  };
  try {
    await requests[action]();
    state.reasons.delete(user);
    if (state.memberMenu === user) state.memberMenu = null;
    renderMembers();
    if (document.activeElement === document.body) focusKey(`menu:${user}`);
  } catch (err) {
    notice(requestError(action, err, { user, room: name }));
  }
}

function renderTitle() {
  const title = !state.active ? "" : state.active.kind === "room" ? `#${state.active.name}` : `@${state.active.peer}`;
  $("conversation-title").textContent = title;
  $("conversation-title").title = title;
  renderAbout();
  $("leave").hidden = !state.active;
  $("leave").textContent = state.active?.kind === "dm" ? t("conversation.close") : t("room.leave");
  // attachments go to rooms only (the protocol has none for direct messages): no button where it would do nothing
  $("attach").disabled = state.active?.kind !== "room";
  document.querySelector(".attach-button").hidden = state.active?.kind !== "room";
}

/** A room's title and topic under its name, "private" beside it, and for its staff the button that edits them. */
function renderAbout() {
  const a = state.active;
  const r = a?.kind === "room" ? room(a.name) : null;
  $("room-private").hidden = !r?.private;
  $("room-title").textContent = r?.title || "";
  $("room-topic").textContent = r?.topic || "";
  $("room-about").hidden = !r || (!r.title && !r.topic);
  $("edit-about").hidden = !r || !STAFF.has(r.role);
  $("edit-about").title = t("about.edit");
  if (!r || !STAFF.has(r.role)) $("about-form").hidden = true;
}

function renderStatus(s) {
  $("status").dataset.state = s;
  $("status").textContent = t(`status.${s}`);
}

let noticeSource = null; // { key, vars } of a notice said with noticeT: said again in a newly chosen language

function notice(text) {
  noticeSource = null;
  $("notice").textContent = text;
  $("notice").hidden = !text;
}

/** A notice by its string key, so that it follows a change of language. */
function noticeT(key, vars = {}) {
  notice(t(key, vars));
  noticeSource = { key, vars };
}

function open(target) {
  state.active = target;
  state.memberMenu = null;
  state.confirming = null;
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
  $("about-form").hidden = true;
  $("composer-text").focus();
  markSeen();
}

// ---- protocol events ----

/** The server's copy of a message sent here: the pending one gives way to it. */
function arrived(m) {
  if (m.from !== state.me || !m.id || !state.pending.delete(m.id)) return;
  document.querySelector(`[data-pending="${CSS.escape(m.id)}"]`)?.remove();
}

/** The newest seq seen in a room's current history: what "read up to here" means. */
function seen(r, seq) {
  if (seq > (r.latest ?? 0)) r.latest = seq;
}

function onMessage(m) {
  if (!state.rooms.has(m.room)) return; // a room left or removed here meanwhile
  const r = room(m.room);
  arrived(m);
  seen(r, m.seq);
  if (!keep(r, m, r.part)) return;
  if (isActive("room", m.room) && typingUser === m.from) endTyping(); // their message came: they stopped typing
  if (isActive("room", m.room)) appendMessage(m);
  else if (m.seq > r.historyUpTo && m.from !== state.me) { r.unread++; renderSidebar(); }
}

/** Live (with its bytes, shown from a local copy) or from history (the server's URL, for the room's members). */
function onAttachment({ header, bytes }) {
  const url = bytes ? URL.createObjectURL(new Blob([bytes], { type: header.mime })) : header.url;
  onMessage({ room: header.room, seq: header.seq, from: header.from, ts: header.ts, id: header.id,
    attachment: { name: header.name, mime: header.mime, url } });
}

/** A stored moderation event: a system line; a live one also changes what the page knows of the room. */
function onModeration(m) {
  if (!state.rooms.has(m.room)) return;
  const r = room(m.room);
  seen(r, m.seq);
  if (!keep(r, m, r.part)) return;
  if (m.seq > r.historyUpTo) { // replayed ones are in joined's picture already
    if (m.action === "role" && m.user) {
      if (m.role === "moderator") r.roles[m.user] = "moderator"; else delete r.roles[m.user];
      if (m.user === state.me) r.role = m.role;
    } else if ((m.action === "kick" || m.action === "ban") && m.user) {
      delete r.roles[m.user];
    } else if (m.action === "title") {
      if (m.title != null) r.title = m.title || null;
      if (m.topic != null) r.topic = m.topic || null;
    }
  }
  if (!isActive("room", m.room)) return;
  appendMessage(m);
  renderAbout();
  renderMembers();
  if (m.action === "role" && m.user === state.me) renderMessages(); // delete buttons on others' messages come or go
}

/** An operator's notice: in a room, a line of its history; to everyone, the notice bar. */
function onNotice(m) {
  if (!m.room) return noticeT("notice.everyone", { text: m.text, by: m.by || "" });
  if (!state.rooms.has(m.room)) return;
  const r = room(m.room);
  seen(r, m.seq);
  if (keep(r, m, r.part) && isActive("room", m.room)) appendMessage(m);
}

/** The message an edit or delete refers to, when it is on screen (its history may be older than what was replayed). */
function original(m) {
  const r = state.rooms.get(m.room);
  if (!r) return null;
  seen(r, m.seq);
  return r.messages.get(`${r.part}:${m.of}`) || null;
}

function onEdit(m) {
  const target = original(m);
  if (!target || target.deleted) return;
  target.text = m.text;
  target.edited = true;
  refreshMessage(target);
}

function onDelete(m) {
  const target = original(m);
  if (!target) return;
  target.deleted = true;
  target.deletedBy = m.by;
  const key = `${target.part}:${target.seq}`;
  const wasHere = document.activeElement?.closest?.("li")?.dataset.seq === String(target.seq);
  if (state.editing?.room === m.room && state.editing.key === key) state.editing = null;
  if (state.confirming?.room === m.room && state.confirming.key === key) state.confirming = null;
  refreshMessage(target);
  if (wasHere && document.activeElement === document.body) $("composer-text").focus();
}

/** Another device of this user read a room this far: its badge here follows. */
function onRead(m) {
  const r = state.rooms.get(m.room);
  if (!r) return;
  if (r.read != null && m.seq <= r.read) return;
  r.read = m.seq;
  if (isActive("room", m.room)) return;
  const said = [...r.messages.values()].filter((x) => x.part === r.part && x.type !== "moderation");
  if (r.latest == null || m.seq >= r.latest) r.unread = 0;
  else if (said.length && m.seq >= Math.min(...said.map((x) => x.seq)) - 1) { // every message after it is here: count them
    r.unread = said.filter((x) => x.seq > m.seq && x.from !== state.me).length;
  }
  renderSidebar();
}

/** Removed from a room (kicked or banned): it leaves the sidebar, with a notice saying who did it. */
function onLeft(m) {
  if (!m.reason || !state.rooms.has(m.room)) return;
  dropRoom(m.room);
  if (m.reason === "closed") return noticeT(m.message ? "removed.closedWhy" : "removed.closed", { by: m.by || "", room: m.room, message: m.message || "" });
  noticeT(m.reason === "banned" ? "removed.banned" : "removed.kicked", { by: m.by || "", room: m.room });
}

/** The server refused to join a room (private, or a ban): it leaves the sidebar, with the reason. */
function onJoinRefused({ room: name, reason }) {
  state.creating.delete(name);
  if (!state.rooms.has(name)) return;
  dropRoom(name);
  noticeT(reason === "banned" ? "join.banned" : "join.private", { room: name });
}

/** A join refused because an operator closed the room: the client stops rejoining it, and it leaves the sidebar. */
function onRoomClosed(m) {
  const name = /^(\S+) is closed/.exec(m.message || "")?.[1];
  if (!name) return notice(errorText(m));
  state.creating.delete(name);
  if (state.sb.rooms.has(name)) state.sb.leave(name); // its not_joined answer carries no id: not shown
  if (state.rooms.has(name)) dropRoom(name);
  noticeT("join.closed", { room: name });
}

/** Forgets a room here (the client forgot it already) and opens another conversation when it was the open one. */
function dropRoom(name) {
  const wasActive = isActive("room", name);
  state.rooms.delete(name);
  for (const [id, p] of pendingOf("room", name)) state.pending.delete(id);
  if (state.editing?.room === name) state.editing = null;
  if (!wasActive) return renderSidebar();
  const next = state.rooms.keys().next().value;
  if (next) open({ kind: "room", name: next });
  else { state.active = null; rememberActive(); renderTitle(); renderMessages(); renderSidebar(); renderMembers(); }
}

/** An invitation in the inbox: one that came now (replayed ones were in welcome.invites, if still open). */
function onInvited(m) {
  if (state.inboxUpTo === null || m.seq <= state.inboxUpTo || state.rooms.has(m.target)) return;
  state.invites.set(m.target, m.by);
  renderInvites();
  announce(t("invites.new", { by: m.by, room: m.target }));
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
  // A room's unread count is the server's (joined.unread, from the user's read marker), so what any join replays is
  // counted already; @me (direct messages, counted here): what the first join replays is history, what a later rejoin
  // replays was missed, unread.
  if (m.room === "@me") {
    state.inboxUpTo ??= m.seq;
    return;
  }
  if (!state.rooms.has(m.room)) return;
  const r = room(m.room);
  r.members = new Set(m.members);
  r.joined = true;
  seen(r, m.seq);
  if (typeof m.unread === "number") {
    // the server's count (messages from others after this user's read marker, on any device); what the join replays
    // is in it, so only what comes after joined's seq is counted here
    r.historyUpTo = m.seq;
    r.unread = isActive("room", m.room) ? 0 : m.unread;
    r.read = m.read ?? r.read;
    r.role = m.role ?? null;
    r.roles = { ...(m.roles || {}) };
    r.private = Boolean(m.private);
    r.title = m.title ?? null;
    r.topic = m.topic ?? null;
  } else {
    r.historyUpTo ??= m.seq;
  }
  if (state.creating.delete(m.room) && !m.private) noticeT("rooms.existsPublic", { room: m.room });
  state.invites.delete(m.room);
  renderInvites();
  renderSidebar();
  if (isActive("room", m.room)) {
    renderTitle();
    renderMembers();
    markSeen();
  }
}

/**
 * The open room is seen up to its newest item when the tab is visible and the list is at its end: the read marker
 * (kept by the server for every device of this user) moves there. The client sends it debounced, and only forward.
 */
function markSeen() {
  const a = state.active;
  if (!a || a.kind !== "room" || document.visibilityState !== "visible") return;
  const r = state.rooms.get(a.name);
  if (!r || !r.joined || !r.latest || (r.read != null && r.latest <= r.read)) return;
  if (!atBottom($("messages"))) return;
  r.read = r.latest;
  state.sb.markRead(a.name, r.latest);
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
    r.latest = 0; // a new history counts from 1 again
    r.read = null;
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
  const muted = m.code === "forbidden" && /^you are muted in \S+ until (\S+)$/.exec(m.message || "");
  if (muted) return t("error.muted", { until: new Date(muted[1]).toLocaleString([], { dateStyle: "medium", timeStyle: "short" }) });
  const key = `error.${m.code}`;
  return STRINGS.en[key] ? t(key, { message: m.message || "", detail: m.detail || "" }) : t("error.generic", { code: m.code });
}

/**
 * A refusal. One of a message sent here puts its text back in the box (after anything typed since), or, when the
 * message itself was fine (too many at once), keeps it in the list with a retry.
 */
function onError(m) {
  if (state.sb.isRequest(m.id)) return; // a request's: its caller says what went wrong
  // typing and read markers carry no id: their not_joined comes from a room left (or removed from) a moment
  // before they arrived, which the page already says; nothing the user did failed
  if (m.code === "not_joined" && !m.id) return;
  if (m.code === "room_closed" && !m.id) return onRoomClosed(m);
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

/** Joins (or, `isPrivate`, creates as a private room when it is new) and opens a room. */
function joinRoom(name, show = true, { isPrivate = false } = {}) {
  if (!state.sb.rooms.has(name)) {
    if (isPrivate) state.creating.add(name);
    state.sb.join(name, { private: isPrivate });
  }
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
  state.invites = new Map((m.invites || []).filter((i) => !state.rooms.has(i.room)).map((i) => [i.room, i.by]));
  renderInvites();
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
    .on("moderation", onModeration)
    .on("notice", onNotice)
    .on("edit", onEdit)
    .on("delete", onDelete)
    .on("read", onRead)
    .on("left", onLeft)
    .on("join-refused", onJoinRefused)
    .on("invited", onInvited)
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
  joinRoom(name, true, { isPrivate: $("join-private").checked });
  $("join-room").value = "";
  $("join-private").checked = false;
  joinLabel();
});

/** "Join" becomes "Create" while "private" is ticked: a private room is made new, an existing one is joined as it is. */
function joinLabel() {
  const button = $("join-form").querySelector("button[type=submit]");
  button.dataset.i18n = $("join-private").checked ? "rooms.create" : "rooms.join";
  button.textContent = t(button.dataset.i18n);
}
$("join-private").addEventListener("change", joinLabel);

// ---- rooms with owners: invitations, the member list's invite field, title and topic, edits, the directory ----

/** Says something to screen readers without moving the focus (a polite live region). */
function announce(text) {
  $("announce").textContent = "";
  requestAnimationFrame(() => { $("announce").textContent = text; });
}

/**
 * A refused request in the reader's language: by its action and code when there is a text for that ("invite.conflict"),
 * else by its code alone.
 */
function requestError(action, err, vars = {}) {
  const key = `${action}.${err.code}`;
  if (STRINGS.en[key]) return t(key, vars);
  return errorText({ code: err.code, message: err.message, detail: vars.user || vars.room || "" });
}

function renderInvites() {
  $("invites-section").hidden = state.invites.size === 0;
  keepFocus(() => $("invites").replaceChildren(...[...state.invites].map(([name, by]) => {
    const li = document.createElement("li");
    li.dataset.testid = `invite-${name}`;
    const what = document.createElement("span");
    what.className = "invite-what";
    const strong = document.createElement("strong");
    strong.textContent = `#${name}`;
    strong.title = `#${name}`;
    const from = document.createElement("span");
    from.className = "hint";
    from.textContent = t("invites.from", { by });
    what.append(strong, " ", from);
    const yes = smallButton(t("invites.accept"), "accept", `accept:${name}`, () => answerInvite(name, true));
    yes.classList.remove("secondary");
    yes.setAttribute("aria-label", t("invites.acceptLabel", { room: name, by }));
    const no = smallButton(t("invites.decline"), "decline", `decline:${name}`, () => answerInvite(name, false));
    no.setAttribute("aria-label", t("invites.declineLabel", { room: name, by }));
    li.append(what, yes, no);
    return li;
  })));
}

/** Accept joins and opens the room; decline drops the invitation. One that is gone already is dropped with a notice. */
async function answerInvite(name, yes) {
  try {
    await (yes ? state.sb.accept(name) : state.sb.decline(name));
    state.invites.delete(name);
    renderInvites();
    if (yes) joinRoom(name);
    else { announce(t("invites.declined", { room: name })); $("join-room").focus(); }
  } catch (err) {
    if (err.code === "not_found") { state.invites.delete(name); renderInvites(); }
    notice(requestError(yes ? "accept" : "decline", err, { room: name }));
  }
}

$("invite-user").addEventListener("input", () => hint("invite-hint", nameProblem($("invite-user").value.trim(), USER_NAME, 32, "dms.name")));

$("invite-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const a = state.active;
  if (a?.kind !== "room") return;
  const user = $("invite-user").value.trim();
  const problem = nameProblem(user, USER_NAME, 32, "dms.name");
  $("invite-hint").classList.remove("ok");
  hint("invite-hint", problem);
  if (!user || problem) return $("invite-user").focus();
  try {
    await state.sb.invite(a.name, user);
    $("invite-user").value = "";
    $("invite-hint").classList.add("ok");
    hint("invite-hint", t("invite.sent", { user, room: a.name }));
  } catch (err) {
    hint("invite-hint", requestError("invite", err, { user, room: a.name }));
    $("invite-user").focus();
  }
});

$("edit-about").addEventListener("click", () => {
  const a = state.active;
  if (a?.kind !== "room") return;
  const r = room(a.name);
  $("about-title").value = r.title || "";
  $("about-topic").value = r.topic || "";
  $("about-form").hidden = false;
  $("edit-about").setAttribute("aria-expanded", "true");
  $("about-title").focus();
});

function closeAbout() {
  $("about-form").hidden = true;
  $("edit-about").setAttribute("aria-expanded", "false");
  $("edit-about").focus();
}

$("about-cancel").addEventListener("click", closeAbout);
$("about-form").addEventListener("keydown", (e) => { if (e.key === "Escape") { e.stopPropagation(); closeAbout(); } });
$("about-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const a = state.active;
  if (a?.kind !== "room") return;
  try {
    await state.sb.setTitle(a.name, { title: $("about-title").value.trim(), topic: $("about-topic").value.trim() });
    closeAbout();
  } catch (err) {
    notice(requestError("title", err, { room: a.name }));
  }
});

/** Stores an edit; the page shows it at once (the server's edit event, to everyone, says the same). */
async function saveEdit(m, key, value) {
  const text = value.trim();
  if (!text || text === m.text) { // nothing changed: as Cancel
    state.editing = null;
    refreshMessage(m);
    return focusKey(`edit:${key}`);
  }
  const bytes = utf8.encode(text).length;
  if (bytes > MAX_TEXT_BYTES) return notice(t("composer.tooLong", { bytes, limit: MAX_TEXT_BYTES }));
  try {
    await state.sb.edit(m.room, m.seq, text);
    m.text = text;
    m.edited = true;
    state.editing = null;
    refreshMessage(m);
    focusKey(`edit:${key}`);
  } catch (err) {
    notice(requestError("edit", err, { room: m.room }));
  }
}

async function deleteMessage(m, key) {
  try {
    await state.sb.delete(m.room, m.seq);
    m.deleted = true;
    state.confirming = null;
    refreshMessage(m);
    $("composer-text").focus();
  } catch (err) {
    notice(requestError("delete", err, { room: m.room }));
  }
}

/** The room directory: public rooms (GET api/rooms), each with a button that joins it or opens it. */
async function showDirectory() {
  closeDrawers();
  const dialog = $("directory");
  if (!dialog.open) dialog.showModal();
  $("directory-status").textContent = t("directory.loading");
  $("directory-list").replaceChildren();
  let rooms;
  try {
    const r = await fetch("api/rooms", { cache: "no-store" });
    if (!r.ok) throw Object.assign(new Error(), { status: r.status });
    rooms = await r.json();
  } catch (err) {
    $("directory-status").textContent = t("directory.failed", { status: err.status || "–" });
    return;
  }
  $("directory-status").textContent = rooms.length ? t("directory.count", { count: rooms.length }) : t("directory.empty");
  $("directory-list").replaceChildren(...rooms.map((d) => {
    const li = document.createElement("li");
    li.dataset.testid = `directory-${d.room}`;
    const about = document.createElement("div");
    about.className = "directory-about";
    const name = document.createElement("strong");
    name.textContent = `#${d.room}`;
    name.title = `#${d.room}`;
    about.append(name);
    if (d.title) {
      const title = document.createElement("span");
      title.className = "directory-title";
      title.textContent = d.title;
      about.append(title);
    }
    if (d.topic) {
      const topic = document.createElement("span");
      topic.className = "hint";
      topic.textContent = d.topic;
      about.append(topic);
    }
    const facts = document.createElement("span");
    facts.className = "hint";
    facts.textContent = t("directory.members", { count: d.members })
      + (d.last ? ` · ${t("directory.last", { when: new Date(d.last).toLocaleString([], { dateStyle: "medium", timeStyle: "short" }) })}` : "");
    about.append(facts);
    const here = state.rooms.has(d.room);
    const go = smallButton(t(here ? "directory.open" : "directory.join"), "directory-join", `directory:${d.room}`, () => {
      dialog.close();
      joinRoom(d.room);
    });
    if (!here) go.classList.remove("secondary");
    go.setAttribute("aria-label", t(here ? "directory.openLabel" : "directory.joinLabel", { room: d.room }));
    li.append(about, go);
    return li;
  }));
}

$("browse").addEventListener("click", showDirectory);
$("directory-refresh").addEventListener("click", showDirectory);
$("directory-close").addEventListener("click", () => $("directory").close());
$("directory").addEventListener("close", () => { if (!state.active) $("browse").focus(); });
document.addEventListener("visibilitychange", markSeen);

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

$("messages").addEventListener("scroll", () => { if (atBottom($("messages"))) { hideJump(); markSeen(); } });
$("jump").addEventListener("click", () => { $("messages").scrollTop = $("messages").scrollHeight; hideJump(); markSeen(); });

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
  renderInvites();
  joinLabel();
  if (noticeSource) noticeT(noticeSource.key, noticeSource.vars);
  if ($("directory").open) showDirectory();
});

languageSwitcher($("lang"));
applyTranslations();
whoAmI().then((user) => (user ? start(user) : showSignin())).catch(showSignin);
