// The client's token handling against the protocol (docs/protocol.md, "Access tokens"), with a scripted socket in
// place of the browser's WebSocket: what it sends, and what it does with each answer. Time is a manual clock (timers
// and Date.now), so nothing here waits on the real one. Run by the build (pom.xml, client-check): node --test test/
import { test, beforeEach, afterEach } from "node:test";
import assert from "node:assert/strict";
import { Switchboard } from "@switchboard/client";

/** A WebSocket the test plays the server of: it records what the client sends and delivers frames on request. */
class ScriptedSocket {
  static OPEN = 1;
  static CLOSED = 3;
  /** @type {ScriptedSocket[]} */
  static opened = [];

  constructor(url, protocol) {
    this.url = new URL(url);
    this.protocol = protocol;
    this.readyState = ScriptedSocket.OPEN;
    this.sent = [];
    ScriptedSocket.opened.push(this);
  }

  send(text) {
    this.sent.push(JSON.parse(text));
  }

  close(code = 1000, reason = "") {
    this.serverClose(code, reason);
  }

  /** A frame from the server. */
  deliver(frame) {
    this.onmessage({ data: JSON.stringify(frame) });
  }

  serverClose(code, reason) {
    this.readyState = ScriptedSocket.CLOSED;
    this.onclose({ code, reason });
  }

  framesOf(type) {
    return this.sent.filter((f) => f.type === type);
  }
}

const NOW = Date.UTC(2026, 11, 3, 20, 0, 0);

/** setTimeout, setInterval and Date.now under the test's control: tick(ms) runs what falls due, in order. */
class ManualClock {
  constructor(now) {
    this.now = now;
    this.timers = new Map();
    this.next = 1;
    this.real = { setTimeout, clearTimeout, setInterval, clearInterval, now: Date.now };
  }

  install() {
    const schedule = (fn, ms, every) => {
      const id = this.next++;
      this.timers.set(id, { due: this.now + Math.max(0, ms || 0), fn, every });
      return id;
    };
    const cancel = (id) => { this.timers.delete(id); };
    Object.assign(globalThis, {
      setTimeout: (fn, ms) => schedule(fn, ms, 0),
      setInterval: (fn, ms) => schedule(fn, ms, Math.max(1, ms || 0)),
      clearTimeout: cancel,
      clearInterval: cancel,
    });
    Date.now = () => this.now;
  }

  uninstall() {
    Object.assign(globalThis, { setTimeout: this.real.setTimeout, clearTimeout: this.real.clearTimeout,
      setInterval: this.real.setInterval, clearInterval: this.real.clearInterval });
    Date.now = this.real.now;
  }

  tick(ms) {
    const until = this.now + ms;
    for (;;) {
      const due = [...this.timers].filter(([, t]) => t.due <= until).sort(([, a], [, b]) => a.due - b.due)[0];
      if (!due) break;
      const [id, timer] = due;
      this.now = timer.due;
      if (timer.every) timer.due += timer.every;
      else this.timers.delete(id);
      timer.fn();
    }
    this.now = until;
  }
}

/** @type {ManualClock} */
let clock;

/** An unsigned JWT-shaped token expiring `seconds` after NOW (the client reads `exp` only to plan its refresh). */
function jwt(sub, seconds) {
  const part = (o) => Buffer.from(JSON.stringify(o)).toString("base64url");
  return `${part({ alg: "RS256", kid: "k1" })}.${part({ sub, exp: NOW / 1000 + seconds })}.c2lnbmF0dXJl`;
}

/** Lets queued promise callbacks run (the accessToken function may be async). */
async function settle() {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
}

function lastSocket() {
  return ScriptedSocket.opened.at(-1);
}

beforeEach(() => {
  ScriptedSocket.opened = [];
  globalThis.WebSocket = ScriptedSocket;
  clock = new ManualClock(NOW);
  clock.install();
});

afterEach(() => {
  clock.uninstall();
  delete globalThis.WebSocket;
});

const URL_ = "ws://chat.example/switchboard/ws/chat";

test("a token string is sent as access_token on the WebSocket URL, nothing else changes", () => {
  const sb = new Switchboard({ url: URL_, accessToken: "abc.def.ghi" });
  sb.connect();
  const ws = lastSocket();
  assert.equal(ws.url.searchParams.get("access_token"), "abc.def.ghi");
  assert.equal(ws.protocol, "switchboard.v1");
  assert.equal(sb.url, URL_, "the token is not kept in the client's url");
});

test("without a token the URL carries none (the session cookie is the identity)", () => {
  const sb = new Switchboard({ url: URL_ });
  sb.connect();
  assert.equal(lastSocket().url.searchParams.has("access_token"), false);
});

test("refreshToken sends the token in-band and resolves with refreshed; the connection stays", async () => {
  const sb = new Switchboard({ url: URL_, accessToken: jwt("alice", 300) });
  sb.connect();
  const ws = lastSocket();
  ws.deliver({ type: "welcome", user: "alice", heartbeat: 25, rooms: [] });
  const fresh = jwt("alice", 900);
  const answer = sb.refreshToken(fresh);
  await settle();
  const [frame] = ws.framesOf("refresh");
  assert.equal(frame.token, fresh);
  assert.ok(sb.isRequest(frame.id), "the refresh is a request awaiting its answer");
  ws.deliver({ type: "refreshed", expires: new Date(NOW + 900_000).toISOString() });
  const refreshed = await answer;
  assert.equal(refreshed.expires, "2026-12-03T20:15:00.000Z");
  assert.equal(sb.expiresAt, NOW + 900_000);
  assert.equal(sb.status, "open");
  assert.equal(ScriptedSocket.opened.length, 1);
  ws.serverClose(1006, "");
  clock.tick(1000);
  assert.equal(lastSocket().url.searchParams.get("access_token"), fresh, "a reconnect uses the refreshed token");
});

test("a refused refresh (forbidden, with the refresh's id) rejects with the server's code and keeps the connection", async () => {
  const sb = new Switchboard({ url: URL_, accessToken: jwt("alice", 300) });
  const errors = [];
  sb.on("error", (e) => errors.push(e.code));
  sb.connect();
  const ws = lastSocket();
  ws.deliver({ type: "welcome", user: "alice", heartbeat: 25 });
  const answer = sb.refreshToken(jwt("mallory", 900));
  await settle();
  const [frame] = ws.framesOf("refresh");
  ws.deliver({ type: "error", code: "forbidden", message: "the token names another user", id: frame.id });
  await assert.rejects(answer, (e) => e.code === "forbidden" && e.id === frame.id);
  assert.deepEqual(errors, ["forbidden"]);
  assert.equal(sb.status, "open");
  assert.equal(sb.isRequest(frame.id), false);
  ws.serverClose(1006, "");
  clock.tick(1000);
  assert.notEqual(lastSocket().url.searchParams.get("access_token"), frame.token, "a refused token is not reused");
});

test("an unanswered refresh rejects with timeout; without a connection it rejects with offline", async () => {
  const sb = new Switchboard({ url: URL_, accessToken: "t0" });
  await assert.rejects(sb.refreshToken("t1"), (e) => e.code === "offline");
  sb.connect();
  lastSocket().deliver({ type: "welcome", user: "alice", heartbeat: 25 });
  const answer = sb.refreshToken("t1");
  await settle();
  clock.tick(10_000);
  await assert.rejects(answer, (e) => e.code === "timeout");
});

test("with a string token there is nothing to refresh with unless one is given", async () => {
  const sb = new Switchboard({ url: URL_ });
  sb.connect();
  lastSocket().deliver({ type: "welcome", user: "alice", heartbeat: 25 });
  await assert.rejects(sb.refreshToken(), (e) => e.code === "no_token");
});

test("an accessToken function is asked at every connect, and again before the token expires (refreshLeadMs)", async () => {
  const tokens = [jwt("alice", 600), jwt("alice", 1200)];
  let asked = 0;
  const sb = new Switchboard({ url: URL_, accessToken: async () => tokens[asked++], refreshLeadMs: 60_000 });
  sb.connect();
  await settle();
  const ws = lastSocket();
  assert.equal(ws.url.searchParams.get("access_token"), tokens[0]);
  ws.deliver({ type: "welcome", user: "alice", heartbeat: 25 });
  assert.equal(sb.expiresAt, NOW + 600_000, "the expiry is read from the token's exp");
  clock.tick(539_000);
  await settle();
  assert.equal(ws.framesOf("refresh").length, 0, "not before expiry minus the lead");
  clock.tick(1_000);
  await settle();
  const [frame] = ws.framesOf("refresh");
  assert.equal(frame.token, tokens[1]);
  ws.deliver({ type: "refreshed", expires: new Date(NOW + 1_200_000).toISOString() });
  await settle();
  assert.equal(sb.expiresAt, NOW + 1_200_000);
  assert.equal(asked, 2);
});

test("the welcome's expires, when the server sends it, plans the refresh", async () => {
  let asked = 0;
  const sb = new Switchboard({ url: URL_, accessToken: () => `opaque-${++asked}`, refreshLeadMs: 10_000 });
  sb.connect();
  await settle();
  const ws = lastSocket();
  ws.deliver({ type: "welcome", user: "alice", heartbeat: 25, expires: new Date(NOW + 100_000).toISOString() });
  clock.tick(90_000);
  await settle();
  assert.deepEqual(ws.framesOf("refresh").map((f) => f.token), ["opaque-2"]);
});

test("a close 1008 'token expired' with an accessToken function reconnects with a fresh token and resumes with since", async () => {
  let asked = 0;
  const sb = new Switchboard({ url: URL_, accessToken: async () => `token-${++asked}` });
  const statuses = [];
  sb.on("status", (s) => statuses.push(s));
  sb.connect();
  await settle();
  const first = lastSocket();
  first.deliver({ type: "welcome", user: "alice", heartbeat: 25, rooms: ["lobby"] });
  sb.join("lobby");
  sb.subscribe("orders.eu");
  first.deliver({ type: "joined", room: "lobby", seq: 41, epoch: "e1", members: ["alice"], recovered: true });
  first.deliver({ type: "message", room: "lobby", seq: 41, from: "bob", text: "hi", ts: "2026-12-03T20:00:00.000Z" });
  first.serverClose(1008, "token expired");
  assert.equal(sb.status, "reconnecting");
  clock.tick(1000);
  await settle();
  const second = lastSocket();
  assert.notEqual(second, first);
  assert.equal(second.url.searchParams.get("access_token"), "token-2");
  second.deliver({ type: "welcome", user: "alice", heartbeat: 25, rooms: ["lobby"] });
  assert.deepEqual(second.framesOf("join"), [{ type: "join", room: "lobby", since: 41, epoch: "e1" }]);
  assert.deepEqual(second.framesOf("subscribe"), [{ type: "subscribe", topic: "orders.eu" }]);
  assert.ok(!statuses.includes("signed-out"));
});

test("a close 1008 without an accessToken function signs out, as before", () => {
  const sb = new Switchboard({ url: URL_ });
  let signedOut = null;
  sb.on("signed-out", (reason) => { signedOut = reason; });
  sb.connect();
  lastSocket().deliver({ type: "welcome", user: "alice", heartbeat: 25 });
  lastSocket().serverClose(1008, "token expired");
  clock.tick(60_000);
  assert.equal(signedOut, "token expired");
  assert.equal(sb.status, "signed-out");
  assert.equal(ScriptedSocket.opened.length, 1, "no reconnect");
});

test("a close 1008 for another reason (signed out elsewhere) signs out even with an accessToken function", async () => {
  const sb = new Switchboard({ url: URL_, accessToken: () => "t" });
  sb.connect();
  await settle();
  lastSocket().serverClose(1008, "signed out");
  clock.tick(60_000);
  await settle();
  assert.equal(sb.status, "signed-out");
  assert.equal(ScriptedSocket.opened.length, 1);
});

test("an accessToken function that fails emits token-error and is asked again after the backoff", async () => {
  let asked = 0;
  const sb = new Switchboard({ url: URL_, accessToken: async () => { if (++asked === 1) throw new Error("IdP down"); return "t2"; } });
  const tokenErrors = [];
  sb.on("token-error", (e) => tokenErrors.push(e.code));
  sb.connect();
  await settle();
  assert.deepEqual(tokenErrors, ["no_token"]);
  assert.equal(ScriptedSocket.opened.length, 0);
  assert.equal(sb.status, "reconnecting");
  clock.tick(1000);
  await settle();
  assert.equal(lastSocket().url.searchParams.get("access_token"), "t2");
});

test("close() while the token is being fetched opens nothing", async () => {
  const sb = new Switchboard({ url: URL_, accessToken: async () => "t" });
  sb.connect();
  sb.close();
  await settle();
  assert.equal(ScriptedSocket.opened.length, 0);
  assert.equal(sb.status, "closed");
});

test("an automatic refresh whose accessToken function fails emits token-error with code no_token", async () => {
  let asked = 0;
  const sb = new Switchboard({ url: URL_, accessToken: async () => { if (++asked > 1) throw new Error("IdP down"); return jwt("alice", 120); } });
  const tokenErrors = [];
  sb.on("token-error", (e) => tokenErrors.push(e.code));
  sb.connect();
  await settle();
  lastSocket().deliver({ type: "welcome", user: "alice", heartbeat: 25 });
  clock.tick(60_000);
  await settle();
  assert.deepEqual(tokenErrors, ["no_token"]);
  assert.equal(lastSocket().framesOf("refresh").length, 0);
  assert.equal(sb.status, "open", "the connection carries on until the server closes it");
});

test("a refusal without id (as the server sends it) rejects the refresh on the wire; a join refusal meanwhile does not", async () => {
  const sb = new Switchboard({ url: URL_, accessToken: jwt("alice", 300) });
  sb.connect();
  const ws = lastSocket();
  ws.deliver({ type: "welcome", user: "alice", heartbeat: 25 });
  sb.join("secret");
  const accepted = sb.refreshToken(jwt("alice", 900));
  await settle();
  ws.deliver({ type: "error", code: "forbidden", message: "secret is private: ask its owner for an invitation" });
  ws.deliver({ type: "error", code: "not_joined", message: "not in room secret" });
  ws.deliver({ type: "refreshed", expires: new Date(NOW + 900_000).toISOString() });
  assert.equal((await accepted).type, "refreshed");
  const refused = sb.refreshToken(jwt("mallory", 900));
  await settle();
  ws.deliver({ type: "error", code: "forbidden", message: "the token names another user" });
  await assert.rejects(refused, (e) => e.code === "forbidden" && /another user/.test(e.message));
  const containerLogin = sb.refreshToken("t");
  await settle();
  ws.deliver({ type: "error", code: "bad_request", message: "this connection is a container login's: it does not expire" });
  await assert.rejects(containerLogin, (e) => e.code === "bad_request");
  assert.equal(sb.status, "open");
});

test("an operator's close 1008 whose reason mentions expiry still signs out: only 'token expired' is renewed", async () => {
  const sb = new Switchboard({ url: URL_, accessToken: () => "t" });
  sb.connect();
  await settle();
  lastSocket().serverClose(1008, "your trial expired");
  clock.tick(60_000);
  await settle();
  assert.equal(sb.status, "signed-out");
  assert.equal(ScriptedSocket.opened.length, 1);
});

test("a room notice is a stream item: shown once, and the resume starts after it", () => {
  const sb = new Switchboard({ url: URL_ });
  const notices = [];
  sb.on("notice", (n) => notices.push(n.text));
  sb.connect();
  const ws = lastSocket();
  ws.deliver({ type: "welcome", user: "alice", heartbeat: 25 });
  sb.join("lobby");
  ws.deliver({ type: "joined", room: "lobby", seq: 60, epoch: "e1", members: ["alice"], recovered: true });
  const notice = { type: "notice", room: "lobby", seq: 61, text: "maintenance at 22:00", by: "ops", ts: "2026-12-03T20:00:00.000Z" };
  ws.deliver(notice);
  ws.deliver(notice); // a replay overlapping the live frame
  ws.deliver({ type: "notice", text: "to everyone", by: "ops", ts: "2026-12-03T20:00:01.000Z" });
  assert.deepEqual(notices, ["maintenance at 22:00", "to everyone"]);
  ws.serverClose(1006, "");
  clock.tick(1000);
  lastSocket().deliver({ type: "welcome", user: "alice", heartbeat: 25 });
  assert.deepEqual(lastSocket().framesOf("join"), [{ type: "join", room: "lobby", since: 61, epoch: "e1" }]);
});
