package dev.switchboard.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.websocket.CloseReason;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class ConnectionTest {

    /** A wire whose sends complete only when the test says so; records how many are in flight at once. */
    static final class ManualWire implements Wire {
        final List<String> sent = new ArrayList<>();
        final Deque<Consumer<Throwable>> pending = new ArrayDeque<>();
        CloseReason closedWith;
        int inFlight;
        int maxInFlight;

        @Override
        public synchronized void sendText(String text, Consumer<Throwable> done) {
            sent.add(text);
            inFlight++;
            maxInFlight = Math.max(maxInFlight, inFlight);
            pending.add(done);
        }

        void completeOne() {
            Consumer<Throwable> done;
            synchronized (this) {
                done = pending.poll();
                inFlight--;
            }
            done.accept(null);
        }

        @Override
        public void close(CloseReason reason) {
            closedWith = reason;
        }
    }

    @Test
    void framesGoOutInOrderOneAtATime() {
        ManualWire wire = new ManualWire();
        Connection c = new Connection("1", "alice", null, wire, 1 << 20);
        for (int i = 0; i < 5; i++) {
            assertTrue(c.send(OutboundFrame.of("f" + i)));
        }
        assertEquals(List.of("f0"), wire.sent);
        for (int i = 0; i < 5; i++) {
            wire.completeOne();
        }
        assertEquals(List.of("f0", "f1", "f2", "f3", "f4"), wire.sent);
        assertEquals(1, wire.maxInFlight);
        assertEquals(0, c.queuedBytes());
    }

    @Test
    void aSendInFlightLongerThanTheSendTimeoutClosesWith1011() {
        ConnectionRegistry registry = new ConnectionRegistry(
                dev.switchboard.config.Settings.of(java.util.Map.of("switchboard.send.timeout", "10")), Runnable::run);
        ManualWire stuck = new ManualWire();
        ManualWire fine = new ManualWire();
        Connection slow = new Connection("1", "alice", null, stuck, 1 << 20);
        Connection quick = new Connection("2", "bob", null, fine, 1 << 20);
        registry.add(slow);
        registry.add(quick);
        long start = System.nanoTime();
        slow.send(OutboundFrame.of("never read"));
        quick.send(OutboundFrame.of("read"));
        fine.completeOne();
        registry.closeStalled(start + TimeUnit.SECONDS.toNanos(5));
        assertEquals(null, stuck.closedWith, "within the timeout");
        registry.closeStalled(start + TimeUnit.SECONDS.toNanos(11));
        assertEquals(CloseCodes.SERVER_ERROR.getCloseCode().getCode(), stuck.closedWith.getCloseCode().getCode());
        assertEquals(null, fine.closedWith, "nothing in flight: not stalled, however long it has been quiet");
    }

    @Test
    void whenMostConnectionsStallAtOnceTheServerIsBehindAndNoneIsClosedForIt() {
        long start = System.nanoTime();
        int few = ConnectionRegistry.LAGGING_AT_LEAST + 1; // 9 of 20 stall: fewer than half, so it is those clients
        List<ManualWire> wires = sweepAfterATimeout(20, few, start);
        assertTrue(wires.subList(0, few).stream().allMatch(w -> w.closedWith != null && w.closedWith.getCloseCode().getCode() == 1011));
        assertTrue(wires.subList(few, 20).stream().allMatch(w -> w.closedWith == null));

        List<ManualWire> most = sweepAfterATimeout(20, 12, start); // 12 of 20 stall at once: the server is behind
        assertTrue(most.stream().allMatch(w -> w.closedWith == null), "not closed for the server's own lag");
    }

    /** {@code n} connections with a frame each, the first {@code stalled} never completing; then a sweep 11 s on. */
    private static List<ManualWire> sweepAfterATimeout(int n, int stalled, long start) {
        ConnectionRegistry registry = new ConnectionRegistry(
                dev.switchboard.config.Settings.of(java.util.Map.of("switchboard.send.timeout", "10")), Runnable::run);
        List<ManualWire> wires = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ManualWire wire = new ManualWire();
            Connection c = new Connection("c" + i, "u" + i, null, wire, 1 << 20);
            registry.add(c);
            c.send(OutboundFrame.of("frame"));
            if (i >= stalled) {
                wire.completeOne();
            }
            wires.add(wire);
        }
        registry.closeStalled(start + TimeUnit.SECONDS.toNanos(11));
        return wires;
    }

    @Test
    void overflowClosesASlowConsumerWith4008AndDropsItsQueue() {
        ManualWire wire = new ManualWire();
        Connection c = new Connection("1", "alice", null, wire, 100);
        assertTrue(c.send(OutboundFrame.of("x".repeat(60))));
        assertTrue(c.send(OutboundFrame.of("y".repeat(30))));
        assertFalse(c.send(OutboundFrame.of("z".repeat(30))));
        assertEquals(4008, wire.closedWith.getCloseCode().getCode());
        assertFalse(c.isOpen());
        assertFalse(c.send(OutboundFrame.of("after")));
        wire.completeOne();
        assertEquals(1, wire.sent.size(), "nothing queued is sent after the close");
    }

    @Test
    void sendsThatCompleteInlineDoNotRecurse() {
        AtomicInteger sent = new AtomicInteger();
        Wire inline = new Wire() {
            @Override
            public void sendText(String text, Consumer<Throwable> done) {
                sent.incrementAndGet();
                done.accept(null);
            }

            @Override
            public void close(CloseReason reason) {}
        };
        Connection c = new Connection("1", "alice", null, inline, Long.MAX_VALUE);
        for (int i = 0; i < 200_000; i++) {
            c.send(OutboundFrame.of("f"));
        }
        assertEquals(200_000, sent.get());
    }

    @Test
    void concurrentSendersLoseNothingAndNeverOverlap() throws InterruptedException {
        ExecutorService completer = Executors.newSingleThreadExecutor();
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        List<String> sent = java.util.Collections.synchronizedList(new ArrayList<>());
        int threads = 4;
        int each = 5_000;
        CountDownLatch allSent = new CountDownLatch(threads * each);
        Wire async = new Wire() {
            @Override
            public void sendText(String text, Consumer<Throwable> done) {
                if (inFlight.incrementAndGet() > 1) {
                    overlaps.incrementAndGet();
                }
                sent.add(text);
                completer.execute(() -> {
                    inFlight.decrementAndGet();
                    allSent.countDown();
                    done.accept(null);
                });
            }

            @Override
            public void close(CloseReason reason) {}
        };
        Connection c = new Connection("1", "alice", null, async, Long.MAX_VALUE);
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService senders = Executors.newFixedThreadPool(threads);
        for (int t = 0; t < threads; t++) {
            int id = t;
            senders.execute(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < each; i++) {
                    c.send(OutboundFrame.of(id + ":" + i));
                }
            });
        }
        start.countDown();
        senders.shutdown();
        assertTrue(senders.awaitTermination(30, TimeUnit.SECONDS));
        assertTrue(allSent.await(30, TimeUnit.SECONDS), "every frame sent");
        completer.shutdown();
        assertEquals(threads * each, sent.size());
        assertEquals(0, overlaps.get());
        int[] last = new int[threads];
        java.util.Arrays.fill(last, -1);
        for (String s : sent) { // each sender's frames stay in its order
            int t = Integer.parseInt(s.substring(0, s.indexOf(':')));
            int i = Integer.parseInt(s.substring(s.indexOf(':') + 1));
            assertEquals(last[t] + 1, i);
            last[t] = i;
        }
    }

    @Test
    void utf8SizesAreCountedExactly() {
        for (String s : List.of("abc", "\u00e9", "\u4f60\u597d", "\ud83d\ude00", "a\u00e9\u4f60\ud83d\ude00")) {
            assertEquals(s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length, OutboundFrame.utf8Length(s), s);
        }
    }
}
