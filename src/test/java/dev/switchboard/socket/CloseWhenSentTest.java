package dev.switchboard.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link SendQueue#closeWhenSent}: what is queued goes out first, nothing new is accepted, then the close. */
class CloseWhenSentTest {

    @Test
    void queuedFramesGoOutThenTheClose() {
        ManualWire wire = new ManualWire();
        SendQueue q = new SendQueue(wire, 1 << 20);
        q.send(OutboundFrame.of("pong"));
        q.send(OutboundFrame.of("rate_limited"));
        q.closeWhenSent(CloseCodes.FLOODING);
        assertFalse(q.send(OutboundFrame.of("late")), "nothing new after closeWhenSent");
        assertNull(wire.closedWith);
        wire.completeOne();
        assertNull(wire.closedWith, "one frame still queued");
        wire.completeOne();
        assertEquals(1008, wire.closedWith.getCloseCode().getCode());
        assertEquals(List.of("pong", "rate_limited"), wire.sent);
        assertFalse(q.isOpen());
    }

    @Test
    void anIdleConnectionClosesAtOnce() {
        ManualWire wire = new ManualWire();
        SendQueue q = new SendQueue(wire, 1 << 20);
        q.closeWhenSent(CloseCodes.FLOODING);
        assertEquals(1008, wire.closedWith.getCloseCode().getCode());
    }
}
