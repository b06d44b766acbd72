// A TypeScript front end using the client as installed from its tarball (`npm install ./switchboard-client-0.1.0.tgz`).
// The build type-checks this file (pom.xml, client-check); it is not run.
import { Switchboard, whoAmI, signIn, type MessageFrame, type ServerFrame } from "@switchboard/client";

if (!(await whoAmI())) await signIn("alice");

const chat = new Switchboard({ path: "ws/chat" });
chat
  .on("status", (s) => console.log("connection:", s))
  .on("message", (m) => console.log(`#${m.room} ${m.from}: ${m.text}`))
  .on("direct", (m) => console.log(`${m.from} → ${m.to}: ${m.text}`))
  .on("gap", (g) => console.log(`${g.stream}: some messages could not be recovered`))
  .on("moderation", (m) => {
    if (m.action === "mute") console.log(`${m.by} muted ${m.user} for ${m.seconds} s`); // narrowed by action
  })
  .on("attachment", ({ header, bytes }) => console.log(header.name, bytes ? bytes.length : header.url))
  .on("*", (type, payload) => {
    if (type === "joined") console.log(payload.room, payload.unread ?? 0, "unread"); // narrowed by the event name
  });
chat.connect();
chat.join("lobby");
chat.join("design", { private: true });
const id: string = chat.send("lobby", "hello");
chat.direct("bob", "psst");
try {
  const ack = await chat.kick("design", "bob", "off topic");
  console.log("stored as", ack.seq, "for", id);
} catch (e) {
  const err = e as import("@switchboard/client").SwitchboardError;
  if (err.code === "forbidden") console.log("not a moderator");
}
await chat.setTitle("design", { topic: "Thursdays" });

// Topics, with an identity provider's token, refreshed before it expires and after a close for expiry
declare function tokenFromIdentityProvider(): Promise<string>;
const topics = new Switchboard({ path: "ws/topics", accessToken: tokenFromIdentityProvider, refreshLeadMs: 30_000 });
topics.on("event", (e) => console.log(e.topic, e.seq, e.data))
  .on("refreshed", (r) => console.log("token good until", r.expires))
  .on("token-error", (err) => console.log("could not refresh:", err.code));
topics.connect();
topics.subscribe("ticker.*");
topics.subscribe("logs.server", { last: 100 });
const refreshed = await topics.refreshToken();
console.log(refreshed.expires);

/** A handler over the frame union, narrowed by `type`. */
export function describe(frame: ServerFrame): string {
  switch (frame.type) {
    case "message": return text(frame);
    case "event": return `${frame.topic} #${frame.seq}`;
    case "error": return `${frame.code}: ${frame.message}`;
    default: return frame.type;
  }
}

function text(m: MessageFrame): string {
  return `${m.from}: ${m.text}`;
}
