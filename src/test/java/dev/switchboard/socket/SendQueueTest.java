package dev.switchboard.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.websocket.CloseReason;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** {@link SendQueue}: ordered, one send in flight, bounded in bytes, closed on overflow or a failed send. */
class SendQueueTest {

    @Test
    void framesGoOutInOrderOneAtATime() {
        ManualWire wire = new ManualWire();
        SendQueue q = new SendQueue(wire, 1 << 20);
        for (int i = 0; i < 5; i++) {
            assertTrue(q.send(OutboundFrame.of("f" + i)));
        }
        assertEquals(List.of("f0"), wire.sent);
        for (int i = 0; i < 5; i++) {
            wire.completeOne();
        }
        assertEquals(List.of("f0", "f1", "f2", "f3", "f4"), wire.sent);
        assertEquals(1, wire.maxInFlight);
        assertEquals(0, q.queuedBytes());
    }

    @Test
    void overflowClosesASlowConsumerWith4008AndDropsItsQueue() {
        ManualWire wire = new ManualWire();
        SendQueue q = new SendQueue(wire, 100);
        assertTrue(q.send(OutboundFrame.of("x".repeat(60))));
        assertTrue(q.send(OutboundFrame.of("y".repeat(30))));
        assertFalse(q.send(OutboundFrame.of("z".repeat(30))));
        assertEquals(4008, wire.closedWith.getCloseCode().getCode());
        assertFalse(q.isOpen());
        assertFalse(q.send(OutboundFrame.of("after")));
        wire.completeOne();
        assertEquals(1, wire.sent.size(), "nothing queued is sent after the close");
    }

    @Test
    void aFailedSendClosesWith1011AndSendsNothingMore() {
        ManualWire wire = new ManualWire();
        SendQueue q = new SendQueue(wire, 1 << 20);
        q.send(OutboundFrame.of("a"));
        q.send(OutboundFrame.of("b"));
        wire.complete(new IOException("broken pipe"));
        assertEquals(1011, wire.closedWith.getCloseCode().getCode());
        assertFalse(q.isOpen());
        assertEquals(List.of("a"), wire.sent);
        assertFalse(q.send(OutboundFrame.of("c")));
    }

    @Test
    void whenThePeerClosedNothingQueuedIsSentAndTheWireIsNotClosedAgain() {
        ManualWire wire = new ManualWire();
        SendQueue q = new SendQueue(wire, 1 << 20);
        q.send(OutboundFrame.of("a"));
        q.send(OutboundFrame.of("b"));
        q.closed();
        wire.completeOne();
        assertEquals(List.of("a"), wire.sent);
        assertFalse(q.send(OutboundFrame.of("c")));
        q.close(CloseCodes.GOING_AWAY);
        assertNull(wire.closedWith, "already closed by the peer");
    }

    @Test
    void aSendIsStalledOnlyWhileInFlightPastTheTimeout() {
        ManualWire wire = new ManualWire();
        SendQueue q = new SendQueue(wire, 1 << 20);
        long timeout = TimeUnit.SECONDS.toNanos(10);
        long before = System.nanoTime();
        assertFalse(q.sendStalled(before + 2 * timeout, timeout), "nothing in flight");
        q.send(OutboundFrame.of("a"));
        long after = System.nanoTime();
        assertFalse(q.sendStalled(after, timeout));
        assertTrue(q.sendStalled(after + timeout + 1, timeout));
        wire.completeOne();
        assertFalse(q.sendStalled(after + timeout + 1, timeout), "completed: no longer in flight");
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
        SendQueue q = new SendQueue(inline, Long.MAX_VALUE);
        for (int i = 0; i < 200_000; i++) {
            q.send(OutboundFrame.of("f"));
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
        SendQueue q = new SendQueue(async, Long.MAX_VALUE);
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
                    q.send(OutboundFrame.of(id + ":" + i));
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
}
