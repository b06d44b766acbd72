// Misuses the types refuse: each line below must be a type error (tsc fails on an unused @ts-expect-error), so this
// file proves that the declarations catch them. Checked by the build (pom.xml, client-check); never run.
import { Switchboard, type ClientFrame, type ServerFrame } from "@switchboard/client";

const chat = new Switchboard();

// @ts-expect-error an event that does not exist
chat.on("mesage", () => {});
// @ts-expect-error a message has no `body`
chat.on("message", (m) => m.body);
// @ts-expect-error an event's payload is not a message
chat.on("event", (e) => e.text);
// @ts-expect-error `*` handlers get the name and the payload, narrowed together
chat.on("*", (type, payload) => type === "status" && payload.room);
// @ts-expect-error send takes a room and a text
chat.send("lobby");
// @ts-expect-error a seq is a number
chat.edit("lobby", "45", "fixed");
// @ts-expect-error a role is "moderator" or "member"
chat.setRole("design", "bob", "owner");
// @ts-expect-error a title change names a title or a topic
chat.setTitle("design", {});
// @ts-expect-error an unknown option
new Switchboard({ pingSecond: 5 });
// @ts-expect-error an access token is a string or a function that gives one
new Switchboard({ accessToken: 42 });
// @ts-expect-error the status is read-only
chat.status = "open";

// @ts-expect-error a send frame has `text`, not `body`
const wrongField: ClientFrame = { type: "send", room: "lobby", body: "hi" };
// @ts-expect-error a direct message names `to`
const noRecipient: ClientFrame = { type: "direct", text: "hi" };
// @ts-expect-error not a frame type
const unknownType: ClientFrame = { type: "shout", room: "lobby" };
// @ts-expect-error mute needs `seconds`
const muteForever: ClientFrame = { type: "mute", room: "design", user: "bob" };
// @ts-expect-error an error code the server does not send
const badCode: ServerFrame = { type: "error", code: "teapot", message: "no" };

export { wrongField, noRecipient, unknownType, muteForever, badCode };
