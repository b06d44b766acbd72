package dev.switchboard.protocol;

import java.util.Locale;

/** The error codes of PROTOCOL.md; an error frame never closes the connection by itself. */
public enum ErrorCode {
    BAD_REQUEST, UNKNOWN_TYPE, FORBIDDEN, NOT_JOINED, NOT_FOUND, RATE_LIMITED, TOO_LARGE, OVERLOADED, CONFLICT;

    private final String wire = name().toLowerCase(Locale.ROOT);

    /** The code as it appears on the wire, e.g. {@code bad_request}. */
    public String wire() {
        return wire;
    }
}
