package dev.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.testing.RawHttp;
import dev.switchboard.testing.WsClient;
import jakarta.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.jboss.arquillian.container.test.api.ContainerController;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.container.test.api.TargetsContainer;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * History survives a real server restart: messages are stored, the WildFly JVM is shut down and a new
 * one started on the same base directory (the "restart" container of arquillian.xml), and a client
 * joining with {@code since} gets them back with their seqs. Guest names survive it too: their claims
 * are in the same database.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class RestartIT {

    private static final String CONTAINER = "restart";
    private static final int PORT = 8080 + Integer.getInteger("it.restart.port.offset", 11100);

    @ArquillianResource
    ContainerController controller;

    @ArquillianResource
    Deployer deployer;

    @Deployment(name = CONTAINER, managed = false, testable = false)
    @TargetsContainer(CONTAINER)
    static WebArchive deployment() {
        return Deployments.war();
    }

    private static URI base(String scheme, String path) {
        return URI.create(scheme + "://127.0.0.1:" + PORT + "/switchboard" + path);
    }

    private static String token(String name) throws Exception {
        HttpResponse<String> r = SessionApi.HTTP.send(HttpRequest.newBuilder(base("http", "/api/session"))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + name + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r::body);
        return SessionApi.json(r.body()).getString("token");
    }

    /** {@code /api/session} with the token as the {@code sb_token} cookie (null: none), as the pages call it. */
    private static HttpResponse<String> session(String method, String body, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(base("http", "/api/session")).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Cookie", "sb_token=" + token);
        }
        return SessionApi.HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String named(String name) {
        return "{\"name\":\"" + name + "\"}";
    }

    private static WsClient connect(String token) {
        WsClient c = WsClient.connect(URI.create(base("ws", "/ws/chat") + "?token=" + token));
        c.expect("welcome");
        return c;
    }

    @Test
    void storedMessagesComeBackAfterTheServerRestarts() throws Exception {
        String room = SessionApi.unique("survive");
        String alice = SessionApi.unique("alice");
        String bob = SessionApi.unique("bob");
        controller.start(CONTAINER);
        try {
            deployer.deploy(CONTAINER);
            String aliceToken = token(alice);
            token(bob); // bob exists, so a direct message to him is stored
            try (WsClient a = connect(aliceToken)) {
                a.join(room);
                for (int i = 1; i <= 3; i++) {
                    a.send("{\"type\":\"send\",\"room\":\"" + room + "\",\"text\":\"before " + i + "\",\"id\":\"b-" + i + "\"}");
                    assertEquals(i, a.until("ack").getInt("seq"));
                }
                a.send("{\"type\":\"direct\",\"to\":\"" + bob + "\",\"text\":\"see you after the restart\",\"id\":\"d-1\"}");
                assertEquals(1, a.until("ack").getInt("seq"));
            }

            controller.stop(CONTAINER); // a clean shutdown: the JVM exits
            controller.start(CONTAINER); // a new JVM; the server deploys the WAR it had

            try (WsClient b = connect(token(SessionApi.unique("carol")))) {
                b.send("{\"type\":\"join\",\"room\":\"" + room + "\",\"since\":1}");
                JsonObject joined = b.expect("joined");
                assertEquals(3, joined.getInt("seq"));
                assertTrue(joined.getBoolean("recovered"));
                for (int i = 2; i <= 3; i++) {
                    JsonObject m = b.until("message");
                    assertEquals(i, m.getInt("seq"));
                    assertEquals("before " + i, m.getString("text"));
                    assertEquals(alice, m.getString("from"));
                }
            }
            try (WsClient a = connect(aliceToken)) { // tokens outlive the restart (same secret)
                a.join(room);
                a.send("{\"type\":\"send\",\"room\":\"" + room + "\",\"text\":\"before 3\",\"id\":\"b-3\"}");
                assertEquals(3, a.until("ack").getInt("seq"), "a resend after the restart is recognised");
                a.send("{\"type\":\"send\",\"room\":\"" + room + "\",\"text\":\"after\",\"id\":\"a-1\"}");
                assertEquals(4, a.until("ack").getInt("seq"), "seq continues where it was");
                a.send("{\"type\":\"join\",\"room\":\"@me\",\"since\":0}");
                assertEquals(1, a.until("joined").getInt("seq"));
                assertEquals("see you after the restart", a.until("direct").getString("text"));
            }
        } finally {
            try {
                deployer.undeploy(CONTAINER);
            } finally {
                controller.stop(CONTAINER);
            }
        }
    }

    @Test
    void aGuestNameStaysWithItsHolderAcrossTheRestart() throws Exception {
        String dana = SessionApi.unique("dana");
        controller.start(CONTAINER);
        try {
            deployer.deploy(CONTAINER);
            String danaToken = token(dana);

            controller.stop(CONTAINER);
            controller.start(CONTAINER);

            HttpResponse<String> second = session("POST", named(dana), null);
            assertEquals(409, second.statusCode(), second::body);
            assertEquals("conflict", SessionApi.json(second.body()).getString("error"));
            assertEquals(101, RawHttp.upgrade(PORT, "/switchboard/ws/chat?token=" + danaToken, Map.of()).status(),
                    "the holder's token still opens a WebSocket");
            try (WsClient d = connect(danaToken)) {
                d.join(SessionApi.unique("after"));
            }
            HttpResponse<String> who = session("GET", null, danaToken);
            assertEquals(200, who.statusCode(), who::body);
            assertEquals(dana, SessionApi.json(who.body()).getString("user"));
            HttpResponse<String> renewed = session("POST", named(dana), danaToken);
            assertEquals(200, renewed.statusCode(), "the holder renews with its cookie: " + renewed.body());
        } finally {
            try {
                deployer.undeploy(CONTAINER);
            } finally {
                controller.stop(CONTAINER);
            }
        }
    }

    @Test
    @Disabled("needs SqlHistoryStore.reset, written on another branch: until then a new claim of a name with an inbox answers 503")
    void theNextHolderOfASignedOutNameStartsWithAnEmptyInboxAfterTheRestart() throws Exception {
        String erin = SessionApi.unique("erin");
        String frank = SessionApi.unique("frank");
        controller.start(CONTAINER);
        try {
            deployer.deploy(CONTAINER);
            String erinToken = token(erin);
            try (WsClient f = connect(token(frank))) {
                f.send("{\"type\":\"direct\",\"to\":\"" + erin + "\",\"text\":\"for erin only\",\"id\":\"d-1\"}");
                assertEquals(1, f.until("ack").getInt("seq"));
            }

            controller.stop(CONTAINER);
            controller.start(CONTAINER);

            assertEquals(204, session("DELETE", null, erinToken).statusCode());
            assertEquals(401, session("GET", null, erinToken).statusCode(), "a signed-out token is refused at once");
            assertEquals(401, RawHttp.upgrade(PORT, "/switchboard/ws/chat?token=" + erinToken, Map.of()).status());
            String nextErin = token(erin);
            try (WsClient e = connect(nextErin)) {
                e.send("{\"type\":\"join\",\"room\":\"@me\",\"since\":0}");
                JsonObject joined = e.until("joined");
                assertEquals(0, joined.getInt("seq"), "the previous erin's messages are not the next one's");
            }
        } finally {
            try {
                deployer.undeploy(CONTAINER);
            } finally {
                controller.stop(CONTAINER);
            }
        }
    }
}
