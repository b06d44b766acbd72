package dev.switchboard.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.config.Settings;
import jakarta.websocket.CloseReason;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link ConnectionSweeps}: the sweeps take their time as an argument ({@code now}) and the token expiries a
 * {@link Clock}, so the test moves time instead of waiting for it.
 */
class ConnectionSweepsTest {

    private static final Instant T0 = Instant.parse("2026-12-02T10:00:00Z");
    private final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);

    @AfterEach
    void stopScheduler() {
        scheduler.shutdownNow();
    }

    private static ConnectionSweeps sweeps(Map<String, String> settings, List<Connection> connections, Instant now) {
        return new ConnectionSweeps(Settings.of(settings), connections, Clock.fixed(now, ZoneOffset.UTC));
    }

    @Test
    void aSendInFlightLongerThanTheSendTimeoutClosesWith1011() {
        List<Connection> connections = new ArrayList<>();
        ConnectionSweeps sweeps = sweeps(Map.of("switchboard.send.timeout", "10"), connections, T0);
        ManualWire stuck = new ManualWire();
        ManualWire fine = new ManualWire();
        Connection slow = new Connection("1", "alice", null, stuck, 1 << 20);
        Connection quick = new Connection("2", "bob", null, fine, 1 << 20);
        connections.add(slow);
        connections.add(quick);
        long start = System.nanoTime();
        slow.send(OutboundFrame.of("never read"));
        quick.send(OutboundFrame.of("read"));
        fine.completeOne();
        sweeps.closeStalled(start + TimeUnit.SECONDS.toNanos(5));
        assertEquals(null, stuck.closedWith, "within the timeout");
        sweeps.closeStalled(start + TimeUnit.SECONDS.toNanos(11));
        assertEquals(CloseCodes.SERVER_ERROR.getCloseCode().getCode(), stuck.closedWith.getCloseCode().getCode());
        assertEquals(null, fine.closedWith, "nothing in flight: not stalled, however long it has been quiet");
    }

    @Test
    void whenMostConnectionsStallAtOnceTheServerIsBehindAndNoneIsClosedForIt() {
        long start = System.nanoTime();
        int few = ConnectionSweeps.LAGGING_AT_LEAST + 1; // 9 of 20 stall: fewer than half, so it is those clients
        List<ManualWire> wires = sweepAfterATimeout(20, few, start);
        assertTrue(wires.subList(0, few).stream().allMatch(w -> w.closedWith != null && w.closedWith.getCloseCode().getCode() == 1011));
        assertTrue(wires.subList(few, 20).stream().allMatch(w -> w.closedWith == null));

        List<ManualWire> most = sweepAfterATimeout(20, 12, start); // 12 of 20 stall at once: the server is behind
        assertTrue(most.stream().allMatch(w -> w.closedWith == null), "not closed for the server's own lag");
    }

    /** {@code n} connections with a frame each, the first {@code stalled} never completing; then a sweep 11 s on. */
    private static List<ManualWire> sweepAfterATimeout(int n, int stalled, long start) {
        List<Connection> connections = new ArrayList<>();
        ConnectionSweeps sweeps = sweeps(Map.of("switchboard.send.timeout", "10"), connections, T0);
        List<ManualWire> wires = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ManualWire wire = new ManualWire();
            Connection c = new Connection("c" + i, "u" + i, null, wire, 1 << 20);
            connections.add(c);
            c.send(OutboundFrame.of("frame"));
            if (i >= stalled) {
                wire.completeOne();
            }
            wires.add(wire);
        }
        sweeps.closeStalled(start + TimeUnit.SECONDS.toNanos(11));
        return wires;
    }

    @Test
    void theHeartbeatPingsAConnectionUntilItHasBeenSilentForLongerThanTheIdleTimeout() {
        List<Connection> connections = new ArrayList<>();
        ConnectionSweeps sweeps = sweeps(Map.of(Settings.IDLE_TIMEOUT, "60"), connections, T0);
        ManualWire wire = new ManualWire();
        Connection c = new Connection("1", "alice", null, wire, 1 << 20);
        connections.add(c);
        long idle = TimeUnit.SECONDS.toNanos(60);

        sweeps.heartbeat(c.lastSeenNanos() + idle);
        assertEquals(1, wire.pings);
        assertNull(wire.closedWith, "silent for exactly the idle timeout: not yet");

        sweeps.heartbeat(c.lastSeenNanos() + idle + 1);
        assertSame(CloseCodes.IDLE, wire.closedWith, "1001: the peer is presumed gone");
        assertEquals(1, wire.pings, "a closing connection is not pinged");
    }

    @Test
    void oneConnectionFailingDoesNotStopTheHeartbeatForTheOthers() {
        List<Connection> connections = new ArrayList<>();
        ConnectionSweeps sweeps = sweeps(Map.of(), connections, T0);
        connections.add(new Connection("1", "alice", null, new ManualWire() {
            @Override
            public void ping() {
                throw new IllegalStateException("session closed under us");
            }
        }, 1 << 20));
        ManualWire fine = new ManualWire();
        connections.add(new Connection("2", "bob", null, fine, 1 << 20));
        sweeps.heartbeat(System.nanoTime());
        assertEquals(1, fine.pings);
    }

    @Test
    void aTokenExpiringWithinAHeartbeatClosesWith1008() throws InterruptedException {
        List<Connection> connections = new ArrayList<>();
        ConnectionSweeps sweeps = sweeps(Map.of(Settings.HEARTBEAT, "25"), connections, T0);
        CountDownLatch closed = new CountDownLatch(1);
        CloseReason[] reason = new CloseReason[1];
        Connection c = new Connection("1", "alice", T0.minusSeconds(1), new Wire() {
            @Override
            public void sendText(String text, Consumer<Throwable> done) {
                done.accept(null);
            }

            @Override
            public void close(CloseReason r) {
                reason[0] = r;
                closed.countDown();
            }
        }, 1 << 20);
        connections.add(c);
        sweeps.watch(c, scheduler);
        assertTrue(closed.await(10, TimeUnit.SECONDS), "already expired by the clock: closed at once");
        assertSame(CloseCodes.TOKEN_EXPIRED, reason[0]);
    }

    @Test
    void aDistantExpiryIsScheduledOnlyOnceWithinAHeartbeatAndCancelledWhenTheConnectionCloses() {
        List<Connection> connections = new ArrayList<>();
        Instant[] now = {T0};
        Clock moving = new Clock() {
            @Override
            public Instant instant() {
                return now[0];
            }

            @Override
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }
        };
        ConnectionSweeps sweeps = new ConnectionSweeps(Settings.of(Map.of(Settings.HEARTBEAT, "25")), connections, moving);
        Connection c = new Connection("1", "alice", T0.plusSeconds(12 * 3600), new ManualWire(), 1 << 20);
        connections.add(c);
        sweeps.watch(c, scheduler);
        assertFalse(c.attributes().containsKey(ConnectionSweeps.EXPIRY), "12 h away: no task held for it yet");

        now[0] = T0.plusSeconds(12 * 3600 - 20); // within a heartbeat of the expiry
        sweeps.heartbeat(System.nanoTime());
        Future<?> expiry = (Future<?>) c.attributes().get(ConnectionSweeps.EXPIRY);
        assertTrue(expiry != null && !expiry.isDone(), "scheduled for the moment the token expires");
        sweeps.heartbeat(System.nanoTime());
        assertSame(expiry, c.attributes().get(ConnectionSweeps.EXPIRY), "scheduled once");

        sweeps.unwatch(c);
        assertTrue(expiry.isCancelled());
        assertFalse(c.attributes().containsKey(ConnectionSweeps.EXPIRY));
    }

    @Test
    void theSweepsStartOnceWithTheFirstConnectionAndStopTogether() {
        scheduler.setRemoveOnCancelPolicy(true);
        List<Connection> connections = new ArrayList<>();
        ConnectionSweeps sweeps = sweeps(Map.of(), connections, T0);
        for (int i = 0; i < 3; i++) {
            Connection c = new Connection("c" + i, "u" + i, null, new ManualWire(), 1 << 20);
            connections.add(c);
            sweeps.watch(c, scheduler);
        }
        assertEquals(3, scheduler.getQueue().size(), "heartbeat, send timeout and metrics sample, once each");
        sweeps.stop();
        assertEquals(0, scheduler.getQueue().size());
    }

    @Test
    void withoutASchedulerNothingIsScheduled() {
        List<Connection> connections = new ArrayList<>();
        ConnectionSweeps sweeps = sweeps(Map.of(), connections, T0);
        Connection c = new Connection("1", "alice", T0, new ManualWire(), 1 << 20);
        connections.add(c);
        sweeps.watch(c, null);
        sweeps.heartbeat(System.nanoTime());
        assertFalse(c.attributes().containsKey(ConnectionSweeps.EXPIRY));
        assertTrue(c.isOpen());
    }
}
