package dev.switchboard.security;

import dev.switchboard.config.Settings;
import dev.switchboard.socket.Connection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Per-connection token bucket (PROTOCOL.md "Limits": 20 messages/s, burst 40, configurable). A message
 * over the rate is refused ({@code rate_limited}); more than {@value #STRIKES} refusals within 10 s is
 * flooding (close 1008). The bucket lives on the connection, so any endpoint can use this.
 */
@ApplicationScoped
public class RateLimiter {

    /** What to do with one inbound message. */
    public enum Verdict { ALLOW, LIMITED, FLOODING }

    static final int STRIKES = 3;
    static final long WINDOW_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final String KEY = RateLimiter.class.getName();

    private double perSecond;
    private double burst;
    private LongSupplier nanos;

    protected RateLimiter() {} // for CDI proxies

    @Inject
    public RateLimiter(Settings settings) {
        this(settings.ratePerSecond(), settings.rateBurst(), System::nanoTime);
    }

    public RateLimiter(double perSecond, double burst, LongSupplier nanos) {
        this.perSecond = perSecond;
        this.burst = burst;
        this.nanos = nanos;
    }

    /** Takes one token from the connection's bucket. */
    public Verdict admit(Connection c) {
        long now = nanos.getAsLong();
        Bucket b = (Bucket) c.attributes().computeIfAbsent(KEY, k -> new Bucket(burst, now));
        return b.take(now, perSecond, burst);
    }

    /** One connection's bucket and its recent refusals; a connection's messages arrive one at a time, the lock is uncontended. */
    private static final class Bucket {
        private double tokens;
        private long refilled;
        private final ArrayDeque<Long> strikes = new ArrayDeque<>();

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.refilled = now;
        }

        synchronized Verdict take(long now, double perSecond, double burst) {
            tokens = Math.min(burst, tokens + (now - refilled) * perSecond / 1e9);
            refilled = now;
            if (tokens >= 1) {
                tokens -= 1;
                return Verdict.ALLOW;
            }
            while (!strikes.isEmpty() && now - strikes.peekFirst() > WINDOW_NANOS) {
                strikes.pollFirst();
            }
            strikes.addLast(now);
            return strikes.size() > STRIKES ? Verdict.FLOODING : Verdict.LIMITED;
        }
    }
}
