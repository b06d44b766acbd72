package dev.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.security.TokenService;
import dev.switchboard.testing.RawWebSocket;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The per-address connection cap ({@code switchboard.limits.connections.address}, 64 on the IT servers, see
 * {@code it.switchboard.opts} in pom.xml): every connection here is another user, so only the address cap can
 * refuse, with the documented {@code 429}. Connections other tests left open (the server closes them in its own
 * time) count against the same address, so the test opens until refused rather than exactly up to the cap.
 */
@ExtendWith(ArquillianExtension.class)
class ConnectionCapIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.war();
    }

    private static final TokenService TOKENS = new TokenService(Deployments.SECRET.getBytes(StandardCharsets.UTF_8),
            Duration.ofMinutes(10), Clock.systemUTC());

    /** The IT servers' cap, read from the same options the servers were started with. */
    private static int cap() {
        Matcher m = Pattern.compile("-Dswitchboard\\.limits\\.connections\\.address=(\\d+)")
                .matcher(System.getProperty("it.switchboard.opts", ""));
        assertTrue(m.find(), "it.switchboard.opts sets switchboard.limits.connections.address");
        return Integer.parseInt(m.group(1));
    }

    /** A connection of a user no other connection has: the per-user cap never applies. */
    private static URI fresh() {
        return URI.create(Deployments.ws("/ws/chat") + "?token=" + TOKENS.issue(SessionApi.unique("cap")).value());
    }

    private static RawWebSocket welcomed(URI uri) throws IOException {
        RawWebSocket ws = RawWebSocket.open(uri);
        assertTrue(ws.read().text().contains("\"welcome\"")); // the server has registered it by now
        return ws;
    }

    /** Opens a new connection, retrying while the server has not yet noticed that a slot was freed. */
    private static RawWebSocket openOnceFree() throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try {
                return welcomed(fresh());
            } catch (IOException e) {
                assertTrue(e.getMessage().contains(" 429"), e.getMessage());
                assertTrue(System.nanoTime() < deadline, "a freed slot is usable again: " + e.getMessage());
            }
        }
    }

    @Test
    void oneAddressHoldsAtMostTheConfiguredNumberOfConnections() throws Exception {
        int cap = cap();
        List<RawWebSocket> held = new ArrayList<>();
        try {
            IOException refused = null;
            while (refused == null) {
                assertTrue(held.size() <= cap, () -> held.size() + " connections from 127.0.0.1 accepted, cap " + cap);
                try {
                    held.add(welcomed(fresh()));
                } catch (IOException e) {
                    refused = e;
                }
            }
            assertTrue(refused.getMessage().contains(" 429"), refused.getMessage());
            assertFalse(held.isEmpty(), "other tests' connections left no room to test the cap in");
            held.remove(held.size() - 1).close(); // one slot freed: one new connection gets in
            held.add(openOnceFree());
        } finally {
            held.forEach(RawWebSocket::close);
        }
        openOnceFree().close(); // and all of them closed: the address is welcome again
    }
}
