package dev.switchboard.security;

import java.time.Instant;

/**
 * A signed session token: who, for a guest the claim on the name it was issued under (null for a container
 * login's token), until when, and its wire value (never logged).
 */
public record Token(String user, String claim, Instant expires, String value) {

    /** A guest's token: good only while its claim is the name's current one (see {@link GuestNames}). */
    public boolean guest() {
        return claim != null;
    }

    @Override
    public String toString() {
        return "Token[" + user + (guest() ? " (guest)" : "") + ", expires " + expires + "]"; // the value stays out of logs
    }
}
