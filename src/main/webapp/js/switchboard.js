// Switchboard JavaScript client: plain modern JavaScript, no build step.
// Speaks docs/protocol.md over /ws/chat. Remembers the last seq per stream and resumes with `since`
// after any disconnect, reconnects with exponential backoff and jitter, resends unacknowledged sends
// (the server de-duplicates them by id), and reports its status.
//
//   const sb = new Switchboard();            // same origin; the sb_token cookie identifies the user
//   sb.on("message", m => …); sb.on("status", s => …);
//   sb.connect(); sb.join("lobby"); sb.send("lobby", "hi"); sb.direct("bob", "psst");
export class Switchboard {
  constructor({ url, path = "ws/chat", pingSeconds = 20, maxBackoffMs = 30000 } = {}) {
    const base = new URL(path, document.baseURI);
    base.protocol = base.protocol === "https:" ? "wss:" : "ws:";
    this.url = url || base.href;
    this.pingSeconds = pingSeconds;
    this.maxBackoffMs = maxBackoffMs;
    this.status = "idle"; // idle | connecting | open | reconnecting | closed | signed-out
    this.user = null;
    this.rooms = new Map(); // room -> last seq seen (0 = none yet)
    this.pending = new Map(); // client id -> frame awaiting its ack
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
    this.ws = ws;
    ws.onmessage = (e) => this.receive(JSON.parse(e.data));
    ws.onclose = (e) => this.closed(e);
    ws.onerror = () => {}; // onclose follows with the reason
  }

  receive(m) {
    switch (m.type) {
      case "welcome":
        this.user = m.user;
        this.attempt = 0;
        this.setStatus("open");
        this.startPing(m.heartbeat);
        for (const [room, seq] of this.rooms) this.raw(seq > 0 ? { type: "join", room, since: seq } : { type: "join", room });
        for (const frame of this.pending.values()) this.raw(frame);
        break;
      case "message":
      case "direct": {
        const room = m.type === "direct" ? "@me" : m.room;
        const last = this.rooms.get(room) || 0;
        if (m.seq <= last) return; // already shown
        this.rooms.set(room, m.seq);
        break;
      }
      case "joined":
        if (!this.rooms.get(m.room)) this.rooms.set(m.room, 0);
        break;
      case "ack":
        this.pending.delete(m.id);
        break;
      case "error":
        if (m.id) this.pending.delete(m.id);
        break;
    }
    this.emit(m.type, m);
  }

  closed(e) {
    clearInterval(this.pinger);
    if (this.stopped) return this.setStatus("closed");
    if (e.code === 1008) { // token expired or no identity: a new sign-in is needed
      this.setStatus("signed-out");
      return this.emit("signed-out", e.reason);
    }
    this.attempt++;
    const backoff = Math.min(this.maxBackoffMs, 500 * 2 ** Math.min(this.attempt, 10));
    const delay = backoff / 2 + Math.random() * backoff / 2; // jitter: herds of clients spread out
    this.setStatus("reconnecting");
    this.retry = setTimeout(() => this.connect(), delay);
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

  join(room) {
    if (!this.rooms.has(room)) this.rooms.set(room, 0);
    this.raw({ type: "join", room });
  }

  leave(room) {
    this.rooms.delete(room);
    this.raw({ type: "leave", room });
  }

  send(room, text) {
    const frame = { type: "send", room, text, id: this.nextId() };
    this.pending.set(frame.id, frame);
    this.raw(frame);
    return frame.id;
  }

  direct(to, text) {
    const frame = { type: "direct", to, text, id: this.nextId() };
    this.pending.set(frame.id, frame);
    this.raw(frame);
    return frame.id;
  }

  typing(room) {
    this.raw({ type: "typing", room });
  }

  close() {
    this.stopped = true;
    clearTimeout(this.retry);
    if (this.ws) this.ws.close(1000);
  }
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
  const r = await fetch("api/session");
  return r.ok ? (await r.json()).user : null;
}
