package dev.switchboard.security;

import java.time.Instant;

/** A signed session token: who, until when, and its wire value (never logged). */
public record Token(String user, Instant expires, String value) {

    @Override
    public String toString() {
        return "Token[" + user + ", expires " + expires + "]"; // the value stays out of logs
    }
}
