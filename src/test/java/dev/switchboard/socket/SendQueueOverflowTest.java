package dev.switchboard.socket;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.protocol.MessageCodec;
import dev.switchboard.protocol.ServerMessage;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The lossy overflow policies of {@link SendQueue}, on a wire whose sends complete when the test says so. */
class SendQueueOverflowTest {

    private static OutboundFrame frame(String name, int bytes) {
        return OutboundFrame.of(name + "-" + "x".repeat(bytes - name.length() - 1));
    }

    private static void drain(ManualWire wire) {
        while (!wire.pending.isEmpty()) {
            wire.completeOne();
        }
    }

    private static List<String> names(List<String> sent) {
        List<String> out = new ArrayList<>();
        for (String s : sent) {
            out.add(s.startsWith("{") ? s : s.substring(0, s.indexOf('-')));
        }
        return out;
    }

    @Test
    void dropOldestKeepsTheNewestAndCountsEveryLostFrameExactly() {
        ManualWire wire = new ManualWire();
        SendQueue q = new SendQueue(wire, 1000);
        int total = 15;
        for (int i = 0; i < total; i++) { // e0 goes in flight at once; the wire never completes meanwhile
            assertTrue(q.send(frame("e" + i, 200), Overflow.DROP_OLDEST, "logs.a"));
        }
        assertTrue(q.isOpen(), "a lossy topic never closes the connection");
        assertTrue(q.queuedBytes() <= 1000 + 64, "bounded: " + q.queuedBytes());
        long lost = q.pendingSkipped("logs.a");
        assertTrue(lost > 0);
        drain(wire);
        List<String> sent = names(wire.sent);
        assertEquals("e0", sent.get(0));
        assertEquals(MessageCodec.write(new ServerMessage.Skipped("logs.a", lost)), sent.get(1),
                "one skipped frame, where the lost frames stood");
        List<String> kept = sent.subList(2, sent.size());
        assertEquals(total, 1 + lost + kept.size(), "every frame is either sent or counted");
        for (int i = 0; i < kept.size(); i++) {
            assertEquals("e" + (total - kept.size() + i), kept.get(i), "the newest survive, in order");
        }
        assertEquals(0, q.queuedBytes());
        assertEquals(0, q.pendingSkipped("logs.a"));

        // a later overflow starts a new count
        wire.sent.clear();
        for (int i = 0; i < 8; i++) {
            q.send(frame("f" + i, 300), Overflow.DROP_OLDEST, "logs.a");
        }
        long lostAgain = q.pendingSkipped("logs.a");
        drain(wire);
        List<String> again = names(wire.sent);
        assertEquals(8, again.stream().filter(s -> s.startsWith("f")).count() + lostAgain);
        assertTrue(again.contains(MessageCodec.write(new ServerMessage.Skipped("logs.a", lostAgain))));
    }

    @Test
    void dropOldestDropsOnlyTheOverflowingTopicsFrames() {
        ManualWire wire = new ManualWire();
        SendQueue q = new SendQueue(wire, 1000);
        q.send(frame("a0", 200), Overflow.DROP_OLDEST, "logs.a"); // in flight
        q.send(frame("b1", 200), Overflow.DROP_OLDEST, "logs.b");
        q.send(frame("b2", 200), Overflow.DROP_OLDEST, "logs.b");
        for (int i = 1; i <= 6; i++) {
            q.send(frame("a" + i, 200), Overflow.DROP_OLDEST, "logs.a");
        }
        assertEquals(0, q.pendingSkipped("logs.b"));
        long lostA = q.pendingSkipped("logs.a");
        drain(wire);
        List<String> sent = names(wire.sent);
        assertTrue(sent.containsAll(List.of("b1", "b2")), sent.toString());
        assertEquals(7, sent.stream().filter(s -> s.startsWith("a")).count() + lostA);
    }

    @Test
    void latestValueKeepsOnlyTheNewestUnsentFramePerKey() {
        ManualWire wire = new ManualWire();
        SendQueue q = new SendQueue(wire, 1 << 20);
        q.send(frame("A0", 50), Overflow.LATEST_VALUE, "ticker.A"); // in flight: not replaced
        for (int i = 1; i <= 9; i++) {
            q.send(frame("A" + i, 50), Overflow.LATEST_VALUE, "ticker.A");
            if (i <= 3) {
                q.send(frame("B" + i, 50), Overflow.LATEST_VALUE, "ticker.B");
            }
        }
        q.send(frame("L1", 50)); // lossless frames are never replaced
        assertEquals(4 * 50, q.queuedBytes(), "A0 in flight, one A, one B, L1");
        drain(wire);
        assertEquals(List.of("A0", "A9", "B3", "L1"), names(wire.sent));
        q.send(frame("A10", 50), Overflow.LATEST_VALUE, "ticker.A"); // after it was sent, a new one queues again
        assertEquals(List.of("A0", "A9", "B3", "L1", "A10"), names(wire.sent));
        assertEquals(0, q.pendingSkipped("ticker.A"));
    }

    @Test
    void aLosslessFrameEvictsDropOldestFramesBeforeClosing() {
        ManualWire wire = new ManualWire();
        SendQueue q = new SendQueue(wire, 1000);
        q.send(frame("L0", 100)); // in flight
        for (int i = 1; i <= 4; i++) {
            q.send(frame("d" + i, 200), Overflow.DROP_OLDEST, "logs.a");
        }
        assertTrue(q.send(frame("L1", 300)), "room was made by dropping logs frames");
        assertTrue(q.isOpen());
        long lost = q.pendingSkipped("logs.a");
        assertTrue(lost >= 1);
        drain(wire);
        List<String> sent = names(wire.sent);
        assertEquals(List.of("L0", MessageCodec.write(new ServerMessage.Skipped("logs.a", lost))), sent.subList(0, 2));
        assertEquals("L1", sent.get(sent.size() - 1));
        assertEquals(4, sent.stream().filter(s -> s.startsWith("d")).count() + lost);
        assertNull(wire.closedWith);
    }

    @Test
    void binaryFramesGoOutAsBinaryInQueueOrder() {
        List<String> order = new ArrayList<>();
        byte[][] got = new byte[1][];
        Wire wire = new Wire() {
            @Override
            public void sendText(String text, Consumer<Throwable> done) {
                order.add(text);
                done.accept(null);
            }

            @Override
            public void sendBinary(ByteBuffer data, Consumer<Throwable> done) {
                got[0] = new byte[data.remaining()];
                data.get(got[0]);
                order.add("<binary>");
                done.accept(null);
            }

            @Override
            public void close(jakarta.websocket.CloseReason reason) {}
        };
        SendQueue q = new SendQueue(wire, 1000);
        q.send(OutboundFrame.of("t1"));
        q.send(OutboundFrame.binary(new byte[] {1, 2, 3}), Overflow.CLOSE, "x");
        q.send(OutboundFrame.of("t2"));
        assertEquals(List.of("t1", "<binary>", "t2"), order);
        assertArrayEquals(new byte[] {1, 2, 3}, got[0]);
        assertEquals(0, q.queuedBytes());
    }
}
