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
    record Join(String room, Long since, String epoch, Integer last, boolean isPrivate) implements ClientMessage {
        public Join(String room, Long since, String epoch, Integer last) {
            this(room, since, epoch, last, false);
        }
    }

    record Leave(String room) implements ClientMessage {}

    record Send(String room, String text, String id) implements ClientMessage {}

    record Direct(String to, String text, String id) implements ClientMessage {}

    record Typing(String room) implements ClientMessage {}

    record Ping() implements ClientMessage {}

    /** A fresh token (an identity provider's, or a session token) for the same user, so the connection outlives the old one. */
    record Refresh(String token, String id) implements ClientMessage {
        @Override
        public String toString() {
            return "Refresh[token hidden]"; // tokens stay out of logs
        }
    }

    /** An owner or moderator invites {@code user} into {@code room}. */
    record Invite(String room, String user, String id) implements ClientMessage {}

    /** The invitee answers an invitation: {@code accept} true makes it a member, false drops the invitation. */
    record Answer(String room, boolean accept, String id) implements ClientMessage {}

    /**
     * A moderation request on {@code room}: {@code user} is the one acted on (null for {@code title}); the other fields
     * are those its action takes ({@code reason} for kick and ban, {@code seconds} for mute, {@code role}, {@code
     * title} and {@code topic}).
     */
    record Moderate(ModerationAction action, String room, String user, String reason, Long seconds, String role,
            String title, String topic, String id) implements ClientMessage {}

    /** Replaces the text of the sender's own message {@code seq}. */
    record Edit(String room, long seq, String text, String id) implements ClientMessage {}

    /** Deletes message {@code seq} (one's own; owners and moderators: any). */
    record Delete(String room, long seq, String id) implements ClientMessage {}

    /** The user has read {@code room} up to {@code seq}. */
    record Read(String room, long seq) implements ClientMessage {}

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
