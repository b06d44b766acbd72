package dev.switchboard.protocol;

import jakarta.json.JsonValue;
import java.time.Instant;
import java.util.List;

/** Everything the server sends. {@link MessageCodec} turns each into exactly one JSON text frame. */
public sealed interface ServerMessage {

    /** {@code rooms}: on {@code /ws/chat}, the rooms the user is in (kept by the server); null on {@code /ws/topics}. */
    record Welcome(String user, int heartbeat, List<String> rooms) implements ServerMessage {
        public Welcome(String user, int heartbeat) {
            this(user, heartbeat, null);
        }
    }

    /**
     * {@code seq} is the latest seq in the stream, {@code epoch} its history's; {@code recovered} is false when the
     * replay that follows is not exactly what the client missed.
     */
    record Joined(String room, long seq, String epoch, List<String> members, boolean recovered) implements ServerMessage {}

    record Left(String room) implements ServerMessage {}

    record Message(String room, long seq, String from, String text, Instant ts, String id) implements ServerMessage {}

    /** A direct message as seen in one party's inbox ({@code room} is always {@code @me}). */
    record DirectMessage(long seq, String from, String to, String text, Instant ts, String id) implements ServerMessage {}

    record Ack(String id, String room, long seq) implements ServerMessage {}

    record Presence(String room, String user, String event) implements ServerMessage {}

    record Typing(String room, String user) implements ServerMessage {}

    record Pong() implements ServerMessage {}

    /** {@code topic}: the topic or pattern a refused {@code subscribe} named (the page drops it), else null. */
    record Error(ErrorCode code, String message, String id, String topic) implements ServerMessage {
        public Error(ErrorCode code, String message, String id) {
            this(code, message, id, null);
        }
    }

    /**
     * Topics: {@code recovered} is false when the replay that follows is not exactly what the client missed. An exact
     * topic carries its {@code seq} (latest) and {@code epoch}; a pattern has neither (null).
     */
    record Subscribed(String topic, boolean recovered, Long seq, String epoch) implements ServerMessage {}

    record Unsubscribed(String topic) implements ServerMessage {}

    /** One event on a concrete topic; {@code data} is any JSON value. */
    record Event(String topic, long seq, JsonValue data, Instant ts) implements ServerMessage {}

    /** A slow subscriber lost {@code count} events of a lossy topic. */
    record Skipped(String topic, long count) implements ServerMessage {}
}
