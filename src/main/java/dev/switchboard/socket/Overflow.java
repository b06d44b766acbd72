package dev.switchboard.socket;

/**
 * What a connection does with a frame that does not fit its send queue (DESIGN.md, "Per-connection
 * send queue"). The policy belongs to the frame's stream, so one connection mixes them.
 */
public enum Overflow {
    /** Lossless: the connection is a slow consumer and is closed with 4008; it recovers with {@code since}. */
    CLOSE,
    /** Drop the oldest queued frames of the same key and tell the client how many with one {@code skipped} frame. */
    DROP_OLDEST,
    /** Keep only the newest queued frame per key: a newer frame replaces a queued, unsent one. */
    LATEST_VALUE
}
