package dev.switchboard.security;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.switchboard.security.RateLimiter.Verdict;
import dev.switchboard.socket.Connection;
import dev.switchboard.socket.Wire;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The token bucket and the flooding rule, on a hand-driven clock. */
class RateLimiterTest {

    private final AtomicLong now = new AtomicLong(1_000);
    private final RateLimiter limiter = new RateLimiter(20, 40, now::get);

    private static Connection connection() {
        return new Connection("c", "u", null, new Wire() {
            @Override
            public void sendText(String text, Consumer<Throwable> done) {
                done.accept(null);
            }

            @Override
            public void close(jakarta.websocket.CloseReason reason) {}
        }, 1 << 20);
    }

    @Test
    void burstThenRateThenFlooding() {
        Connection c = connection();
        for (int i = 0; i < 40; i++) {
            assertEquals(Verdict.ALLOW, limiter.admit(c), "burst message " + i);
        }
        assertEquals(Verdict.LIMITED, limiter.admit(c));
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(100)); // 2 tokens back
        assertEquals(Verdict.ALLOW, limiter.admit(c));
        assertEquals(Verdict.ALLOW, limiter.admit(c));
        assertEquals(Verdict.LIMITED, limiter.admit(c)); // strike 2
        assertEquals(Verdict.LIMITED, limiter.admit(c)); // strike 3
        assertEquals(Verdict.FLOODING, limiter.admit(c), "the 4th refusal within 10 s");
    }

    @Test
    void strikesOlderThanTenSecondsAreForgiven() {
        Connection c = connection();
        for (int i = 0; i < 40; i++) {
            limiter.admit(c);
        }
        for (int i = 0; i < 3; i++) {
            assertEquals(Verdict.LIMITED, limiter.admit(c));
            now.addAndGet(TimeUnit.SECONDS.toNanos(4)); // refills the bucket too
            for (int j = 0; j < 40; j++) {
                assertEquals(Verdict.ALLOW, limiter.admit(c));
            }
        }
        assertEquals(Verdict.LIMITED, limiter.admit(c), "only the last strikes within 10 s count");
    }

    @Test
    void bucketsArePerConnection() {
        Connection a = connection();
        Connection b = connection();
        for (int i = 0; i < 40; i++) {
            limiter.admit(a);
        }
        assertEquals(Verdict.LIMITED, limiter.admit(a));
        assertEquals(Verdict.ALLOW, limiter.admit(b));
    }
}
