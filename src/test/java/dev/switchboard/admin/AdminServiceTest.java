package dev.switchboard.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.chat.ChatEndpoint;
import dev.switchboard.config.Settings;
import dev.switchboard.testing.TestServer;
import dev.switchboard.testing.WsClient;
import dev.switchboard.topics.TopicEndpoint;
import jakarta.json.JsonObject;
import jakarta.websocket.CloseReason;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The admin API's actions on one node, in-process on Tyrus: what clients see of each. */
class AdminServiceTest {

    static final String NODE = "node-1";
    static final OperatorCheck.Caller OPERATOR = new OperatorCheck.Caller("op", true, "127.0.0.1");

    static TestServer server;
    static AdminService admin;

    @BeforeAll
    static void start() {
        server = TestServer.start(Settings.of(Map.of()), ChatEndpoint.class, TopicEndpoint.class);
        admin = new AdminService(server.fanOut, server.connections, server.followers, server.standings, server.history, NODE,
                () -> List.of(NODE), Clock.systemUTC());
        admin.listen();
        // what ClusterWiring makes a disconnect do on each node
        server.fanOut.onDisconnect((user, reason) -> List.copyOf(server.connections.ofUser(user))
                .forEach(c -> c.close(new CloseReason(CloseReason.CloseCodes.VIOLATED_POLICY, reason))));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String unique(String prefix) {
        return prefix + UUID.randomUUID().toString().substring(0, 8);
    }

    private static WsClient chat(String user) {
        return WsClient.welcomed(server.uri(ChatEndpoint.PATH, user));
    }

    private static void send(WsClient c, String room, String text, String id) {
        c.send("{\"type\":\"send\",\"room\":\"" + room + "\",\"text\":\"" + text + "\",\"id\":\"" + id + "\"}");
    }

    @Test
    void listsAUsersConnectionsWithEndpointRoomsTopicsAndWhenTheyOpened() throws Exception {
        String ana = unique("ana");
        String room = unique("r");
        try (WsClient phone = chat(ana); WsClient laptop = chat(ana); WsClient other = chat(unique("ben"));
                WsClient topics = WsClient.welcomed(server.uri(TopicEndpoint.PATH, ana))) {
            phone.join(room);
            other.join(room);
            topics.send("{\"type\":\"subscribe\",\"topic\":\"news.sports\"}");
            topics.expect("subscribed");

            AdminService.UserConnections found = admin.connections(ana, OPERATOR);
            assertEquals(List.of(NODE), found.nodes());
            assertEquals(List.of(), found.missing());
            assertEquals(3, found.connections().size(), found::toString);
            assertTrue(found.connections().stream().allMatch(c -> c.node().equals(NODE) && c.since() != null));
            assertEquals(List.of("chat", "chat", "topics"), found.connections().stream().map(ConnectionInfo::endpoint).sorted().toList());
            ConnectionInfo inRoom = found.connections().stream().filter(c -> !c.rooms().isEmpty()).findFirst().orElseThrow();
            assertEquals(List.of(room), inRoom.rooms());
            ConnectionInfo subscriber = found.connections().stream().filter(c -> c.endpoint().equals("topics")).findFirst().orElseThrow();
            assertEquals(List.of("news.sports"), subscriber.topics());
            // the JSON form the nodes exchange reads back as it was
            assertEquals(inRoom, ConnectionInfo.of(inRoom.json().toString()));
        }
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (!admin.connections(ana, OPERATOR).connections().isEmpty()) { // the server learns of the closes a moment later
            assertTrue(System.nanoTime() < deadline, "closed connections are still listed");
            java.util.concurrent.locks.LockSupport.parkNanos(20_000_000L);
        }
        assertThrows(AdminService.BadInput.class, () -> admin.connections("no spaces", OPERATOR));
    }

    @Test
    void aLiveNodeThatDoesNotAnswerIsReportedMissing() throws Exception {
        AdminService withGhost = new AdminService(server.fanOut, server.connections, server.followers, server.standings,
                server.history, NODE, () -> List.of(NODE, "ghost"), Clock.systemUTC());
        withGhost.listen();
        try {
            String ana = unique("ana");
            try (WsClient c = chat(ana)) {
                AdminService.UserConnections found = withGhost.connections(ana, OPERATOR);
                assertEquals(List.of("ghost"), found.missing());
                assertEquals(List.of(NODE), found.nodes());
                assertEquals(1, found.connections().size(), "what the nodes that answered said");
            }
        } finally {
            admin.listen(); // the shared service answers again
        }
    }

    @Test
    void aDisconnectClosesEveryConnectionOfTheUserWith1008AndTheReason() {
        String ana = unique("ana");
        try (WsClient phone = chat(ana); WsClient laptop = chat(ana); WsClient ben = chat(unique("ben"))) {
            assertEquals("spamming the lobby", admin.disconnect(ana, "spamming the lobby", OPERATOR));
            for (WsClient c : List.of(phone, laptop)) {
                CloseReason closed = c.awaitClose();
                assertEquals(1008, closed.getCloseCode().getCode());
                assertEquals("spamming the lobby", closed.getReasonPhrase());
            }
            ben.send("{\"type\":\"ping\"}");
            ben.expect("pong"); // others stay
        }
        assertEquals(AdminService.DEFAULT_DISCONNECT_REASON, admin.disconnect(ana, " ", OPERATOR));
        assertThrows(AdminService.BadInput.class, () -> admin.disconnect(ana, "x".repeat(124), OPERATOR), "over a close reason's 123 bytes");
    }

    @Test
    void aClosedRoomRemovesEveryoneAndRefusesJoinsAndSendsUntilReopened() {
        String room = unique("r");
        String ana = unique("ana");
        try (WsClient a = chat(ana); WsClient b = chat(unique("ben"))) {
            a.join(room);
            b.join(room);
            send(a, room, "before", "m1");
            a.until("ack");

            assertEquals(AdminService.Outcome.DONE, admin.closeRoom(room, "spam wave", OPERATOR));
            for (WsClient c : List.of(a, b)) {
                JsonObject left = c.until("left");
                assertEquals(room, left.getString("room"));
                assertEquals("closed", left.getString("reason"));
                assertEquals("op", left.getString("by"));
                assertEquals("spam wave", left.getString("message"));
            }
            send(a, room, "after", "m2");
            JsonObject refused = a.until("error");
            assertEquals("room_closed", refused.getString("code"));
            assertEquals("m2", refused.getString("id"));
            a.send("{\"type\":\"join\",\"room\":\"" + room + "\"}");
            assertEquals("room_closed", a.until("error").getString("code"));
            assertEquals(AdminService.Outcome.CONFLICT, admin.closeRoom(room, null, OPERATOR));
            // its owner (ana created it) can neither moderate nor invite in it while it is closed
            a.send("{\"type\":\"title\",\"room\":\"" + room + "\",\"title\":\"Town\",\"id\":\"t1\"}");
            assertEquals("room_closed", a.until("error").getString("code"));
            a.send("{\"type\":\"invite\",\"room\":\"" + room + "\",\"user\":\"someone\",\"id\":\"i1\"}");
            JsonObject invite = a.until("error");
            assertEquals("room_closed", invite.getString("code"));
            assertEquals("i1", invite.getString("id"));
        }
        try (WsClient again = chat(ana)) { // a new connection's welcome does not list it (nothing to rejoin)
            assertFalse(server.memberships.roomsOf(ana).contains(room));
        }
        assertEquals(AdminService.Outcome.NO_SUCH_ROOM, admin.closeRoom(unique("nothing"), null, OPERATOR));
        assertThrows(AdminService.BadInput.class, () -> admin.closeRoom("bad room", null, OPERATOR));

        assertEquals(AdminService.Outcome.DONE, admin.reopenRoom(room, OPERATOR));
        assertEquals(AdminService.Outcome.CONFLICT, admin.reopenRoom(room, OPERATOR));
        assertTrue(server.memberships.roomsOf(ana).contains(room), "members stay members");
        try (WsClient a = chat(ana)) {
            a.send("{\"type\":\"join\",\"room\":\"" + room + "\",\"since\":0}");
            a.expect("joined");
            assertEquals("before", a.until("message").getString("text"), "the history was kept");
            send(a, room, "open again", "m3");
            assertEquals("m3", a.until("ack").getString("id"));
        }
    }

    @Test
    void aRoomNoticeIsKeptInTheRoomsHistory() throws Exception {
        String room = unique("r");
        try (WsClient a = chat(unique("ana"))) {
            a.join(room);
            AdminService.Posted posted = admin.noticeToRoom(room, "maintenance at 22:00 UTC", OPERATOR);
            assertEquals(AdminService.Outcome.DONE, posted.outcome());
            JsonObject live = a.until("notice");
            assertEquals(room, live.getString("room"));
            assertEquals(posted.seq(), live.getJsonNumber("seq").longValue());
            assertEquals("maintenance at 22:00 UTC", live.getString("text"));
            assertEquals("op", live.getString("by"));
        }
        try (WsClient later = chat(unique("cy"))) {
            later.send("{\"type\":\"join\",\"room\":\"" + room + "\",\"since\":0}");
            later.expect("joined");
            assertEquals("maintenance at 22:00 UTC", later.until("notice").getString("text"), "replayed from the history");
        }
        assertEquals(AdminService.Outcome.NO_SUCH_ROOM, admin.noticeToRoom(unique("nothing"), "hello", OPERATOR).outcome());
        assertThrows(AdminService.BadInput.class, () -> admin.noticeToRoom(room, "", OPERATOR));
        assertThrows(AdminService.BadInput.class, () -> admin.noticeToRoom(room, "x".repeat(1001), OPERATOR));
    }

    @Test
    void aNoticeToEveryoneReachesEveryConnectionLiveOnly() {
        try (WsClient a = chat(unique("ana")); WsClient t = WsClient.welcomed(server.uri(TopicEndpoint.PATH, unique("ben")))) {
            admin.noticeToEveryone("restart in 5 minutes", OPERATOR);
            for (WsClient c : List.of(a, t)) {
                JsonObject n = c.until("notice");
                assertEquals("restart in 5 minutes", n.getString("text"));
                assertFalse(n.containsKey("room"));
                assertFalse(n.containsKey("seq"));
            }
        }
        assertThrows(AdminService.BadInput.class, () -> admin.noticeToEveryone(null, OPERATOR));
    }
}
