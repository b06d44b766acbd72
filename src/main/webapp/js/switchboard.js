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
        this.started(m.room, m);
        break;
      case "subscribed":
        if (!isPattern(m.topic)) this.started(m.topic, m);
        break;
      case "message":
      case "direct":
      case "event":
        if (!this.fresh(m.type === "direct" ? "@me" : m.type === "event" ? m.topic : m.room, m.seq)) return;
        break;
      case "ack":
        this.pending.delete(m.id);
        this.retries.delete(m.id);
        break;
      case "error":
        if (m.code === "overloaded" && this.pending.has(m.id)) { this.retryLater(m.id); break; } // still pending
        if (m.id) { this.pending.delete(m.id); this.retries.delete(m.id); }
        break;
    }
    this.emit(m.type, m);
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
    setTimeout(() => { const frame = this.pending.get(id); if (frame) this.raw(frame); }, backoff / 2 + Math.random() * backoff / 2);
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
    return { type: "join", room, ...this.resumeFields(room) };
  }

  /** Exact topics resume like rooms, or ask for their last N events until they have a cursor; patterns get live events. */
  subscribeFrame(topic) {
    const p = this.positions.get(topic);
    const recent = p && p.seq === null && p.last ? { last: p.last } : {};
    return { type: "subscribe", topic, ...this.resumeFields(topic), ...recent };
  }

  join(room) {
    this.rooms.add(room);
    if (!this.positions.has(room)) this.positions.set(room, { epoch: null, seq: null });
    this.raw(this.joinFrame(room));
  }

  leave(room) {
    this.rooms.delete(room);
    this.positions.delete(room);
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
