package dev.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.testing.RawHttp;
import dev.switchboard.testing.WsClient;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.stream.Stream;
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
    /** The restart server's publisher key (arquillian.xml). */
    private static final String PUBLISHER_KEY = "restart-publisher-key";

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

    private static WsClient topics(String token) {
        WsClient c = WsClient.connect(URI.create(base("ws", "/ws/topics") + "?token=" + token));
        c.expect("welcome");
        return c;
    }

    /** Publishes {@code n} to the topic over HTTP (the restart server's publisher key); returns the event's seq. */
    private static long publish(String topic, int n) throws Exception {
        HttpResponse<String> r = SessionApi.HTTP.send(HttpRequest.newBuilder(base("http", "/api/topics/" + topic))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + PUBLISHER_KEY)
                .POST(HttpRequest.BodyPublishers.ofString("{\"data\":" + n + "}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(202, r.statusCode(), r::body);
        return SessionApi.json(r.body()).getJsonNumber("seq").longValue();
    }

    /** What a test does on the restart server, which may stop and start it ({@link #restart}). */
    private interface Scenario {
        void run() throws Exception;
    }

    /** Starts the restart server with the WAR, runs the scenario, and undeploys and stops it whatever happened. */
    private void onTheRestartServer(Scenario scenario) throws Exception {
        controller.start(CONTAINER);
        try {
            deployer.deploy(CONTAINER);
            scenario.run();
        } finally {
            try {
                deployer.undeploy(CONTAINER);
            } finally {
                controller.stop(CONTAINER);
            }
        }
    }

    /** A real restart: the JVM exits cleanly, and a new one deploys the WAR it had. */
    private void restart() {
        controller.stop(CONTAINER);
        controller.start(CONTAINER);
    }

    /**
     * Deletes the restart server's history while it is stopped, keeping its guest claims: every stream starts over,
     * with a new epoch, as after restoring a database without its history.
     */
    private static void loseTheHistory() throws SQLException {
        Path db = Path.of(System.getProperty("it.restart.base.dir"), "data", "switchboard", "history");
        try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + db.toAbsolutePath() + ";IFEXISTS=TRUE", "", "");
                Statement st = c.createStatement()) {
            assertTrue(st.executeUpdate("DELETE FROM sb_stream") > 0, "streams were stored before");
            st.executeUpdate("DELETE FROM sb_message");
        }
    }

    /** The history files of the restart server: deleting them while it is stopped replaces its database. */
    private static void replaceTheDatabase() throws IOException {
        Path dir = Path.of(System.getProperty("it.restart.base.dir"), "data", "switchboard");
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(f -> f.getFileName().toString().startsWith("history")).toList()) {
                Files.delete(f);
            }
        }
    }

    /**
     * One stream model across restarts, rooms and topics alike: on the same database a cursor from before replays
     * exactly, with the same epoch and {@code recovered:true}; on a replaced database the same cursor gets
     * {@code recovered:false}, the new epoch, and then every new event (whose seqs start again at 1).
     */
    @Test
    void cursorsOfRoomsAndTopicsAcrossARestartAndAReplacedDatabase() throws Exception {
        String room = SessionApi.unique("epoch");
        String topic = "restart." + SessionApi.unique("t");
        onTheRestartServer(() -> {
            String token = token(SessionApi.unique("dana"));
            String roomEpoch;
            String topicEpoch;
            try (WsClient chat = connect(token); WsClient t = topics(token)) {
                roomEpoch = chat.join(room).getString("epoch");
                for (int i = 1; i <= 4; i++) {
                    chat.send("{\"type\":\"send\",\"room\":\"" + room + "\",\"text\":\"m" + i + "\",\"id\":\"m-" + i + "\"}");
                    assertEquals(i, chat.until("ack").getInt("seq"));
                }
                t.send("{\"type\":\"subscribe\",\"topic\":\"" + topic + "\"}");
                topicEpoch = t.expect("subscribed").getString("epoch");
                for (int i = 1; i <= 4; i++) {
                    assertEquals(i, publish(topic, i));
                    assertEquals(i, t.expect("event").getInt("seq"));
                }
            }

            restart(); // the same database

            try (WsClient chat = connect(token); WsClient t = topics(token)) {
                chat.send("{\"type\":\"join\",\"room\":\"" + room + "\",\"since\":2,\"epoch\":\"" + roomEpoch + "\"}");
                JsonObject joined = chat.expect("joined");
                assertEquals(roomEpoch, joined.getString("epoch"), "the same database, the same history");
                assertTrue(joined.getBoolean("recovered"));
                assertEquals(3, chat.until("message").getInt("seq"));
                assertEquals(4, chat.until("message").getInt("seq"));

                t.send("{\"type\":\"subscribe\",\"topic\":\"" + topic + "\",\"since\":2,\"epoch\":\"" + topicEpoch + "\"}");
                JsonObject subscribed = t.expect("subscribed");
                assertEquals(topicEpoch, subscribed.getString("epoch"), "topics are durable: their epoch too");
                assertTrue(subscribed.getBoolean("recovered"));
                assertEquals(4, subscribed.getInt("seq"));
                assertEquals(3, t.expect("event").getInt("seq"));
                assertEquals(4, t.expect("event").getInt("seq"));
                assertEquals(5, publish(topic, 5), "seqs go on where they were");
                assertEquals(5, t.expect("event").getInt("seq"));
            }

            controller.stop(CONTAINER);
            replaceTheDatabase();
            controller.start(CONTAINER); // a new, empty database: every stream's history starts over

            String fresh = token(SessionApi.unique("erin")); // guest names were in the old database too
            try (WsClient chat = connect(fresh); WsClient t = topics(fresh)) {
                chat.send("{\"type\":\"join\",\"room\":\"" + room + "\",\"since\":4,\"epoch\":\"" + roomEpoch + "\"}");
                JsonObject joined = chat.expect("joined");
                assertFalse(joined.getBoolean("recovered"), "a cursor of the old database");
                assertNotEquals(roomEpoch, joined.getString("epoch"));
                chat.send("{\"type\":\"send\",\"room\":\"" + room + "\",\"text\":\"new 1\",\"id\":\"n-1\"}");
                assertEquals(1, chat.until("ack").getInt("seq"));
                JsonObject first = chat.until("message");
                assertEquals(1, first.getInt("seq"), "a new event below the old cursor still comes");
                assertEquals("new 1", first.getString("text"));

                t.send("{\"type\":\"subscribe\",\"topic\":\"" + topic + "\",\"since\":5,\"epoch\":\"" + topicEpoch + "\"}");
                JsonObject subscribed = t.expect("subscribed");
                assertFalse(subscribed.getBoolean("recovered"), "a topic cursor of the old database");
                assertNotEquals(topicEpoch, subscribed.getString("epoch"));
                for (int i = 1; i <= 2; i++) {
                    assertEquals(i, publish(topic, 100 + i));
                    assertEquals(i, t.expect("event").getInt("seq"));
                }
            }
        });
    }

    @Test
    void storedMessagesComeBackAfterTheServerRestarts() throws Exception {
        String room = SessionApi.unique("survive");
        String alice = SessionApi.unique("alice");
        String bob = SessionApi.unique("bob");
        onTheRestartServer(() -> {
            String aliceToken = token(alice);
            token(bob); // bob exists, so a direct message to him is stored
            String epoch;
            try (WsClient a = connect(aliceToken)) {
                epoch = a.join(room).getString("epoch");
                for (int i = 1; i <= 3; i++) {
                    a.send("{\"type\":\"send\",\"room\":\"" + room + "\",\"text\":\"before " + i + "\",\"id\":\"b-" + i + "\"}");
                    assertEquals(i, a.until("ack").getInt("seq"));
                }
                a.send("{\"type\":\"direct\",\"to\":\"" + bob + "\",\"text\":\"see you after the restart\",\"id\":\"d-1\"}");
                assertEquals(1, a.until("ack").getInt("seq"));
            }

            restart(); // a new JVM; the server deploys the WAR it had

            try (WsClient b = connect(token(SessionApi.unique("carol")))) {
                b.send("{\"type\":\"join\",\"room\":\"" + room + "\",\"since\":1,\"epoch\":\"" + epoch + "\"}");
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
        });
    }

    /**
     * The chat page in Chromium across a server restart after which the history is gone (its rows deleted while the
     * server was down, the guest claims kept so the page's session stays valid): the room's history starts over
     * (another epoch, seqs from 1 again). The page shows "some messages could not be recovered" once in that room,
     * then every new message in order, those whose seq it had already passed in the old history included.
     */
    @Test
    void thePageShowsOneGapAndEveryNewMessageAfterTheDatabaseIsReplaced() throws Exception {
        String room = SessionApi.unique("replaced");
        String dana = SessionApi.unique("dana");
        String ed = SessionApi.unique("ed");
        Duration back = Duration.ofSeconds(90); // a WildFly start, then the page's backoff (at most 15 s)
        onTheRestartServer(() -> {
            String edToken = token(ed);
            try (dev.switchboard.it.pages.Browser browser = dev.switchboard.it.pages.Browser.open()) {
                var page = new dev.switchboard.it.pages.ChatPage(browser).open(base("http", "/")).signIn(dana).join(room);
                java.util.List<String> before = new java.util.ArrayList<>();
                try (WsClient e = connect(edToken)) {
                    e.join(room);
                    for (int i = 1; i <= 5; i++) {
                        e.send("{\"type\":\"send\",\"room\":\"" + room + "\",\"text\":\"old " + i + "\",\"id\":\"o-" + i + "\"}");
                        assertEquals(i, e.until("ack").getInt("seq"));
                        before.add("old " + i);
                    }
                }
                browser.await(d -> page.messages().equals(before));

                controller.stop(CONTAINER);
                browser.awaitAttribute("#status", "data-state", "reconnecting");
                loseTheHistory();
                controller.start(CONTAINER); // every stream's history starts over

                java.util.List<String> after = new java.util.ArrayList<>();
                try (WsClient e = connect(edToken)) { // same token secret: tokens outlive the restart
                    e.join(room);
                    for (int i = 1; i <= 3; i++) {
                        e.send("{\"type\":\"send\",\"room\":\"" + room + "\",\"text\":\"new " + i + "\",\"id\":\"n-" + i + "\"}");
                        assertEquals(i, e.until("ack").getInt("seq"), "the new history starts at 1, below the page's 5");
                        after.add("new " + i);
                    }
                }
                java.util.List<String> expected = new java.util.ArrayList<>(before);
                expected.add("Some messages could not be recovered.");
                expected.addAll(after);
                browser.await(d -> page.messages().size() >= before.size() + after.size(), back);
                browser.awaitAttribute("#status", "data-state", "open");
                assertEquals(expected, page.timeline(), "the old messages, one gap notice, then every new one in order");
                assertEquals(1, page.gapNotices().size(), "the gap is shown once");

                new org.openqa.selenium.support.ui.Select(browser.driver().findElement(org.openqa.selenium.By.id("lang")))
                        .selectByValue("zh-CN");
                browser.awaitText("#messages .gap", "部分消息无法恢复。");
                assertEquals(1, page.gapNotices().size());
            }
        });
    }

    @Test
    void aGuestNameStaysWithItsHolderAcrossTheRestart() throws Exception {
        String dana = SessionApi.unique("dana");
        onTheRestartServer(() -> {
            String danaToken = token(dana);

            restart();

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
        });
    }

    @Test
    void theNextHolderOfASignedOutNameStartsWithAnEmptyInboxAfterTheRestart() throws Exception {
        String erin = SessionApi.unique("erin");
        String frank = SessionApi.unique("frank");
        onTheRestartServer(() -> {
            String erinToken = token(erin);
            try (WsClient f = connect(token(frank))) {
                f.send("{\"type\":\"direct\",\"to\":\"" + erin + "\",\"text\":\"for erin only\",\"id\":\"d-1\"}");
                assertEquals(1, f.until("ack").getInt("seq"));
            }

            restart();

            assertEquals(204, session("DELETE", null, erinToken).statusCode());
            assertEquals(401, session("GET", null, erinToken).statusCode(), "a signed-out token is refused at once");
            assertEquals(401, RawHttp.upgrade(PORT, "/switchboard/ws/chat?token=" + erinToken, Map.of()).status());
            String nextErin = token(erin);
            try (WsClient e = connect(nextErin)) {
                e.send("{\"type\":\"join\",\"room\":\"@me\",\"since\":0}");
                JsonObject joined = e.until("joined");
                assertEquals(0, joined.getInt("seq"), "the previous erin's messages are not the next one's");
            }
        });
    }
}
