package dev.switchboard.delivery;

import dev.switchboard.protocol.BinaryFrames;
import dev.switchboard.protocol.MessageCodec;
import dev.switchboard.protocol.ServerMessage;
import dev.switchboard.socket.OutboundFrame;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import java.io.StringReader;
import java.util.Base64;

/** How a stored message looks on the wire, for every kind of stream: the same frame live, in a replay and in a gap fill. */
public final class StreamFrames {

    private static final JsonProvider JSON = JsonProvider.provider(); // the lookup is slow: once

    private StreamFrames() {}

    public static OutboundFrame of(StoredMessage m) {
        return frame(m).appendedAt(m.ts());
    }

    private static OutboundFrame frame(StoredMessage m) {
        String stream = m.stream();
        if (StreamNames.isTopic(stream)) {
            String topic = StreamNames.topicOf(stream);
            if (m.mime() != null) {
                return topicBytes(topic, m.seq(), m, Base64.getDecoder().decode(m.text()));
            }
            return OutboundFrame.of(new ServerMessage.Event(topic, m.seq(), parse(m.text()), m.ts()));
        }
        if (StreamNames.isInbox(stream)) {
            ServerMessage event = StoredEvents.inboxFrame(m);
            return OutboundFrame.of(event != null ? event
                    : new ServerMessage.DirectMessage(m.seq(), m.from(), m.to(), m.text(), m.ts(), m.clientId()));
        }
        ServerMessage event = StoredEvents.roomFrame(stream, m);
        return OutboundFrame.of(event != null ? event
                : new ServerMessage.Message(stream, m.seq(), m.from(), m.text(), m.ts(), m.clientId()));
    }

    /**
     * A binary topic event: 2-byte big-endian header length, the UTF-8 JSON header {@code {"topic","seq","ts","mime"}},
     * then the bytes.
     */
    static OutboundFrame topicBytes(String topic, long seq, StoredMessage m, byte[] bytes) {
        return OutboundFrame.binary(BinaryFrames.encode(JSON.createObjectBuilder().add("topic", topic).add("seq", seq)
                .add("ts", MessageCodec.timestamp(m.ts())).add("mime", m.mime()).build(), bytes));
    }

    /** A topic event's data as stored (JSON text). */
    static JsonValue parse(String json) {
        try (JsonReader reader = JSON.createReader(new StringReader(json))) {
            return reader.readValue();
        }
    }
}
