package dev.switchboard.delivery;

/**
 * How the three kinds of stream are named in the store: a room as it is ({@code lobby}), a user's inbox
 * {@code @user}, a topic {@code #topic} (room and topic names may look alike, so topics get a prefix).
 */
public final class StreamNames {

    private StreamNames() {}

    public static String inbox(String user) {
        return "@" + user;
    }

    public static String topic(String topic) {
        return "#" + topic;
    }

    public static boolean isInbox(String stream) {
        return stream.startsWith("@");
    }

    public static boolean isTopic(String stream) {
        return stream.startsWith("#");
    }

    /** The topic a topic stream carries. */
    public static String topicOf(String stream) {
        return stream.substring(1);
    }
}
