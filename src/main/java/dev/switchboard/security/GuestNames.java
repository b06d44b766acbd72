package dev.switchboard.security;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Guest names in use: a name belongs to the first token that claims it until that token expires, so
 * no one can take over a name in use. The holder may renew its own claim.
 */
@ApplicationScoped
public class GuestNames {

    private final Map<String, Instant> held = new HashMap<>();
    private final Clock clock;
    /** Expired claims are swept at most once a second, not on every claim (that made sign-in O(names)). */
    private Instant nextSweep = Instant.MIN;

    public GuestNames() {
        this(Clock.systemUTC());
    }

    public GuestNames(Clock clock) {
        this.clock = clock;
    }

    /**
     * Claims {@code name} until {@code until}; true when it was free, expired, or held by the caller
     * (whose current token, possibly null, names the same user).
     */
    public synchronized boolean claim(String name, Instant until, Token callersToken) {
        Instant now = clock.instant();
        if (!now.isBefore(nextSweep)) {
            held.values().removeIf(expiry -> !now.isBefore(expiry));
            nextSweep = now.plusSeconds(1);
        }
        Instant current = held.get(name);
        boolean mine = callersToken != null && callersToken.user().equals(name);
        if (current != null && now.isBefore(current) && !mine) {
            return false;
        }
        held.put(name, until);
        return true;
    }

    /** Gives a name up (sign-out). */
    public synchronized void release(String name) {
        held.remove(name);
    }
}
