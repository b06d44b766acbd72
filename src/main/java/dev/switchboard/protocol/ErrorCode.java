package dev.switchboard.protocol;

import java.util.Locale;

/** The error codes of PROTOCOL.md; an error frame never closes the connection by itself. */
public enum ErrorCode {
    BAD_REQUEST, UNKNOWN_TYPE, FORBIDDEN, NOT_JOINED, NOT_FOUND, RATE_LIMITED, TOO_LARGE, OVERLOADED, CONFLICT,
    /** The room was closed by an operator: no joins or sends until it is reopened. */
    ROOM_CLOSED;

    private final String wire = name().toLowerCase(Locale.ROOT);

    /** The code as it appears on the wire, e.g. {@code bad_request}. */
    public String wire() {
        return wire;
    }
}
