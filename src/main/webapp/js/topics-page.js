// The live topics page: subscriptions (wildcards allowed), a ticker with sparklines, other events (binary
// ones as an image or a download), the server log (operators only) that opens with its recent lines and
// follows the tail with pause, and a notice when the server refused a subscription, skipped events or
// could not resume an exact topic (a gap).
import { Switchboard, signIn, signOut, whoAmI } from "./switchboard.js";
import { t, applyTranslations, languageSwitcher, language, STRINGS } from "./i18n.js";

const $ = (id) => document.getElementById(id);
const MAX_LOG = 1000;
const MAX_EVENTS = 200;
const RECENT_LOG = 100; // lines the log view opens with (the topic keeps more)
// the log view's topic, named by the markup: logs.server, every server log record (logs.switchboard has
// only our own); read when needed, so a test can point the view at a quiet topic
const logTopic = () => $("log").dataset.topic || "logs.server";
const POINTS = 60;
const quotes = new Map(); // symbol -> { price, first, history: [] }
let sb;
let paused = false;
const held = []; // log lines that arrived while paused

function renderStatus(s) {
  $("status").dataset.state = s;
  $("status").textContent = t(`status.${s}`);
}

function notice(id, text) {
  $(id).textContent = text;
  $(id).hidden = !text;
}

function renderSubscriptions() {
  $("subscriptions").replaceChildren(...[...sb.patterns].map((topic) => {
    const li = document.createElement("li");
    const name = document.createElement("span");
    name.textContent = topic;
    const x = document.createElement("button");
    x.type = "button";
    x.textContent = "×";
    x.setAttribute("aria-label", t("topics.unsubscribe", { topic }));
    x.addEventListener("click", () => { sb.unsubscribe(topic); renderSubscriptions(); });
    li.append(name, x);
    return li;
  }));
  $("log-follow").hidden = sb.patterns.has(logTopic());
  $("log-pause").hidden = !sb.patterns.has(logTopic());
  renderLogState();
}

/** No empty black box: the log shows once it has lines; until then a hint says what to expect. */
function renderLogState() {
  const following = Boolean(sb && sb.patterns.has(logTopic()));
  const empty = $("log").children.length === 0;
  $("log").hidden = empty;
  $("log-empty").hidden = !empty;
  $("log-empty").dataset.state = following ? "waiting" : "idle";
  $("log-empty").textContent = t(following ? "topics.logs.waiting" : "topics.logs.idle");
}

function sparkline(values) {
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("class", "spark");
  svg.setAttribute("viewBox", `0 0 ${POINTS} 20`);
  svg.setAttribute("aria-hidden", "true");
  const min = Math.min(...values);
  const span = Math.max(...values) - min || 1;
  const line = document.createElementNS(svg.namespaceURI, "polyline");
  const step = values.length > 1 ? (POINTS - 1) / (values.length - 1) : 0; // few points still span the width
  line.setAttribute("points", values.map((v, i) => `${(i * step).toFixed(1)},${(19 - ((v - min) / span) * 18).toFixed(1)}`).join(" "));
  svg.append(line);
  return svg;
}

function renderTicker() {
  $("ticker").hidden = quotes.size === 0;
  $("ticker-empty").hidden = quotes.size > 0;
  $("ticker-rows").replaceChildren(...[...quotes.entries()].sort().map(([symbol, q]) => {
    const tr = document.createElement("tr");
    tr.dataset.symbol = symbol;
    const change = q.price - q.first;
    const cells = [symbol, q.price.toFixed(2), `${change >= 0 ? "+" : ""}${change.toFixed(2)}`];
    cells.forEach((text, i) => {
      const td = document.createElement("td");
      td.textContent = text;
      if (i === 2) td.className = change >= 0 ? "up" : "down";
      tr.append(td);
    });
    const chart = document.createElement("td");
    chart.append(sparkline(q.history));
    tr.append(chart);
    return tr;
  }));
}

function onTicker(e) {
  const d = e.data && typeof e.data === "object" ? e.data : { price: Number(e.data) };
  const symbol = d.symbol || e.topic.split(".")[1];
  const price = Number(d.price ?? d.last ?? d.bid);
  if (!Number.isFinite(price)) return;
  const q = quotes.get(symbol) || { first: price, history: [] };
  q.price = price;
  q.history.push(price);
  if (q.history.length > POINTS) q.history.shift();
  quotes.set(symbol, q);
  renderTicker();
}

function logLine(e) {
  const d = e.data;
  const li = document.createElement("li");
  li.textContent = typeof d === "string" ? d
    : [d.ts || e.ts, d.level, d.logger, d.message].filter(Boolean).join(" ");
  return li;
}

function appendLog(lines) {
  const log = $("log");
  log.append(...lines);
  while (log.children.length > MAX_LOG) log.firstElementChild.remove();
  renderLogState();
  log.scrollTop = log.scrollHeight; // follow the tail
}

function onLog(e) {
  const li = logLine(e);
  if (paused) held.push(li); else appendLog([li]);
}

function prependEvent(li) {
  $("events").prepend(li);
  while ($("events").children.length > MAX_EVENTS) {
    const gone = $("events").lastElementChild;
    if (gone.dataset.url) URL.revokeObjectURL(gone.dataset.url); // the bytes go with the line
    gone.remove();
  }
}

function onOther(e) {
  const li = document.createElement("li");
  li.textContent = `${e.topic} #${e.seq} ${JSON.stringify(e.data)}`;
  prependEvent(li);
}

/** A simple subtype (png, pdf, zip) as a file extension; anything else gets none. */
function extension(mime) {
  const sub = mime.split("/")[1] || "";
  return /^[a-z0-9]{1,8}$/i.test(sub) ? `.${sub}` : "";
}

/**
 * A binary event (docs/protocol.md, "Binary events"): an image inline, anything else as a download. The
 * bytes become a blob URL of the declared type; nothing from the header or the bytes is parsed as HTML.
 */
function onBinary({ header, bytes }) {
  const mime = typeof header.mime === "string" && /^[\w.+-]+\/[\w.+-]+$/.test(header.mime)
    ? header.mime.toLowerCase() : "application/octet-stream";
  const topic = String(header.topic);
  const name = typeof header.name === "string" && header.name.trim()
    ? header.name.trim() : `${topic}-${header.seq}${extension(mime)}`;
  const li = document.createElement("li");
  li.className = "binary";
  const head = document.createElement("span");
  head.textContent = t("topics.binary", { topic, seq: header.seq, mime, size: bytes.length });
  const url = URL.createObjectURL(new Blob([bytes], { type: mime }));
  li.dataset.url = url;
  let body;
  if (mime.startsWith("image/")) {
    body = document.createElement("img");
    body.src = url;
    body.alt = name;
  } else {
    body = document.createElement("a");
    body.href = url;
    body.download = name;
    body.textContent = t("attachment.download", { name });
  }
  body.className = "attachment";
  li.append(head, body);
  prependEvent(li);
}

/** The reason for an error code in the page's language; a code without a translation here says its code. */
function reason(m) {
  const key = `error.${m.code}`;
  return key in STRINGS[language()] ? t(key, { message: m.message || "", code: m.code })
    : t("error.generic", { code: m.code });
}

/**
 * A refused subscribe names its topic: it is no subscription, so its chip goes (and it is not resubscribed
 * after a reconnect), with the reason. Other errors are shown as they come.
 */
function onError(m) {
  if (typeof m.topic === "string" && sb.patterns.has(m.topic)) {
    sb.patterns.delete(m.topic);
    sb.positions.delete(m.topic);
    renderSubscriptions();
    if (m.topic === logTopic() && m.code === "forbidden") notice("log-notice", t("topics.logs.forbidden"));
    else notice("notice", t("topics.refused", { topic: m.topic, reason: reason(m) }));
    return;
  }
  notice("notice", reason(m));
}

/**
 * The server could not resume an exact topic from where this view was (another history, or events
 * gone): one notice where the topic's events are shown, then what follows.
 */
function onGap({ stream: topic }) {
  const text = t("topics.gap", { topic });
  if (topic.startsWith("ticker.")) return notice("notice", text);
  const li = document.createElement("li");
  li.className = "gap";
  li.setAttribute("role", "note");
  li.textContent = text;
  if (!topic.startsWith("logs.")) prependEvent(li);
  else if (paused) held.push(li);
  else appendLog([li]);
}

function start(user) {
  $("signin").hidden = true;
  $("topics").hidden = false;
  $("signout").hidden = false;
  $("me").textContent = user;
  sb = new Switchboard({ path: "ws/topics" });
  window.switchboardTopics = sb;
  sb.on("status", renderStatus)
    .on("event", (e) => {
      if (e.topic.startsWith("ticker.")) onTicker(e);
      else if (e.topic.startsWith("logs.")) onLog(e);
      else onOther(e);
    })
    .on("binary", onBinary)
    .on("skipped", (m) => notice(m.topic.startsWith("logs.") ? "log-notice" : "notice",
      t("topics.skipped", { count: m.count, topic: m.topic })))
    .on("gap", onGap)
    .on("subscribed", renderSubscriptions)
    .on("error", onError)
    .on("signed-out", showSignin); // the token expired or the user signed out elsewhere
  sb.connect();
  sb.subscribe("ticker.*");
  renderSubscriptions();
}

function showSignin() {
  $("signin").hidden = false;
  $("topics").hidden = true;
  $("signout").hidden = true;
  $("me").textContent = "";
  renderStatus("idle");
  $("name").focus();
}

$("subscribe-form").addEventListener("submit", (e) => {
  e.preventDefault();
  notice("notice", "");
  sb.subscribe($("topic").value.trim());
  $("topic").value = "";
  renderSubscriptions();
});

$("log-follow").addEventListener("click", () => {
  notice("log-notice", "");
  sb.subscribe(logTopic(), { last: RECENT_LOG }); // opens with the recent lines, then follows
  renderSubscriptions();
});

$("log-pause").addEventListener("click", () => {
  paused = !paused;
  $("log-pause").setAttribute("aria-pressed", String(paused));
  $("log-pause").textContent = t(paused ? "topics.logs.resume" : "topics.logs.pause");
  if (!paused) appendLog(held.splice(0));
});

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
  sb?.close();
  await signOut();
  location.reload();
});

document.addEventListener("languagechange", () => {
  renderStatus(sb ? sb.status : "idle");
  if (sb) renderSubscriptions(); else renderLogState();
  $("log-pause").textContent = t(paused ? "topics.logs.resume" : "topics.logs.pause");
});

languageSwitcher($("lang"));
applyTranslations();
whoAmI().then((user) => {
  if (user) start(user);
  else showSignin();
});
