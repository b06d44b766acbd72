// Every string the pages show, one block per language. The language comes from localStorage (the
// user's choice), else navigator.language; `applyTranslations` fills elements marked data-i18n.
export const STRINGS = {
  en: {
    "app.title": "Switchboard",
    "nav.chat": "Chat",
    "nav.topics": "Live topics",
    "lang.label": "Language",
    "signin.heading": "Sign in",
    "signin.name": "Your name",
    "signin.hint": "Letters, digits, . _ and -, up to 32.",
    "signin.submit": "Sign in",
    "signin.taken": "That name is in use. Pick another.",
    "signin.invalid": "Use letters, digits, . _ or - (up to 32).",
    "signin.failed": "Could not sign in: {message}",
    "signout": "Sign out",
    "status.idle": "Offline",
    "status.connecting": "Connecting…",
    "status.open": "Connected",
    "status.reconnecting": "Reconnecting…",
    "status.closed": "Disconnected",
    "status.signed-out": "Session expired: sign in again",
    "rooms.heading": "Rooms",
    "rooms.join": "Join",
    "rooms.placeholder": "room name",
    "dms.heading": "Direct messages",
    "dms.placeholder": "user name",
    "dms.start": "Write",
    "members.heading": "Here now",
    "composer.placeholder": "Write a message…",
    "composer.send": "Send",
    "composer.attach": "Attach a file",
    "typing.one": "{user} is typing…",
    "history.gap": "Some messages could not be recovered.",
    "unread": "{count} unread",
    "error.not_found": "No such user: {detail}",
    "error.generic": "The server refused that ({code}).",
    "error.too_large": "That message is too long for the server. It is still in the box: shorten it or split it.",
    "error.rate_limited": "Too many messages at once. Wait a moment and send again.",
    "error.not_joined": "Join the room before writing to it.",
    "error.forbidden": "That is not allowed.",
    "error.bad_request": "The server could not take that: {message}",
    "composer.tooLong": "This message is {bytes} bytes; the limit is {limit}. It stays in the box: shorten it or split it.",
    "attachment.download": "Download {name}",
    "attachment.tooLarge": "{name} is over 1 MiB: too large to send.",
    "empty.room": "No messages yet. Say hello!",
    "you": "you",
    "error.unknown_type": "The server does not know that request ({message}).",
    "error.overloaded": "The server is busy. Send it again in a moment.",
    "pending.busy": "The server is busy: your message is sent again in a moment.",
    "pending.sending": "sending…",
    "pending.failed": "not sent: {reason}",
    "pending.retry": "Retry",
    "composer.count": "{bytes} / {limit} bytes",
    "room.leave": "Leave",
    "conversation.close": "Close",
    "drawer.rooms": "Rooms and direct messages",
    "drawer.people": "People here",
    "jump": "{count} new ↓",
    "day.today": "Today",
    "day.yesterday": "Yesterday",
    "rooms.name.invalid": "Room names use letters, digits, . _ and - only (up to {max}).",
    "rooms.name.tooLong": "Room names are at most {max} characters; this one has {length}.",
    "dms.name.invalid": "User names use letters, digits, . _ and - only (up to {max}).",
    "dms.name.tooLong": "User names are at most {max} characters; this one has {length}.",
    "dms.unknown": "Nobody called {name} has used this server. Check the name.",
    "topics.heading": "Live topics",
    "topics.subscribe": "Subscribe",
    "topics.placeholder": "topic or pattern, e.g. ticker.*",
    "topics.subscriptions": "Subscriptions",
    "topics.unsubscribe": "Unsubscribe from {topic}",
    "topics.ticker": "Ticker",
    "topics.ticker.empty": "Subscribe to ticker.* to see quotes.",
    "topics.logs": "Server log",
    "topics.logs.subscribe": "Follow the server log",
    "topics.logs.pause": "Pause",
    "topics.logs.resume": "Resume",
    "topics.logs.forbidden": "The server log is for operators only.",
    "topics.skipped": "{count} events skipped on {topic}: this view was too slow.",
    "topics.gap": "{topic}: some events could not be recovered.",
    "topics.events": "Other events",
    "topics.price": "Price",
    "topics.change": "Change",
    "topics.symbol": "Symbol",
    "topics.refused": "Not subscribed to {topic}: {reason}",
    "topics.binary": "{topic} #{seq} · {mime}, {size} bytes",
    "topics.logs.idle": "Operators can follow the server log here.",
    "topics.logs.waiting": "Waiting for log lines…",
  },
  "zh-CN": {
    "app.title": "Switchboard",
    "nav.chat": "聊天",
    "nav.topics": "实时主题",
    "lang.label": "语言",
    "signin.heading": "登录",
    "signin.name": "你的名字",
    "signin.hint": "字母、数字、. _ 和 -，最多 32 个。",
    "signin.submit": "登录",
    "signin.taken": "这个名字正在使用中，请换一个。",
    "signin.invalid": "请使用字母、数字、. _ 或 -（最多 32 个）。",
    "signin.failed": "无法登录：{message}",
    "signout": "退出",
    "status.idle": "离线",
    "status.connecting": "正在连接…",
    "status.open": "已连接",
    "status.reconnecting": "正在重新连接…",
    "status.closed": "已断开",
    "status.signed-out": "会话已过期：请重新登录",
    "rooms.heading": "聊天室",
    "rooms.join": "加入",
    "rooms.placeholder": "聊天室名称",
    "dms.heading": "私信",
    "dms.placeholder": "用户名",
    "dms.start": "发私信",
    "members.heading": "在线成员",
    "composer.placeholder": "输入消息…",
    "composer.send": "发送",
    "composer.attach": "附加文件",
    "typing.one": "{user} 正在输入…",
    "history.gap": "部分消息无法恢复。",
    "unread": "{count} 条未读",
    "error.not_found": "没有这个用户：{detail}",
    "error.generic": "服务器拒绝了这个请求（{code}）。",
    "error.too_large": "这条消息对服务器来说太长了。它仍在输入框里：请缩短或拆分。",
    "error.rate_limited": "发送太频繁。请稍等片刻再发送。",
    "error.not_joined": "请先加入该房间再发言。",
    "error.forbidden": "不允许这样做。",
    "error.bad_request": "服务器无法处理这个请求。",
    "composer.tooLong": "这条消息有 {bytes} 字节，上限是 {limit}。它仍在输入框里：请缩短或拆分。",
    "attachment.download": "下载 {name}",
    "attachment.tooLarge": "{name} 超过 1 MiB，无法发送。",
    "empty.room": "还没有消息，打个招呼吧！",
    "you": "你",
    "error.unknown_type": "服务器不认识这个请求。",
    "error.overloaded": "服务器正忙。请稍后再发送。",
    "pending.busy": "服务器正忙：你的消息稍后会自动重新发送。",
    "pending.sending": "正在发送…",
    "pending.failed": "未发送：{reason}",
    "pending.retry": "重试",
    "composer.count": "{bytes} / {limit} 字节",
    "room.leave": "退出",
    "conversation.close": "关闭",
    "drawer.rooms": "聊天室和私信",
    "drawer.people": "在线成员",
    "jump": "{count} 条新消息 ↓",
    "day.today": "今天",
    "day.yesterday": "昨天",
    "rooms.name.invalid": "聊天室名称只能使用字母、数字、. _ 和 -（最多 {max} 个）。",
    "rooms.name.tooLong": "聊天室名称最多 {max} 个字符，这个有 {length} 个。",
    "dms.name.invalid": "用户名只能使用字母、数字、. _ 和 -（最多 {max} 个）。",
    "dms.name.tooLong": "用户名最多 {max} 个字符，这个有 {length} 个。",
    "dms.unknown": "没有名叫 {name} 的用户使用过这个服务器。请检查名字。",
    "topics.heading": "实时主题",
    "topics.subscribe": "订阅",
    "topics.placeholder": "主题或通配符，例如 ticker.*",
    "topics.subscriptions": "订阅列表",
    "topics.unsubscribe": "取消订阅 {topic}",
    "topics.ticker": "行情",
    "topics.ticker.empty": "订阅 ticker.* 以查看报价。",
    "topics.logs": "服务器日志",
    "topics.logs.subscribe": "跟踪服务器日志",
    "topics.logs.pause": "暂停",
    "topics.logs.resume": "继续",
    "topics.logs.forbidden": "服务器日志仅对运维人员开放。",
    "topics.skipped": "{topic} 跳过了 {count} 条事件：此视图处理太慢。",
    "topics.gap": "{topic}：部分事件无法恢复。",
    "topics.events": "其他事件",
    "topics.price": "价格",
    "topics.change": "涨跌",
    "topics.symbol": "代码",
    "topics.refused": "未能订阅 {topic}：{reason}",
    "topics.binary": "{topic} #{seq} · {mime}，{size} 字节",
    "topics.logs.idle": "运维人员可以在这里跟踪服务器日志。",
    "topics.logs.waiting": "正在等待日志行…",
  },
};

export const LANGUAGES = { en: "English", "zh-CN": "简体中文" };

export function pickLanguage() {
  const chosen = localStorage.getItem("switchboard.lang");
  if (chosen && STRINGS[chosen]) return chosen;
  const wanted = [...(navigator.languages || []), navigator.language || "en"];
  return wanted.some((l) => l && l.toLowerCase().startsWith("zh")) ? "zh-CN" : "en";
}

let lang = pickLanguage();

export function language() {
  return lang;
}

export function setLanguage(l) {
  lang = STRINGS[l] ? l : "en";
  localStorage.setItem("switchboard.lang", lang);
  applyTranslations();
}

/** The string for `key` in the current language, with {name} placeholders filled (as plain text). */
export function t(key, vars = {}) {
  const s = STRINGS[lang][key] ?? STRINGS.en[key] ?? key;
  return s.replace(/\{(\w+)\}/g, (_, k) => String(vars[k] ?? ""));
}

/** Fills data-i18n (text), data-i18n-placeholder and data-i18n-label (aria-label) attributes. */
export function applyTranslations(root = document) {
  document.documentElement.lang = lang;
  for (const el of root.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll("[data-i18n-placeholder]")) el.placeholder = t(el.dataset.i18nPlaceholder);
  for (const el of root.querySelectorAll("[data-i18n-label]")) el.setAttribute("aria-label", t(el.dataset.i18nLabel));
  document.dispatchEvent(new CustomEvent("languagechange"));
}

/** A <select> that switches the language. */
export function languageSwitcher(select) {
  select.replaceChildren(...Object.entries(LANGUAGES).map(([code, name]) => new Option(name, code, false, code === lang)));
  select.addEventListener("change", () => setLanguage(select.value));
}
