package dev.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.testing.IdentityProvider;
import dev.switchboard.testing.PrometheusParser;
import dev.switchboard.testing.RawWebSocket;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Identity-provider access tokens in the real containers: the IT servers trust a JWKS file
 * ({@code switchboard.oidc.jwks-file} in {@code it.switchboard.opts}), to which this test writes the keys it makes,
 * so the WAR's Nimbus and its filters run exactly as deployed, on WildFly and on Payara.
 */
@ExtendWith(ArquillianExtension.class)
class IdentityProviderIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.war();
    }

    static final IdentityProvider IDP = new IdentityProvider();

    @BeforeAll
    static void publishKeys() {
        Matcher m = Pattern.compile("-Dswitchboard\\.oidc\\.jwks-file=(\\S+)").matcher(System.getProperty("it.switchboard.opts", ""));
        assertTrue(m.find(), "it.switchboard.opts names the IT servers' JWKS file");
        IDP.writeJwks(Path.of(m.group(1)));
    }

    private static String bearer(String jwt) {
        return "Authorization: Bearer " + jwt + "\r\n";
    }

    private static HttpResponse<String> call(HttpRequest.Builder request) throws IOException, InterruptedException {
        return SessionApi.HTTP.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int handshakeStatus(URI uri, String headers) {
        try (RawWebSocket ws = RawWebSocket.open(uri, headers)) {
            return 101;
        } catch (IOException e) {
            Matcher status = Pattern.compile("HTTP/1\\.1 (\\d{3})").matcher(e.getMessage());
            assertTrue(status.find(), e.getMessage());
            return Integer.parseInt(status.group(1));
        }
    }

    @Test
    void aBearerTokenAtTheHandshakeSignsInItsUser() throws Exception {
        String user = SessionApi.unique("oidc");
        try (RawWebSocket ws = RawWebSocket.open(Deployments.ws("/ws/chat"), bearer(IDP.token(user)))) {
            JsonObject welcome = SessionApi.json(ws.read().text());
            assertEquals("welcome", welcome.getString("type"));
            assertEquals(user, welcome.getString("user"));
            assertTrue(Instant.parse(welcome.getString("expires")).isAfter(Instant.now()));
        }
    }

    @Test
    void anAccessTokenInTheQueryWithTheOperatorRoleReadsTheLogTopics() throws Exception {
        URI uri = URI.create(Deployments.ws("/ws/topics") + "?access_token=" + IDP.es256(IdentityProvider.claims(
                SessionApi.unique("op"), "operator").build()));
        try (RawWebSocket ws = RawWebSocket.open(uri)) {
            assertTrue(ws.read().text().contains("\"welcome\""));
            ws.sendText("{\"type\":\"subscribe\",\"topic\":\"logs.>\"}");
            assertTrue(ws.read().text().contains("\"subscribed\""), "the operator role came with the token");
        }
    }

    /** The server's count of handshakes refused with {@code status}, read with the Prometheus project's parser. */
    private static double handshakeRefusals(int status) throws Exception {
        HttpResponse<String> scrape = call(HttpRequest.newBuilder(Deployments.http("/api/metrics")).GET());
        assertEquals(200, scrape.statusCode(), scrape.body());
        return PrometheusParser.prometheus(scrape.body())
                .value("switchboard_handshake_refusals_total", "status", String.valueOf(status)).orElseThrow();
    }

    @Test
    void refusedTokensGet401AtTheHandshake() throws Exception {
        double refusedBefore = handshakeRefusals(401);
        String user = SessionApi.unique("bad");
        URI chat = Deployments.ws("/ws/chat");
        assertEquals(401, handshakeStatus(chat, bearer(IDP.token(user, b -> b.expirationTime(Date.from(Instant.now().minusSeconds(300)))))), "expired");
        assertEquals(401, handshakeStatus(chat, bearer(IDP.token(user, b -> b.notBeforeTime(Date.from(Instant.now().plusSeconds(300)))))), "not yet valid");
        assertEquals(401, handshakeStatus(chat, bearer(IDP.token(user, b -> b.audience("another-app")))), "wrong audience");
        assertEquals(401, handshakeStatus(chat, bearer(IDP.token(user, b -> b.issuer("https://evil.example.test")))), "wrong issuer");
        assertEquals(401, handshakeStatus(chat, bearer(new IdentityProvider().token(user))), "unknown kid");
        assertEquals(101, handshakeStatus(chat, bearer(IDP.token(user))), "and the same user with a good token is in");
        assertTrue(handshakeRefusals(401) >= refusedBefore + 5, "the five refusals are counted");
    }

    @Test
    void postSessionExchangesAnAccessTokenForTheCookieWithItsRoles() throws Exception {
        String user = SessionApi.unique("xch");
        HttpResponse<String> r = call(HttpRequest.newBuilder(Deployments.http("/api/session"))
                .header("Authorization", "Bearer " + IDP.token(user, "moderator")).POST(HttpRequest.BodyPublishers.noBody()));
        assertEquals(200, r.statusCode(), r.body());
        JsonObject session = SessionApi.json(r.body());
        assertEquals(user, session.getString("user"));
        assertEquals("moderator", session.getJsonArray("roles").getString(0));
        String cookie = r.headers().firstValue("Set-Cookie").orElseThrow();
        assertTrue(cookie.startsWith("sb_token=") && cookie.contains("HttpOnly"), cookie);
        HttpResponse<String> who = call(HttpRequest.newBuilder(Deployments.http("/api/session"))
                .header("Cookie", cookie.substring(0, cookie.indexOf(';'))).GET());
        assertEquals(200, who.statusCode(), who.body());
        assertEquals("[\"moderator\"]", SessionApi.json(who.body()).getJsonArray("roles").toString());
        // the name is an account's now: a guest cannot take it
        assertEquals(409, SessionApi.post("{\"name\":\"" + user + "\"}").statusCode());
        // a token accepted within the clock skew after its expiry is not exchanged for a cookie already expired
        HttpResponse<String> late = call(HttpRequest.newBuilder(Deployments.http("/api/session")).header("Authorization",
                "Bearer " + IDP.token(user, b -> b.expirationTime(Date.from(Instant.now().minusSeconds(20)))))
                .POST(HttpRequest.BodyPublishers.noBody()));
        assertEquals(401, late.statusCode(), late.body());
    }

    @Test
    void aPublisherTokenPublishesOverHttpAndOthersAreRefused() throws Exception {
        URI topic = Deployments.http("/api/topics/news.oidc");
        HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.ofString("{\"data\":{\"headline\":\"hi\"}}");
        HttpResponse<String> ok = call(HttpRequest.newBuilder(topic).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + IDP.token(SessionApi.unique("pub"), "publisher")).POST(body));
        assertEquals(202, ok.statusCode(), ok.body());
        HttpResponse<String> noRole = call(HttpRequest.newBuilder(topic).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + IDP.token(SessionApi.unique("nopub"))).POST(body));
        assertEquals(403, noRole.statusCode(), noRole.body());
        HttpResponse<String> forged = call(HttpRequest.newBuilder(topic).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + new IdentityProvider().token(SessionApi.unique("forged"), "publisher")).POST(body));
        assertEquals(401, forged.statusCode(), forged.body());
        assertTrue(forged.headers().firstValue("WWW-Authenticate").orElse("").contains("invalid_token"));
    }

    @Test
    void aConnectionTakesAFreshTokenInBand() throws Exception {
        String user = SessionApi.unique("ref");
        try (RawWebSocket ws = RawWebSocket.open(Deployments.ws("/ws/chat"), bearer(IDP.token(user,
                b -> b.expirationTime(Date.from(Instant.now().plusSeconds(120))))))) {
            ws.read(); // welcome
            ws.sendText("{\"type\":\"refresh\",\"token\":\"" + IDP.token(user) + "\"}");
            JsonObject refreshed = SessionApi.json(ws.read().text());
            assertEquals("refreshed", refreshed.getString("type"), refreshed.toString());
            assertTrue(Instant.parse(refreshed.getString("expires")).isAfter(Instant.now().plusSeconds(300)));
            ws.sendText("{\"type\":\"refresh\",\"token\":\"" + IDP.token(SessionApi.unique("other")) + "\"}");
            JsonObject refused = SessionApi.json(ws.read().text());
            assertEquals("forbidden", refused.getString("code"), refused.toString());
        }
    }

    @Test
    void anOperatorTokenCallsTheAdminApiAndOthersAreRefused() throws Exception {
        URI connections = Deployments.http("/api/admin/users/" + SessionApi.unique("nobody") + "/connections");
        HttpResponse<String> ok = call(HttpRequest.newBuilder(connections)
                .header("Authorization", "Bearer " + IDP.token(SessionApi.unique("ops"), "operator")).GET());
        assertEquals(200, ok.statusCode(), ok.body());
        assertEquals(0, SessionApi.json(ok.body()).getJsonArray("connections").size());
        HttpResponse<String> noRole = call(HttpRequest.newBuilder(connections)
                .header("Authorization", "Bearer " + IDP.token(SessionApi.unique("mod"), "moderator")).GET());
        assertEquals(403, noRole.statusCode(), noRole.body());
    }

    @Test
    void aGuestWhoseNameAnAccountSignsInWithLosesItsConnections() throws Exception {
        String name = SessionApi.unique("taken");
        String guestToken = SessionApi.token(name);
        try (RawWebSocket guest = RawWebSocket.open(URI.create(Deployments.ws("/ws/chat") + "?token=" + guestToken))) {
            assertTrue(guest.read().text().contains("\"welcome\""));
            try (RawWebSocket account = RawWebSocket.open(Deployments.ws("/ws/chat"), bearer(IDP.token(name)))) {
                assertTrue(account.read().text().contains("\"welcome\""));
                assertEquals(1008, guest.awaitClose(), "the guest's connection closes: it would follow the account's inbox");
            }
        }
        assertEquals(401, handshakeStatus(URI.create(Deployments.ws("/ws/chat") + "?token=" + guestToken), ""),
                "and its token is refused");
    }
}
