package dev.switchboard.cluster;

import dev.switchboard.socket.OutboundFrame;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Carries each position of a stream to every node that follows it. A node follows a stream while it has local
 * followers ({@link #follow} when the first arrives, {@link #unfollow} when the last leaves) and gets what is
 * published to it through the {@link Receiver} it gave. Calls to {@link #publish} for one stream come in seq order;
 * what a receiver gets may arrive late, twice or with gaps in another implementation, which is why receivers check
 * the order (see {@code delivery.StreamFollowers}). One node delivers in memory ({@link LocalFanOut}); a cluster on
 * PostgreSQL rings a doorbell and reads the rows ({@link PostgresFanOut}). Another transport (a Jakarta Messaging
 * topic, Kafka) slots in here: it carries what {@link PostgresFanOut} carries, and the database stays the record that
 * gaps are filled from.
 */
public interface FanOut {

    /** Where a followed stream's frames arrive on this node. */
    @FunctionalInterface
    interface Receiver {
        /**
         * @param stream the stream the frame belongs to (a prefix follow gets many)
         * @param seq the frame's seq in the stream, 0 for unsequenced frames (presence, typing)
         * @param skipUser a user whose connections do not get this frame (typing is not echoed), or null
         */
        void receive(String stream, long seq, OutboundFrame frame, String skipUser);
    }

    /** Sends a frame to every node following the stream (this one included). */
    void publish(String stream, long seq, OutboundFrame frame, String skipUser);

    /**
     * This node follows the stream from now on; what is published to it goes to {@code receiver}. A name ending in
     * {@code >} follows every stream that starts with what precedes it ({@code #>}: every topic, for patterns).
     */
    void follow(String stream, Receiver receiver);

    /** This node no longer follows the stream. */
    void unfollow(String stream);

    /** What keeps this node from hearing the other nodes, if anything (readiness reports it); one node: nothing. */
    default Optional<String> trouble() {
        return Optional.empty();
    }

    /** Closes the user's connections on every node (a sign-out), with {@code reason}. */
    void disconnectEverywhere(String user, String reason);

    /** How this node closes a user's connections when asked to (by itself or another node). */
    void onDisconnect(BiConsumer<String, String> closer);

    /**
     * A moderator changed {@code user}'s standing in {@code room} ({@code action}: kick, ban, unban, mute, role): every
     * node applies it to that user's connections at once (a kick or ban removes them from the room).
     */
    record RoomNotice(String room, String user, String action, String by, String reason) {
        /** A room-wide action ({@code user} null): an operator closed the room; everyone in it leaves. */
        public static final String CLOSE = "close";
        /** A room-wide action: an operator reopened a closed room. */
        public static final String REOPEN = "reopen";
    }

    /** Tells every node (this one included, on the calling thread) about a change of standing. */
    void announce(RoomNotice notice);

    /** What this node does with a change of standing, its own or another node's. */
    void onRoomNotice(Consumer<RoomNotice> handler);

    /**
     * An operator's request that every node handles (the admin API): {@code kind} says what (list a user's
     * connections, show a notice), {@code subject} about whom, {@code body} any free text; {@code origin} is the node
     * that asked and waits for the {@link NodeReply replies}, if the kind has any. {@code id}, {@code kind} and
     * {@code subject} are names ({@code [A-Za-z0-9_.#@-]}); {@code body} may hold any text.
     */
    record NodeRequest(String id, String origin, String kind, String subject, String body) {}

    /**
     * One node's answer to a {@link NodeRequest}: {@code items} (each a JSON text without line breaks). A long answer
     * may come in several parts; {@code last} marks the node's final one.
     */
    record NodeReply(String id, String node, java.util.List<String> items, boolean last) {}

    /** Hands a request to every node (this one included, on the calling thread). */
    default void request(NodeRequest request) {
        throw new UnsupportedOperationException("this fan-out carries no node requests");
    }

    /** What this node does with a request, its own or another node's. */
    default void onRequest(Consumer<NodeRequest> handler) {
        throw new UnsupportedOperationException("this fan-out carries no node requests");
    }

    /** Sends a reply to the request's origin node (on this node: on the calling thread). */
    default void reply(String origin, NodeReply reply) {
        throw new UnsupportedOperationException("this fan-out carries no node requests");
    }

    /** What this node does with the replies to its requests. */
    default void onReply(Consumer<NodeReply> handler) {
        throw new UnsupportedOperationException("this fan-out carries no node requests");
    }
}
