package dev.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.testing.RawHttp;
import dev.switchboard.testing.WsClient;
import jakarta.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code /ws/topics} and {@code POST /api/topics/{topic}} through the container. */
@ExtendWith(ArquillianExtension.class)
class TopicsIT {

    /** arquillian.xml starts the server with this publisher key and operator. */
    static final String KEY = "it-publisher-key-0123456789";
    static final String OPERATOR = "it-operator";

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.war();
    }

    private static WsClient signedIn(String user) throws Exception {
        WsClient c = WsClient.connect(URI.create(Deployments.ws("/ws/topics") + "?token=" + SessionApi.token(user)));
        assertEquals(user, c.expect("welcome").getString("user"));
        return c;
    }

    private static void subscribe(WsClient c, String topic) {
        c.send("{\"type\":\"subscribe\",\"topic\":\"" + topic + "\"}");
        JsonObject s = c.expect("subscribed");
        assertEquals(topic, s.getString("topic"));
    }

    private static HttpResponse<String> publish(String topic, String authorization, String contentType, byte[] body)
            throws Exception {
        // HTTP/1.1: the client's h2c upgrade offer on a large body stalls Payara's Grizzly; the answer is what is tested
        HttpRequest.Builder r = HttpRequest.newBuilder(Deployments.http("/api/topics/" + topic)).timeout(Duration.ofSeconds(10))
                .version(java.net.http.HttpClient.Version.HTTP_1_1)
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (authorization != null) {
            r.header("Authorization", authorization);
        }
        return SessionApi.HTTP.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> publish(String topic, String authorization, String json) throws Exception {
        return publish(topic, authorization, "application/json", json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theHandshakeRulesAreThoseOfChat() throws Exception {
        String path = "/switchboard/ws/topics";
        assertEquals(426, RawHttp.request(Deployments.httpPort(), "GET", path, Map.of()).status());
        assertEquals(401, RawHttp.upgrade(Deployments.httpPort(), path, Map.of()).status());
        String token = SessionApi.token(SessionApi.unique("hs"));
        assertEquals(403, RawHttp.upgrade(Deployments.httpPort(), path + "?token=" + token,
                Map.of("Origin", "https://chat.example.com.evil.example")).status());
        assertEquals(101, RawHttp.upgrade(Deployments.httpPort(), path + "?token=" + token,
                Map.of("Origin", "https://chat.example.com")).status());
    }

    @Test
    void tickerEventsArriveWithIncreasingSeq() throws Exception {
        try (WsClient c = signedIn(SessionApi.unique("quotes"))) {
            subscribe(c, "ticker.*");
            long last = 0;
            for (int i = 0; i < 3; i++) {
                JsonObject e = c.expect("event");
                assertTrue(e.getString("topic").startsWith("ticker."));
                if (e.getString("topic").equals("ticker.ACME")) {
                    assertTrue(e.getJsonNumber("seq").longValue() > last, e.toString());
                    last = e.getJsonNumber("seq").longValue();
                }
                assertTrue(e.getJsonObject("data").getJsonNumber("price").doubleValue() > 0);
            }
            assertTrue(last > 0, "ACME ticked");
        }
    }

    @Test
    void httpPublishReachesAWildcardSubscriber() throws Exception {
        String root = SessionApi.unique("it").replace("-", "_");
        try (WsClient c = signedIn(SessionApi.unique("sub"))) {
            subscribe(c, root + ".*");
            HttpResponse<String> r = publish(root + ".orders", "Bearer " + KEY, "{\"data\":{\"id\":42,\"state\":\"paid\"}}");
            assertEquals(202, r.statusCode(), r.body());
            JsonObject answer = SessionApi.json(r.body());
            assertEquals(root + ".orders", answer.getString("topic"));
            assertEquals(1, answer.getInt("seq"));
            JsonObject e = c.expect("event");
            assertEquals(root + ".orders", e.getString("topic"));
            assertEquals(1, e.getInt("seq"));
            assertEquals(42, e.getJsonObject("data").getInt("id"));

            // bytes with another content type arrive as one binary frame: header length, JSON header, bytes
            HttpResponse<String> b = publish(root + ".orders", "Bearer " + KEY, "image/png", new byte[] {7, 8, 9});
            assertEquals(202, b.statusCode(), b.body());
            ByteBuffer frame = ByteBuffer.wrap(c.nextBinary());
            byte[] header = new byte[frame.getShort() & 0xffff];
            frame.get(header);
            JsonObject h = SessionApi.json(new String(header, StandardCharsets.UTF_8));
            assertEquals(2, h.getInt("seq"));
            assertEquals("image/png", h.getString("mime"));
            assertEquals(3, frame.remaining());
        }
    }

    @Test
    void publishIsRefusedWithoutAValidCredentialOrBody() throws Exception {
        HttpResponse<String> none = publish("it.open", null, "{\"data\":1}");
        assertEquals(401, none.statusCode());
        assertTrue(none.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"));
        assertEquals(403, publish("it.open", "Bearer wrong-key", "{\"data\":1}").statusCode());
        assertEquals(400, publish("it..open", "Bearer " + KEY, "{\"data\":1}").statusCode());
        assertEquals(400, publish("it.*", "Bearer " + KEY, "{\"data\":1}").statusCode());
        assertEquals(400, publish("it.open", "Bearer " + KEY, "{\"nodata\":1}").statusCode());
        assertEquals(400, publish("it.open", "Bearer " + KEY, "{not json").statusCode());
        assertEquals(403, publish("logs.server", "Bearer " + KEY, "{\"data\":1}").statusCode());
        String big = "{\"data\":\"" + "x".repeat(64 * 1024) + "\"}";
        HttpResponse<String> tooLarge = publish("it.open", "Bearer " + KEY, big);
        assertEquals(413, tooLarge.statusCode(), tooLarge.body());
    }

    @Test
    void logsAreForbiddenToAnOrdinaryUserAndStreamToAnOperator() throws Exception {
        try (WsClient c = signedIn(SessionApi.unique("user"))) {
            c.send("{\"type\":\"subscribe\",\"topic\":\"logs.*\"}");
            assertEquals("forbidden", c.expect("error").getString("code"));
        }
        try (WsClient ops = signedIn(OPERATOR)) {
            subscribe(ops, "logs.switchboard");
            // a refused publish logs a line at INFO through java.util.logging into WildFly's log manager
            assertEquals(403, publish("it.open", "Bearer wrong-key", "{\"data\":1}").statusCode());
            while (true) {
                JsonObject e = ops.expect("event");
                assertEquals("logs.switchboard", e.getString("topic"));
                if (e.getJsonObject("data").getString("message").contains("publish refused")) {
                    assertEquals("INFO", e.getJsonObject("data").getString("level"));
                    break;
                }
            }
        }
    }
}
