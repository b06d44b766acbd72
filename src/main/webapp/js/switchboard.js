// @ts-check
// Switchboard JavaScript client — plain modern JavaScript, no build step, no dependencies.
// Speaks docs/protocol.md over /ws/chat (rooms, @me, direct messages) and /ws/topics (subscriptions).
// Its types are in switchboard.d.ts (frames, events, options); the JSDoc below refers to them, and the build
// checks this file against them with tsc (client/tsconfig.json). The package is this folder (package.json).
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
//   new Switchboard({ accessToken: () => auth.getToken() });   // an identity provider's JWT, refreshed in-band
//
// What it does for you: remembers where it stands in each stream (the epoch of its history and the last
// seq) and resumes with `since` and `epoch` after any disconnect (so nothing is missed and nothing shown
// twice); when the server cannot continue from there (another epoch: a replaced database or a reset;
// trimmed messages) it emits "gap" for that stream and shows everything that follows, whatever its seq;
// reconnects with exponential backoff and jitter, stops and emits "signed-out" on close 1008 (token
// expired: sign in again; with an `accessToken` function it asks for a fresh token and reconnects instead, and
// refreshes the token on the live connection before it expires), pings for liveness, gives each send a client
// id and resends unacknowledged ones after a reconnect (the server stores a resend only once) or after a backoff
// when the server answers "overloaded", and reports `status`:
// idle | connecting | open | reconnecting | closed | signed-out.

/** @typedef {import("./switchboard.js").ServerFrame} ServerFrame */
/** @typedef {import("./switchboard.js").ClientFrame} ClientFrame */
/** @typedef {import("./switchboard.js").AckFrame} AckFrame */
/** @typedef {import("./switchboard.js").ErrorFrame} ErrorFrame */
/** @typedef {import("./switchboard.js").JoinFrame} JoinFrame */
/** @typedef {import("./switchboard.js").SubscribeFrame} SubscribeFrame */
/** @typedef {import("./switchboard.js").SendFrame | import("./switchboard.js").DirectFrame} TrackedFrame */
/** @typedef {import("./switchboard.js").JoinedFrame | import("./switchboard.js").SubscribedFrame} StartFrame */
/** @typedef {import("./switchboard.js").RefreshedFrame} RefreshedFrame */
/** @typedef {import("./switchboard.js").Status} Status */
/** @typedef {import("./switchboard.js").SwitchboardOptions} SwitchboardOptions */
/** @typedef {import("./switchboard.js").SwitchboardError} SwitchboardError */
/** @typedef {import("./switchboard.js").AccessTokenSource} AccessTokenSource */
/** @typedef {import("./switchboard.js").BinaryFrame} BinaryFrame */
/** @typedef {import("./switchboard.js").InviteFrame | import("./switchboard.js").AcceptFrame} InvitationFrame */
/** @typedef {import("./switchboard.js").DeclineFrame | import("./switchboard.js").KickFrame} DeclineOrKickFrame */
/** @typedef {import("./switchboard.js").BanFrame | import("./switchboard.js").UnbanFrame} BanOrUnbanFrame */
/** @typedef {import("./switchboard.js").MuteFrame | import("./switchboard.js").RoleFrame} MuteOrRoleFrame */
/** @typedef {import("./switchboard.js").TitleFrame | import("./switchboard.js").EditFrame} TitleOrEditFrame */
/** @typedef {import("./switchboard.js").DeleteFrame} DeleteFrame */
/** @typedef {InvitationFrame | DeclineOrKickFrame | BanOrUnbanFrame | MuteOrRoleFrame | TitleOrEditFrame | DeleteFrame} RequestFrame */
/** @typedef {{ frame: RequestFrame & { id: string }, resolve: (ack: AckFrame) => void, reject: (e: Error) => void }} Request */
/** @typedef {{ epoch: string | null, seq: number | null, last?: number }} Position */
/**
 * A refresh on the wire: settled by `refreshed`, an error with its id, a close or its timeout.
 * @typedef {{ id: string, token: string, resolve: (m: RefreshedFrame) => void, reject: (e: Error) => void,
 *   timer: ReturnType<typeof setTimeout> }} Refresh
 */

/** @typedef {import("./switchboard.js").Switchboard} SwitchboardApi the declared API: this class must fit it */

/** @implements {SwitchboardApi} */
export class Switchboard {
  /** @param {SwitchboardOptions} [options] */
  constructor({ url, path = "ws/chat", pingSeconds = 20, maxBackoffMs = 15000, minBackoffMs = 500, accessToken,
    refreshLeadMs = 60000 } = {}) {
    this.url = url || webSocketUrl(path);
    this.pingSeconds = pingSeconds;
    this.minBackoffMs = minBackoffMs;
    this.maxBackoffMs = maxBackoffMs;
    /** @type {AccessTokenSource | undefined} */
    this.accessToken = accessToken;
    this.refreshLeadMs = refreshLeadMs;
    this.refreshTimeoutMs = 10000;
    /** @type {Status} */
    this.status = "idle";
    /** @type {string | null} */
    this.user = null;
    /** @type {WebSocket | null} */
    this.ws = null;
    this.stopped = false;
    /** @type {Set<string>} joined rooms (and @me), rejoined after a reconnect */
    this.rooms = new Set();
    /** @type {Set<string>} topic subscriptions, wildcards included, resubscribed after a reconnect */
    this.patterns = new Set();
    // stream (room, @me or exact topic) -> { epoch, seq }: the history it was last seen in (from joined or
    // subscribed) and the last seq passed on in it; seq null until there is a cursor to resume from
    /** @type {Map<string, Position>} */
    this.positions = new Map();
    /** @type {Map<string, TrackedFrame & { id: string }>} client id -> frame awaiting its ack */
    this.pending = new Map();
    // client id -> { frame, resolve, reject }: a request (invite, kick, edit, …) whose promise its ack resolves
    // and an error with its id rejects; not resent after a reconnect (rejected with code "offline" instead)
    /** @type {Map<string, Request>} */
    this.requests = new Map();
    /** @type {Set<string>} rooms this client asked to create as private, until their joined */
    this.creating = new Set();
    /** @type {Map<string, number>} room -> the highest read marker known here (joined.read, read frames, markRead) */
    this.readMarks = new Map();
    /** @type {Map<string, number>} room -> seq: markRead calls waiting for the debounce */
    this.readQueue = new Map();
    this.readDelayMs = 300;
    /** @type {Map<string, number>} client id -> how often the server said "overloaded" to it */
    this.retries = new Map();
    /** @type {Map<string, Function[]>} */
    this.handlers = new Map();
    this.attempt = 0;
    this.counter = 0;
    this.generation = 0; // counts connect() calls: a token that arrives for a superseded one opens nothing
    /** @type {number | null} when the connection's credential expires (ms), from refreshed, welcome or the JWT */
    this.expiresAt = null;
    /** @type {Refresh | null} */
    this.refreshing = null;
    /** @type {Promise<unknown>} refreshes run one after another */
    this.refreshQueue = Promise.resolve();
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.refreshTimer = undefined;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.retry = undefined;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.readTimer = undefined;
    /** @type {ReturnType<typeof setInterval> | undefined} */
    this.pinger = undefined;
  }

  /**
   * @param {string} type
   * @param {Function} handler
   */
  on(type, handler) {
    const list = this.handlers.get(type) || [];
    list.push(handler);
    this.handlers.set(type, list);
    return this;
  }

  /**
   * @param {string} type
   * @param {Function} handler
   */
  off(type, handler) {
    const list = this.handlers.get(type);
    if (list && list.includes(handler)) list.splice(list.indexOf(handler), 1);
    return this;
  }

  /**
   * @param {string} type
   * @param {unknown} payload
   */
  emit(type, payload) {
    for (const h of this.handlers.get(type) || []) h(payload);
    for (const h of this.handlers.get("*") || []) h(type, payload);
  }

  /** @param {Status} status */
  setStatus(status) {
    if (this.status !== status) {
      this.status = status;
      this.emit("status", status);
    }
  }

  connect() {
    this.stopped = false;
    clearTimeout(this.retry);
    this.setStatus(this.attempt ? "reconnecting" : "connecting");
    const generation = ++this.generation;
    const source = this.accessToken;
    if (typeof source !== "function") return this.open(source ?? null); // at once, as without tokens
    Promise.resolve().then(source).then((token) => {
      if (this.stopped || generation !== this.generation) return;
      if (typeof token !== "string" || !token) throw new Error("the accessToken function gave no token");
      this.open(token);
    }).catch((err) => {
      if (this.stopped || generation !== this.generation) return;
      this.emit("token-error", refusal("no_token", `no access token: ${err instanceof Error ? err.message : err}`));
      this.closed({ code: 1006, reason: "no access token" }); // tried again after the backoff
    });
  }

  /**
   * Opens the socket, with the access token (if any) as `?access_token=`: browsers cannot set headers on it.
   * @param {string | null} token
   */
  open(token) {
    const url = new URL(this.url);
    if (token) url.searchParams.set("access_token", token);
    this.expiresAt = token ? jwtExpiry(token) : null;
    const ws = new WebSocket(url.href, "switchboard.v1");
    ws.binaryType = "arraybuffer";
    this.ws = ws;
    ws.onmessage = (e) => {
      if (typeof e.data === "string") this.receive(JSON.parse(e.data));
      else this.receiveBinary(decodeBinary(e.data));
    };
    ws.onclose = (e) => this.closed(e);
    ws.onerror = () => {}; // onclose follows and decides
  }

  /** @param {ServerFrame} m */
  receive(m) {
    switch (m.type) {
      case "welcome":
        this.user = m.user;
        this.attempt = 0;
        if (m.expires) this.expiresAt = Date.parse(m.expires);
        this.setStatus("open");
        this.startPing(m.heartbeat);
        this.scheduleRefresh();
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
      case "notice": // an operator's: in a room a stream item (seq), to everyone live only (no room, no seq)
        if (m.room && m.seq !== undefined && !this.fresh(m.room, m.seq)) return;
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
        if (m.id) { this.pending.delete(m.id); this.retries.delete(m.id); }
        break;
      case "refreshed":
        this.refreshed(m);
        break;
      case "error":
        if (m.code === "overloaded" && m.id && (this.pending.has(m.id) || this.requests.has(m.id))) { this.retryLater(m.id); break; }
        if (m.id) { this.pending.delete(m.id); this.retries.delete(m.id); }
        break;
    }
    this.emit(m.type, m);
    if (m.type === "ack" || (m.type === "error" && m.code !== "overloaded")) this.settle(m);
    if (m.type === "error" && this.refreshing && (m.id ? m.id === this.refreshing.id : refusesRefresh(m))) {
      this.settleRefresh(refusal(m.code, m.message, m.id));
    }
    if (m.type === "error" && !m.id) this.refusedJoin(m);
  }

  /**
   * The promise of a request with this frame's id: resolved by its ack, rejected by an error.
   * @param {AckFrame | ErrorFrame} m
   */
  settle(m) {
    const id = m.id;
    const r = id && this.requests.get(id);
    if (!id || !r) return;
    this.requests.delete(id);
    this.retries.delete(id);
    if (m.type === "ack") r.resolve(m);
    else r.reject(refusal(m.code, m.message, id));
  }

  /**
   * The server took a fresh token: the connection lives until `expires`; the next refresh is planned from it.
   * @param {RefreshedFrame} m
   */
  refreshed(m) {
    const expires = Date.parse(m.expires);
    this.expiresAt = Number.isNaN(expires) ? this.expiresAt : expires;
    if (this.refreshing) {
      const r = this.refreshing;
      if (typeof this.accessToken !== "function") this.accessToken = r.token; // the one to reconnect with
      this.settleRefresh(null, m);
    }
    this.scheduleRefresh();
  }

  /**
   * Ends the refresh on the wire: rejected with `error`, else resolved with `m`.
   * @param {Error | null} error
   * @param {RefreshedFrame} [m]
   */
  settleRefresh(error, m) {
    const r = this.refreshing;
    if (!r) return;
    this.refreshing = null;
    clearTimeout(r.timer);
    if (error || !m) r.reject(error || refusal("offline", "no answer", r.id));
    else r.resolve(m);
  }

  /**
   * With an `accessToken` function and a known expiry: refresh shortly before it (`refreshLeadMs`, at most half of the
   * time left). A failed refresh is emitted as "token-error"; the server's close at expiry then brings a reconnect with
   * a fresh token.
   */
  scheduleRefresh() {
    clearTimeout(this.refreshTimer);
    if (typeof this.accessToken !== "function" || this.expiresAt === null) return;
    const left = this.expiresAt - Date.now();
    const delay = Math.min(Math.max(0, left - Math.min(this.refreshLeadMs, left / 2)), 2 ** 31 - 1);
    this.refreshTimer = setTimeout(() => {
      this.refreshToken().catch((/** @type {Error} */ err) => this.emit("token-error", err));
    }, delay);
  }

  /**
   * Hands the live connection a fresh token: `token`, or one from the `accessToken` function. Refreshes run one after
   * another.
   * @param {string} [token]
   * @returns {Promise<RefreshedFrame>}
   */
  refreshToken(token) {
    const run = this.refreshQueue.catch(() => {}).then(() => this.refreshOnce(token));
    this.refreshQueue = run;
    return run;
  }

  /**
   * @param {string} [given]
   * @returns {Promise<RefreshedFrame>}
   */
  async refreshOnce(given) {
    const source = this.accessToken;
    let token = given;
    if (token === undefined && typeof source === "function") {
      try {
        token = await source();
      } catch (err) {
        throw refusal("no_token", `no access token: ${err instanceof Error ? err.message : err}`);
      }
    }
    if (typeof token !== "string" || !token) throw refusal("no_token", "no access token to refresh with");
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) throw refusal("offline", "not connected");
    const id = this.nextId();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.settleRefresh(refusal("timeout", "the server did not answer the refresh", id)),
        this.refreshTimeoutMs);
      this.refreshing = { id, token, resolve, reject, timer };
      this.raw({ type: "refresh", token, id });
    });
  }

  /**
   * A join the server refused (a private room this user is not a member of, or a ban): the error has no id, its
   * message names the room. The room is forgotten here (not rejoined after reconnects) and "join-refused" emitted.
   */
  /** @param {ErrorFrame} m */
  refusedJoin(m) {
    const room = refusedRoom(m);
    if (!room || !this.rooms.has(room)) return;
    this.rooms.delete(room);
    this.positions.delete(room);
    this.creating.delete(room);
    this.emit("join-refused", { room, reason: m.message.startsWith("you are banned") ? "banned" : "private", message: m.message });
  }

  /**
   * @param {string} room
   * @param {number} seq
   */
  noteRead(room, seq) {
    if (seq > (this.readMarks.get(room) ?? -1)) this.readMarks.set(room, seq);
  }

  /**
   * A chat attachment (header with room and seq) or a binary topic event (header with topic and seq).
   * @param {BinaryFrame} b
   */
  receiveBinary(b) {
    const h = b.header;
    if (!this.fresh("room" in h ? h.room : h.topic, h.seq)) return;
    this.emit("room" in h ? "attachment" : "binary", b);
  }

  /**
   * Whether a message or event is new here, moving the stream's cursor: within one history a seq already
   * passed on is a duplicate (a resend, a replay overlapping live frames). Streams this client does not
   * resume (topics seen only through a pattern, which are live only) are passed through.
   * @param {string} stream
   * @param {number} seq
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
   * @param {string} stream
   * @param {StartFrame} m
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

  /** @param {{ code: number, reason: string }} e */
  closed(e) {
    clearInterval(this.pinger);
    clearTimeout(this.refreshTimer);
    this.ws = null;
    for (const [id, r] of this.requests) { // their answer is lost with the socket: asked again, they may be done twice
      this.requests.delete(id);
      r.reject(refusal("offline", "the connection closed before the server answered", id));
    }
    if (this.refreshing) this.settleRefresh(refusal("offline", "the connection closed before the server answered", this.refreshing.id));
    if (this.stopped) return this.setStatus("closed");
    // token expired with an accessToken function: reconnect with a fresh one (connect asks it) and resume as after any
    // disconnect; otherwise (no identity, signed out elsewhere, rate limit, a cookie session expired) only a sign-in helps
    const renewable = typeof this.accessToken === "function" && e.reason === "token expired";
    if (e.code === 1008 && !renewable) {
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

  /**
   * The server was too busy to take a send: sent again after a backoff (250 ms doubling to 8 s, with jitter).
   * @param {string} id
   */
  retryLater(id) {
    const n = (this.retries.get(id) || 0) + 1;
    this.retries.set(id, n);
    const backoff = Math.min(8000, 250 * 2 ** Math.min(n - 1, 5));
    setTimeout(() => { const frame = this.pending.get(id) || this.requests.get(id)?.frame; if (frame) this.raw(frame); },
      backoff / 2 + Math.random() * backoff / 2);
  }

  /** @param {number} heartbeat */
  startPing(heartbeat) {
    clearInterval(this.pinger);
    this.pinger = setInterval(() => this.raw({ type: "ping" }), Math.min(this.pingSeconds, heartbeat || 25) * 1000);
  }

  /** @param {ClientFrame} frame */
  raw(frame) {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(frame));
  }

  nextId() {
    return `c-${Date.now().toString(36)}-${(this.counter++).toString(36)}`;
  }

  /**
   * `since` and `epoch` of a stream's cursor, when it has one.
   * @param {string} stream
   * @returns {{ since?: number, epoch?: string }}
   */
  resumeFields(stream) {
    const p = this.positions.get(stream);
    if (!p || p.seq === null) return {};
    return p.epoch ? { since: p.seq, epoch: p.epoch } : { since: p.seq };
  }

  /**
   * Resumes after the last seq seen in the history it was seen in, or asks for the recent history the first time.
   * @param {string} room
   * @returns {JoinFrame}
   */
  joinFrame(room) {
    return { type: "join", room, ...this.resumeFields(room), ...(this.creating.has(room) ? { private: true } : {}) };
  }

  /**
   * Exact topics resume like rooms, or ask for their last N events until they have a cursor; patterns get live events.
   * @param {string} topic
   * @returns {SubscribeFrame}
   */
  subscribeFrame(topic) {
    const p = this.positions.get(topic);
    const recent = p && p.seq === null && p.last ? { last: p.last } : {};
    return { type: "subscribe", topic, ...this.resumeFields(topic), ...recent };
  }

  /**
   * Follows a room. `private: true` creates it as a private room when it does not exist yet (the caller becomes its
   * owner); an existing room is joined as it is (its joined frame says whether it is private).
   * @param {string} room
   * @param {{ private?: boolean }} [options]
   */
  join(room, { private: isPrivate = false } = {}) {
    if (isPrivate && !this.rooms.has(room)) this.creating.add(room);
    this.rooms.add(room);
    if (!this.positions.has(room)) this.positions.set(room, { epoch: null, seq: null });
    this.raw(this.joinFrame(room));
  }

  /** @param {string} room */
  leave(room) {
    this.rooms.delete(room);
    this.positions.delete(room);
    this.creating.delete(room);
    this.raw({ type: "leave", room });
  }

  /**
   * @param {string} room
   * @param {string} text
   */
  send(room, text) {
    return this.track({ type: "send", room, text, id: this.nextId() });
  }

  /**
   * @param {string} to
   * @param {string} text
   */
  direct(to, text) {
    return this.track({ type: "direct", to, text, id: this.nextId() });
  }

  /** @param {TrackedFrame & { id: string }} frame */
  track(frame) {
    this.pending.set(frame.id, frame);
    this.raw(frame);
    return frame.id;
  }

  /**
   * Sends a file (at most 1 MiB with its header) to a room as a binary frame; resolves to its client id.
   * @param {string} room
   * @param {Blob & { readonly name: string }} file
   */
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

  /** @param {string} room */
  typing(room) {
    this.raw({ type: "typing", room });
  }

  /**
   * Sends a request with a fresh client id; the promise resolves with its ack ({type:"ack", id, room, seq}) and
   * rejects with an Error whose `code` is the server's (forbidden, not_found, conflict, rate_limited, bad_request, …)
   * or "offline" (not connected, or the connection closed before the answer). The "error" event is emitted too,
   * before the promise rejects: `isRequest(id)` tells a page that the error belongs to a request.
   * @param {RequestFrame} fields
   * @returns {Promise<AckFrame>}
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

  /**
   * Whether `id` is that of a request (or a token refresh) still waiting for its answer.
   * @param {string | undefined} id
   */
  isRequest(id) {
    return Boolean(id) && (this.requests.has(/** @type {string} */ (id)) || this.refreshing?.id === id);
  }

  /** Invites a user into a room (owner and moderators); the invitee's inbox gets an "invited" event. */
  /**
   * @param {string} room
   * @param {string} user
   */
  invite(room, user) {
    return this.request({ type: "invite", room, user });
  }

  /** Accepts an invitation; join the room after the ack. */
  /** @param {string} room */
  accept(room) {
    return this.request({ type: "accept", room });
  }

  /** @param {string} room */
  decline(room) {
    return this.request({ type: "decline", room });
  }

  /** Removes a user from a room (they may rejoin a public one); the ack's seq is the stored moderation event's. */
  /**
   * @param {string} room
   * @param {string} user
   * @param {string} [reason]
   */
  kick(room, user, reason) {
    return this.request({ type: "kick", room, user, ...(reason ? { reason } : {}) });
  }

  /** A kick that also forbids rejoining, until `unban`. */
  /**
   * @param {string} room
   * @param {string} user
   * @param {string} [reason]
   */
  ban(room, user, reason) {
    return this.request({ type: "ban", room, user, ...(reason ? { reason } : {}) });
  }

  /**
   * @param {string} room
   * @param {string} user
   */
  unban(room, user) {
    return this.request({ type: "unban", room, user });
  }

  /**
   * The user reads but cannot write for `seconds` (0 lifts a mute).
   * @param {string} room
   * @param {string} user
   * @param {number} seconds
   */
  mute(room, user, seconds) {
    return this.request({ type: "mute", room, user, seconds });
  }

  /**
   * Owner only: `role` is "moderator" or "member".
   * @param {string} room
   * @param {string} user
   * @param {"moderator" | "member"} role
   */
  setRole(room, user, role) {
    return this.request({ type: "role", room, user, role });
  }

  /**
   * Owner and moderators: the room's title and topic (either may be left out, not both; undefined ones are not sent).
   * @param {string} room
   * @param {{ title: string, topic?: string } | { title?: string, topic: string }} change
   */
  setTitle(room, change) {
    return this.request({ type: "title", room, ...change });
  }

  /**
   * Replaces the text of one of your own messages (by its seq).
   * @param {string} room
   * @param {number} seq
   * @param {string} text
   */
  edit(room, seq, text) {
    return this.request({ type: "edit", room, seq, text });
  }

  /**
   * Deletes one of your own messages (owner and moderators: anyone's) by its seq.
   * @param {string} room
   * @param {number} seq
   */
  delete(room, seq) {
    return this.request({ type: "delete", room, seq });
  }

  /**
   * The user has seen a room up to `seq`: stored by the server (joined.read and unread on every device) and sent to
   * the user's other connections as a "read" event. Only forward, and debounced: calls within `readDelayMs` (300) send
   * one frame with the highest seq.
   * @param {string} room
   * @param {number} seq
   */
  markRead(room, seq) {
    if (!(seq > (this.readMarks.get(room) ?? -1)) || !(seq > (this.readQueue.get(room) ?? -1))) return;
    this.readQueue.set(room, seq);
    clearTimeout(this.readTimer);
    this.readTimer = setTimeout(() => this.flushReads(), this.readDelayMs);
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

  /**
   * The highest read marker of a room known here (from joined, read events and markRead), or null.
   * @param {string} room
   */
  readMark(room) {
    return this.readMarks.get(room) ?? null;
  }

  /**
   * `last`: an exact topic first replays its last `last` kept events (a log view opens with its recent lines).
   * @param {string} topic
   * @param {{ last?: number }} [options]
   */
  subscribe(topic, { last } = {}) {
    this.patterns.add(topic);
    if (!isPattern(topic)) {
      const p = this.positions.get(topic) || { epoch: null, seq: null };
      if (last) p.last = last;
      this.positions.set(topic, p);
    }
    this.raw(this.subscribeFrame(topic));
  }

  /** @param {string} topic */
  unsubscribe(topic) {
    this.patterns.delete(topic);
    this.positions.delete(topic);
    this.raw({ type: "unsubscribe", topic });
  }

  close() {
    this.stopped = true;
    clearTimeout(this.retry);
    clearInterval(this.pinger);
    clearTimeout(this.refreshTimer);
    if (this.ws) this.ws.close(1000);
    else this.setStatus("closed");
  }
}

/**
 * The rejection of a request: an Error with the server's code (or the client's own) and the request's id.
 * @param {SwitchboardError["code"]} code
 * @param {string} [message]
 * @param {string} [id]
 * @returns {SwitchboardError}
 */
function refusal(code, message, id) {
  return Object.assign(new Error(message || code), { code, id });
}

/**
 * The room a join refusal names (an error without id: "you are banned from <room>", "<room> is private…"), or null.
 * @param {ErrorFrame} m
 */
function refusedRoom(m) {
  if (m.code !== "forbidden" || typeof m.message !== "string") return null;
  const match = /^you are banned from (\S+)$/.exec(m.message) || /^(\S+) is private\b/.exec(m.message);
  return match ? match[1] : null;
}

/**
 * Whether an error without id answers the refresh on the wire: the server's refusals of a token (`forbidden`: not
 * valid, or another user's; `bad_request`: a connection that does not expire) carry no id. Join refusals, refused
 * subscriptions (with `topic`) and late typing or read markers (`not_joined`) are told apart by their code and fields.
 * @param {ErrorFrame} m
 */
function refusesRefresh(m) {
  return (m.code === "forbidden" || m.code === "bad_request") && !m.topic && refusedRoom(m) === null;
}

/**
 * The WebSocket URL of `path`, relative to the page (http → ws, https → wss).
 * @param {string} path
 */
function webSocketUrl(path) {
  if (typeof document === "undefined") throw new TypeError("no page to resolve the path against: pass `url`");
  const base = new URL(path, document.baseURI);
  base.protocol = base.protocol === "https:" ? "wss:" : "ws:";
  return base.href;
}

/**
 * When a JWT expires (its `exp` claim, in ms), read without verifying it (the server does): only to plan the refresh.
 * Null for anything else (an opaque token).
 * @param {string} token
 * @returns {number | null}
 */
function jwtExpiry(token) {
  const payload = token.split(".")[1];
  if (!payload) return null;
  try {
    const base64 = payload.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(payload.length / 4) * 4, "=");
    const exp = JSON.parse(atob(base64)).exp;
    return typeof exp === "number" ? exp * 1000 : null;
  } catch {
    return null;
  }
}

/**
 * A topic pattern (`*` or `>` in it) rather than one exact topic.
 * @param {string} topic
 */
export function isPattern(topic) {
  return /[*>]/.test(topic);
}

/**
 * A binary frame: 2-byte big-endian header length, a UTF-8 JSON header, then the bytes.
 * @param {ArrayBuffer} buffer
 * @returns {BinaryFrame}
 */
export function decodeBinary(buffer) {
  const view = new DataView(buffer);
  const length = view.getUint16(0);
  const header = JSON.parse(new TextDecoder().decode(new Uint8Array(buffer, 2, length)));
  return { header, bytes: new Uint8Array(buffer, 2 + length) };
}

/**
 * Signs in as a guest (or as the container login); the server sets the sb_token cookie.
 * @param {string} name
 * @returns {Promise<import("./switchboard.js").Session>}
 */
export async function signIn(name) {
  const r = await fetch("api/session", {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ name }),
  });
  const body = await r.json().catch(() => ({}));
  if (!r.ok) throw Object.assign(new Error(body.message || `HTTP ${r.status}`), { status: r.status });
  return body;
}

/**
 * The current session's user, or null.
 * @returns {Promise<string | null>}
 */
export async function whoAmI() {
  const r = await fetch("api/session", { cache: "no-store" });
  return r.ok ? (await r.json()).user : null;
}

/** Signs out and forgets the cookie. */
export async function signOut() {
  await fetch("api/session", { method: "DELETE" });
}
