package dev.switchboard.security;

import java.time.Instant;
import java.util.Set;

/**
 * A verified token: who, for a guest the claim on the name it was issued under (null otherwise), until when, the
 * server roles it grants (an identity provider's, or carried over into the session token issued for one), and
 * its wire value (never logged).
 */
public record Token(String user, String claim, Instant expires, String value, Set<Role> roles) {

    public Token {
        roles = Set.copyOf(roles);
    }

    /** A token granting no role. */
    public Token(String user, String claim, Instant expires, String value) {
        this(user, claim, expires, value, Set.of());
    }

    /** A guest's token: good only while its claim is the name's current one (see {@link GuestNames}). */
    public boolean guest() {
        return claim != null;
    }

    @Override
    public String toString() {
        return "Token[" + user + (guest() ? " (guest)" : "") + ", roles " + roles + ", expires " + expires + "]"; // the value stays out of logs
    }
}
