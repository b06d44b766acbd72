package dev.switchboard.protocol;

import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.websocket.Decoder;
import jakarta.websocket.Encoder;

/**
 * The codec of {@code /ws/topics}: the topic dialect of the same model ({@code subscribe},
 * {@code unsubscribe}, {@code ping}; everything else is {@code unknown_type}, just as {@code subscribe}
 * is on {@code /ws/chat}). Encoding is {@link MessageCodec#write}. Decoding never throws.
 */
public final class TopicCodec implements Decoder.Text<ClientMessage>, Encoder.Text<ServerMessage> {

    @Override
    public ClientMessage decode(String text) {
        return read(text);
    }

    @Override
    public boolean willDecode(String text) {
        return true;
    }

    @Override
    public String encode(ServerMessage message) {
        return MessageCodec.write(message);
    }

    @Override
    public void init(jakarta.websocket.EndpointConfig config) {
        // stateless
    }

    @Override
    public void destroy() {
        // stateless
    }

    /** Decodes one client frame of the topic endpoint; never throws. */
    public static ClientMessage read(String text) {
        Object parsed = MessageCodec.frame(text); // the same first step as /ws/chat
        if (!(parsed instanceof JsonObject o)) {
            return (ClientMessage) parsed;
        }
        String id = o.get("id") instanceof JsonString s ? s.getString() : null;
        if (!(o.get("type") instanceof JsonString type)) {
            return new ClientMessage.Invalid(ErrorCode.BAD_REQUEST, "missing field: type", id);
        }
        switch (type.getString()) {
            case "subscribe":
            case "unsubscribe": {
                if (!(o.get("topic") instanceof JsonString topic)) {
                    return new ClientMessage.Invalid(ErrorCode.BAD_REQUEST, "missing field: topic", id);
                }
                if (type.getString().equals("unsubscribe")) {
                    return new ClientMessage.Unsubscribe(topic.getString());
                }
                JsonValue since = o.get("since");
                if (since == null || since == JsonValue.NULL) {
                    return new ClientMessage.Subscribe(topic.getString(), null);
                }
                if (!(since instanceof JsonNumber n) || !n.isIntegral() || n.bigIntegerValue().signum() < 0
                        || n.bigIntegerValue().bitLength() > 63) {
                    return new ClientMessage.Invalid(ErrorCode.BAD_REQUEST, "since must be a whole number >= 0", id);
                }
                return new ClientMessage.Subscribe(topic.getString(), n.longValue());
            }
            case "ping":
                return new ClientMessage.Ping();
            default:
                String t = type.getString();
                return new ClientMessage.Invalid(ErrorCode.UNKNOWN_TYPE,
                        "unknown type: " + (t.length() <= 40 ? t : t.substring(0, 40) + "…"), id);
        }
    }
}
