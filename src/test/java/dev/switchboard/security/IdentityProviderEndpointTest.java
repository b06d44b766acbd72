package dev.switchboard.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.chat.ChatEndpoint;
import dev.switchboard.config.Settings;
import dev.switchboard.testing.IdentityProvider;
import dev.switchboard.testing.TestServer;
import dev.switchboard.testing.WsClient;
import dev.switchboard.topics.TopicEndpoint;
import jakarta.json.JsonObject;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An identity provider's access tokens at the WebSocket handshake (Bearer header or {@code ?access_token=}), the roles
 * they grant, and the in-band {@code refresh} that keeps a connection past its first token's expiry.
 */
class IdentityProviderEndpointTest {

    static final IdentityProvider IDP = new IdentityProvider();
    static TestServer server;
    static Path dir;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("idp");
        Map<String, String> s = new HashMap<>(IdentityProvider.settings(IDP.writeJwks(dir.resolve("jwks.json"))));
        s.put(Settings.HEARTBEAT, "1"); // expiry closes are scheduled within a heartbeat of the expiry
        server = TestServer.start(Settings.of(s), ChatEndpoint.class, TopicEndpoint.class);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static URI withAccessToken(String path, String jwt) {
        return URI.create(server.uri(path) + "?access_token=" + jwt);
    }

    @Test
    void aBearerHeaderSignsTheConnectionInAndTheWelcomeSaysUntilWhen() {
        Instant exp = Instant.now().plusSeconds(600);
        String jwt = IDP.rs256(IdentityProvider.claims("alice").expirationTime(Date.from(exp)).build());
        try (WsClient c = WsClient.connect(server.uri(ChatEndpoint.PATH), Map.of("Authorization", "Bearer " + jwt))) {
            JsonObject welcome = c.expect("welcome");
            assertEquals("alice", welcome.getString("user"));
            assertEquals(exp.getEpochSecond(), Instant.parse(welcome.getString("expires")).getEpochSecond());
        }
    }

    @Test
    void anAccessTokenInTheQuerySignsABrowserIn() {
        try (WsClient c = WsClient.connect(withAccessToken(ChatEndpoint.PATH, IDP.es256(IdentityProvider.claims("bea").build())))) {
            assertEquals("bea", c.expect("welcome").getString("user"));
        }
    }

    @Test
    void anExpiredOrForeignTokenOpensNoConnection() {
        String expired = IDP.token("carl", b -> b.expirationTime(Date.from(Instant.now().minusSeconds(300))));
        String foreign = new IdentityProvider().token("carl");
        for (String jwt : new String[] {expired, foreign}) {
            try (WsClient c = WsClient.connect(withAccessToken(ChatEndpoint.PATH, jwt))) {
                assertEquals(1008, c.awaitClose().getCloseCode().getCode(), "no identity: closed at once");
            }
        }
    }

    @Test
    void theOperatorRoleOfATokenOpensTheLogTopics() {
        try (WsClient op = WsClient.connect(withAccessToken(TopicEndpoint.PATH, IDP.token("olga", "operator")));
                WsClient plain = WsClient.connect(withAccessToken(TopicEndpoint.PATH, IDP.token("pete", "publisher")))) {
            op.expect("welcome");
            plain.expect("welcome");
            op.send("{\"type\":\"subscribe\",\"topic\":\"logs.>\"}");
            assertEquals("logs.>", op.expect("subscribed").getString("topic"));
            plain.send("{\"type\":\"subscribe\",\"topic\":\"logs.>\"}");
            assertEquals("forbidden", plain.expect("error").getString("code"));
        }
    }

    @Test
    void aRefreshMovesTheExpirySoTheConnectionOutlivesItsFirstToken() {
        String brief = IDP.token("dana", b -> b.expirationTime(Date.from(Instant.now().plusSeconds(3))));
        String longer = IDP.token("dana");
        try (WsClient c = WsClient.connect(withAccessToken(ChatEndpoint.PATH, brief))) {
            c.expect("welcome");
            c.join("refreshing");
            c.send("{\"type\":\"refresh\",\"token\":\"" + longer + "\",\"id\":\"r-0\"}");
            JsonObject refreshed = c.until("refreshed");
            assertEquals("r-0", refreshed.getString("id"));
            Instant until = Instant.parse(refreshed.getString("expires"));
            assertTrue(until.isAfter(Instant.now().plusSeconds(300)), "the new token's expiry: " + until);
            // well past the first token's expiry (3 s), the connection still answers
            long deadline = System.nanoTime() + 6_000_000_000L;
            while (System.nanoTime() < deadline) {
                c.send("{\"type\":\"ping\"}");
                assertEquals("pong", c.until("pong").getString("type"));
                assertNull(c.poll(500), "nothing else: no close");
            }
            c.send("{\"type\":\"send\",\"room\":\"refreshing\",\"text\":\"still here\",\"id\":\"m1\"}");
            assertEquals("m1", c.until("ack").getString("id"));
        }
    }

    @Test
    void withoutARefreshTheConnectionIsClosedWhenTheTokenExpires() {
        String brief = IDP.token("erin", b -> b.expirationTime(Date.from(Instant.now().plusSeconds(2))));
        try (WsClient c = WsClient.connect(withAccessToken(ChatEndpoint.PATH, brief))) {
            c.expect("welcome");
            var reason = c.awaitClose();
            assertEquals(1008, reason.getCloseCode().getCode());
            assertEquals("token expired", reason.getReasonPhrase());
        }
    }

    @Test
    void aRefreshWithAnotherUsersOrABadTokenIsRefusedAndTheConnectionStays() {
        try (WsClient c = WsClient.connect(withAccessToken(ChatEndpoint.PATH, IDP.token("fred")))) {
            c.expect("welcome");
            c.send("{\"type\":\"refresh\",\"token\":\"" + IDP.token("gina") + "\",\"id\":\"r-1\"}");
            JsonObject other = c.until("error");
            assertEquals("forbidden", other.getString("code"));
            assertEquals("r-1", other.getString("id"), "the refusal echoes the refresh's id");
            assertTrue(other.getString("message").contains("another user"), other.toString());
            c.send("{\"type\":\"refresh\",\"token\":\"" + new IdentityProvider().token("fred") + "\"}");
            assertEquals("forbidden", c.until("error").getString("code"));
            c.send("{\"type\":\"refresh\"}");
            assertEquals("bad_request", c.until("error").getString("code"));
            c.send("{\"type\":\"ping\"}");
            c.until("pong");
        }
    }

    @Test
    void aRefreshThatWouldDropARoleIsRefused() {
        try (WsClient c = WsClient.connect(withAccessToken(TopicEndpoint.PATH, IDP.token("ivan", "operator")))) {
            c.expect("welcome");
            c.send("{\"type\":\"refresh\",\"token\":\"" + IDP.token("ivan") + "\",\"id\":\"r-9\"}");
            JsonObject refused = c.until("error");
            assertEquals("forbidden", refused.getString("code"));
            assertTrue(refused.getString("message").contains("fewer roles"), refused.toString());
            c.send("{\"type\":\"refresh\",\"token\":\"" + IDP.token("ivan", "operator", "publisher") + "\",\"id\":\"r-10\"}");
            assertEquals("r-10", c.until("refreshed").getString("id"), "the same roles or more: accepted");
            c.send("{\"type\":\"ping\"}");
            c.until("pong");
        }
    }

    @Test
    void aSessionTokenExchangedForAnAccessTokenKeepsItsRolesAndExpiry() {
        Instant exp = Instant.now().plusSeconds(900);
        Token external = server.tokens.verify(IDP.rs256(IdentityProvider.claims("hal", "operator", "moderator")
                .expirationTime(Date.from(exp)).build())).orElseThrow();
        Token session = server.tokens.exchange(external);
        Token back = server.tokens.verify(session.value()).orElseThrow();
        assertEquals("hal", back.user());
        assertEquals(java.util.Set.of(Role.OPERATOR, Role.MODERATOR), back.roles());
        assertEquals(exp.getEpochSecond(), back.expires().getEpochSecond(), "no longer than the provider's token");
        try (WsClient c = WsClient.connect(URI.create(server.uri(TopicEndpoint.PATH) + "?token=" + session.value()))) {
            c.expect("welcome");
            c.send("{\"type\":\"subscribe\",\"topic\":\"logs.>\"}");
            c.expect("subscribed");
        }
        assertThrows(java.util.NoSuchElementException.class, () -> server.tokens.verify(session.value().replace('.', ',')).orElseThrow());
    }
}
