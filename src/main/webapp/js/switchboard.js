// Switchboard JavaScript client — plain modern JavaScript, no build step, no dependencies.
// Speaks docs/protocol.md over /ws/chat (rooms, @me, direct messages) and /ws/topics (subscriptions).
//
//   import { Switchboard, signIn } from "./switchboard.js";
//   await signIn("alice");                       // sets the HttpOnly sb_token cookie
//   const chat = new Switchboard();              // /ws/chat on the page's origin
//   chat.on("message", m => …).on("status", s => …);
//   chat.connect(); chat.join("lobby"); chat.send("lobby", "hi"); chat.direct("bob", "psst");
//   const topics = new Switchboard({ path: "ws/topics" });
//   topics.on("event", e => …); topics.connect(); topics.subscribe("ticker.*");
//   chat.join("design", { private: true });      // rooms with owners: invite, kick, edit, markRead… return promises
//   await chat.invite("design", "bob");          // resolved by the ack, rejected (err.code) by the error with its id
//
// What it does for you: remembers where it stands in each stream (the epoch of its history and the last
// seq) and resumes with `since` and `epoch` after any disconnect (so nothing is missed and nothing shown
// twice); when the server cannot continue from there (another epoch: a replaced database or a reset;
// trimmed messages) it emits "gap" for that stream and shows everything that follows, whatever its seq;
// reconnects with exponential backoff and jitter, stops and emits "signed-out" on close 1008 (token
// expired: sign in again), pings for liveness, gives each send a client id and resends unacknowledged
// ones after a reconnect (the server stores a resend only once) or after a backoff when the server answers
// "overloaded", and reports `status`:
// idle | connecting | open | reconnecting | closed | signed-out.
export class Switchboard {
  constructor({ url, path = "ws/chat", pingSeconds = 20, maxBackoffMs = 15000, minBackoffMs = 500 } = {}) {
    const base = new URL(path, document.baseURI);
    base.protocol = base.protocol === "https:" ? "wss:" : "ws:";
    this.url = url || base.href;
    this.pingSeconds = pingSeconds;
    this.minBackoffMs = minBackoffMs;
    this.maxBackoffMs = maxBackoffMs;
    this.status = "idle";
    this.user = null;
    this.rooms = new Set(); // joined rooms (and @me), rejoined after a reconnect
    this.patterns = new Set(); // topic subscriptions, wildcards included, resubscribed after a reconnect
    // stream (room, @me or exact topic) -> { epoch, seq }: the history it was last seen in (from joined or
    // subscribed) and the last seq passed on in it; seq null until there is a cursor to resume from
    this.positions = new Map();
    this.pending = new Map(); // client id -> frame awaiting its ack
    // client id -> { frame, resolve, reject }: a request (invite, kick, edit, …) whose promise its ack resolves
    // and an error with its id rejects; not resent after a reconnect (rejected with code "offline" instead)
    this.requests = new Map();
    this.creating = new Set(); // rooms this client asked to create as private, until their joined
    this.readMarks = new Map(); // room -> the highest read marker known here (joined.read, read frames, markRead)
    this.readQueue = new Map(); // room -> seq: markRead calls waiting for the debounce
    this.retries = new Map(); // client id -> how often the server said "overloaded" to it
    this.handlers = new Map();
    this.attempt = 0;
    this.counter = 0;
  }

  on(type, handler) {
    if (!this.handlers.has(type)) this.handlers.set(type, []);
    this.handlers.get(type).push(handler);
    return this;
  }

  emit(type, payload) {
    for (const h of this.handlers.get(type) || []) h(payload);
    for (const h of this.handlers.get("*") || []) h(type, payload);
  }

  setStatus(status) {
    if (this.status !== status) {
      this.status = status;
      this.emit("status", status);
    }
  }

  connect() {
    this.stopped = false;
    this.setStatus(this.attempt ? "reconnecting" : "connecting");
    const ws = new WebSocket(this.url, "switchboard.v1");
    ws.binaryType = "arraybuffer";
    this.ws = ws;
    ws.onmessage = (e) => {
      if (typeof e.data === "string") this.receive(JSON.parse(e.data));
      else this.receiveBinary(decodeBinary(e.data));
    };
    ws.onclose = (e) => this.closed(e);
    ws.onerror = () => {}; // onclose follows and decides
  }

  receive(m) {
    switch (m.type) {
      case "welcome":
        this.user = m.user;
        this.attempt = 0;
        this.setStatus("open");
        this.startPing(m.heartbeat);
        for (const room of this.rooms) this.raw(this.joinFrame(room));
        for (const topic of this.patterns) this.raw(this.subscribeFrame(topic));
        for (const frame of this.pending.values()) this.raw(frame); // idempotent on the server
        break;
      case "joined":
        this.creating.delete(m.room);
        if (typeof m.read === "number") this.noteRead(m.room, m.read);
        this.started(m.room, m);
        break;
      case "subscribed":
        if (!isPattern(m.topic)) this.started(m.topic, m);
        break;
      case "message":
      case "direct":
      case "event":
      case "moderation":
      case "edit":
      case "delete":
      case "invited":
        if (!this.fresh(m.type === "direct" || m.type === "invited" ? "@me" : m.type === "event" ? m.topic : m.room, m.seq)) return;
        break;
      case "attachment": // one kept in the room's history (replay, another node): the same event as a live one, without bytes
        if (!this.fresh(m.room, m.seq)) return;
        this.emit("attachment", { header: m, bytes: null });
        return;
      case "read": // another device of this user read this far (not a stream item: its seq is the room's)
        this.noteRead(m.room, m.seq);
        break;
      case "left":
        if (m.reason) { // kicked or banned: not rejoined after a reconnect
          this.rooms.delete(m.room);
          this.positions.delete(m.room);
        }
        break;
      case "ack":
        this.pending.delete(m.id);
        this.retries.delete(m.id);
        break;
      case "error":
        if (m.code === "overloaded" && (this.pending.has(m.id) || this.requests.has(m.id))) { this.retryLater(m.id); break; }
        if (m.id) { this.pending.delete(m.id); this.retries.delete(m.id); }
        break;
    }
    this.emit(m.type, m);
    if (m.type === "ack" || (m.type === "error" && m.code !== "overloaded")) this.settle(m);
    if (m.type === "error" && !m.id) this.refusedJoin(m);
  }

  /** The promise of a request with this frame's id: resolved by its ack, rejected by an error. */
  settle(m) {
    const r = m.id && this.requests.get(m.id);
    if (!r) return;
    this.requests.delete(m.id);
    this.retries.delete(m.id);
    if (m.type === "ack") r.resolve(m);
    else r.reject(refusal(m.code, m.message, m.id));
  }

  /**
   * A join the server refused (a private room this user is not a member of, or a ban): the error has no id, its
   * message names the room. The room is forgotten here (not rejoined after reconnects) and "join-refused" emitted.
   */
  refusedJoin(m) {
    if (m.code !== "forbidden" || typeof m.message !== "string") return;
    const match = /^you are banned from (\S+)$/.exec(m.message) || /^(\S+) is private\b/.exec(m.message);
    if (!match || !this.rooms.has(match[1])) return;
    const room = match[1];
    this.rooms.delete(room);
    this.positions.delete(room);
    this.creating.delete(room);
    this.emit("join-refused", { room, reason: m.message.startsWith("you are banned") ? "banned" : "private", message: m.message });
  }

  noteRead(room, seq) {
    if (seq > (this.readMarks.get(room) ?? -1)) this.readMarks.set(room, seq);
  }

  /** A chat attachment (header with room and seq) or a binary topic event (header with topic and seq). */
  receiveBinary(b) {
    if (!this.fresh(b.header.room || b.header.topic, b.header.seq)) return;
    this.emit(b.header.room ? "attachment" : "binary", b);
  }

  /**
   * Whether a message or event is new here, moving the stream's cursor: within one history a seq already
   * passed on is a duplicate (a resend, a replay overlapping live frames). Streams this client does not
   * resume (topics seen only through a pattern, which are live only) are passed through.
   */
  fresh(stream, seq) {
    const p = this.positions.get(stream);
    if (!p || !seq) return true;
    if (p.seq !== null && seq <= p.seq) return false; // already shown: never twice
    p.seq = seq;
    return true;
  }

  /**
   * A joined (room, @me) or subscribed (exact topic): which history the stream is in now. When it does not
   * continue the one this client resumed (another epoch, or recovered:false) the old cursor means nothing:
   * it is dropped, "gap" is emitted, and everything that follows is shown, whatever its seq.
   */
  started(stream, m) {
    const p = this.positions.get(stream);
    if (!p) return;
    const resumed = p.seq !== null; // the join or subscribe carried since (see joinFrame, subscribeFrame)
    const otherHistory = Boolean(p.epoch && m.epoch && m.epoch !== p.epoch);
    if (resumed && (otherHistory || m.recovered === false)) {
      const previous = { epoch: p.epoch, seq: p.seq };
      p.epoch = m.epoch ?? p.epoch;
      p.seq = 0; // the server replays what it keeps of this history from its start
      this.emit("gap", { stream, epoch: p.epoch, previous });
      return;
    }
    p.epoch = m.epoch ?? p.epoch;
    // a first join replays recent history (its seqs set the cursor); a stream still empty has one at 0
    if (p.seq === null && m.seq === 0) p.seq = 0;
  }

  closed(e) {
    clearInterval(this.pinger);
    this.ws = null;
    for (const [id, r] of this.requests) { // their answer is lost with the socket: asked again, they may be done twice
      this.requests.delete(id);
      r.reject(refusal("offline", "the connection closed before the server answered", id));
    }
    if (this.stopped) return this.setStatus("closed");
    if (e.code === 1008) { // token expired or no identity: only a new sign-in helps
      this.setStatus("signed-out");
      return this.emit("signed-out", e.reason);
    }
    this.attempt++;
    const backoff = Math.min(this.maxBackoffMs, this.minBackoffMs * 2 ** Math.min(this.attempt - 1, 10));
    const delay = backoff / 2 + Math.random() * backoff / 2; // jitter spreads a herd of reconnecting clients
    this.setStatus("reconnecting");
    this.emit("disconnected", { code: e.code, reason: e.reason, retryInMs: Math.round(delay) });
    this.retry = setTimeout(() => this.connect(), delay);
  }

  /** The server was too busy to take a send: sent again after a backoff (250 ms doubling to 8 s, with jitter). */
  retryLater(id) {
    const n = (this.retries.get(id) || 0) + 1;
    this.retries.set(id, n);
    const backoff = Math.min(8000, 250 * 2 ** Math.min(n - 1, 5));
    setTimeout(() => { const frame = this.pending.get(id) || this.requests.get(id)?.frame; if (frame) this.raw(frame); },
      backoff / 2 + Math.random() * backoff / 2);
  }

  startPing(heartbeat) {
    clearInterval(this.pinger);
    this.pinger = setInterval(() => this.raw({ type: "ping" }), Math.min(this.pingSeconds, heartbeat || 25) * 1000);
  }

  raw(frame) {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(frame));
  }

  nextId() {
    return `c-${Date.now().toString(36)}-${(this.counter++).toString(36)}`;
  }

  /** `since` and `epoch` of a stream's cursor, when it has one. */
  resumeFields(stream) {
    const p = this.positions.get(stream);
    if (!p || p.seq === null) return {};
    return p.epoch ? { since: p.seq, epoch: p.epoch } : { since: p.seq };
  }

  /** Resumes after the last seq seen in the history it was seen in, or asks for the recent history the first time. */
  joinFrame(room) {
    return { type: "join", room, ...this.resumeFields(room), ...(this.creating.has(room) ? { private: true } : {}) };
  }

  /** Exact topics resume like rooms, or ask for their last N events until they have a cursor; patterns get live events. */
  subscribeFrame(topic) {
    const p = this.positions.get(topic);
    const recent = p && p.seq === null && p.last ? { last: p.last } : {};
    return { type: "subscribe", topic, ...this.resumeFields(topic), ...recent };
  }

  /**
   * Follows a room. `private: true` creates it as a private room when it does not exist yet (the caller becomes its
   * owner); an existing room is joined as it is (its joined frame says whether it is private).
   */
  join(room, { private: isPrivate = false } = {}) {
    if (isPrivate && !this.rooms.has(room)) this.creating.add(room);
    this.rooms.add(room);
    if (!this.positions.has(room)) this.positions.set(room, { epoch: null, seq: null });
    this.raw(this.joinFrame(room));
  }

  leave(room) {
    this.rooms.delete(room);
    this.positions.delete(room);
    this.creating.delete(room);
    this.raw({ type: "leave", room });
  }

  send(room, text) {
    return this.track({ type: "send", room, text, id: this.nextId() });
  }

  direct(to, text) {
    return this.track({ type: "direct", to, text, id: this.nextId() });
  }

  track(frame) {
    this.pending.set(frame.id, frame);
    this.raw(frame);
    return frame.id;
  }

  /** Sends a file (at most 1 MiB with its header) to a room as a binary frame; resolves to its client id. */
  async sendFile(room, file) {
    const id = this.nextId();
    const header = new TextEncoder().encode(JSON.stringify({ room, name: file.name, mime: file.type || "application/octet-stream", id }));
    const bytes = new Uint8Array(await file.arrayBuffer());
    const frame = new Uint8Array(2 + header.length + bytes.length);
    new DataView(frame.buffer).setUint16(0, header.length);
    frame.set(header, 2);
    frame.set(bytes, 2 + header.length);
    if (this.ws && this.ws.readyState === WebSocket.OPEN) this.ws.send(frame);
    return id;
  }

  typing(room) {
    this.raw({ type: "typing", room });
  }

  /**
   * Sends a request with a fresh client id; the promise resolves with its ack ({type:"ack", id, room, seq}) and
   * rejects with an Error whose `code` is the server's (forbidden, not_found, conflict, rate_limited, bad_request, …)
   * or "offline" (not connected, or the connection closed before the answer). The "error" event is emitted too,
   * before the promise rejects: `isRequest(id)` tells a page that the error belongs to a request.
   */
  request(fields) {
    const frame = { ...fields, id: this.nextId() };
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) {
      return Promise.reject(refusal("offline", "not connected", frame.id));
    }
    return new Promise((resolve, reject) => {
      this.requests.set(frame.id, { frame, resolve, reject });
      this.raw(frame);
    });
  }

  /** Whether `id` is that of a request still waiting for its answer. */
  isRequest(id) {
    return Boolean(id) && this.requests.has(id);
  }

  /** Invites a user into a room (owner and moderators); the invitee's inbox gets an "invited" event. */
  invite(room, user) {
    return this.request({ type: "invite", room, user });
  }

  /** Accepts an invitation; join the room after the ack. */
  accept(room) {
    return this.request({ type: "accept", room });
  }

  decline(room) {
    return this.request({ type: "decline", room });
  }

  /** Removes a user from a room (they may rejoin a public one); the ack's seq is the stored moderation event's. */
  kick(room, user, reason) {
    return this.request({ type: "kick", room, user, ...(reason ? { reason } : {}) });
  }

  /** A kick that also forbids rejoining, until `unban`. */
  ban(room, user, reason) {
    return this.request({ type: "ban", room, user, ...(reason ? { reason } : {}) });
  }

  unban(room, user) {
    return this.request({ type: "unban", room, user });
  }

  /** The user reads but cannot write for `seconds` (0 lifts a mute). */
  mute(room, user, seconds) {
    return this.request({ type: "mute", room, user, seconds });
  }

  /** Owner only: `role` is "moderator" or "member". */
  setRole(room, user, role) {
    return this.request({ type: "role", room, user, role });
  }

  /** Owner and moderators: the room's title and topic (either may be left out). */
  setTitle(room, { title, topic } = {}) {
    return this.request({ type: "title", room, ...(title !== undefined ? { title } : {}), ...(topic !== undefined ? { topic } : {}) });
  }

  /** Replaces the text of one of your own messages (by its seq). */
  edit(room, seq, text) {
    return this.request({ type: "edit", room, seq, text });
  }

  /** Deletes one of your own messages (owner and moderators: anyone's) by its seq. */
  delete(room, seq) {
    return this.request({ type: "delete", room, seq });
  }

  /**
   * The user has seen a room up to `seq`: stored by the server (joined.read and unread on every device) and sent to
   * the user's other connections as a "read" event. Only forward, and debounced: calls within `readDelayMs` (300) send
   * one frame with the highest seq.
   */
  markRead(room, seq) {
    if (!(seq > (this.readMarks.get(room) ?? -1)) || !(seq > (this.readQueue.get(room) ?? -1))) return;
    this.readQueue.set(room, seq);
    clearTimeout(this.readTimer);
    this.readTimer = setTimeout(() => this.flushReads(), this.readDelayMs ?? 300);
  }

  flushReads() {
    const open = this.ws && this.ws.readyState === WebSocket.OPEN; // offline: the page marks again after its rejoin
    for (const [room, seq] of this.readQueue) {
      if (open && this.rooms.has(room) && seq > (this.readMarks.get(room) ?? -1)) {
        this.noteRead(room, seq);
        this.raw({ type: "read", room, seq });
      }
    }
    this.readQueue.clear();
  }

  /** The highest read marker of a room known here (from joined, read events and markRead), or null. */
  readMark(room) {
    return this.readMarks.get(room) ?? null;
  }

  /** `last`: an exact topic first replays its last `last` kept events (a log view opens with its recent lines). */
  subscribe(topic, { last } = {}) {
    this.patterns.add(topic);
    if (!isPattern(topic) && !this.positions.has(topic)) this.positions.set(topic, { epoch: null, seq: null });
    if (last && !isPattern(topic)) this.positions.get(topic).last = last;
    this.raw(this.subscribeFrame(topic));
  }

  unsubscribe(topic) {
    this.patterns.delete(topic);
    this.positions.delete(topic);
    this.raw({ type: "unsubscribe", topic });
  }

  close() {
    this.stopped = true;
    clearTimeout(this.retry);
    clearInterval(this.pinger);
    if (this.ws) this.ws.close(1000);
    else this.setStatus("closed");
  }
}

/** The rejection of a request: an Error with the server's code (or "offline") and the request's id. */
function refusal(code, message, id) {
  return Object.assign(new Error(message || code), { code, id });
}

/** A topic pattern (`*` or `>` in it) rather than one exact topic. */
export function isPattern(topic) {
  return /[*>]/.test(topic);
}

/** A binary frame: 2-byte big-endian header length, a UTF-8 JSON header, then the bytes. */
export function decodeBinary(buffer) {
  const view = new DataView(buffer);
  const length = view.getUint16(0);
  const header = JSON.parse(new TextDecoder().decode(new Uint8Array(buffer, 2, length)));
  return { header, bytes: new Uint8Array(buffer, 2 + length) };
}

/** Signs in as a guest (or as the container login); the server sets the sb_token cookie. */
export async function signIn(name) {
  const r = await fetch("api/session", {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ name }),
  });
  const body = await r.json().catch(() => ({}));
  if (!r.ok) throw Object.assign(new Error(body.message || `HTTP ${r.status}`), { status: r.status });
  return body;
}

/** The current session's user, or null. */
export async function whoAmI() {
  const r = await fetch("api/session", { cache: "no-store" });
  return r.ok ? (await r.json()).user : null;
}

/** Signs out and forgets the cookie. */
export async function signOut() {
  await fetch("api/session", { method: "DELETE" });
}
