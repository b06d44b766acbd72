package dev.switchboard.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.switchboard.config.Settings;
import dev.switchboard.socket.Connection;
import dev.switchboard.socket.Wire;
import jakarta.websocket.CloseReason;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Text that the container hands over in parts: assembled, or closed with 1009 as soon as it passes the limit. */
class InboundGuardTest {

    private CloseReason closedWith;
    private final Connection c = new Connection("1", "alice", null, new Wire() {
        @Override
        public void sendText(String text, Consumer<Throwable> done) {
            done.accept(null);
        }

        @Override
        public void close(CloseReason reason) {
            closedWith = reason;
        }
    }, 1 << 20);
    private final InboundGuard guard = new InboundGuard(Settings.of(Map.of(Settings.MAX_FRAME_BYTES, "10")), new RateLimiter(100, 100, System::nanoTime));

    @Test
    void aMessageInOnePartIsHandedOnAsItIs() {
        String whole = "{\"a\":1}";
        assertSame(whole, guard.assemble(c, whole, true));
        assertEquals(0, InboundGuard.pending(c));
        assertNull(c.inbound(), "a message in one part needs no state at all");
    }

    @Test
    void partsAreAssembledInOrder() {
        assertNull(guard.assemble(c, "ab", false));
        assertNull(guard.assemble(c, "cd", false));
        assertEquals("abcde", guard.assemble(c, "e", true));
        assertEquals(0, InboundGuard.pending(c), "nothing kept between messages");
        assertEquals("xy", guard.assemble(c, "xy", true));
        assertNull(closedWith);
    }

    @Test
    void partsPastTheLimitClose1009AtOnce() {
        assertNull(guard.assemble(c, "123456", false));
        assertNull(guard.assemble(c, "7890x", false)); // 11 > 10, and the message has not even ended
        assertEquals(CloseReason.CloseCodes.TOO_BIG, closedWith.getCloseCode());
        assertEquals(0, InboundGuard.pending(c), "what arrived is dropped");
    }
}
