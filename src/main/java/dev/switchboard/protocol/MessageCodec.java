package dev.switchboard.protocol;

import jakarta.json.spi.JsonProvider;
import jakarta.json.stream.JsonGenerator;
import jakarta.json.stream.JsonGeneratorFactory;
import jakarta.websocket.Decoder;
import jakarta.websocket.Encoder;
import java.io.StringWriter;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

/**
 * The one codec of the chat protocol: JSON text frames to {@link ClientMessage} and {@link ServerMessage}
 * to JSON text. Decoding never throws: a bad frame becomes {@link ClientMessage.Invalid}. Stateless and
 * thread-safe; the static methods are what the rest of the code uses (a broadcast is encoded once).
 */
public final class MessageCodec implements Decoder.Text<ClientMessage>, Encoder.Text<ServerMessage> {

    private static final JsonProvider JSON = JsonProvider.provider();
    private static final JsonGeneratorFactory GENERATORS = JSON.createGeneratorFactory(Map.of());

    @Override
    public ClientMessage decode(String text) {
        return read(text);
    }

    @Override
    public boolean willDecode(String text) {
        return true; // every frame gets an answer, errors included
    }

    @Override
    public String encode(ServerMessage message) {
        return write(message);
    }

    @Override
    public void init(jakarta.websocket.EndpointConfig config) {
        // stateless
    }

    @Override
    public void destroy() {
        // stateless
    }

    /** Decodes one client frame; never throws. */
    public static ClientMessage read(String text) {
        return Fields.decode(text, (o, type, id) -> switch (type) {
            case "join" -> new ClientMessage.Join(Fields.requiredString(o, "room"),
                    Fields.optionalCount(o, "since", Long.MAX_VALUE), Fields.optionalEpoch(o),
                    intOrNull(Fields.optionalCount(o, "last", 1000)), Fields.optionalBoolean(o, "private"));
            case "invite" -> new ClientMessage.Invite(Fields.requiredString(o, "room"), Fields.requiredString(o, "user"), id);
            case "accept", "decline" -> new ClientMessage.Answer(Fields.requiredString(o, "room"), type.equals("accept"), id);
            case "kick", "ban" -> moderate(type, o, Fields.requiredString(o, "user"), id);
            case "unban", "mute", "role", "title" -> moderate(type, o, "title".equals(type) ? null : Fields.requiredString(o, "user"), id);
            case "edit" -> new ClientMessage.Edit(Fields.requiredString(o, "room"), Fields.requiredSeq(o), Fields.requiredString(o, "text"), id);
            case "delete" -> new ClientMessage.Delete(Fields.requiredString(o, "room"), Fields.requiredSeq(o), id);
            case "read" -> new ClientMessage.Read(Fields.requiredString(o, "room"), Fields.requiredSeq(o));
            case "leave" -> new ClientMessage.Leave(Fields.requiredString(o, "room"));
            case "send" -> new ClientMessage.Send(Fields.requiredString(o, "room"), Fields.requiredString(o, "text"), id);
            case "direct" -> new ClientMessage.Direct(Fields.requiredString(o, "to"), Fields.requiredString(o, "text"), id);
            case "typing" -> new ClientMessage.Typing(Fields.requiredString(o, "room"));
            case "ping" -> new ClientMessage.Ping();
            case "refresh" -> new ClientMessage.Refresh(Fields.requiredString(o, "token"), id);
            default -> Fields.unknownType(type, id);
        });
    }

    private static ClientMessage moderate(String type, jakarta.json.JsonObject o, String user, String id) {
        ModerationAction action = ModerationAction.of(type);
        Long seconds = Fields.optionalCount(o, "seconds", 366L * 24 * 3600);
        if (action == ModerationAction.MUTE && seconds == null) {
            throw new Fields.BadField("missing field: seconds");
        }
        String role = Fields.optionalString(o, "role");
        if (action == ModerationAction.ROLE && role == null) {
            throw new Fields.BadField("missing field: role");
        }
        String title = Fields.optionalString(o, "title");
        if (action == ModerationAction.TITLE && title == null && Fields.optionalString(o, "topic") == null) {
            throw new Fields.BadField("missing field: title");
        }
        return new ClientMessage.Moderate(action, Fields.requiredString(o, "room"), user, Fields.optionalString(o, "reason"),
                seconds, role, title, Fields.optionalString(o, "topic"), id);
    }

    /** Encodes one server message as a JSON text frame. */
    public static String write(ServerMessage message) {
        StringWriter out = new StringWriter(128);
        try (JsonGenerator g = GENERATORS.createGenerator(out)) {
            g.writeStartObject();
            if (message instanceof ServerMessage.Message m) {
                g.write("type", "message").write("room", m.room()).write("seq", m.seq())
                        .write("from", m.from()).write("text", m.text()).write("ts", timestamp(m.ts()));
                writeIfPresent(g, "id", m.id());
            } else if (message instanceof ServerMessage.Ack m) {
                g.write("type", "ack");
                writeIfPresent(g, "id", m.id());
                g.write("room", m.room()).write("seq", m.seq());
            } else if (message instanceof ServerMessage.DirectMessage m) {
                g.write("type", "direct").write("room", "@me").write("seq", m.seq())
                        .write("from", m.from()).write("to", m.to()).write("text", m.text())
                        .write("ts", timestamp(m.ts()));
                writeIfPresent(g, "id", m.id());
            } else if (message instanceof ServerMessage.Joined m) {
                g.write("type", "joined").write("room", m.room()).write("seq", m.seq());
                writeIfPresent(g, "epoch", m.epoch());
                g.writeStartArray("members");
                m.members().forEach(g::write);
                g.writeEnd();
                g.write("recovered", m.recovered());
                if (m.standing() != null) {
                    ServerMessage.Standing st = m.standing();
                    g.write("private", st.isPrivate());
                    writeIfPresent(g, "role", st.role());
                    g.write("read", st.read()).write("unread", st.unread());
                    writeIfPresent(g, "title", st.title());
                    writeIfPresent(g, "topic", st.topic());
                    g.writeStartObject("roles");
                    st.roles().forEach(g::write);
                    g.writeEnd();
                }
            } else if (message instanceof ServerMessage.Presence m) {
                g.write("type", "presence").write("room", m.room()).write("user", m.user()).write("event", m.event());
            } else if (message instanceof ServerMessage.Typing m) {
                g.write("type", "typing").write("room", m.room()).write("user", m.user());
            } else if (message instanceof ServerMessage.Left m) {
                g.write("type", "left").write("room", m.room());
                writeIfPresent(g, "reason", m.reason());
                writeIfPresent(g, "by", m.by());
                writeIfPresent(g, "message", m.message());
            } else if (message instanceof ServerMessage.Pong) {
                g.write("type", "pong");
            } else if (message instanceof ServerMessage.Refreshed m) {
                g.write("type", "refreshed").write("expires", timestamp(m.expires()));
                writeIfPresent(g, "id", m.id());
            } else if (message instanceof ServerMessage.Welcome m) {
                g.write("type", "welcome").write("user", m.user()).write("heartbeat", m.heartbeat());
                if (m.expires() != null) {
                    g.write("expires", timestamp(m.expires()));
                }
                if (m.rooms() != null) {
                    g.writeStartArray("rooms");
                    m.rooms().forEach(g::write);
                    g.writeEnd();
                }
                if (m.invites() != null) {
                    g.writeStartArray("invites");
                    m.invites().forEach(i -> g.writeStartObject().write("room", i.room()).write("by", i.by()).writeEnd());
                    g.writeEnd();
                }
            } else if (message instanceof ServerMessage.Error m) {
                g.write("type", "error").write("code", m.code().wire()).write("message", m.message());
                writeIfPresent(g, "id", m.id());
                writeIfPresent(g, "topic", m.topic());
            } else if (message instanceof ServerMessage.Subscribed m) {
                g.write("type", "subscribed").write("topic", m.topic()).write("recovered", m.recovered());
                if (m.seq() != null) {
                    g.write("seq", m.seq());
                }
                writeIfPresent(g, "epoch", m.epoch());
            } else if (message instanceof ServerMessage.Unsubscribed m) {
                g.write("type", "unsubscribed").write("topic", m.topic());
            } else if (message instanceof ServerMessage.Event m) {
                g.write("type", "event").write("topic", m.topic()).write("seq", m.seq()).write("data", m.data())
                        .write("ts", timestamp(m.ts()));
            } else if (message instanceof ServerMessage.Invited m) {
                g.write("type", "invited").write("room", "@me").write("seq", m.seq()).write("target", m.target())
                        .write("by", m.by()).write("ts", timestamp(m.ts()));
            } else if (message instanceof ServerMessage.Moderation m) {
                g.write("type", "moderation").write("room", m.room()).write("seq", m.seq()).write("action", m.action().wire());
                writeIfPresent(g, "user", m.user());
                g.write("by", m.by());
                writeIfPresent(g, "reason", m.reason());
                if (m.seconds() != null) {
                    g.write("seconds", m.seconds());
                }
                writeIfPresent(g, "role", m.role());
                writeIfPresent(g, "title", m.title());
                writeIfPresent(g, "topic", m.topic());
                g.write("ts", timestamp(m.ts()));
            } else if (message instanceof ServerMessage.Edit m) {
                g.write("type", "edit").write("room", m.room()).write("seq", m.seq()).write("of", m.of())
                        .write("from", m.from()).write("text", m.text()).write("ts", timestamp(m.ts()));
                writeIfPresent(g, "id", m.id());
            } else if (message instanceof ServerMessage.Delete m) {
                g.write("type", "delete").write("room", m.room()).write("seq", m.seq()).write("of", m.of())
                        .write("by", m.by()).write("ts", timestamp(m.ts()));
                writeIfPresent(g, "id", m.id());
            } else if (message instanceof ServerMessage.Read m) {
                g.write("type", "read").write("room", m.room()).write("seq", m.seq());
            } else if (message instanceof ServerMessage.Attachment m) {
                g.write("type", "attachment").write("room", m.room()).write("seq", m.seq()).write("from", m.from())
                        .write("name", m.name()).write("mime", m.mime()).write("size", m.size()).write("url", m.url())
                        .write("ts", timestamp(m.ts()));
                writeIfPresent(g, "id", m.id());
            } else if (message instanceof ServerMessage.Notice m) {
                g.write("type", "notice");
                writeIfPresent(g, "room", m.room());
                if (m.seq() != null) {
                    g.write("seq", m.seq());
                }
                g.write("text", m.text());
                writeIfPresent(g, "by", m.by());
                g.write("ts", timestamp(m.ts()));
            } else if (message instanceof ServerMessage.Skipped m) {
                g.write("type", "skipped").write("topic", m.topic()).write("count", m.count());
            } else {
                // Java 17 has no exhaustive switch over sealed types; MessageCodecTest encodes every kind.
                throw new IllegalArgumentException("no encoding for " + message.getClass());
            }
            g.writeEnd();
        }
        return out.toString();
    }

    /** The wire form of a server timestamp: UTC, millisecond precision. */
    public static String timestamp(Instant ts) {
        return ts.truncatedTo(ChronoUnit.MILLIS).toString();
    }

    private static void writeIfPresent(JsonGenerator g, String name, String value) {
        if (value != null) {
            g.write(name, value);
        }
    }

    private static Integer intOrNull(Long value) {
        return value == null ? null : value.intValue();
    }

}
