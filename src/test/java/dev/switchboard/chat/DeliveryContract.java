package dev.switchboard.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.config.Settings;
import dev.switchboard.delivery.HistoryDatabase;
import dev.switchboard.delivery.HistoryStore;
import dev.switchboard.delivery.Position;
import dev.switchboard.delivery.SqlHistoryStore;
import dev.switchboard.testing.TestServer;
import dev.switchboard.testing.WsClient;
import jakarta.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Delivery guarantees end to end on in-process Tyrus, with the durable (SQL) store on each database it runs on: an H2
 * file ({@link DeliveryTest}, which also runs the race on the in-memory store) and PostgreSQL
 * ({@link DeliveryPostgresTest}). The same place ({@code dir}) is the same database, across a restart.
 */
abstract class DeliveryContract {

    @TempDir
    Path dir;

    private final ExecutorService writer = Executors.newSingleThreadExecutor();
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private TestServer server;

    @BeforeAll
    static void origins() {
        System.setProperty(Settings.ORIGINS, "https://chat.example.com");
    }

    @AfterAll
    static void clearOrigins() {
        System.clearProperty(Settings.ORIGINS);
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        writer.shutdownNow();
    }

    /** A new pool on the database of {@code place} (created empty on first use), its schema in place. */
    protected abstract HistoryDatabase database(Path place);

    private SqlHistoryStore jpa() {
        SqlHistoryStore s = new SqlHistoryStore(database(dir), writer, 1000);
        toClose.add(s::close);
        return s;
    }

    private TestServer start(HistoryStore history) {
        // the race test sends as fast as acks come back: the per-connection rate limit is not what it tests
        server = TestServer.start(Settings.of(Map.of(Settings.RATE, "100000", Settings.RATE_BURST, "100000")), history,
                ChatEndpoint.class);
        toClose.add(server);
        return server;
    }

    private WsClient as(String user) {
        WsClient c = WsClient.connect(server.uri(ChatEndpoint.PATH, user));
        toClose.add(c);
        assertEquals(user, c.expect("welcome").getString("user"));
        return c;
    }

    private static String send(String room, String text, String id) {
        return "{\"type\":\"send\",\"room\":\"" + room + "\",\"text\":\"" + text + "\",\"id\":\"" + id + "\"}";
    }

    /**
     * One client sends continuously while others join with {@code since} at random moments: each joiner
     * gets exactly since+1 .. the last seq, in order, no gap and no duplicate.
     */
    @Test
    void joiningWithSinceWhileMessagesFlowHasNoGapAndNoDuplicate() throws Exception {
        joiningWithSinceWhileMessagesFlow(jpa());
    }

    /** The race above on {@code store}. */
    protected void joiningWithSinceWhileMessagesFlow(HistoryStore store) throws Exception {
        start(store);
        int total = 500;
        WsClient alice = as("alice");
        alice.join("race");
        alice.expect("presence");
        AtomicBoolean sending = new AtomicBoolean(true);
        CompletableFuture<Void> sender = CompletableFuture.runAsync(() -> {
            for (int i = 1; i <= total; i++) {
                alice.send(send("race", "r" + i, "r-" + i));
                if (i % 10 == 0) { // a window of 10 unacknowledged sends
                    for (int a = i - 9; a <= i; a++) {
                        assertEquals(a, alice.until("ack").getInt("seq"));
                    }
                }
            }
            sending.set(false);
        });
        record Joiner(WsClient client, long since) {}
        List<Joiner> joiners = new ArrayList<>();
        int during = 0;
        for (int j = 0; j < 40 && (j < 4 || sending.get()); j++) {
            Position head = server.history.head("race");
            long latest = head.seq();
            long since = j % 5 == 0 ? 0 : Math.max(0, latest - j);
            WsClient bob = as("bob" + j);
            bob.send("{\"type\":\"join\",\"room\":\"race\",\"since\":" + since + ",\"epoch\":\"" + head.epoch() + "\"}");
            joiners.add(new Joiner(bob, since));
            if (latest > 0 && sending.get()) {
                during++;
            }
        }
        sender.get(60, TimeUnit.SECONDS);
        assertTrue(during >= 2, "joins happened while messages were being sent: " + during);
        for (Joiner j : joiners) {
            JsonObject joined = j.client.until("joined");
            assertTrue(joined.getBoolean("recovered"));
            List<Long> seqs = new ArrayList<>();
            while (seqs.isEmpty() || seqs.get(seqs.size() - 1) < total) {
                JsonObject f = j.client.next();
                if ("message".equals(f.getString("type"))) {
                    seqs.add(f.getJsonNumber("seq").longValue());
                }
            }
            assertEquals(LongStream.rangeClosed(j.since + 1, total).boxed().toList(), seqs,
                    "joined with since " + j.since + " at seq " + joined.getInt("seq"));
        }
        assertEquals(total, server.history.latest("race"));
    }

    @Test
    void badInputIsAnsweredWithItsCodeAndNothingIsStored() {
        start(jpa());
        WsClient alice = as("alice");
        as("bob");
        assertError(alice, "{\"type\":\"join\",\"room\":\"lobby\",\"since\":-1}", "bad_request");
        assertError(alice, "{\"type\":\"join\",\"room\":\"lobby\",\"since\":\"abc\"}", "bad_request");
        assertError(alice, "{\"type\":\"join\",\"room\":\"lobby\",\"since\":1.5}", "bad_request");
        // a room exists by being joined: a send to one this connection never joined (even one nobody has) is not_joined
        assertError(alice, send("lobby", "hi", "c-1"), "not_joined");
        assertError(alice, send("never-heard-of", "hi", "c-2"), "not_joined");
        assertError(alice, "{\"type\":\"direct\",\"to\":\"bob\",\"text\":\"" + "x".repeat(4097) + "\",\"id\":\"d-1\"}", "too_large");
        assertError(alice, "{\"type\":\"direct\",\"to\":\"nobody-ever\",\"text\":\"hi\",\"id\":\"d-2\"}", "not_found");
        assertError(alice, "{\"type\":\"direct\",\"to\":\"bob\",\"text\":\"hi\",\"id\":\"" + "i".repeat(129) + "\"}", "bad_request");
        alice.send("{\"type\":\"ping\"}");
        alice.expect("pong");
        for (String stream : List.of("lobby", "never-heard-of", "@alice", "@bob", "@nobody-ever")) {
            assertEquals(0, server.history.latest(stream), "nothing stored in " + stream);
        }
    }

    @Test
    void directMessagesReachEveryDeviceOfBothUsersAndAResendIsNotRepeated() {
        start(jpa());
        WsClient alice = as("alice");
        WsClient alicePhone = as("alice");
        WsClient bob = as("bob");
        WsClient bobPhone = as("bob");
        for (WsClient c : List.of(alice, alicePhone, bob, bobPhone)) {
            c.join("@me");
        }
        String dm = "{\"type\":\"direct\",\"to\":\"bob\",\"text\":\"psst\",\"id\":\"d-1\"}";
        alice.send(dm);
        JsonObject ack = alice.until("ack");
        assertEquals(1, ack.getInt("seq"));
        for (WsClient c : List.of(alice, alicePhone, bob, bobPhone)) {
            JsonObject d = c.until("direct");
            assertEquals("psst", d.getString("text"));
            assertEquals(1, d.getInt("seq"));
        }
        alice.send(dm);
        assertEquals(1, alice.until("ack").getInt("seq"), "the original seq");
        bob.send("{\"type\":\"direct\",\"to\":\"alice\",\"text\":\"yes?\",\"id\":\"d-1\"}");
        assertEquals(2, bob.until("ack").getInt("seq"), "bob's inbox: alice's message, then his own");
        for (WsClient c : List.of(alice, alicePhone, bob, bobPhone)) {
            assertEquals("yes?", c.until("direct").getString("text"), "no repeat of psst came first");
        }
        assertEquals(2, server.history.latest("@alice"));
        assertEquals(2, server.history.latest("@bob"));
    }

    @Test
    void historySurvivesARestartOnTheSameDatabaseFile() throws Exception {
        SqlHistoryStore first = jpa();
        start(first);
        WsClient alice = as("alice");
        alice.join("keep");
        for (int i = 1; i <= 5; i++) {
            alice.send(send("keep", "k" + i, "k-" + i));
            assertEquals(i, alice.until("ack").getInt("seq"));
        }
        String epoch = first.head("keep").epoch();
        alice.close();
        server.close();
        first.close();

        start(jpa());
        WsClient bob = as("bob");
        bob.send("{\"type\":\"join\",\"room\":\"keep\",\"since\":2,\"epoch\":\"" + epoch + "\"}");
        JsonObject joined = bob.expect("joined");
        assertEquals(5, joined.getInt("seq"));
        assertEquals(epoch, joined.getString("epoch"), "the same database, the same history");
        assertTrue(joined.getBoolean("recovered"));
        for (int i = 3; i <= 5; i++) {
            JsonObject m = bob.until("message");
            assertEquals(i, m.getInt("seq"));
            assertEquals("k" + i, m.getString("text"));
            assertEquals("alice", m.getString("from"));
        }
        WsClient alice2 = as("alice");
        alice2.join("keep");
        alice2.send(send("keep", "k5", "k-5"));
        assertEquals(5, alice2.until("ack").getInt("seq"), "a resend after the restart is still recognised");
        alice2.send(send("keep", "k6", "k-6"));
        assertEquals(6, alice2.until("ack").getInt("seq"));
    }

    private static void assertError(WsClient c, String frame, String code) {
        c.send(frame);
        JsonObject e = c.until("error");
        assertEquals(code, e.getString("code"), () -> frame + " -> " + e);
        assertFalse(e.getString("message").isEmpty());
    }
}
