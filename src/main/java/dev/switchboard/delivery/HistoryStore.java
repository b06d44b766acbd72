package dev.switchboard.delivery;

import java.time.Instant;

/**
 * Where stream messages are kept, and the one place that assigns {@code seq}: each stored message gets
 * the stream's next seq, 1, 2, 3, … without holes.
 */
public interface HistoryStore {

    /** What a sender asks to store. {@code clientId} (may be null) makes the append idempotent per user and stream. */
    record Draft(String from, String to, String text, String clientId, Instant ts) {}

    /** Told the outcome of one append. */
    interface Appended {
        /** Stored (or found stored before, when {@code duplicate}). Called in seq order per stream; must not block. */
        void stored(StoredMessage message, boolean duplicate);

        void failed(Exception e);
    }

    /** Stores the draft in the stream, then tells {@code appended}; an ack sent from there means stored. */
    void append(String stream, Draft draft, Appended appended);

    /** Messages with seq greater than {@code since}, oldest first. */
    Replay since(String stream, long since);

    /** The last {@code count} messages, oldest first. */
    Replay last(String stream, int count);

    /** The stream's latest seq, 0 when empty. */
    long latest(String stream);

    /**
     * Whether the store can take appends now (for readiness): open, and its database answers a trivial
     * query within a few seconds. Never throws; may block for that long at most.
     */
    boolean reachable();
}
