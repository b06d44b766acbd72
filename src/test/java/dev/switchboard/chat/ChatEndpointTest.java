package dev.switchboard.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.config.Settings;
import dev.switchboard.testing.TestServer;
import dev.switchboard.testing.WsClient;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.websocket.DeploymentException;
import java.util.List;
import java.util.Map;
import org.glassfish.tyrus.core.HandshakeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The chat protocol end to end, in-process on Tyrus over loopback. */
class ChatEndpointTest {

    static TestServer server;

    @BeforeAll
    static void start() {
        System.setProperty(Settings.ORIGINS, "https://chat.example.com");
        server = TestServer.start(Settings.of(Map.of()), ChatEndpoint.class);
    }

    @AfterAll
    static void stop() {
        server.close();
        System.clearProperty(Settings.ORIGINS);
    }

    private WsClient as(String user) {
        WsClient c = WsClient.connect(server.uri(ChatEndpoint.PATH, user));
        JsonObject welcome = c.expect("welcome");
        assertEquals(user, welcome.getString("user"));
        assertEquals(25, welcome.getInt("heartbeat"));
        return c;
    }

    @Test
    void subprotocolIsSelected() {
        try (WsClient c = as("sub")) {
            assertEquals("switchboard.v1", c.session().getNegotiatedSubprotocol());
        }
    }

    @Test
    void membersArePresentOncePerUserAcrossDevices() {
        try (WsClient alice1 = as("alice"); WsClient alice2 = as("alice"); WsClient bob = as("bob")) {
            assertEquals(List.of("alice"), members(alice1.join("devices")));
            alice1.expect("presence"); // her own arrival, seen by her too
            assertEquals(List.of("alice"), members(alice2.join("devices")));
            assertEquals(List.of("alice", "bob"), members(bob.join("devices")));
            JsonObject p = alice1.expect("presence");
            assertEquals("bob", p.getString("user"));
            assertEquals("join", p.getString("event"));
            assertEquals("bob", alice2.expect("presence").getString("user"));
            bob.expect("presence");

            alice1.close(); // alice still has a device in the room: no event
            alice2.send("{\"type\":\"leave\",\"room\":\"devices\"}");
            alice2.expect("left");
            JsonObject left = bob.expect("presence");
            assertEquals("alice", left.getString("user"));
            assertEquals("leave", left.getString("event"));
            assertEquals(List.of("bob"), server.presence.members("devices"));
        }
    }

    /** The rooms a user joined come back in every new connection's welcome, until the user leaves one on purpose. */
    @Test
    void joinedRoomsFollowTheUserToEveryDevice() {
        String user = "nomad" + System.nanoTime() % 100_000;
        try (WsClient phone = as(user)) {
            phone.send("{\"type\":\"join\",\"room\":\"@me\"}");
            phone.expect("joined");
            for (String room : List.of("camp", "trail", "camp")) { // camp again: still one membership
                phone.send("{\"type\":\"join\",\"room\":\"" + room + "\"}");
                phone.until("joined");
            }
            phone.send("{\"type\":\"join\",\"room\":\"no spaces\"}");
            assertEquals("bad_request", phone.until("error").getString("code"));
        }
        try (WsClient laptop = WsClient.connect(server.uri(ChatEndpoint.PATH, user))) {
            assertEquals(List.of("camp", "trail"), strings(laptop.expect("welcome").getJsonArray("rooms")));
            laptop.join("trail");
            laptop.send("{\"type\":\"leave\",\"room\":\"trail\"}");
            laptop.until("left");
        }
        try (WsClient tablet = WsClient.connect(server.uri(ChatEndpoint.PATH, user))) { // a disconnect is no leave
            assertEquals(List.of("camp"), strings(tablet.expect("welcome").getJsonArray("rooms")));
        }
        assertEquals(List.of("camp"), server.memberships.roomsOf(user));
    }

    private static List<String> strings(jakarta.json.JsonArray a) {
        return a.getValuesAs(jakarta.json.JsonString.class).stream().map(jakarta.json.JsonString::getString).toList();
    }

    @Test
    void messagesAreAckedThenBroadcastInSeqOrderWithTheAuthenticatedSender() {
        try (WsClient alice = as("alice"); WsClient bob = as("bob")) {
            alice.join("order");
            alice.expect("presence");
            bob.join("order");
            alice.expect("presence");
            bob.expect("presence");
            for (int i = 1; i <= 20; i++) {
                alice.send("{\"type\":\"send\",\"room\":\"order\",\"text\":\"m" + i + "\",\"id\":\"c-" + i
                        + "\",\"from\":\"mallory\"}");
            }
            for (int i = 1; i <= 20; i++) {
                JsonObject ack = alice.expect("ack");
                assertEquals("c-" + i, ack.getString("id"));
                assertEquals(i, ack.getInt("seq"));
                JsonObject own = alice.expect("message");
                assertEquals(i, own.getInt("seq"));
                JsonObject m = bob.expect("message");
                assertEquals(i, m.getInt("seq"));
                assertEquals("m" + i, m.getString("text"));
                assertEquals("alice", m.getString("from"), "a forged from is ignored");
                assertEquals("c-" + i, m.getString("id"));
                assertTrue(m.getString("ts").endsWith("Z"));
            }
        }
    }

    @Test
    void typingReachesOthersButNotTheTypist() {
        try (WsClient alice = as("alice"); WsClient alice2 = as("alice"); WsClient bob = as("bob")) {
            alice.join("typing");
            alice.expect("presence");
            alice2.join("typing");
            bob.join("typing");
            alice.expect("presence");
            alice2.expect("presence");
            bob.expect("presence");
            alice.send("{\"type\":\"typing\",\"room\":\"typing\"}");
            JsonObject t = bob.expect("typing");
            assertEquals("alice", t.getString("user"));
            alice.send("{\"type\":\"ping\"}");
            alice.expect("pong"); // nothing came before the pong: no echo
            alice2.send("{\"type\":\"ping\"}");
            alice2.expect("pong"); // not to her other device either
        }
    }

    @Test
    void errorsAreAnsweredAndTheConnectionStaysUsable() {
        try (WsClient c = as("errors")) {
            assertError(c, "this is not json", "bad_request", null);
            assertError(c, "{\"type\":\"launch\",\"id\":\"c-1\"}", "unknown_type", "c-1");
            assertError(c, "{\"type\":\"send\",\"room\":\"lobby\",\"text\":\"hi\",\"id\":\"c-2\"}", "not_joined", "c-2");
            assertError(c, "{\"type\":\"join\",\"room\":\"@bob\"}", "forbidden", null);
            assertError(c, "{\"type\":\"join\",\"room\":\"no spaces allowed\"}", "bad_request", null);
            assertError(c, "{\"type\":\"leave\",\"room\":\"never-joined\"}", "not_joined", null);
            assertError(c, "{\"type\":\"direct\",\"to\":\"nobody-ever\",\"text\":\"hi\",\"id\":\"c-3\"}", "not_found", "c-3");
            c.join("errors");
            c.expect("presence");
            assertError(c, "{\"type\":\"send\",\"room\":\"errors\",\"text\":\"" + "x".repeat(4097) + "\",\"id\":\"c-4\"}",
                    "too_large", "c-4");
            assertError(c, "{\"type\":\"send\",\"room\":\"errors\",\"text\":\"\",\"id\":\"c-5\"}", "bad_request", "c-5");
            c.send("{\"type\":\"ping\"}");
            c.expect("pong");
            assertEquals(0, server.history.latest("errors"), "nothing bad was stored");
        }
    }

    /** What {@code recovered} promises: true only for a cursor of the stream's current epoch, with an exact replay. */
    @Test
    void aCursorIsRecoveredOnlyWithTheStreamsEpoch() {
        String epoch;
        try (WsClient alice = as("alice")) {
            epoch = alice.join("epochs").getString("epoch");
            for (int i = 1; i <= 4; i++) {
                alice.send("{\"type\":\"send\",\"room\":\"epochs\",\"text\":\"e" + i + "\",\"id\":\"e-" + i + "\"}");
                alice.until("ack");
            }
        }
        try (WsClient bob = as("bob")) {
            bob.send("{\"type\":\"join\",\"room\":\"epochs\",\"since\":2,\"epoch\":\"" + epoch + "\"}");
            JsonObject joined = bob.expect("joined");
            assertEquals(epoch, joined.getString("epoch"));
            assertTrue(joined.getBoolean("recovered"), "the current epoch: exactly what came after 2");
            assertEquals(3, bob.expect("message").getInt("seq"));
            assertEquals(4, bob.expect("message").getInt("seq"));
            bob.expect("presence");

            bob.send("{\"type\":\"join\",\"room\":\"epochs\",\"since\":2,\"epoch\":\"an-older-history\"}");
            joined = bob.expect("joined");
            assertFalse(joined.getBoolean("recovered"), "a cursor of another history means nothing here");
            assertEquals(epoch, joined.getString("epoch"), "the client learns the current epoch");
            for (int seq = 1; seq <= 4; seq++) {
                assertEquals(seq, bob.expect("message").getInt("seq"), "everything kept, from the oldest");
            }

            bob.send("{\"type\":\"join\",\"room\":\"epochs\",\"since\":2}");
            joined = bob.expect("joined");
            assertFalse(joined.getBoolean("recovered"), "without an epoch a cursor cannot be verified");
            assertEquals(3, bob.expect("message").getInt("seq"), "what came after it still comes");
            assertEquals(4, bob.expect("message").getInt("seq"));

            bob.send("{\"type\":\"join\",\"room\":\"epochs\",\"since\":0}");
            assertTrue(bob.expect("joined").getBoolean("recovered"), "since 0: nothing seen, nothing to mistake");

            bob.send("{\"type\":\"join\",\"room\":\"epochs\",\"since\":1,\"epoch\":7}");
            assertEquals("bad_request", bob.until("error").getString("code"), "an epoch is a string");
        }
    }

    @Test
    void joinWithSinceReplaysExactlyWhatWasMissed() {
        try (WsClient alice = as("alice")) {
            alice.join("replay");
            alice.expect("presence");
            for (int i = 1; i <= 5; i++) {
                alice.send("{\"type\":\"send\",\"room\":\"replay\",\"text\":\"r" + i + "\",\"id\":\"r-" + i + "\"}");
                alice.expect("ack");
                alice.expect("message");
            }
        }
        try (WsClient bob = as("bob")) {
            bob.send("{\"type\":\"join\",\"room\":\"replay\",\"since\":2,\"epoch\":\"" + server.history.head("replay").epoch() + "\"}");
            JsonObject joined = bob.expect("joined");
            assertEquals(5, joined.getInt("seq"));
            assertTrue(joined.getBoolean("recovered"));
            for (int i = 3; i <= 5; i++) {
                assertEquals(i, bob.expect("message").getInt("seq"));
            }
            bob.expect("presence");
            bob.send("{\"type\":\"join\",\"room\":\"replay\",\"last\":2}");
            bob.expect("joined");
            assertEquals(4, bob.expect("message").getInt("seq"));
            assertEquals(5, bob.expect("message").getInt("seq"));
        }
    }

    @Test
    void aResendWithTheSameIdIsAckedWithTheOriginalSeqAndNotRepeated() {
        try (WsClient alice = as("alice")) {
            alice.join("idem");
            alice.expect("presence");
            alice.send("{\"type\":\"send\",\"room\":\"idem\",\"text\":\"once\",\"id\":\"same\"}");
            assertEquals(1, alice.expect("ack").getInt("seq"));
            alice.expect("message");
            alice.send("{\"type\":\"send\",\"room\":\"idem\",\"text\":\"once\",\"id\":\"same\"}");
            assertEquals(1, alice.expect("ack").getInt("seq"));
            alice.send("{\"type\":\"ping\"}");
            alice.expect("pong");
            assertEquals(1, server.history.latest("idem"));
        }
    }

    @Test
    void directMessagesReachBothInboxes() {
        try (WsClient alice = as("alice"); WsClient bob = as("bob"); WsClient bobPhone = as("bob")) {
            alice.join("@me");
            bob.join("@me");
            bobPhone.join("@me");
            alice.send("{\"type\":\"direct\",\"to\":\"bob\",\"text\":\"psst\",\"id\":\"d-1\"}");
            JsonObject ack = alice.expect("ack");
            assertEquals("@me", ack.getString("room"));
            for (WsClient c : List.of(alice, bob, bobPhone)) {
                JsonObject d = c.expect("direct");
                assertEquals("alice", d.getString("from"));
                assertEquals("bob", d.getString("to"));
                assertEquals("psst", d.getString("text"));
                assertEquals("@me", d.getString("room"));
            }
        }
    }

    @Test
    void aForeignOriginIsRefusedWith403() {
        DeploymentException e = assertThrows(DeploymentException.class, () -> WsClient.open(
                server.uri(ChatEndpoint.PATH, "alice"), Map.of("Origin", "https://evil.example")));
        assertEquals(403, assertInstanceOf(HandshakeException.class, e.getCause()).getHttpStatusCode());
        DeploymentException lookAlike = assertThrows(DeploymentException.class, () -> WsClient.open(
                server.uri(ChatEndpoint.PATH, "alice"), Map.of("Origin", "https://chat.example.com.evil.example")));
        assertEquals(403, assertInstanceOf(HandshakeException.class, lookAlike.getCause()).getHttpStatusCode());
        try (WsClient ok = WsClient.connect(server.uri(ChatEndpoint.PATH, "alice"), Map.of("Origin", "https://chat.example.com"))) {
            ok.expect("welcome");
        }
    }

    @Test
    void withoutAValidTokenTheConnectionIsClosedAtOnce() {
        try (WsClient c = WsClient.connect(server.uri(ChatEndpoint.PATH))) {
            assertEquals(1008, c.awaitClose().getCloseCode().getCode());
        }
        try (WsClient c = WsClient.connect(server.uri(ChatEndpoint.PATH + "?token=forged.token"))) {
            assertEquals(1008, c.awaitClose().getCloseCode().getCode());
        }
    }

    @Test
    void theTokenCookieIdentifiesToo() {
        String token = server.tokens.issue("cookie-user").value();
        try (WsClient c = WsClient.connect(server.uri(ChatEndpoint.PATH), Map.of("Cookie", "other=1; sb_token=" + token))) {
            assertEquals("cookie-user", c.expect("welcome").getString("user"));
        }
    }

    private static void assertError(WsClient c, String frame, String code, String id) {
        c.send(frame);
        JsonObject e = c.expect("error");
        assertEquals(code, e.getString("code"), () -> frame + " -> " + e);
        assertFalse(e.getString("message").isEmpty());
        if (id == null) {
            assertNull(e.get("id"));
        } else {
            assertEquals(id, e.getString("id"));
        }
    }

    private static List<String> members(JsonObject joined) {
        return joined.getJsonArray("members").getValuesAs(JsonString.class).stream().map(JsonString::getString).toList();
    }
}
