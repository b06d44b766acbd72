package dev.switchboard.protocol;

import jakarta.json.JsonValue;
import java.time.Instant;
import java.util.List;

/** Everything the server sends. {@link MessageCodec} turns each into exactly one JSON text frame. */
public sealed interface ServerMessage {

    record Welcome(String user, int heartbeat) implements ServerMessage {}

    /** {@code seq} is the latest seq in the stream; {@code recovered} is false when some of the asked-for history is gone. */
    record Joined(String room, long seq, List<String> members, boolean recovered) implements ServerMessage {}

    record Left(String room) implements ServerMessage {}

    record Message(String room, long seq, String from, String text, Instant ts, String id) implements ServerMessage {}

    /** A direct message as seen in one party's inbox ({@code room} is always {@code @me}). */
    record DirectMessage(long seq, String from, String to, String text, Instant ts, String id) implements ServerMessage {}

    record Ack(String id, String room, long seq) implements ServerMessage {}

    record Presence(String room, String user, String event) implements ServerMessage {}

    record Typing(String room, String user) implements ServerMessage {}

    record Pong() implements ServerMessage {}

    record Error(ErrorCode code, String message, String id) implements ServerMessage {}

    /** Topics: {@code recovered} is false when some of the asked-for events are gone (or not replayable). */
    record Subscribed(String topic, boolean recovered) implements ServerMessage {}

    record Unsubscribed(String topic) implements ServerMessage {}

    /** One event on a concrete topic; {@code data} is any JSON value. */
    record Event(String topic, long seq, JsonValue data, Instant ts) implements ServerMessage {}

    /** A slow subscriber lost {@code count} events of a lossy topic. */
    record Skipped(String topic, long count) implements ServerMessage {}
}
