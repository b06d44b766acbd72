package dev.switchboard.topics;

import dev.switchboard.security.TokenRefresh;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.chat.ChatEndpoint;
import dev.switchboard.config.Settings;
import dev.switchboard.socket.Connection;
import dev.switchboard.cluster.LocalFanOut;
import dev.switchboard.delivery.InMemoryHistoryStore;
import dev.switchboard.delivery.StoredMessage;
import dev.switchboard.delivery.StreamFollowers;
import dev.switchboard.testing.TestServer;
import dev.switchboard.testing.WsClient;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code /ws/topics} end to end on in-process Tyrus (127.0.0.1). */
class TopicEndpointTest {

    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(Settings.of(Map.of(Settings.TOPICS_RETAIN, "5", Settings.OPERATORS, "ops",
                Settings.SEND_QUEUE_BYTES, "65536",
                Settings.TOPICS_POLICIES, "ticker.>=latest-value,logs.>=drop-oldest,feed.>=drop-oldest")),
                TopicEndpoint.class, ChatEndpoint.class);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static WsClient client(String user) {
        WsClient c = WsClient.connect(server.uri(TopicEndpoint.PATH, user));
        JsonObject welcome = c.expect("welcome");
        assertEquals(user, welcome.getString("user"));
        return c;
    }

    private static JsonObject subscribe(WsClient c, String topic) {
        c.send("{\"type\":\"subscribe\",\"topic\":\"" + topic + "\"}");
        JsonObject s = c.expect("subscribed");
        assertEquals(topic, s.getString("topic"));
        return s;
    }

    private static String unique(String prefix) {
        return prefix + System.nanoTime();
    }

    private static final jakarta.json.spi.JsonProvider JSON = jakarta.json.spi.JsonProvider.provider(); // looked up once

    private static jakarta.json.JsonValue json(String s) {
        return JSON.createReader(new StringReader(s)).readValue();
    }

    @Test
    void welcomeFirstThenPingPong() {
        try (WsClient c = client("alice")) {
            c.send("{\"type\":\"ping\"}");
            c.expect("pong");
            c.send("{\"type\":\"join\",\"room\":\"lobby\"}");
            assertEquals("unknown_type", c.expect("error").getString("code"));
        }
    }

    @Test
    void subscribeIsUnknownOnChat() {
        try (WsClient c = WsClient.connect(server.uri(ChatEndpoint.PATH, "carol"))) {
            c.expect("welcome");
            c.send("{\"type\":\"subscribe\",\"topic\":\"ticker.ACME\"}");
            assertEquals("unknown_type", c.expect("error").getString("code"));
        }
    }

    @Test
    void severalTopicsAndWildcardsPerConnection() {
        String root = unique("t");
        try (WsClient c = client("alice"); WsClient other = client("bob")) {
            assertTrue(subscribe(c, root + ".a").getBoolean("recovered"));
            subscribe(c, root + ".*.x");
            subscribe(c, root + ".>"); // overlaps both: still one event per seq
            subscribe(other, root + ".b");
            assertEquals(1, server.topics.publish(root + ".a", json("{\"n\":1}")).toCompletableFuture().join());
            assertEquals(1, server.topics.publish(root + ".b", json("[1,2]")).toCompletableFuture().join());
            assertEquals(1, server.topics.publish(root + ".q.x", json("\"s\"")).toCompletableFuture().join());
            assertEquals(2, server.topics.publish(root + ".a", json("null")).toCompletableFuture().join());
            JsonObject e1 = c.expect("event");
            assertEquals(root + ".a", e1.getString("topic"));
            assertEquals(1, e1.getInt("seq"));
            assertEquals(json("{\"n\":1}"), e1.get("data"));
            assertTrue(e1.getString("ts").endsWith("Z"));
            JsonObject e2 = c.expect("event");
            assertEquals(root + ".b", e2.getString("topic"));
            assertEquals(json("[1,2]"), e2.get("data"));
            assertEquals(root + ".q.x", c.expect("event").getString("topic"));
            JsonObject e4 = c.expect("event");
            assertEquals(2, e4.getInt("seq"));
            assertEquals(json("null"), e4.get("data"));
            JsonObject o = other.expect("event");
            assertEquals(root + ".b", o.getString("topic"));
            assertNull(other.poll(200), "bob subscribed to .b only");
            assertNull(c.poll(100), "no duplicates although three patterns match");
        }
    }

    @Test
    void unsubscribeStopsDeliveryAndBookkeepingFollows() {
        String root = unique("u");
        try (WsClient c = client("alice")) { // other tests' closes run concurrently: count by topic, not index size
            subscribe(c, root + ".a");
            subscribe(c, root + ".*");
            assertTrue(server.topics.hasSubscribers(root + ".b"));
            c.send("{\"type\":\"unsubscribe\",\"topic\":\"" + root + ".*\"}");
            assertEquals(root + ".*", c.expect("unsubscribed").getString("topic"));
            c.send("{\"type\":\"unsubscribe\",\"topic\":\"" + root + ".*\"}");
            assertEquals("not_joined", c.expect("error").getString("code"));
            server.topics.publish(root + ".b", json("1"));
            server.topics.publish(root + ".a", json("2"));
            JsonObject e = c.expect("event");
            assertEquals(root + ".a", e.getString("topic"), "nothing from the dropped pattern");
            assertFalse(server.topics.hasSubscribers(root + ".b"));
            assertTrue(server.topics.hasSubscribers(root + ".a"));
        }
        // the close forgets every subscription of the connection
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (server.topics.hasSubscribers(root + ".a") && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertFalse(server.topics.hasSubscribers(root + ".a"));
    }

    @Test
    void invalidTopicsAndPatternsAreBadRequests() {
        try (WsClient c = client("alice")) {
            for (String bad : List.of("", "a..b", "a.", ".a", "a.>.b", ">.a", "a.b*", "a b", "x".repeat(65))) {
                c.send(Json.createObjectBuilder().add("type", "subscribe").add("topic", bad).build().toString());
                JsonObject e = c.expect("error");
                assertEquals("bad_request", e.getString("code"), bad);
                assertEquals(bad, e.getString("topic"), "a refusal names the topic, whole, so a client can drop it");
            }
            c.send("{\"type\":\"subscribe\",\"topic\":\"a\",\"since\":-3}");
            assertEquals("bad_request", c.expect("error").getString("code"));
            c.send("{\"type\":\"subscribe\"}");
            assertEquals("bad_request", c.expect("error").getString("code"));
        }
    }

    @Test
    void lastReplaysTheRecentEventsOfAnExactTopicThenLive() {
        String root = unique("recent");
        String topic = root + ".log";
        for (int i = 1; i <= 7; i++) { // the test server keeps 5
            server.topics.publish(topic, json(String.valueOf(i))).toCompletableFuture().join();
        }
        try (WsClient c = client("alice")) {
            c.send("{\"type\":\"subscribe\",\"topic\":\"" + topic + "\",\"last\":3}");
            JsonObject s = c.expect("subscribed");
            assertEquals(7, s.getInt("seq"));
            assertTrue(s.getBoolean("recovered"));
            for (int seq = 5; seq <= 7; seq++) {
                JsonObject e = c.expect("event");
                assertEquals(seq, e.getInt("seq"));
                assertEquals(json(String.valueOf(seq)), e.get("data"));
            }
            server.topics.publish(topic, json("8")).toCompletableFuture().join();
            assertEquals(8, c.expect("event").getInt("seq"), "then live, no gap, no duplicate");

            c.send("{\"type\":\"subscribe\",\"topic\":\"" + topic + "\",\"last\":100}");
            c.expect("subscribed");
            for (int seq = 4; seq <= 8; seq++) { // more than is kept: everything kept
                assertEquals(seq, c.expect("event").getInt("seq"));
            }
        }
        try (WsClient c = client("bob")) {
            subscribe(c, topic); // without last: live only, as before
            c.send("{\"type\":\"subscribe\",\"topic\":\"" + root + ".*\",\"last\":3}");
            c.expect("subscribed"); // a pattern is live only, last or not
            assertNull(c.poll(200), "nothing replayed");
            c.send("{\"type\":\"subscribe\",\"topic\":\"" + topic + "\",\"last\":1001}");
            assertEquals("bad_request", c.expect("error").getString("code"));
        }
    }

    private String epochOf(String topic) {
        return server.history.head("#" + topic).epoch();
    }

    @Test
    void sinceReplaysWhatWasMissedAndSaysWhenItIsGone() {
        String topic = unique("r") + ".x";
        for (int i = 1; i <= 8; i++) { // retention is 5: seq 4..8 are kept
            server.topics.publish(topic, json(String.valueOf(i)));
        }
        try (WsClient c = client("alice")) {
            c.send("{\"type\":\"subscribe\",\"topic\":\"" + topic + "\",\"since\":5,\"epoch\":\"" + epochOf(topic) + "\"}");
            assertTrue(c.expect("subscribed").getBoolean("recovered"));
            for (int seq = 6; seq <= 8; seq++) {
                assertEquals(seq, c.expect("event").getInt("seq"));
            }
            server.topics.publish(topic, json("9"));
            assertEquals(9, c.expect("event").getInt("seq"));
        }
        try (WsClient c = client("alice")) {
            c.send("{\"type\":\"subscribe\",\"topic\":\"" + topic + "\",\"since\":1}");
            assertFalse(c.expect("subscribed").getBoolean("recovered"), "seq 2 and 3 are gone");
            assertEquals(5, c.expect("event").getInt("seq"), "what is kept still comes");
            c.send("{\"type\":\"subscribe\",\"topic\":\"" + topic + "\",\"since\":99}");
            assertFalse(c.until("subscribed").getBoolean("recovered"), "a cursor from the future");
        }
        try (WsClient c = client("alice")) {
            c.send("{\"type\":\"subscribe\",\"topic\":\"" + topic.substring(0, topic.indexOf('.')) + ".*\",\"since\":3}");
            assertFalse(c.expect("subscribed").getBoolean("recovered"), "patterns are live only");
            assertNull(c.poll(200), "and replay nothing");
        }
    }

    /** A latest-value topic keeps fewer events, but a client that keeps up still resumes exactly: no value folded. */
    @Test
    void aLatestValueTopicReplaysExactlyWithinWhatItKeeps() {
        String topic = "ticker." + unique("Z");
        for (int i = 1; i <= 4; i++) {
            server.topics.publish(topic, json(String.valueOf(i))).toCompletableFuture().join();
        }
        try (WsClient c = client("alice")) {
            c.send("{\"type\":\"subscribe\",\"topic\":\"" + topic + "\",\"since\":1,\"epoch\":\"" + epochOf(topic) + "\"}");
            JsonObject subscribed = c.expect("subscribed");
            assertTrue(subscribed.getBoolean("recovered"));
            assertEquals(4, subscribed.getInt("seq"));
            assertEquals(epochOf(topic), subscribed.getString("epoch"));
            for (int seq = 2; seq <= 4; seq++) {
                assertEquals(seq, c.expect("event").getInt("seq"), "each value of the replay, none folded");
            }
            c.send("{\"type\":\"subscribe\",\"topic\":\"" + topic + "\",\"since\":3,\"epoch\":\"another\"}");
            assertFalse(c.until("subscribed").getBoolean("recovered"), "another history");
        }
    }

    /** Topics and rooms share the store: a topic's events are stored, its seq assigned there. */
    @Test
    void topicEventsAreStoredStreams() {
        String topic = unique("s") + ".x";
        assertEquals(1, server.topics.publish(topic, json("{\"a\":1}")).toCompletableFuture().join());
        StoredMessage m = server.history.last("#" + topic, 1).messages().get(0);
        assertEquals(1, m.seq());
        assertEquals("{\"a\":1}", m.text());
        assertEquals(1, server.topics.latest(topic));
        assertEquals(0, server.history.latest(topic), "a room of the same name is another stream");
    }

    /** The service directly, with a wire that records: a since-subscribe while another thread publishes. */
    @Test
    void recoveryDuringConcurrentPublishingHasNoGapsOrDuplicates() throws Exception {
        Settings settings = Settings.of(Map.of(Settings.TOPICS_RETAIN, "100000"));
        InMemoryHistoryStore history = new InMemoryHistoryStore(new TopicRetention(settings));
        LocalFanOut fanOut = new LocalFanOut();
        TopicService topics = new TopicService(settings, history, fanOut,
                new TopicSubscriptions(new StreamFollowers(fanOut, history, settings), fanOut, settings), (TokenRefresh) null);
        List<String> sent = java.util.Collections.synchronizedList(new ArrayList<>());
        Connection c = new Connection("1", "alice", null, new dev.switchboard.socket.Wire() {
            @Override
            public void sendText(String text, java.util.function.Consumer<Throwable> done) {
                sent.add(text);
                done.accept(null);
            }

            @Override
            public void close(jakarta.websocket.CloseReason reason) {}
        }, Long.MAX_VALUE);
        topics.opened(c);
        String topic = "race.x";
        int total = 5000;
        for (int i = 1; i <= 200; i++) {
            topics.publish(topic, JSON.createValue(i));
        }
        CompletableFuture<Void> publisher = CompletableFuture.runAsync(() -> {
            for (int i = 201; i <= total; i++) {
                topics.publish(topic, JSON.createValue(i));
            }
        });
        String epoch = history.head("#" + topic).epoch();
        topics.handle(c, new dev.switchboard.protocol.ClientMessage.Subscribe(topic, 100L, epoch));
        publisher.get(60, TimeUnit.SECONDS);
        List<JsonObject> frames = sent.stream().map(t -> JSON.createReader(new StringReader(t)).readObject()).toList();
        assertEquals("welcome", frames.get(0).getString("type"));
        assertEquals("subscribed", frames.get(1).getString("type"));
        assertTrue(frames.get(1).getBoolean("recovered"));
        assertEquals(total - 100 + 2, frames.size(), "every seq after 100 once");
        for (int i = 2; i < frames.size(); i++) {
            assertEquals(100 + i - 1, frames.get(i).getInt("seq"));
        }
    }

    @Test
    void logsNeedTheOperatorRole() {
        try (WsClient c = client("alice")) {
            for (String pattern : List.of("logs.server", "logs.*", "logs.>")) {
                c.send("{\"type\":\"subscribe\",\"topic\":\"" + pattern + "\"}");
                JsonObject e = c.expect("error");
                assertEquals("forbidden", e.getString("code"), pattern);
                assertEquals(pattern, e.getString("topic"));
            }
            subscribe(c, ">"); // allowed, but never carries logs to a non-operator
            String marker = unique("m");
            server.topics.publish("logs.server", json("1"));
            server.topics.publish(marker, json("2"));
            assertEquals(marker, c.until("event").getString("topic"));
        }
        try (WsClient ops = client("ops")) {
            subscribe(ops, "logs.*");
            server.topics.publish("logs.server", json("\"line\""));
            assertEquals("logs.server", ops.expect("event").getString("topic"));
        }
    }

    @Test
    void logLinesOfTheServerReachOperators() {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        LogPublisher logs = new LogPublisher(server.topics);
        try (WsClient ops = client("ops")) {
            subscribe(ops, LogPublisher.APP);
            logs.start(scheduler);
            Logger.getLogger("dev.switchboard.topics.test").log(Level.INFO, "hello {0}", "operators");
            JsonObject e = ops.expect("event");
            assertEquals(LogPublisher.APP, e.getString("topic"));
            assertEquals("INFO", e.getJsonObject("data").getString("level"));
            assertEquals("hello operators", e.getJsonObject("data").getString("message"));
        } finally {
            logs.stop();
            scheduler.shutdownNow();
        }
    }

    @Test
    void tickerPublishesOnlySubscribedSymbolsWithIncreasingSeq() {
        TickerPublisher ticker = new TickerPublisher(server.topics, server.settings);
        try (WsClient c = client("alice")) {
            long before = server.topics.latest("ticker.GLOBEX");
            subscribe(c, "ticker.ACME");
            long last = 0;
            for (int i = 0; i < 3; i++) {
                ticker.tick();
                JsonObject e = c.expect("event");
                assertEquals("ticker.ACME", e.getString("topic"));
                assertTrue(e.getJsonNumber("seq").longValue() > last);
                last = e.getJsonNumber("seq").longValue();
                assertEquals("ACME", e.getJsonObject("data").getString("symbol"));
                assertTrue(e.getJsonObject("data").getJsonNumber("price").doubleValue() > 0);
            }
            assertEquals(before, server.topics.latest("ticker.GLOBEX"), "nobody subscribed to GLOBEX");
        }
    }

    @Test
    void binaryEventsUseTheHeaderLayout() {
        String topic = unique("bin") + ".x";
        try (WsClient c = client("alice")) {
            subscribe(c, topic);
            byte[] payload = {0, 1, 2, (byte) 0xff};
            assertEquals(1, server.topics.publishBytes(topic, "image/png", payload).toCompletableFuture().join());
            ByteBuffer frame = ByteBuffer.wrap(c.nextBinary());
            int headerLength = frame.getShort() & 0xffff;
            byte[] header = new byte[headerLength];
            frame.get(header);
            JsonObject h = Json.createReader(new StringReader(new String(header, StandardCharsets.UTF_8))).readObject();
            assertEquals(topic, h.getString("topic"));
            assertEquals(1, h.getInt("seq"));
            assertEquals("image/png", h.getString("mime"));
            assertTrue(h.getString("ts").endsWith("Z"));
            byte[] rest = new byte[frame.remaining()];
            frame.get(rest);
            assertEquals(List.of((byte) 0, (byte) 1, (byte) 2, (byte) 0xff), toList(rest));
        }
    }

    private static List<Byte> toList(byte[] b) {
        List<Byte> out = new ArrayList<>();
        for (byte x : b) {
            out.add(x);
        }
        return out;
    }

    /** One subscriber that never reads: on a lossless topic it is closed with 4008; the reader gets everything. */
    @Test
    void aNonReadingSubscriberOnALosslessTopicIsClosedAndDelaysNoOne() throws Exception {
        String topic = unique("news") + ".x";
        try (StalledClient stalled = StalledClient.subscribe(server, "slow", topic); WsClient fast = client("fast")) {
            subscribe(fast, topic);
            Connection slow = server.connections.ofUser("slow").iterator().next();
            String data = "\"" + "x".repeat(8000) + "\"";
            int published = 0;
            while (slow.isOpen() && published < 5000) { // the client's and kernel's buffers fill, then its queue
                server.topics.publish(topic, json(data));
                published++;
            }
            assertFalse(slow.isOpen(), "closed as a slow consumer after " + published + " events");
            for (int seq = 1; seq <= published; seq++) {
                assertEquals(seq, fast.expect("event").getInt("seq"));
            }
        }
    }

    /** On a drop-oldest topic the same non-reader stays connected, its queue stays bounded, and loss is counted. */
    @Test
    void aNonReadingSubscriberOnALossyTopicStaysBoundedAndDelaysNoOne() throws Exception {
        String topic = "feed." + unique("f");
        try (StalledClient stalled = StalledClient.subscribe(server, "slow2", topic); WsClient fast = client("fast2")) {
            subscribe(fast, topic);
            Connection slow = server.connections.ofUser("slow2").iterator().next();
            String data = "\"" + "x".repeat(8000) + "\"";
            int published = 0;
            while (slow.pendingSkipped(topic) == 0 && published < 5000) {
                server.topics.publish(topic, json(data));
                published++;
            }
            for (int i = 0; i < 100; i++, published++) {
                server.topics.publish(topic, json(data));
            }
            assertTrue(slow.isOpen(), "a lossy topic never closes its subscriber");
            assertTrue(slow.pendingSkipped(topic) >= 100, "counted: " + slow.pendingSkipped(topic));
            assertTrue(slow.queuedBytes() <= 65536 + 64, "bounded: " + slow.queuedBytes());
            for (int seq = 1; seq <= published; seq++) {
                assertEquals(seq, fast.expect("event").getInt("seq"));
            }
        }
    }
}
