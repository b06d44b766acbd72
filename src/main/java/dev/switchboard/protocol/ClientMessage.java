package dev.switchboard.protocol;

/**
 * Everything a client can send, decoded. A frame that cannot be decoded becomes {@link Invalid}, so
 * decoding never throws and the endpoint answers it like any other message.
 */
public sealed interface ClientMessage {

    /** The client-chosen id a reply or error echoes, or null. */
    default String id() {
        return null;
    }

    /**
     * Join a room or {@code @me}: {@code since} (with the {@code epoch} it belongs to) replays what came after it,
     * else the last {@code last}.
     */
    record Join(String room, Long since, String epoch, Integer last) implements ClientMessage {}

    record Leave(String room) implements ClientMessage {}

    record Send(String room, String text, String id) implements ClientMessage {}

    record Direct(String to, String text, String id) implements ClientMessage {}

    record Typing(String room) implements ClientMessage {}

    record Ping() implements ClientMessage {}

    /**
     * Topics: follow a topic or pattern; {@code since} (exact topics only, with its {@code epoch}) replays what came
     * after it, else {@code last} (exact topics only) the last kept events; a pattern is live only.
     */
    record Subscribe(String topic, Long since, String epoch, Integer last) implements ClientMessage {
        public Subscribe(String topic, Long since, String epoch) {
            this(topic, since, epoch, null);
        }
    }

    record Unsubscribe(String topic) implements ClientMessage {}

    /** A frame that did not decode: the error to answer with. */
    record Invalid(ErrorCode code, String message, String id) implements ClientMessage {}
}
