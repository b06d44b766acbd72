package dev.switchboard.it.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.it.SessionApi;
import dev.switchboard.it.cluster.ClusterNode.Kind;
import dev.switchboard.testing.TestPostgres;
import dev.switchboard.testing.WsClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * The backplane failing silently is the cluster bug peers report most (socket.io#4845, centrifugo#1189): here the
 * nodes' LISTEN sessions are cut in the database. A node must say so (readiness DOWN), reconnect by itself (UP), and
 * deliver everything committed meanwhile, in order.
 */
class BackplaneIT {

    @Test
    void aCutListenerTakesTheNodeOutOfReadinessUntilItHearsAgainAndNothingIsLost() throws Exception {
        List<ClusterNode> nodes = ClusterNodes.ready(ClusterNodes.node(Kind.WILDFLY, "wf-a"), ClusterNodes.node(Kind.PAYARA, "py-a"));
        ClusterNode a = nodes.get(0);
        ClusterNode b = nodes.get(1);
        String room = SessionApi.unique("r");
        try (WsClient sender = ClusterIT.chat(a, SessionApi.unique("ana")); WsClient reader = ClusterIT.chat(b, SessionApi.unique("ben"))) {
            sender.join(room);
            reader.join(room);
            ClusterIT.send(sender, room, "before", "m0");
            assertEquals(1, reader.until("message").getInt("seq"));

            assertTrue(cutListeners() >= 2, "both nodes' listener sessions were cut");
            int sent = 1;
            boolean sawDown = false;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            // while B is without its doorbell: A keeps storing, and B's readiness says DOWN
            while (System.nanoTime() < deadline && !(sawDown && status(b) == 200)) {
                int s = status(b);
                sawDown |= s == 503;
                ClusterIT.send(sender, room, "during " + sent, "m" + sent);
                sent++;
                LockSupport.parkNanos(50_000_000L); // the probe's pace, bounded by the deadline
            }
            assertTrue(sawDown, "readiness went DOWN while the listener was cut");
            assertEquals(200, status(b), "and UP again once it hears its own ping");
            ClusterIT.send(sender, room, "after", "m" + sent);
            sent++;
            for (int seq = 2; seq <= sent; seq++) {
                assertEquals(seq, reader.until("message").getInt("seq"), "nothing lost, in order");
            }
        }
    }

    private static int status(ClusterNode node) throws Exception {
        HttpResponse<Void> h = ClusterIT.HTTP.send(HttpRequest.newBuilder(node.http("/api/health"))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.discarding());
        return h.statusCode();
    }

    /** Terminates every node's doorbell session (named switchboard-doorbell); returns how many. */
    private static int cutListeners() throws Exception {
        try (Connection c = DriverManager.getConnection(TestPostgres.url(ClusterNodes.DATABASE), TestPostgres.user(), TestPostgres.password());
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                        + " WHERE application_name = 'switchboard-doorbell' AND datname = current_database()")) {
            int n = 0;
            while (rs.next()) {
                n++;
            }
            return n;
        }
    }
}
