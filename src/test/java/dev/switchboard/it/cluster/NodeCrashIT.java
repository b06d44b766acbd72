package dev.switchboard.it.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.it.SessionApi;
import dev.switchboard.it.cluster.ClusterNode.Kind;
import dev.switchboard.testing.WsClient;
import jakarta.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A node killed with SIGKILL while a client streams acknowledged messages into a room: nothing acknowledged is lost,
 * its users leave presence within the documented bound (node timeout plus a heartbeat: 4 + 1 s in the ITs, 15 + 5 s
 * by default), and the survivor stays ready. The victim is a Payara Micro node, the survivor a WildFly node.
 */
class NodeCrashIT {

    @Test
    void everyAcknowledgedMessageSurvivesTheKillAndTheDeadNodesUsersLeave() throws Exception {
        ClusterNode survivor = ClusterNodes.ready(ClusterNodes.node(Kind.WILDFLY, "wf-a"), ClusterNodes.node(Kind.PAYARA, "py-a")).get(0);
        ClusterNode victim = ClusterNodes.node(Kind.PAYARA, "py-a");
        String room = SessionApi.unique("r");
        String ana = SessionApi.unique("ana");
        String ben = SessionApi.unique("ben");
        String anaToken = ClusterIT.token(victim, ana);
        Map<Integer, String> acked = new LinkedHashMap<>(); // seq -> text
        try (WsClient watcher = ClusterIT.chat(survivor, ben)) {
            watcher.join(room);
            try (WsClient streamer = ClusterIT.chat(victim, ana, anaToken)) {
                streamer.join(room);
                assertEquals("join", ClusterIT.presenceOf(watcher, ana).getString("event"));
                // within the burst the rate limit allows (40 frames): more than get acknowledged before the kill
                for (int i = 0; i < 36; i++) {
                    ClusterIT.send(streamer, room, "m" + i, "m" + i);
                }
                while (acked.size() < 12) {
                    JsonObject ack = streamer.until("ack");
                    acked.put(ack.getInt("seq"), ack.getString("id"));
                }
                victim.kill(); // SIGKILL, mid-stream: no goodbye, no flush
            }
            long killed = System.nanoTime();
            JsonObject left = untilLeave(watcher, ana);
            long seconds = Duration.ofNanos(System.nanoTime() - killed).toSeconds();
            assertEquals("leave", left.getString("event"));
            assertTrue(seconds <= 10, "left within the bound: " + seconds + " s");
        }
        try (WsClient back = ClusterIT.chat(survivor, ana, anaToken)) {
            back.send("{\"type\":\"join\",\"room\":\"" + room + "\",\"since\":0}");
            JsonObject joined = back.until("joined");
            int latest = joined.getInt("seq");
            assertTrue(latest >= acked.size(), "the store has at least what was acked: " + latest);
            Map<Integer, String> replayed = new LinkedHashMap<>();
            for (int seq = 1; seq <= latest; seq++) {
                JsonObject m = back.until("message");
                assertEquals(seq, m.getInt("seq"), "exactly once, in order");
                replayed.put(seq, m.getString("id"));
            }
            acked.forEach((seq, id) -> assertEquals(id, replayed.get(seq), "acked message " + id + " at seq " + seq));
        }
        HttpResponse<String> health = ClusterIT.HTTP.send(HttpRequest.newBuilder(survivor.http("/api/health"))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, health.statusCode(), "the survivor stays ready: " + health.body());
    }

    /** Skips the rest of the stream until the user's presence event. */
    private static JsonObject untilLeave(WsClient watcher, String user) {
        for (;;) {
            JsonObject p = watcher.until("presence");
            if (user.equals(p.getString("user")) && "leave".equals(p.getString("event"))) {
                return p;
            }
        }
    }
}
