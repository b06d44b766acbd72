// The minimal chat page: sign in, join a room, see members, typing and messages; send.
import { Switchboard, signIn, whoAmI } from "./switchboard.js";

const $ = (id) => document.getElementById(id);
let sb = null;
let room = null;
const members = new Set();
let typingTimer = null;

function show(m) {
  if (m.room !== room) return;
  const li = document.createElement("li");
  const who = document.createElement("strong");
  who.textContent = m.from; // textContent: whatever a message holds is shown as text
  const time = document.createElement("time");
  time.dateTime = m.ts;
  time.textContent = new Date(m.ts).toLocaleTimeString();
  const text = document.createElement("span");
  text.textContent = m.text;
  li.append(who, " ", time, " ", text);
  li.dataset.seq = m.seq;
  $("messages").append(li);
  li.scrollIntoView({ block: "end" });
}

function renderMembers() {
  $("members").replaceChildren(...[...members].sort().map((u) => {
    const li = document.createElement("li");
    li.textContent = u;
    return li;
  }));
}

function start(user) {
  $("signin").hidden = true;
  $("chat").hidden = false;
  sb = new Switchboard();
  sb.on("status", (s) => { $("status").textContent = `${user} · ${s}`; });
  sb.on("joined", (m) => {
    if (m.room !== room) return;
    members.clear();
    m.members.forEach((u) => members.add(u));
    renderMembers();
  });
  sb.on("presence", (m) => {
    if (m.room !== room) return;
    if (m.event === "join") members.add(m.user); else members.delete(m.user);
    renderMembers();
  });
  sb.on("message", show);
  sb.on("typing", (m) => {
    if (m.room !== room) return;
    $("typing").textContent = `${m.user} is typing…`;
    clearTimeout(typingTimer);
    typingTimer = setTimeout(() => { $("typing").textContent = ""; }, 3000);
  });
  sb.on("error", (m) => { $("typing").textContent = m.message; });
  sb.on("signed-out", () => { $("chat").hidden = true; $("signin").hidden = false; });
  sb.connect();
  joinRoom($("room").value);
}

function joinRoom(name) {
  if (room) sb.leave(room);
  room = name;
  $("room-title").textContent = `#${name}`;
  $("messages").replaceChildren();
  sb.join(name);
}

$("signin").addEventListener("submit", async (e) => {
  e.preventDefault();
  try {
    const s = await signIn($("name").value);
    start(s.user);
  } catch (err) {
    $("signin-error").textContent = err.status === 409 ? "That name is in use." : err.message;
  }
});
$("room-form").addEventListener("submit", (e) => { e.preventDefault(); joinRoom($("room").value); });
$("send-form").addEventListener("submit", (e) => {
  e.preventDefault();
  const text = $("text").value.trim();
  if (text) sb.send(room, text);
  $("text").value = "";
});
let lastTyping = 0;
$("text").addEventListener("input", () => {
  if (Date.now() - lastTyping > 2000) { sb.typing(room); lastTyping = Date.now(); }
});

whoAmI().then((user) => { if (user) start(user); });
