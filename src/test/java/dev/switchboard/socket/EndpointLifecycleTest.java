package dev.switchboard.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.config.Settings;
import dev.switchboard.security.HandshakeConfigurator;
import dev.switchboard.security.Identities;
import dev.switchboard.security.InboundGuard;
import dev.switchboard.security.RateLimiter;
import dev.switchboard.security.TokenService;
import jakarta.websocket.Session;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link EndpointLifecycle}: what both endpoints do around their service, on a session without a container. */
class EndpointLifecycleTest {

    private final Settings settings = Settings.of(Map.of(Settings.MAX_FRAME_BYTES, "100", Settings.MAX_BINARY_BYTES, "10"));
    private final ConnectionRegistry connections = new ConnectionRegistry(settings, Runnable::run);
    private final TokenService tokens = new TokenService("a-secret-of-at-least-32-bytes!!!!".getBytes(StandardCharsets.UTF_8),
            Duration.ofHours(1), Clock.systemUTC());
    private final EndpointLifecycle lifecycle = new EndpointLifecycle(connections, new Identities(tokens),
            new InboundGuard(settings, new RateLimiter(100, 100, System::nanoTime)));
    private final Recorder handler = new Recorder();

    /** What the lifecycle handed on, in order. */
    private static final class Recorder implements EndpointLifecycle.Handler {
        final List<String> calls = new ArrayList<>();
        Connection opened;

        @Override
        public void opened(Connection c, Session session) {
            opened = c;
            calls.add("opened " + c.user());
        }

        @Override
        public void handle(Connection c, String text) {
            calls.add("text " + text);
        }

        @Override
        public void handleBinary(Connection c, ByteBuffer data) {
            calls.add("binary " + data.remaining());
        }

        @Override
        public void closed(Connection c) {
            assertSame(opened, c);
            calls.add("closed " + c.user());
        }
    }

    private FakeSession signedIn(String user) throws Exception {
        FakeSession s = new FakeSession("s-" + user);
        s.userProperties.put(HandshakeConfigurator.PRINCIPAL, user); // as the handshake leaves it
        lifecycle.open(s.session, handler);
        return s;
    }

    @Test
    void withoutAnIdentityTheSessionIsClosedWith1008AndNotRegistered() throws Exception {
        FakeSession s = new FakeSession("anonymous");
        lifecycle.open(s.session, handler);
        assertEquals(1008, s.closedWith());
        assertEquals("no valid identity", s.closes.get(0).getReasonPhrase());
        assertEquals(List.of(), handler.calls);
        assertEquals(0, connections.size());
        lifecycle.text(s.session, "{}", true, handler);
        lifecycle.close(s.session, null, handler);
        assertEquals(List.of(), handler.calls, "no connection, nothing handed on");
    }

    @Test
    void aTokenIsAnIdentityToo() throws Exception {
        FakeSession s = new FakeSession("t");
        s.userProperties.put(HandshakeConfigurator.TOKEN, tokens.issue("carol").value());
        lifecycle.open(s.session, handler);
        assertEquals(List.of("opened carol"), handler.calls);
        assertTrue(handler.opened.expires() != null, "a token connection knows when its token expires");
        assertNull(s.userProperties.get(HandshakeConfigurator.TOKEN), "the raw token is not kept for the session's life");
    }

    @Test
    void aSessionIsRegisteredHandledAndUnregistered() throws Exception {
        FakeSession s = signedIn("alice");
        assertSame(handler.opened, connections.of(s.session));
        assertEquals(1, connections.countOf("alice"));

        lifecycle.text(s.session, "{\"a\":", false, handler);
        lifecycle.text(s.session, "1}", true, handler);
        lifecycle.text(s.session, "{}", true, handler);
        lifecycle.binary(s.session, ByteBuffer.wrap(new byte[3]), handler);
        lifecycle.close(s.session, null, handler);
        lifecycle.close(s.session, null, handler);

        assertEquals(List.of("opened alice", "text {\"a\":1}", "text {}", "binary 3", "closed alice"), handler.calls,
                "parts handed on as one message; closed once");
        assertEquals(0, connections.countOf("alice"));
        assertNull(connections.of(s.session));
        assertEquals(List.of(), s.closes, "the peer closed: the server closes nothing");
    }

    @Test
    void framesOverTheLimitsCloseWith1009AndAreNotHandedOn() throws Exception {
        FakeSession text = signedIn("bob");
        lifecycle.text(text.session, "x".repeat(60), false, handler);
        lifecycle.text(text.session, "x".repeat(60), false, handler); // 120 > 100 while still arriving
        assertEquals(1009, text.closedWith());

        FakeSession binary = signedIn("dave");
        lifecycle.binary(binary.session, ByteBuffer.wrap(new byte[11]), handler);
        assertEquals(1009, binary.closedWith());
        assertEquals(List.of("opened bob", "opened dave"), handler.calls);
    }

    @Test
    void aPongIsASignOfLife() throws Exception {
        FakeSession s = signedIn("erin");
        long before = System.nanoTime();
        lifecycle.pong(s.session);
        assertTrue(handler.opened.lastSeenNanos() - before >= 0);
        lifecycle.error(s.session, new java.io.IOException("reset by peer")); // logged, nothing else
        assertEquals(List.of(), s.closes);
    }
}
