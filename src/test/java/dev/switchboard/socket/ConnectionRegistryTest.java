package dev.switchboard.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.config.Settings;
import dev.switchboard.security.HandshakeConfigurator;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.junit.jupiter.api.Test;

/** {@link ConnectionRegistry}: sessions to connections, counted by user and by address, until they close. */
class ConnectionRegistryTest {

    @Test
    void connectionsAreCountedByUserAndAddressUntilTheyClose() {
        ConnectionRegistry registry = new ConnectionRegistry(Settings.of(Map.of()), Runnable::run);
        FakeSession phone = new FakeSession("1");
        FakeSession laptop = new FakeSession("2");
        phone.userProperties.put(HandshakeConfigurator.ADDRESS, "10.0.0.1");
        laptop.userProperties.put(HandshakeConfigurator.ADDRESS, "10.0.0.1");
        Connection a = registry.open(phone.session, "alice", null);
        Connection b = registry.open(laptop.session, "alice", null);
        registry.open(new FakeSession("3").session, "bob", null);

        assertSame(a, registry.of(phone.session));
        assertEquals(2, registry.countOf("alice"));
        assertEquals(2, registry.countFrom("10.0.0.1"));
        assertEquals(3, registry.size());
        assertEquals(2, registry.users());

        assertSame(a, registry.closed(phone.session));
        assertNull(registry.closed(phone.session), "once");
        assertFalse(a.isOpen());
        assertEquals(1, registry.countOf("alice"));
        assertEquals(1, registry.countFrom("10.0.0.1"));
        assertTrue(registry.ofUser("alice").contains(b));
        registry.closed(laptop.session);
        assertEquals(0, registry.countFrom("10.0.0.1"));
        assertEquals(1, registry.users());
    }

    @Test
    void closingCancelsTheTokenExpiryClose() {
        ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
        try {
            ConnectionRegistry registry = new ConnectionRegistry(Settings.of(Map.of()), Runnable::run, scheduler);
            FakeSession s = new FakeSession("1");
            Connection c = registry.open(s.session, "alice", Instant.now().plusSeconds(20)); // within a heartbeat
            Future<?> expiry = (Future<?>) c.attributes().get(ConnectionSweeps.EXPIRY);
            assertFalse(expiry.isDone());
            registry.closed(s.session);
            assertTrue(expiry.isCancelled(), "else the task would hold the connection until the token expires");
        } finally {
            scheduler.shutdownNow();
        }
    }

    @Test
    void shutdownTellsEveryClientToComeBackLater() {
        ConnectionRegistry registry = new ConnectionRegistry(Settings.of(Map.of()), Runnable::run);
        FakeSession s = new FakeSession("1");
        registry.open(s.session, "alice", null);
        registry.shutdown();
        assertEquals(1001, s.closedWith());
        assertTrue(registry.draining());
    }
}
