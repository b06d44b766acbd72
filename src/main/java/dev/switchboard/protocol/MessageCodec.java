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
                    intOrNull(Fields.optionalCount(o, "last", 1000)));
            case "leave" -> new ClientMessage.Leave(Fields.requiredString(o, "room"));
            case "send" -> new ClientMessage.Send(Fields.requiredString(o, "room"), Fields.requiredString(o, "text"), id);
            case "direct" -> new ClientMessage.Direct(Fields.requiredString(o, "to"), Fields.requiredString(o, "text"), id);
            case "typing" -> new ClientMessage.Typing(Fields.requiredString(o, "room"));
            case "ping" -> new ClientMessage.Ping();
            default -> Fields.unknownType(type, id);
        });
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
            } else if (message instanceof ServerMessage.Presence m) {
                g.write("type", "presence").write("room", m.room()).write("user", m.user()).write("event", m.event());
            } else if (message instanceof ServerMessage.Typing m) {
                g.write("type", "typing").write("room", m.room()).write("user", m.user());
            } else if (message instanceof ServerMessage.Left m) {
                g.write("type", "left").write("room", m.room());
            } else if (message instanceof ServerMessage.Pong) {
                g.write("type", "pong");
            } else if (message instanceof ServerMessage.Welcome m) {
                g.write("type", "welcome").write("user", m.user()).write("heartbeat", m.heartbeat());
                if (m.rooms() != null) {
                    g.writeStartArray("rooms");
                    m.rooms().forEach(g::write);
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
