package dev.switchboard.it.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.it.Deployments;
import dev.switchboard.it.SessionApi;
import dev.switchboard.security.TokenService;
import dev.switchboard.testing.WsClient;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two nodes of the WAR on one PostgreSQL behave as one server, whichever node each client is on (clients talk to
 * node A and node B directly). Run on two WildFly nodes, two Payara Micro nodes, and one of each (the subclasses).
 */
abstract class ClusterIT {

    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static final String PUBLISHER_KEY = "it-publisher-key-0123456789";

    ClusterNode a;
    ClusterNode b;

    /** The two nodes, ready (started once per JVM and shared by the classes that use them). */
    abstract List<ClusterNode> nodes();

    @BeforeEach
    void nodesReady() {
        List<ClusterNode> n = nodes();
        a = n.get(0);
        b = n.get(1);
    }

    static String token(ClusterNode node, String user) throws Exception {
        return SessionApi.token(node.http("/api/session"), user);
    }

    static WsClient chat(ClusterNode node, String user, String token) {
        WsClient c = WsClient.connect(URI.create(node.ws("/ws/chat") + "?token=" + token));
        assertEquals(user, c.expect("welcome").getString("user"), () -> "on " + node + ", log " + node.log());
        return c;
    }

    static WsClient chat(ClusterNode node, String user) throws Exception {
        return chat(node, user, token(node, user));
    }

    static void send(WsClient c, String room, String text, String id) {
        c.send("{\"type\":\"send\",\"room\":\"" + room + "\",\"text\":\"" + text + "\",\"id\":\"" + id + "\"}");
    }

    static List<String> members(JsonObject joined) {
        List<String> out = new ArrayList<>();
        JsonArray m = joined.getJsonArray("members");
        for (int i = 0; i < m.size(); i++) {
            out.add(m.getString(i));
        }
        return out;
    }

    @Test
    void roomMessagesFromBothNodesArriveEverywhereInOneOrder() throws Exception {
        String room = SessionApi.unique("r");
        String ana = SessionApi.unique("ana");
        String ben = SessionApi.unique("ben");
        try (WsClient onA = chat(a, ana); WsClient onB = chat(b, ben)) {
            onA.join(room);
            onB.join(room);
            for (int i = 0; i < 25; i++) { // both nodes write to the same stream at the same time
                send(onA, room, "a" + i, "a" + i);
                send(onB, room, "b" + i, "b" + i);
            }
            List<String> seenOnA = texts(onA, 50);
            List<String> seenOnB = texts(onB, 50);
            assertEquals(seenOnA, seenOnB, "one order on every node");
            assertEquals(50, seenOnA.stream().distinct().count(), "no duplicate, nothing missing");
        }
    }

    /** The next {@code n} messages' texts, checking their seqs run 1..n. */
    private static List<String> texts(WsClient c, int n) {
        List<String> out = new ArrayList<>();
        for (int seq = 1; seq <= n; seq++) {
            JsonObject m = c.until("message");
            assertEquals(seq, m.getInt("seq"), "seqs in order, without gaps");
            out.add(m.getString("text"));
        }
        return out;
    }

    /** An account token (no guest claim) signed with the nodes' secret: good on every node. */
    static String accountToken(String user) {
        return new TokenService(Deployments.SECRET.getBytes(java.nio.charset.StandardCharsets.UTF_8), Duration.ofHours(1),
                java.time.Clock.systemUTC()).issue(user).value();
    }

    static HttpResponse<String> asOperator(ClusterNode node, String method, String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(node.http(path)).timeout(Duration.ofSeconds(15))
                .header("Cookie", "sb_token=" + accountToken("it-operator"))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The admin API on one node lists and disconnects a user's connections on both, and closes a room on both. */
    @Test
    void theAdminApiOnOneNodeReachesTheConnectionsOnTheOther() throws Exception {
        String ana = SessionApi.unique("ana");
        String ben = SessionApi.unique("ben");
        String room = SessionApi.unique("r");
        String token = accountToken(ana);
        try (WsClient anaOnA = chat(a, ana, token); WsClient anaOnB = chat(b, ana, token); WsClient benOnB = chat(b, ben, accountToken(ben))) {
            anaOnB.join(room);
            benOnB.join(room);
            HttpResponse<String> listed = asOperator(a, "GET", "/api/admin/users/" + ana + "/connections", null);
            assertEquals(200, listed.statusCode(), listed::body);
            JsonObject body = SessionApi.json(listed.body());
            // every live node answers (other classes' nodes on the same database too)
            assertTrue(body.getJsonArray("nodes").size() >= 2, body::toString);
            assertEquals(0, body.getJsonArray("missing").size(), body::toString);
            JsonArray connections = body.getJsonArray("connections");
            assertEquals(2, connections.size(), body::toString);
            List<JsonObject> both = connections.getValuesAs(JsonObject.class);
            assertNotEquals(both.get(0).getString("node"), both.get(1).getString("node"), "one on each node");
            assertTrue(both.stream().allMatch(c -> body.getJsonArray("nodes").toString().contains("\"" + c.getString("node") + "\"")));
            assertTrue(both.stream().anyMatch(c -> c.getJsonArray("rooms").toString().equals("[\"" + room + "\"]")), body::toString);

            HttpResponse<String> closed = asOperator(a, "POST", "/api/admin/rooms/" + room + "/close", "{\"reason\":\"spam wave\"}");
            assertEquals(200, closed.statusCode(), closed::body);
            JsonObject left = benOnB.until("left"); // on the other node
            assertEquals("closed", left.getString("reason"));
            assertEquals("spam wave", left.getString("message"));

            HttpResponse<String> done = asOperator(a, "POST", "/api/admin/users/" + ana + "/disconnect", "{\"reason\":\"spam\"}");
            assertEquals(202, done.statusCode(), done::body);
            for (WsClient c : List.of(anaOnA, anaOnB)) {
                assertEquals(1008, c.awaitClose().getCloseCode().getCode());
            }
            benOnB.send("{\"type\":\"join\",\"room\":\"" + room + "\"}");
            assertEquals("room_closed", benOnB.until("error").getString("code"));
        }
    }

    @Test
    void typingCrossesNodesAndIsNotEchoed() throws Exception {
        String room = SessionApi.unique("r");
        String ana = SessionApi.unique("ana");
        String ben = SessionApi.unique("ben");
        try (WsClient onA = chat(a, ana); WsClient onB = chat(b, ben)) {
            onA.join(room);
            onB.join(room);
            presenceOf(onA, ben);
            onA.send("{\"type\":\"typing\",\"room\":\"" + room + "\"}");
            JsonObject typing = onB.until("typing");
            assertEquals(ana, typing.getString("user"));
        }
    }

    @Test
    void presenceIsOneListAndOneJoinAndLeavePerUserAcrossNodes() throws Exception {
        String room = SessionApi.unique("r");
        String ana = SessionApi.unique("ana");
        String ben = SessionApi.unique("ben");
        String anaToken = token(a, ana);
        try (WsClient benOnB = chat(b, ben)) {
            benOnB.join(room);
            try (WsClient anaOnA = chat(a, ana, anaToken)) {
                JsonObject joined = anaOnA.join(room);
                assertEquals(List.of(ana, ben).stream().sorted().toList(), members(joined), "members on both nodes");
                JsonObject arrived = presenceOf(benOnB, ana);
                assertEquals("join", arrived.getString("event"));
                try (WsClient anaOnB = chat(b, ana, anaToken)) { // her second device, on the other node
                    anaOnB.join(room);
                    anaOnA.send("{\"type\":\"leave\",\"room\":\"" + room + "\"}");
                    anaOnA.until("left");
                    // one device left, one stays: no presence event for ben; a message proves ordering
                    send(anaOnB, room, "still here", "s1");
                    JsonObject next = benOnB.next();
                    assertEquals("message", next.getString("type"), "no join or leave for a second device: " + next);
                }
                JsonObject left = presenceOf(benOnB, ana);
                assertEquals("leave", left.getString("event"), "her last device left");
            }
        }
    }

    @Test
    void directMessagesReachAUserConnectedOnlyToTheOtherNode() throws Exception {
        String ana = SessionApi.unique("ana");
        String ben = SessionApi.unique("ben");
        try (WsClient benOnB = chat(b, ben); WsClient anaOnA = chat(a, ana)) {
            benOnB.join("@me");
            anaOnA.join("@me");
            anaOnA.send("{\"type\":\"direct\",\"to\":\"" + ben + "\",\"text\":\"hello from A\",\"id\":\"d1\"}");
            assertEquals(1, anaOnA.until("ack").getInt("seq"));
            JsonObject d = benOnB.until("direct");
            assertEquals(ana, d.getString("from"));
            assertEquals("hello from A", d.getString("text"));
        }
    }

    @Test
    void aGuestNameIsHeldOnEveryNode() throws Exception {
        String name = SessionApi.unique("cleo");
        token(a, name);
        HttpResponse<String> second = HTTP.send(HttpRequest.newBuilder(b.http("/api/session"))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + name + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(409, second.statusCode(), second.body());
    }

    @Test
    void aResendToTheOtherNodeGetsTheOriginalSeqAndIsStoredOnce() throws Exception {
        String room = SessionApi.unique("r");
        String ana = SessionApi.unique("ana");
        String anaToken = token(a, ana);
        int seq;
        try (WsClient onA = chat(a, ana, anaToken)) {
            onA.join(room);
            send(onA, room, "once", "id-1");
            seq = onA.until("ack").getInt("seq");
        }
        try (WsClient onB = chat(b, ana, anaToken)) {
            onB.join(room);
            send(onB, room, "once", "id-1");
            JsonObject ack = onB.until("ack");
            assertEquals(seq, ack.getInt("seq"), "the original seq");
            send(onB, room, "next", "id-2");
            assertEquals(seq + 1, onB.until("ack").getInt("seq"), "the resend was not stored again");
        }
    }

    @Test
    void topicEventsPublishedOnOneNodeReachSubscribersOnTheOtherWithSharedEpochsAndSince() throws Exception {
        String topic = "orders." + SessionApi.unique("t").replace('.', '-');
        String ana = SessionApi.unique("ana");
        String anaToken = token(b, ana);
        String epoch;
        try (WsClient onB = topics(b, anaToken); WsClient pattern = topics(b, anaToken); WsClient onA = topics(a, anaToken)) {
            JsonObject subscribedB = subscribe(onB, "{\"type\":\"subscribe\",\"topic\":\"" + topic + "\"}");
            JsonObject subscribedA = subscribe(onA, "{\"type\":\"subscribe\",\"topic\":\"" + topic + "\"}");
            epoch = subscribedB.getString("epoch");
            assertEquals(epoch, subscribedA.getString("epoch"), "one epoch on every node");
            subscribe(pattern, "{\"type\":\"subscribe\",\"topic\":\"orders.*\"}");
            for (int i = 1; i <= 3; i++) {
                HttpResponse<String> r = publish(a, topic, "{\"data\":{\"n\":" + i + "}}");
                assertEquals(202, r.statusCode(), r.body());
            }
            for (int i = 1; i <= 3; i++) {
                JsonObject e = onB.until("event");
                assertEquals(i, e.getInt("seq"));
                assertEquals(i, e.getJsonObject("data").getInt("n"));
                assertEquals(i, pattern.until("event").getInt("seq"), "a pattern subscriber on the other node");
            }
        }
        try (WsClient back = topics(b, anaToken)) { // recovery on the node that did not publish
            JsonObject s = subscribe(back, "{\"type\":\"subscribe\",\"topic\":\"" + topic + "\",\"since\":1,\"epoch\":\"" + epoch + "\"}");
            assertTrue(s.getBoolean("recovered"));
            assertEquals(2, back.until("event").getInt("seq"));
            assertEquals(3, back.until("event").getInt("seq"));
        }
    }

    @Test
    void signingOutClosesTheGuestsConnectionsOnEveryNode() throws Exception {
        String ana = SessionApi.unique("ana");
        String anaToken = token(a, ana);
        try (WsClient onB = chat(b, ana, anaToken)) {
            HttpResponse<String> out = HTTP.send(HttpRequest.newBuilder(a.http("/api/session"))
                    .header("Cookie", "sb_token=" + anaToken).timeout(Duration.ofSeconds(10)).DELETE().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(204, out.statusCode(), out.body());
            var closed = onB.awaitClose();
            assertEquals(1008, closed.getCloseCode().getCode());
            assertEquals("signed out", closed.getReasonPhrase());
        }
        // the other node forgot its cached claim with the close: the old token is refused there at once
        HttpResponse<String> session = HTTP.send(HttpRequest.newBuilder(b.http("/api/session"))
                .header("Cookie", "sb_token=" + anaToken).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(401, session.statusCode(), session.body());
    }

    /** A ban on node A removes the user's connection on node B at once, and holds there for a new connection. */
    @Test
    void aBanOnOneNodeRemovesTheUserFromTheRoomOnTheOther() throws Exception {
        String room = SessionApi.unique("team");
        String ana = SessionApi.unique("ana");
        String ben = SessionApi.unique("ben");
        String benToken = token(b, ben); // a guest name is claimed once: his connections share the token
        try (WsClient anaOnA = chat(a, ana); WsClient benOnB = chat(b, ben, benToken)) {
            anaOnA.send("{\"type\":\"join\",\"room\":\"" + room + "\",\"private\":true}");
            assertEquals("owner", anaOnA.expect("joined").getString("role"));
            anaOnA.send("{\"type\":\"invite\",\"room\":\"" + room + "\",\"user\":\"" + ben + "\",\"id\":\"i1\"}");
            anaOnA.until("ack");
            benOnB.send("{\"type\":\"accept\",\"room\":\"" + room + "\",\"id\":\"c1\"}");
            benOnB.until("ack");
            assertEquals("member", benOnB.join(room).getString("role"));

            anaOnA.send("{\"type\":\"ban\",\"room\":\"" + room + "\",\"user\":\"" + ben + "\",\"reason\":\"spam\",\"id\":\"b1\"}");
            JsonObject left = benOnB.until("left");
            assertEquals("banned", left.getString("reason"));
            assertEquals(ana, left.getString("by"));
            send(benOnB, room, "still here", "s1");
            assertEquals("not_joined", benOnB.until("error").getString("code"));
        }
        try (WsClient benAgainOnB = chat(b, ben, benToken)) {
            benAgainOnB.send("{\"type\":\"join\",\"room\":\"" + room + "\"}");
            assertEquals("forbidden", benAgainOnB.until("error").getString("code"));
        }
    }

    /** Edits, mutes and read markers made on one node show on the other. */
    @Test
    void editsMutesAndReadMarkersCrossNodes() throws Exception {
        String room = SessionApi.unique("team");
        String ana = SessionApi.unique("ana");
        String ben = SessionApi.unique("ben");
        String benToken = token(b, ben);
        try (WsClient anaOnA = chat(a, ana); WsClient benOnB = chat(b, ben, benToken); WsClient benOnA = chat(a, ben, benToken)) {
            anaOnA.join(room);
            benOnB.join(room);
            benOnA.join("@me");
            send(anaOnA, room, "teh plan", "m1");
            long seq = anaOnA.until("ack").getJsonNumber("seq").longValue();
            anaOnA.send("{\"type\":\"edit\",\"room\":\"" + room + "\",\"seq\":" + seq + ",\"text\":\"the plan\",\"id\":\"e1\"}");
            JsonObject edit = benOnB.until("edit");
            assertEquals(seq, edit.getJsonNumber("of").longValue());
            assertEquals("the plan", edit.getString("text"));

            benOnB.send("{\"type\":\"read\",\"room\":\"" + room + "\",\"seq\":" + seq + "}");
            assertEquals(seq, benOnA.until("read").getJsonNumber("seq").longValue(), "his other device, on the other node");

            anaOnA.send("{\"type\":\"mute\",\"room\":\"" + room + "\",\"user\":\"" + ben + "\",\"seconds\":600,\"id\":\"m2\"}");
            assertEquals("mute", benOnB.until("moderation").getString("action"));
            send(benOnB, room, "hello?", "s2");
            JsonObject refused = benOnB.until("error");
            assertEquals("forbidden", refused.getString("code"));
            assertEquals("s2", refused.getString("id"));
        }
    }

    @Test
    void bothNodesAreReadyWithTheirDoorbell() throws Exception {
        for (ClusterNode n : List.of(a, b)) {
            HttpResponse<String> h = HTTP.send(HttpRequest.newBuilder(n.http("/api/health")).timeout(Duration.ofSeconds(10))
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, h.statusCode(), h.body());
            assertEquals("ok", SessionApi.json(h.body()).getString("backplane"), h.body());
        }
        assertNotEquals(a.httpPort(), b.httpPort());
    }

    /** The next presence event about {@code user} (one's own join comes first, to oneself too). */
    static JsonObject presenceOf(WsClient c, String user) {
        for (;;) {
            JsonObject p = c.until("presence");
            if (user.equals(p.getString("user"))) {
                return p;
            }
        }
    }

    static WsClient topics(ClusterNode node, String token) {
        WsClient c = WsClient.connect(URI.create(node.ws("/ws/topics") + "?token=" + token));
        c.expect("welcome");
        return c;
    }

    static JsonObject subscribe(WsClient c, String frame) {
        c.send(frame);
        JsonObject s = c.until("subscribed");
        assertNull(s.get("code"), s.toString());
        return s;
    }

    static HttpResponse<String> publish(ClusterNode node, String topic, String json) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(node.http("/api/topics/" + topic))
                .header("Authorization", "Bearer " + PUBLISHER_KEY).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(15)).POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
