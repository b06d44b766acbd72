package dev.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.testing.RawHttp;
import dev.switchboard.testing.WsClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** PROTOCOL.md "Handshake", against the real container: statuses a non-browser client sees. */
@ExtendWith(ArquillianExtension.class)
class HandshakeIT {

    private static final String CHAT = "/switchboard/ws/chat";

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.war();
    }

    @Test
    void plainGetIs426WithUpgradeHeader() throws Exception {
        // a raw request: java.net.http hides the hop-by-hop Upgrade header from callers
        RawHttp.Response r = RawHttp.request(Deployments.httpPort(), "GET", CHAT, Map.of());
        assertEquals(426, r.status());
        assertEquals("websocket", r.headers().get("upgrade"));
    }

    /** An upgrade request with exactly these handshake headers (null: left out), a valid token and the allowed Origin. */
    private static RawHttp.Response upgradeWith(String version, String key) throws Exception {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Upgrade", "websocket");
        headers.put("Connection", "Upgrade");
        headers.put("Origin", "https://chat.example.com");
        if (version != null) {
            headers.put("Sec-WebSocket-Version", version);
        }
        if (key != null) {
            headers.put("Sec-WebSocket-Key", key);
        }
        return RawHttp.request(Deployments.httpPort(), "GET", CHAT + "?token=" + SessionApi.token(SessionApi.unique("hs")), headers);
    }

    private static String base64Of(int bytes) {
        byte[] b = new byte[bytes];
        new SecureRandom().nextBytes(b);
        return Base64.getEncoder().encodeToString(b);
    }

    @Test
    void keyThatIsNotTheBase64Of16BytesIs400AndNotUpgraded() throws Exception {
        // without the filter's check both containers upgraded the malformed ones (101) and answered a missing one 404
        for (String key : new String[] {"abc", base64Of(15), base64Of(17), base64Of(16).substring(0, 22), null}) {
            RawHttp.Response r = upgradeWith("13", key);
            assertEquals(400, r.status(), "key " + key);
            assertFalse(r.headers().containsKey("sec-websocket-accept"), "key " + key);
            assertFalse("websocket".equalsIgnoreCase(r.headers().get("upgrade")), "key " + key);
        }
    }

    @Test
    void versionOtherThan13Is426Naming13() throws Exception {
        // without the filter's check WildFly's Undertow upgraded 7 and 8 (101) and answered others 404; Tyrus answered 426
        for (String version : new String[] {"8", "7", "12", "14", null}) {
            RawHttp.Response r = upgradeWith(version, base64Of(16));
            assertEquals(426, r.status(), "version " + version);
            assertEquals("13", r.headers().get("sec-websocket-version"), "version " + version);
            assertFalse(r.headers().containsKey("sec-websocket-accept"), "version " + version);
        }
    }

    @Test
    void malformedHandshakeIsAnsweredBeforeOriginAndIdentity() throws Exception {
        Map<String, String> foreignNoToken = Map.of("Origin", "https://evil.example", "Sec-WebSocket-Key", "abc");
        assertEquals(400, RawHttp.upgrade(Deployments.httpPort(), CHAT, foreignNoToken).status());
        assertEquals(426, RawHttp.upgrade(Deployments.httpPort(), CHAT, Map.of("Sec-WebSocket-Version", "8")).status());
    }

    @Test
    void wellFormedVersion13HandshakeIsUpgradedWithTheMatchingAccept() throws Exception {
        String key = base64Of(16);
        RawHttp.Response r = upgradeWith("13", key);
        assertEquals(101, r.status());
        String accept = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1")
                .digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII)));
        assertEquals(accept, r.headers().get("sec-websocket-accept"));
    }

    @Test
    void foreignAndLookAlikeOriginsAre403NotWildFlys404() throws Exception {
        String token = SessionApi.token(SessionApi.unique("origin"));
        for (String origin : new String[] {"https://evil.example", "https://chat.example.com.evil.example",
            "http://127.0.0.1:" + Deployments.httpPort() + ".evil.example", "null"}) {
            assertEquals(403, RawHttp.upgrade(Deployments.httpPort(), CHAT + "?token=" + token, Map.of("Origin", origin)).status(),
                    origin);
        }
    }

    @Test
    void allowListedAndSameOriginsAreUpgraded() throws Exception {
        String token = SessionApi.token(SessionApi.unique("origin"));
        assertEquals(101, RawHttp.upgrade(Deployments.httpPort(), CHAT + "?token=" + token,
                Map.of("Origin", "https://chat.example.com")).status());
        assertEquals(101, RawHttp.upgrade(Deployments.httpPort(), CHAT + "?token=" + token,
                Map.of("Origin", "http://127.0.0.1:" + Deployments.httpPort())).status());
    }

    @Test
    void missingOrForgedIdentityIs401() throws Exception {
        RawHttp.Response none = RawHttp.upgrade(Deployments.httpPort(), CHAT, Map.of());
        assertEquals(401, none.status());
        assertTrue(none.headers().getOrDefault("www-authenticate", "").startsWith("Bearer"));
        String token = SessionApi.token(SessionApi.unique("forger"));
        String forged = token.substring(0, token.length() - 2) + (token.endsWith("A") ? "BB" : "AA");
        assertEquals(401, RawHttp.upgrade(Deployments.httpPort(), CHAT + "?token=" + forged, Map.of()).status());
        assertEquals(401, RawHttp.upgrade(Deployments.httpPort(), CHAT, Map.of("Cookie", "sb_token=" + forged)).status());
    }

    @Test
    void tokenInQueryOrCookieIsUpgradedWithTheSubprotocol() throws Exception {
        String user = SessionApi.unique("query");
        String token = SessionApi.token(user);
        RawHttp.Response r = RawHttp.upgrade(Deployments.httpPort(), CHAT + "?token=" + token,
                Map.of("Sec-WebSocket-Protocol", "switchboard.v1"));
        assertEquals(101, r.status());
        assertEquals("switchboard.v1", r.headers().get("sec-websocket-protocol"));

        try (WsClient byQuery = WsClient.connect(java.net.URI.create(Deployments.ws("/ws/chat") + "?token=" + token))) {
            assertEquals(user, byQuery.expect("welcome").getString("user"));
            assertEquals("switchboard.v1", byQuery.session().getNegotiatedSubprotocol());
        }
        String other = SessionApi.unique("cookie");
        try (WsClient byCookie = WsClient.connect(Deployments.ws("/ws/chat"), Map.of("Cookie", "sb_token=" + SessionApi.token(other)))) {
            assertEquals(other, byCookie.expect("welcome").getString("user"), "the identity comes from the cookie");
        }
    }

    @Test
    void sessionApiValidatesNamesAndProtectsNamesInUse() throws Exception {
        assertEquals(400, SessionApi.post("{\"name\":\"no spaces\"}").statusCode());
        assertEquals(400, SessionApi.post("{\"name\":\"" + "x".repeat(33) + "\"}").statusCode());
        assertEquals(400, SessionApi.post("not json").statusCode());
        assertEquals("bad_request", SessionApi.json(SessionApi.post("{}").body()).getString("error"));
        String name = SessionApi.unique("taken");
        HttpResponse<String> first = SessionApi.post("{\"name\":\"" + name + "\"}");
        assertEquals(200, first.statusCode());
        String cookie = first.headers().firstValue("Set-Cookie").orElseThrow();
        assertTrue(cookie.startsWith("sb_token="), cookie);
        assertTrue(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Path=/switchboard"), cookie);
        assertEquals(409, SessionApi.post("{\"name\":\"" + name + "\"}").statusCode(), "a name in use is not handed out twice");
    }
}
