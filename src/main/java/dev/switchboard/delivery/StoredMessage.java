package dev.switchboard.delivery;

import java.time.Instant;

/** A message as kept in a stream's history. {@code to} is set for direct messages only. */
public record StoredMessage(String stream, long seq, String from, String to, String text, Instant ts, String clientId) {}
