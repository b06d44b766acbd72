package dev.switchboard.delivery;

import java.time.Instant;

/**
 * A message as kept in a stream's history. {@code to} is set for direct messages only; {@code mime} for binary
 * topic events only (then {@code text} is the bytes in base64).
 */
public record StoredMessage(String stream, long seq, String from, String to, String text, Instant ts, String clientId,
        String mime) {

    public StoredMessage(String stream, long seq, String from, String to, String text, Instant ts, String clientId) {
        this(stream, seq, from, to, text, ts, clientId, null);
    }

    /** Bytes this message counts for against a stream's byte retention (its text; UTF-16 length is close enough). */
    public long size() {
        return 64L + text.length();
    }
}
