package dev.switchboard.protocol;

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

    /** {@code last}: 0..1000 like a join's. */
    private static Integer last(jakarta.json.JsonObject o) {
        Long last = Fields.optionalCount(o, "last", 1000);
        return last == null ? null : last.intValue();
    }

    /** Decodes one client frame of the topic endpoint; never throws. */
    public static ClientMessage read(String text) {
        return Fields.decode(text, (o, type, id) -> switch (type) { // the same steps as /ws/chat
            case "subscribe" -> new ClientMessage.Subscribe(Fields.requiredString(o, "topic"),
                    Fields.optionalCount(o, "since", Long.MAX_VALUE), Fields.optionalEpoch(o), last(o));
            case "unsubscribe" -> new ClientMessage.Unsubscribe(Fields.requiredString(o, "topic"));
            case "ping" -> new ClientMessage.Ping();
            case "refresh" -> new ClientMessage.Refresh(Fields.requiredString(o, "token"), id);
            default -> Fields.unknownType(type, id);
        });
    }
}
