package dev.switchboard.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.switchboard.config.Settings;
import dev.switchboard.metrics.Metrics;
import dev.switchboard.metrics.MetricsFormat;
import dev.switchboard.delivery.HistoryDatabase;
import dev.switchboard.delivery.HistoryStore;
import dev.switchboard.delivery.Retention;
import dev.switchboard.delivery.SqlHistoryStore;
import dev.switchboard.delivery.StoredMessage;
import dev.switchboard.delivery.StreamFollowers;
import dev.switchboard.protocol.ServerMessage;
import dev.switchboard.socket.Connection;
import dev.switchboard.socket.OutboundFrame;
import dev.switchboard.socket.Wire;
import dev.switchboard.testing.TestPostgres;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.websocket.CloseReason;
import java.io.StringReader;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two nodes in one JVM on one real PostgreSQL, each with its own pool, store, doorbell listener and followers: what
 * one node commits reaches the other's followers in seq order, without gaps or repeats, also across a cut of the
 * listener's session (readiness down, then up, nothing lost). The real servers run the same in {@code it.cluster}.
 */
class TwoNodesTest {

    private static final Duration WAIT = Duration.ofSeconds(15);

    /** One node: everything a node of the WAR has for streams, built by hand. */
    private static final class Node implements AutoCloseable {
        final HistoryDatabase database;
        final ClusterNode cluster;
        final ExecutorService executor = Executors.newSingleThreadExecutor();
        final SqlHistoryStore store;
        final PostgresFanOut fanOut;
        final StreamFollowers followers;
        final SharedPresence presence;
        final NodeLeases leases;
        final Metrics metrics = Metrics.create();

        Node(String url) {
            database = HistoryDatabase.pooled(url, TestPostgres.user(), TestPostgres.password());
            Settings settings = Settings.of(Map.of(Settings.CLUSTER_HEARTBEAT, "PT0.3S", Settings.CLUSTER_NODE_TIMEOUT, "2"));
            cluster = ClusterNode.on(database, settings);
            String id = cluster.id();
            store = new SqlHistoryStore(database, executor, Retention.fixed(1000), (c, changes) -> Doorbell.ring(c, id, changes), metrics);
            fanOut = new PostgresFanOut(cluster, store, metrics).start();
            followers = new StreamFollowers(fanOut, store, 1 << 20, metrics);
            presence = new SharedPresence(cluster, fanOut);
            leases = new NodeLeases(cluster, presence);
            leases.start();
        }

        /** Appends as a room's send does: stored, then published here (the others hear the doorbell). */
        CompletableFuture<Long> send(String stream, String text) {
            CompletableFuture<Long> acked = new CompletableFuture<>();
            store.append(stream, new HistoryStore.Draft("ana", null, text, null, Instant.now()), new HistoryStore.Appended() {
                @Override
                public void stored(StoredMessage m, boolean duplicate) {
                    fanOut.publish(stream, m.seq(), dev.switchboard.delivery.StreamFrames.of(m), null);
                    acked.complete(m.seq());
                }

                @Override
                public void failed(Exception e) {
                    acked.completeExceptionally(e);
                }
            });
            return acked;
        }

        Recorder follow(String stream) {
            Recorder r = new Recorder();
            Connection c = new Connection("c" + System.nanoTime(), "bob", null, r, 1 << 20);
            followers.join(stream, c, c::send, 0L, null, 0,
                    replay -> new ServerMessage.Joined(stream, replay.latest(), replay.epoch(), List.of(), replay.recovered()));
            return r;
        }

        @Override
        public void close() {
            leases.stop();
            fanOut.stop();
            store.close();
            executor.shutdown();
        }
    }

    /** A connection's wire that records the seqs and texts of the messages it is sent. */
    private static final class Recorder implements Wire {
        final List<Long> seqs = new ArrayList<>();
        final List<String> texts = new ArrayList<>();
        final List<String> typing = new ArrayList<>();
        final List<String> presence = new ArrayList<>();

        @Override
        public synchronized void sendText(String text, Consumer<Throwable> done) {
            JsonObject o = Json.createReader(new StringReader(text)).readObject();
            if ("message".equals(o.getString("type", ""))) {
                seqs.add(o.getJsonNumber("seq").longValue());
                texts.add(o.getString("text"));
            } else if ("typing".equals(o.getString("type", ""))) {
                typing.add(o.getString("user"));
            } else if ("presence".equals(o.getString("type", ""))) {
                presence.add(o.getString("user") + " " + o.getString("event"));
            }
            notifyAll();
            done.accept(null);
        }

        /** Waits until {@code n} messages arrived (woken by each arrival), then returns their seqs. */
        synchronized List<Long> awaitMessages(int n) throws InterruptedException {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (seqs.size() < n) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    fail("timed out waiting for " + n + " messages; got " + seqs);
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            return List.copyOf(seqs);
        }

        synchronized List<String> awaitPresence(int n) throws InterruptedException {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (presence.size() < n) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    fail("timed out waiting for " + n + " presence events; got " + presence);
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            return List.copyOf(presence);
        }

        synchronized List<String> awaitTyping() throws InterruptedException {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (typing.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    fail("timed out waiting for typing");
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            return List.copyOf(typing);
        }

        @Override
        public void close(CloseReason reason) {}

        synchronized List<Long> seqs() {
            return List.copyOf(seqs);
        }
    }

    private Node a;
    private Node b;

    @BeforeEach
    void twoNodes() {
        String url = TestPostgres.fresh("twonodes");
        a = new Node(url);
        b = new Node(url);
        await(() -> a.fanOut.trouble().isEmpty() && b.fanOut.trouble().isEmpty(), "both doorbells work");
    }

    @AfterEach
    void stop() {
        a.close();
        b.close();
    }

    @Test
    void whatOneNodeCommitsReachesTheOthersFollowersInOrder() throws Exception {
        Recorder onB = b.follow("lobby");
        Recorder onA = a.follow("lobby");
        for (int i = 1; i <= 60; i++) {
            a.send("lobby", "m" + i);
        }
        a.send("lobby", "last").get(10, TimeUnit.SECONDS);
        assertEquals(seqs(1, 61), onB.awaitMessages(61));
        assertEquals(seqs(1, 61), onA.awaitMessages(61));
        assertEquals("m1", onB.texts.get(0));
        assertEquals("last", onB.texts.get(60));
    }

    @Test
    void eachNodeMeasuresItsBackplaneAndTheDeliveryOfTheOthersMessages() throws Exception {
        Recorder onB = b.follow("metered");
        a.send("metered", "measured").get(10, TimeUnit.SECONDS);
        assertEquals(seqs(1, 1), onB.awaitMessages(1));
        // B handed A's message to its follower: one latency sample there; A stored it: one batch of one there
        await(() -> number(b, "deliveries") == 1, "B's delivery latency recorded");
        assertEquals(1, number(a, "stored"));
        assertEquals(0, number(b, "stored"));
        // the self-pings come back every heartbeat (0.3 s here); each round trip is one sample
        await(() -> backplaneSamples(a) >= 1 && backplaneSamples(b) >= 1, "a backplane round trip on each node");
    }

    private static long number(Node n, String key) {
        return n.metrics.json().getJsonNumber(key).longValue();
    }

    private static double backplaneSamples(Node n) {
        for (String line : n.metrics.scrape(MetricsFormat.PROMETHEUS.contentType()).split("\n")) {
            if (line.startsWith("switchboard_cluster_backplane_lag_seconds_count ")) {
                return Double.parseDouble(line.substring(line.indexOf(' ') + 1));
            }
        }
        return 0;
    }

    @Test
    void theOtherNodesCachedTailFollowsEveryCommitWithoutRereadingIt() throws Exception {
        b.follow("lobby"); // caches the tail on B
        for (int round = 1; round <= 5; round++) {
            for (int i = 0; i < 3; i++) {
                a.send("lobby", "r" + round + "m" + i);
            }
            long latest = a.send("lobby", "r" + round + " last").get(10, TimeUnit.SECONDS);
            await(() -> b.store.head("lobby").seq() == latest, "B's tail at " + latest + ", not " + b.store.head("lobby").seq());
            assertEquals(latest, b.store.since("lobby", latest - 1, b.store.head("lobby").epoch()).messages().get(0).seq(),
                    "exactly what came after the cursor, from B's memory");
        }
    }

    @Test
    void concurrentSendersOnTwoNodesGiveOneOrderThatBothShow() throws Exception {
        Recorder onA = a.follow("lobby");
        Recorder onB = b.follow("lobby");
        List<CompletableFuture<Long>> acks = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            acks.add(a.send("lobby", "a" + i));
            acks.add(b.send("lobby", "b" + i));
        }
        List<Long> acked = new ArrayList<>();
        for (CompletableFuture<Long> ack : acks) {
            acked.add(ack.get(10, TimeUnit.SECONDS));
        }
        acked.sort(null);
        assertEquals(seqs(1, 200), acked, "every seq given once");
        assertEquals(seqs(1, 200), onA.awaitMessages(200));
        assertEquals(seqs(1, 200), onB.awaitMessages(200));
        assertEquals(onA.texts, onB.texts, "the same order on both nodes");
    }

    @Test
    void typingReachesTheOtherNodeOnce() throws Exception {
        Recorder onB = b.follow("lobby");
        a.fanOut.publish("lobby", 0, OutboundFrame.of(new ServerMessage.Typing("lobby", "ana")), "ana");
        assertEquals(List.of("ana"), onB.awaitTyping());
    }

    @Test
    void presenceIsOneMemberListAndOneJoinAndLeavePerUserAcrossNodes() throws Exception {
        assertTrue(a.presence.arrive("lobby", "ana"), "her first device anywhere");
        assertTrue(b.presence.arrive("lobby", "ben"));
        assertFalse(b.presence.arrive("lobby", "ana"), "her second device, on the other node: no second join");
        assertEquals(List.of("ana", "ben"), a.presence.members("lobby"));
        assertEquals(List.of("ana", "ben"), b.presence.members("lobby"));
        assertFalse(a.presence.depart("lobby", "ana"), "her device on B is still there");
        assertTrue(b.presence.depart("lobby", "ana"), "her last device");
        assertEquals(List.of("ben"), a.presence.members("lobby"));
    }

    @Test
    void theUsersOfANodeThatStopsRenewingItsLeaseLeaveWithinTheBoundAndOnlyOnce() throws Exception {
        Recorder onA = a.follow("lobby");
        assertTrue(b.presence.arrive("lobby", "ben"));
        assertTrue(b.presence.arrive("lobby", "cleo"));
        assertTrue(a.presence.arrive("lobby", "dora"));
        assertFalse(a.presence.arrive("lobby", "cleo"), "cleo has a device on A too");
        long killed = System.nanoTime();
        b.leases.abandon(); // B is killed: no goodbye, its lease lapses after the 2 s node timeout
        assertEquals(List.of("ben leave"), onA.awaitPresence(1), "ben leaves; cleo stays, she is on A as well");
        long seconds = Duration.ofNanos(System.nanoTime() - killed).toSeconds();
        assertTrue(seconds <= 4, "within node timeout + heartbeat (2 + 0.3 s), took " + seconds + " s");
        assertEquals(List.of("cleo", "dora"), a.presence.members("lobby"), "no zombie member");
    }

    @Test
    void aCutListenerMakesTheNodeNotReadyAndMissesNothing() throws Exception {
        Recorder onB = b.follow("lobby");
        a.send("lobby", "before").get(10, TimeUnit.SECONDS);
        onB.awaitMessages(1);

        terminateListeners();
        await(() -> b.fanOut.trouble().isPresent(), "node B reports its doorbell down");
        for (int i = 0; i < 20; i++) {
            a.send("lobby", "while cut " + i).get(10, TimeUnit.SECONDS);
        }
        await(() -> b.fanOut.trouble().isEmpty(), "node B ready again");
        a.send("lobby", "after").get(10, TimeUnit.SECONDS);
        assertEquals(seqs(1, 22), onB.awaitMessages(22));
    }

    /** Ends every LISTEN session on the server (both nodes' listeners reconnect). */
    private void terminateListeners() throws Exception {
        try (java.sql.Connection c = a.database.connect();
                PreparedStatement ps = c.prepareStatement("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                        + " WHERE query LIKE 'LISTEN%' OR query = 'SELECT 1'")) {
            try (ResultSet rs = ps.executeQuery()) {
                int n = 0;
                while (rs.next()) {
                    n++;
                }
                assertTrue(n >= 1, "a listener session to cut");
            }
        }
    }

    private static List<Long> seqs(long from, long to) {
        List<Long> out = new ArrayList<>();
        for (long s = from; s <= to; s++) {
            out.add(s);
        }
        return out;
    }

    /** Readiness has no event to wait for: it is polled, every 20 ms until the deadline. */
    /**
     * The admin API's request/reply: a request reaches the other node with its free-text body whole, and a reply too
     * long for one notice comes back to the asking node only, in parts, in order, the last one marked.
     */
    @Test
    void aNodeRequestReachesTheOtherNodeAndALongReplyComesBackInParts() {
        List<FanOut.NodeRequest> heardOnB = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<String> items = new ArrayList<>();
        for (int i = 0; i < 300; i++) { // about 30 KB: several notices
            items.add("{\"n\":" + i + ",\"pad\":\"" + "x".repeat(80) + "\"}");
        }
        b.fanOut.onRequest(r -> {
            heardOnB.add(r);
            b.fanOut.reply(r.origin(), new FanOut.NodeReply(r.id(), b.cluster.id(), items, true));
        });
        List<FanOut.NodeReply> onA = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<FanOut.NodeReply> onB = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<FanOut.NodeRequest> heardOnA = new java.util.concurrent.CopyOnWriteArrayList<>();
        a.fanOut.onRequest(heardOnA::add);
        a.fanOut.onReply(onA::add);
        b.fanOut.onReply(onB::add);
        assertEquals(java.util.Set.of(a.cluster.id(), b.cluster.id()), java.util.Set.copyOf(a.cluster.liveNodes()));
        assertEquals(a.cluster.id(), a.cluster.liveNodes().get(0), "the asking node first");

        a.fanOut.request(new FanOut.NodeRequest("q1", a.cluster.id(), "connections", "ana", "two\nlines"));
        await(() -> onA.stream().anyMatch(FanOut.NodeReply::last), "B's last part");
        assertEquals(1, heardOnA.size(), "A handled its own request once, at once");
        assertEquals(List.of(new FanOut.NodeRequest("q1", a.cluster.id(), "connections", "ana", "two\nlines")), heardOnB);
        assertTrue(onA.size() > 1, "in parts: " + onA.size());
        assertEquals(items, onA.stream().flatMap(r -> r.items().stream()).toList());
        assertTrue(onA.stream().allMatch(r -> r.id().equals("q1") && r.node().equals(b.cluster.id())));
        assertEquals(List.of(), onB, "a reply goes to the node that asked only");
    }

    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting: " + what);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(20_000_000L);
        }
    }
}
