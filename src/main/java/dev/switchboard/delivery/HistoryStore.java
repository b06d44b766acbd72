package dev.switchboard.delivery;

import java.time.Instant;

/**
 * Where every stream is kept — rooms, inboxes and topics alike — and the one place that assigns positions: each
 * stored message gets the stream's next seq, 1, 2, 3, … without holes, within the stream's epoch.
 */
public interface HistoryStore {

    /**
     * What a sender asks to store. {@code clientId} (may be null) makes the append idempotent per sender and
     * stream. {@code mime} is null for text (a chat message, or a topic event's JSON); for a binary topic event it
     * is the content type and {@code text} holds the bytes in base64.
     */
    record Draft(String from, String to, String text, String clientId, Instant ts, String mime) {
        public Draft(String from, String to, String text, String clientId, Instant ts) {
            this(from, to, text, clientId, ts, null);
        }
    }

    /** Told the outcome of one append (or reset). */
    interface Appended {
        /** Stored (or found stored before, when {@code duplicate}). Called in seq order per stream; must not block. */
        void stored(StoredMessage message, boolean duplicate);

        void failed(Exception e);
    }

    /** Changes waiting to be stored: what {@link Admission} holds senders back by. 0 for a store without a queue. */
    default int backlog() {
        return 0;
    }

    /**
     * An append refused because the store is behind (its bounded queue is full): the sender may try again shortly.
     * Not a failure of the database, so not logged as one.
     */
    final class Busy extends RuntimeException {
        public Busy(String message) {
            super(message, null, false, false); // no stack trace: one per refused message under overload
        }
    }

    /** Stores the draft in the stream, then tells {@code appended}; an ack sent from there means stored. */
    void append(String stream, Draft draft, Appended appended);

    /**
     * What a client resuming after {@code since} (with the {@code epoch} it saw, or null) gets, decided by
     * {@link Recovery}: the messages in seq order, the stream's head and whether the replay is exact.
     */
    Replay since(String stream, long since, String epoch);

    /** The last {@code count} messages, oldest first. */
    Replay last(String stream, int count);

    /** The stream's epoch and latest seq (0 when empty). A stream never written has an epoch too, kept once written. */
    Position head(String stream);

    /** The stream's latest seq, 0 when empty. */
    default long latest(String stream) {
        return head(stream).seq();
    }

    /**
     * Starts the stream's history over: its messages are deleted, it gets a new epoch and its next seq is 1. Done in
     * order with the appends (the writer's queue); {@code done} runs once it is committed.
     */
    void reset(String stream, Runnable done);

    /**
     * Whether the store can take appends now (for readiness): open, and its database answers a trivial
     * query within a few seconds. Never throws; may block for that long at most.
     */
    boolean reachable();

    /**
     * Another node of the cluster committed these changes (its doorbell said so): what this node serves from memory
     * catches up before the streams' frames are read for delivery.
     */
    default void advancedElsewhere(java.util.List<CommitAnnouncer.StreamChange> changes) {}

    /** Notifications from other nodes may have been missed: nothing served from memory is trusted until reread. */
    default void reloadAll() {}
}
