package dev.switchboard.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link Connection#closeWhenSent}: what is queued goes out first, nothing new is accepted, then the close. */
class CloseWhenSentTest {

    @Test
    void queuedFramesGoOutThenTheClose() {
        ConnectionTest.ManualWire wire = new ConnectionTest.ManualWire();
        Connection c = new Connection("1", "flood", null, wire, 1 << 20);
        c.send(OutboundFrame.of("pong"));
        c.send(OutboundFrame.of("rate_limited"));
        c.closeWhenSent(CloseCodes.FLOODING);
        assertFalse(c.send(OutboundFrame.of("late")), "nothing new after closeWhenSent");
        assertNull(wire.closedWith);
        wire.completeOne();
        assertNull(wire.closedWith, "one frame still queued");
        wire.completeOne();
        assertEquals(1008, wire.closedWith.getCloseCode().getCode());
        assertEquals(List.of("pong", "rate_limited"), wire.sent);
        assertFalse(c.isOpen());
    }

    @Test
    void anIdleConnectionClosesAtOnce() {
        ConnectionTest.ManualWire wire = new ConnectionTest.ManualWire();
        Connection c = new Connection("1", "flood", null, wire, 1 << 20);
        c.closeWhenSent(CloseCodes.FLOODING);
        assertEquals(1008, wire.closedWith.getCloseCode().getCode());
    }
}
