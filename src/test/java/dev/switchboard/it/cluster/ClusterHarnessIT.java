package dev.switchboard.it.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.it.SessionApi;
import dev.switchboard.it.cluster.ClusterNode.Kind;
import dev.switchboard.testing.WsClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The cluster harness itself: real WildFly and Payara Micro nodes, a SIGKILL, a restart, the proxy. */
class ClusterHarnessIT {

    private static List<ClusterNode> nodes() {
        return ClusterNodes.ready(ClusterNodes.node(Kind.WILDFLY, "wf-a"), ClusterNodes.node(Kind.PAYARA, "py-a"));
    }

    private static String token(ClusterNode node, String user) throws Exception {
        return SessionApi.token(node.http("/api/session"), user);
    }

    private static WsClient welcomed(ClusterNode node, String user, String token) {
        WsClient c = WsClient.connect(URI.create(node.ws("/ws/chat") + "?token=" + token));
        assertEquals(user, c.expect("welcome").getString("user"), () -> "on " + node + ", log " + node.log());
        return c;
    }

    /** One plain GET on a connection of its own (a shared client would keep one connection alive). */
    private static HttpResponse<String> get(URI uri) throws Exception {
        HttpClient fresh = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        return fresh.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void nodesOfBothServersServeWebSocketsAndComeBackAfterAKillAndARestart() throws Exception {
        List<ClusterNode> n = nodes();
        ClusterNode wildfly = n.get(0);
        ClusterNode payara = n.get(1);
        String alice = SessionApi.unique("alice");
        String bob = SessionApi.unique("bob");
        String aliceToken = token(wildfly, alice);
        String bobToken = token(payara, bob);

        try (WsClient a = welcomed(wildfly, alice, aliceToken); WsClient b = welcomed(payara, bob, bobToken)) {
            long pid = payara.pid();
            payara.kill();
            assertFalse(payara.isAlive());
            assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "the server JVM itself is gone");
            assertEquals(1006, b.awaitClose().getCloseCode().getCode(), "a crashed node closes nothing cleanly");
            a.join(SessionApi.unique("room")); // the other node is untouched
        }

        payara.restart();
        payara.awaitReady(ClusterNodes.START_TIMEOUT);
        // the guest claim was committed before the kill: the node's data directory outlives it
        welcomed(payara, bob, bobToken).close();

        wildfly.restart(); // graceful stop, then start on the same ports and base directory
        wildfly.awaitReady(ClusterNodes.START_TIMEOUT);
        welcomed(wildfly, alice, aliceToken).close();
    }

    @Test
    void theProxyTakesTurnsAndSkipsADeadNode() throws Exception {
        List<ClusterNode> n = nodes();
        try (RoundRobinProxy proxy = RoundRobinProxy.of(0, n)) {
            assertEquals(200, get(proxy.http("/api/health")).statusCode());
            assertEquals(200, get(proxy.http("/api/health")).statusCode());
            assertArrayEquals(new long[] {1, 1}, proxy.connections(), "one connection to each node");

            n.get(1).kill();
            for (int i = 0; i < 4; i++) {
                assertEquals(200, get(proxy.http("/api/health")).statusCode(), "answered by the live node");
            }
            assertArrayEquals(new long[] {5, 1}, proxy.connections(), "the dead node is skipped");

            // a WebSocket through the proxy, to the one live node
            String carol = SessionApi.unique("carol");
            String token = SessionApi.token(proxy.http("/api/session"), carol);
            try (WsClient c = WsClient.connect(URI.create(proxy.ws("/ws/chat") + "?token=" + token))) {
                assertEquals(carol, c.expect("welcome").getString("user"));
            }
        } finally {
            ClusterNodes.ready(n.get(1)); // restarted: the node is back
        }
        assertTrue(n.get(1).isAlive());
    }
}
