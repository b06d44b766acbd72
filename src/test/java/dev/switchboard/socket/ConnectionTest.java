package dev.switchboard.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.protocol.MessageCodec;
import dev.switchboard.protocol.ServerMessage;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@link Connection}, the handle over a send queue: every send and close goes through the queue; pings do not. */
class ConnectionTest {

    @Test
    void sendsOfEveryKindGoThroughOneQueueInOrder() {
        ManualWire wire = new ManualWire();
        Connection c = new Connection("1", "alice", null, wire, 1 << 20);
        c.send(new ServerMessage.Skipped("t", 1));
        assertTrue(c.send(OutboundFrame.of("lossless")));
        assertTrue(c.send(OutboundFrame.of("latest"), Overflow.LATEST_VALUE, "ticker.A"));
        assertEquals(List.of(MessageCodec.write(new ServerMessage.Skipped("t", 1))), wire.sent, "one send in flight");
        assertEquals(OutboundFrame.of(wire.sent.get(0)).bytes() + "lossless".length() + "latest".length(), c.queuedBytes());
        wire.completeOne();
        wire.completeOne();
        wire.completeOne();
        assertEquals("lossless", wire.sent.get(1));
        assertEquals("latest", wire.sent.get(2));
        assertEquals(0, c.queuedBytes());
        assertEquals(0, c.pendingSkipped("ticker.A"));
    }

    @Test
    void aPingIsNotQueuedAndNotSentOnceClosed() {
        ManualWire wire = new ManualWire();
        Connection c = new Connection("1", "alice", null, wire, 1 << 20);
        c.send(OutboundFrame.of("in flight"));
        c.ping();
        assertEquals(1, wire.pings, "a control frame, beside the send in flight");
        c.close(CloseCodes.IDLE);
        assertFalse(c.isOpen());
        assertEquals(CloseCodes.IDLE, wire.closedWith);
        c.ping();
        assertEquals(1, wire.pings);
        assertFalse(c.send(OutboundFrame.of("late")));
    }

    @Test
    void aSendInFlightIsStalledOnlyPastTheTimeout() {
        ManualWire wire = new ManualWire();
        Connection c = new Connection("1", "alice", null, wire, 1 << 20);
        c.send(OutboundFrame.of("unread"));
        long now = System.nanoTime();
        long timeout = TimeUnit.SECONDS.toNanos(10);
        assertFalse(c.sendStalled(now, timeout));
        assertTrue(c.sendStalled(now + timeout + 1, timeout));
    }

    @Test
    void seenMovesTheLastSign() {
        Connection c = new Connection("1", "alice", null, new ManualWire(), 1 << 20);
        long opened = c.lastSeenNanos();
        long before = System.nanoTime();
        c.seen();
        assertTrue(c.lastSeenNanos() - before >= 0 && c.lastSeenNanos() - opened >= 0);
    }

    @Test
    void utf8SizesAreCountedExactly() {
        for (String s : List.of("abc", "\u00e9", "\u4f60\u597d", "\ud83d\ude00", "a\u00e9\u4f60\ud83d\ude00")) {
            assertEquals(s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length, OutboundFrame.utf8Length(s), s);
        }
    }
}
