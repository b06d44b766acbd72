package dev.switchboard.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.delivery.Admission.Verdict;
import dev.switchboard.socket.Connection;
import dev.switchboard.socket.Wire;
import jakarta.websocket.CloseReason;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The back-pressure rules, with and without a container that can pause reading a connection. */
class AdmissionTest {

    private final AtomicInteger backlog = new AtomicInteger();
    private final Admission admission = new Admission(backlog::get, 8, 100);

    @Test
    void whereReadingCanPauseASenderIsSlowedDownNotRefused() {
        PausableWire wire = new PausableWire();
        Connection c = connection(wire);
        assertEquals(Verdict.TAKE_AHEAD, admission.admit(c), "nothing waiting: ahead of the backlog");
        for (int i = 1; i < Admission.PAUSE_AT - 1; i++) {
            assertEquals(Verdict.TAKE, admission.admit(c));
        }
        assertFalse(wire.paused, "below the pause mark");
        assertEquals(Verdict.TAKE, admission.admit(c));
        assertTrue(wire.paused, "paused at " + Admission.PAUSE_AT + " waiting");
        for (int i = 1; i < Admission.PAUSE_AT; i++) {
            admission.done(c);
            assertTrue(wire.paused, "read again only once nothing waits");
        }
        admission.done(c);
        assertFalse(wire.paused);
        assertEquals(1, wire.pauses, "paused once, however often asked");

        backlog.set(100); // the store is behind: one message each, then reading pauses until it is stored
        assertEquals(Verdict.TAKE_AHEAD, admission.admit(c));
        assertTrue(wire.paused);
        assertEquals(Verdict.TAKE, admission.admit(c), "a frame read before the pause is still taken, not refused");
        admission.done(c);
        admission.done(c);
        assertFalse(wire.paused);
    }

    @Test
    void elsewhereASenderWithMessagesWaitingIsRefusedWhileTheStoreIsBehind() {
        Connection busy = connection(new PausableWire(false));
        Connection quiet = connection(new PausableWire(false));
        assertEquals(Verdict.TAKE_AHEAD, admission.admit(busy));
        assertEquals(Verdict.TAKE, admission.admit(busy));
        backlog.set(100);
        assertEquals(Verdict.REFUSE, admission.admit(busy));
        assertEquals(Verdict.TAKE_AHEAD, admission.admit(quiet), "nothing waiting: always taken");
        backlog.set(0);
        for (int i = 2; i < 8; i++) {
            assertEquals(Verdict.TAKE, admission.admit(busy));
        }
        assertEquals(Verdict.REFUSE, admission.admit(busy), "at most 8 waiting per connection");
        admission.done(busy);
        assertEquals(Verdict.TAKE, admission.admit(busy));
    }

    private static Connection connection(Wire wire) {
        return new Connection("c" + System.nanoTime(), "u", Instant.MAX, wire, 1 << 20);
    }

    /** A wire that records pauses (or, built with false, cannot pause). */
    private static final class PausableWire implements Wire {
        final boolean can;
        boolean paused;
        int pauses;

        PausableWire() {
            this(true);
        }

        PausableWire(boolean can) {
            this.can = can;
        }

        @Override
        public boolean canPauseReading() {
            return can;
        }

        @Override
        public void pauseReading() {
            paused = true;
            pauses++;
        }

        @Override
        public void resumeReading() {
            paused = false;
        }

        @Override
        public void sendText(String text, Consumer<Throwable> done) {
            done.accept(null);
        }

        @Override
        public void close(CloseReason reason) {}
    }
}
