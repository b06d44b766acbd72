package dev.switchboard.protocol;

import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import jakarta.json.stream.JsonGenerator;
import jakarta.json.stream.JsonGeneratorFactory;
import jakarta.websocket.Decoder;
import jakarta.websocket.Encoder;
import java.io.StringReader;
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

    /**
     * The JSON object of a client frame, or the {@code bad_request} it earns (not JSON, not an object, nesting or
     * numbers beyond the parser): the first step of both endpoints' codecs. Never throws.
     */
    static Object frame(String text) {
        try (JsonReader reader = JSON.createReader(new StringReader(text))) {
            JsonValue v = reader.readValue();
            return v instanceof JsonObject obj ? obj
                    : new ClientMessage.Invalid(ErrorCode.BAD_REQUEST, "a frame must be a JSON object", null);
        } catch (RuntimeException e) { // JsonException, nesting limits, number overflow
            return new ClientMessage.Invalid(ErrorCode.BAD_REQUEST, "malformed JSON", null);
        }
    }

    /** Decodes one client frame; never throws. */
    public static ClientMessage read(String text) {
        Object parsed = frame(text);
        if (!(parsed instanceof JsonObject o)) {
            return (ClientMessage) parsed;
        }
        String id = null;
        try {
            id = optionalString(o, "id");
            String type = requiredString(o, "type");
            return switch (type) {
                case "join" -> new ClientMessage.Join(requiredString(o, "room"),
                        optionalCount(o, "since", Long.MAX_VALUE), intOrNull(optionalCount(o, "last", 1000)));
                case "leave" -> new ClientMessage.Leave(requiredString(o, "room"));
                case "send" -> new ClientMessage.Send(requiredString(o, "room"), requiredString(o, "text"), id);
                case "direct" -> new ClientMessage.Direct(requiredString(o, "to"), requiredString(o, "text"), id);
                case "typing" -> new ClientMessage.Typing(requiredString(o, "room"));
                case "ping" -> new ClientMessage.Ping();
                default -> new ClientMessage.Invalid(ErrorCode.UNKNOWN_TYPE, "unknown type: " + clip(type), id);
            };
        } catch (BadField e) {
            return new ClientMessage.Invalid(ErrorCode.BAD_REQUEST, e.getMessage(), id);
        }
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
            } else if (message instanceof ServerMessage.Error m) {
                g.write("type", "error").write("code", m.code().wire()).write("message", m.message());
                writeIfPresent(g, "id", m.id());
            } else if (message instanceof ServerMessage.Subscribed m) {
                g.write("type", "subscribed").write("topic", m.topic()).write("recovered", m.recovered());
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

    private static String requiredString(JsonObject o, String name) {
        JsonValue v = o.get(name);
        if (v == null || v == JsonValue.NULL) {
            throw new BadField("missing field: " + name);
        }
        if (!(v instanceof JsonString s)) {
            throw new BadField("field must be a string: " + name);
        }
        return s.getString();
    }

    private static String optionalString(JsonObject o, String name) {
        JsonValue v = o.get(name);
        if (v == null || v == JsonValue.NULL) {
            return null;
        }
        if (!(v instanceof JsonString s)) {
            throw new BadField("field must be a string: " + name);
        }
        return s.getString();
    }

    /** A non-negative whole number no larger than {@code max}, or null when absent. */
    private static Long optionalCount(JsonObject o, String name, long max) {
        JsonValue v = o.get(name);
        if (v == null || v == JsonValue.NULL) {
            return null;
        }
        if (!(v instanceof JsonNumber n) || !n.isIntegral()) {
            throw new BadField("field must be a whole number: " + name);
        }
        long value;
        try {
            value = n.longValueExact();
        } catch (ArithmeticException e) {
            throw new BadField("field out of range: " + name);
        }
        if (value < 0 || value > max) {
            throw new BadField("field out of range: " + name);
        }
        return value;
    }

    private static Integer intOrNull(Long value) {
        return value == null ? null : value.intValue();
    }

    private static String clip(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "…";
    }

    /** A field that is missing or of the wrong kind; becomes {@code bad_request}. */
    private static final class BadField extends RuntimeException {
        BadField(String message) {
            super(message, null, false, false);
        }
    }
}
