package dev.switchboard.protocol;

import jakarta.json.JsonValue;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Everything the server sends. {@link MessageCodec} turns each into exactly one JSON text frame. */
public sealed interface ServerMessage {

    /**
     * {@code rooms}: on {@code /ws/chat}, the rooms the user is in (kept by the server); null on {@code /ws/topics}.
     * {@code expires}: when the connection's token runs out (a {@code refresh} moves it), null for a container login.
     */
    record Welcome(String user, int heartbeat, List<String> rooms, List<Invitation> invites, Instant expires)
            implements ServerMessage {
        public Welcome(String user, int heartbeat) {
            this(user, heartbeat, null, null, null);
        }

        public Welcome(String user, int heartbeat, List<String> rooms) {
            this(user, heartbeat, rooms, null, null);
        }
    }

    /** A {@code refresh} was accepted: the connection now lasts until {@code expires}; {@code id} echoes the refresh's. */
    record Refreshed(Instant expires, String id) implements ServerMessage {}

    /** An invitation waiting for the user's answer: into {@code room}, from {@code by}. */
    record Invitation(String room, String by) {}

    /**
     * Where the user stands in a room they joined: its visibility, title and topic, their role, how far they have
     * read and how many messages from others came after that; {@code roles}: the room's owner and moderators.
     */
    record Standing(boolean isPrivate, String role, long read, long unread, String title, String topic,
            Map<String, String> roles) {}

    /**
     * {@code seq} is the latest seq in the stream, {@code epoch} its history's; {@code recovered} is false when the
     * replay that follows is not exactly what the client missed.
     */
    record Joined(String room, long seq, String epoch, List<String> members, boolean recovered, Standing standing)
            implements ServerMessage {
        /** An inbox, or a stream without rooms' standing. */
        public Joined(String room, long seq, String epoch, List<String> members, boolean recovered) {
            this(room, seq, epoch, members, recovered, null);
        }
    }

    /**
     * {@code reason} ({@code kicked}, {@code banned}, {@code closed}) and {@code by} are set when a moderator removed the
     * user or an operator closed the room; {@code message} is the free text they gave, if any.
     */
    record Left(String room, String reason, String by, String message) implements ServerMessage {
        public Left(String room) {
            this(room, null, null, null);
        }

        public Left(String room, String reason, String by) {
            this(room, reason, by, null);
        }
    }

    /** An invitation kept in the invitee's inbox: into {@code target}, from {@code by}. */
    record Invited(long seq, String target, String by, Instant ts) implements ServerMessage {}

    /** A stored moderation event: {@code by} did {@code action} to {@code user}; the rest as the action takes. */
    record Moderation(String room, long seq, ModerationAction action, String user, String by, String reason, Long seconds,
            String role, String title, String topic, Instant ts) implements ServerMessage {}

    /** Message {@code of} now reads {@code text}. */
    record Edit(String room, long seq, long of, String from, String text, Instant ts, String id) implements ServerMessage {}

    /** Message {@code of} was deleted by {@code by}. */
    record Delete(String room, long seq, long of, String by, Instant ts, String id) implements ServerMessage {}

    /** The user's read marker moved (sent to their other connections). */
    record Read(String room, long seq) implements ServerMessage {}

    /** A kept attachment: its bytes at {@code url}, for the room's members. */
    record Attachment(String room, long seq, String from, String name, String mime, long size, String url, Instant ts,
            String id) implements ServerMessage {}

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

    /**
     * An operator's system notice: in a room ({@code room} and {@code seq} set: kept in its history) or to everyone
     * connected (both null: live only).
     */
    record Notice(String room, Long seq, String text, String by, Instant ts) implements ServerMessage {}

    /** A slow subscriber lost {@code count} events of a lossy topic. */
    record Skipped(String topic, long count) implements ServerMessage {}
}
