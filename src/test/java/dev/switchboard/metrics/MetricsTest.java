package dev.switchboard.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.switchboard.chat.ChatEndpoint;
import dev.switchboard.config.Settings;
import dev.switchboard.delivery.CommitAnnouncer;
import dev.switchboard.delivery.HistoryDatabase;
import dev.switchboard.delivery.HistoryStore;
import dev.switchboard.delivery.Retention;
import dev.switchboard.delivery.SqlHistoryStore;
import dev.switchboard.delivery.StoredMessage;
import dev.switchboard.testing.PrometheusParser;
import dev.switchboard.testing.PrometheusParser.Exposition;
import dev.switchboard.testing.PrometheusParser.Sample;
import dev.switchboard.testing.TestServer;
import dev.switchboard.testing.WsClient;
import jakarta.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The meters behind {@code GET /api/metrics}: what real connections on the in-process server count (frames in and out by
 * endpoint, refusals by code, closes by code, delivery latency, the gauges), the store's batches, and the two text forms
 * read back by the Prometheus project's own parsers.
 */
class MetricsTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(Settings.of(Map.of()), ChatEndpoint.class);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static WsClient as(String user) {
        return WsClient.welcomed(server.uri(ChatEndpoint.PATH, user));
    }

    /** Counters are updated on the server's threads (a send completes after the client may have read it): polled. */
    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting: " + what + "; metrics now " + server.metrics.json());
            }
            LockSupport.parkNanos(10_000_000L);
        }
    }

    private static long number(String key) {
        return server.metrics.json().getJsonNumber(key).longValue();
    }

    @Test
    void realConnectionsAreCountedAndBothTextFormsParse() {
        Metrics m = server.metrics;
        try (WsClient alice = as("alice"); WsClient bob = as("bob")) {
            alice.join("metered");
            bob.join("metered");
            alice.send("{\"type\":\"send\",\"room\":\"metered\",\"text\":\"counted\",\"id\":\"m-1\"}");
            assertEquals("counted", bob.until("message").getString("text"));
            alice.send("{\"type\":\"no-such-type\",\"id\":\"n-1\"}");
            JsonObject error = alice.until("error");
            assertEquals("unknown_type", error.getString("code"));
            await(() -> number("deliveries") >= 1, "the message's delivery latency recorded");
            assertEquals(2, number("connections"));
            assertEquals(2, number("users"));
            assertEquals(1, number("streams"));
            assertEquals(2, number("follows"));
            bob.close();
            await(() -> number("connections") == 1, "bob's close registered");
            // alice: join, send, the unknown type; bob: join
            await(() -> number("messagesIn") == 4, "4 frames in");
            // welcome x2, joined x2, alice's presence x2 (hers and bob's arrival), bob's presence (his own),
            // ack, message x2, error: at least 9 written; the exact number depends on presence fan-out, checked below
            await(() -> number("messagesOut") >= 9, "frames out");
            JsonObject json = m.json();
            assertEquals(1, json.getJsonObject("closes").getInt("1000"), json.toString());
            assertEquals(1, json.getJsonObject("refusals").getInt("unknown_type"), json.toString());
            assertEquals(0, json.getJsonObject("refusals").getInt("rate_limited"), json.toString());

            Exposition text = PrometheusParser.prometheus(m.scrape(MetricsFormat.PROMETHEUS.contentType()));
            JsonObject now = m.json();
            assertEquals(now.getJsonNumber("messagesIn").doubleValue(),
                    text.value("switchboard_messages_received_total", "endpoint", "chat").orElseThrow());
            assertEquals(now.getJsonNumber("messagesOut").doubleValue(),
                    text.value("switchboard_messages_sent_total", "endpoint", "chat").orElseThrow());
            assertEquals(1.0, text.value("switchboard_refusals_total", "reason", "unknown_type").orElseThrow());
            assertEquals(0.0, text.value("switchboard_refusals_total", "reason", "overloaded").orElseThrow());
            assertEquals(1.0, text.value("switchboard_closes_total", "code", "1000").orElseThrow());
            assertEquals(0.0, text.value("switchboard_closes_total", "code", "other").orElseThrow());
            assertEquals(1.0, text.value("switchboard_connections").orElseThrow());
            assertEquals(1.0, text.value("switchboard_users").orElseThrow());
            assertEquals(1.0, text.value("switchboard_follows").orElseThrow());
            assertTrue(text.value("switchboard_queued_bytes").isPresent());
            assertEquals("counter", text.family("switchboard_refusals").type()); // the parser names a counter family without _total
            assertEquals("gauge", text.family("switchboard_connections").type());
            assertHistogram(text, "switchboard_delivery_latency_seconds", now.getJsonNumber("deliveries").longValue());

            Exposition open = PrometheusParser.openMetrics(m.scrape(MetricsFormat.OPENMETRICS.contentType()));
            // OpenMetrics names the family without _total, and its samples with it
            assertEquals("counter", open.family("switchboard_closes").type());
            assertEquals(1.0, open.value("switchboard_closes_total", "code", "1000").orElseThrow());
            assertEquals(1.0, open.value("switchboard_refusals_total", "reason", "unknown_type").orElseThrow());
            assertEquals("gauge", open.family("switchboard_delivery_latency_seconds_max").type());
            assertHistogram(open, "switchboard_delivery_latency_seconds", now.getJsonNumber("deliveries").longValue());
        }
    }

    /** A histogram of {@code count} observations: cumulative buckets, the last (+Inf) holding them all. */
    static void assertHistogram(Exposition e, String name, long count) {
        assertEquals("histogram", e.family(name).type());
        List<Sample> buckets = e.family(name).samples().stream().filter(s -> s.name().equals(name + "_bucket")).toList();
        assertTrue(buckets.size() > 5, () -> "buckets of " + name + ": " + buckets);
        double previous = 0;
        for (Sample b : buckets) {
            assertTrue(b.value() >= previous, () -> "buckets not cumulative: " + buckets);
            previous = b.value();
        }
        Sample last = buckets.get(buckets.size() - 1);
        assertEquals("+Inf", last.labels().get("le"));
        assertEquals((double) count, last.value());
        assertEquals((double) count, e.value(name + "_count").orElseThrow());
    }

    @Test
    void theStoresBatchesAndCommitTimesAreRecorded() throws Exception {
        Metrics m = Metrics.create();
        ExecutorService writer = Executors.newSingleThreadExecutor();
        SqlHistoryStore store = new SqlHistoryStore(
                HistoryDatabase.h2("jdbc:h2:mem:metrics-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "", ""), writer,
                Retention.fixed(100), CommitAnnouncer.NONE, m);
        try {
            CountDownLatch stored = new CountDownLatch(5);
            for (int i = 0; i < 5; i++) {
                store.append("room-a", new HistoryStore.Draft("alice", null, "m" + i, null, Instant.now()), new HistoryStore.Appended() {
                    @Override
                    public void stored(StoredMessage message, boolean duplicate) {
                        stored.countDown();
                    }

                    @Override
                    public void failed(Exception e) {
                        fail(e);
                    }
                });
            }
            assertTrue(stored.await(WAIT.toSeconds(), TimeUnit.SECONDS));
            JsonObject json = m.json();
            long transactions = json.getJsonNumber("storeTransactions").longValue();
            assertEquals(5, json.getJsonNumber("stored").longValue(), json.toString());
            assertTrue(transactions >= 1 && transactions <= 5, json.toString());
            Exposition text = PrometheusParser.prometheus(m.scrape(MetricsFormat.PROMETHEUS.contentType()));
            assertEquals(5.0, text.value("switchboard_store_batch_size_sum").orElseThrow());
            assertHistogram(text, "switchboard_store_batch_size", transactions);
            assertHistogram(text, "switchboard_store_commit_seconds", transactions);
            assertTrue(text.value("switchboard_store_commit_seconds_sum").orElseThrow() > 0);
        } finally {
            store.close();
            writer.shutdownNow();
        }
    }

    @Test
    void closeCodesAPeerChoosesCountAsOther() {
        Metrics m = Metrics.create();
        m.closed(4321);
        m.closed(3999);
        m.closed(4008);
        JsonObject closes = m.json().getJsonObject("closes");
        assertEquals(2, closes.getInt(Metrics.OTHER));
        assertEquals(1, closes.getInt("4008"));
        assertFalse(closes.containsKey("4321"));
    }

    @Test
    void handshakeRefusalsAreCountedByStatus() {
        Metrics m = Metrics.create();
        m.handshakeRefused(401);
        m.handshakeRefused(401);
        m.handshakeRefused(429);
        m.handshakeRefused(418); // not one the filter answers: other, so the series stay fixed
        Exposition e = PrometheusParser.prometheus(m.scrape("text/plain; version=0.0.4; charset=utf-8"));
        assertEquals(2.0, e.value("switchboard_handshake_refusals_total", "status", "401").orElseThrow());
        assertEquals(1.0, e.value("switchboard_handshake_refusals_total", "status", "429").orElseThrow());
        assertEquals(0.0, e.value("switchboard_handshake_refusals_total", "status", "403").orElseThrow(), "listed from 0");
        assertEquals(1.0, e.value("switchboard_handshake_refusals_total", "status", Metrics.OTHER).orElseThrow());
    }

    @Test
    void twoNodesInOneJvmKeepTheirOwnMeters() {
        Metrics one = Metrics.create();
        Metrics two = Metrics.create();
        one.traffic("chat").received();
        one.traffic("chat").received();
        two.traffic("chat").received();
        assertEquals(2, one.json().getJsonNumber("messagesIn").longValue());
        assertEquals(1, two.json().getJsonNumber("messagesIn").longValue());
        assertTrue(one.traffic("chat") == one.traffic("chat"), "resolved once per endpoint");
    }

    @Test
    void theBackplaneLagIsAHistogramInSeconds() {
        Metrics m = Metrics.create();
        assertFalse(m.scrape(MetricsFormat.PROMETHEUS.contentType()).contains("backplane"), "only on a cluster node");
        m.backplaneLag().accept(TimeUnit.MILLISECONDS.toNanos(3));
        Exposition text = PrometheusParser.prometheus(m.scrape(MetricsFormat.PROMETHEUS.contentType()));
        assertHistogram(text, "switchboard_cluster_backplane_lag_seconds", 1);
        assertEquals(0.003, text.value("switchboard_cluster_backplane_lag_seconds_sum").orElseThrow(), 1e-9);
        assertEquals(1.0, text.value("switchboard_cluster_backplane_lag_seconds_bucket", "le", "0.005").orElseThrow());
        assertEquals(0.0, text.value("switchboard_cluster_backplane_lag_seconds_bucket", "le", "0.002").orElseThrow());
    }

    @Test
    void theFormFollowsAccept() {
        assertEquals(MetricsFormat.PROMETHEUS, MetricsFormat.negotiate(null).orElseThrow());
        assertEquals(MetricsFormat.PROMETHEUS, MetricsFormat.negotiate("*/*").orElseThrow());
        assertEquals(MetricsFormat.PROMETHEUS, MetricsFormat.negotiate("text/plain").orElseThrow());
        assertEquals(MetricsFormat.JSON, MetricsFormat.negotiate("application/json").orElseThrow());
        assertEquals(MetricsFormat.JSON, MetricsFormat.negotiate("application/json, text/plain;q=0.5").orElseThrow());
        assertEquals(MetricsFormat.OPENMETRICS, MetricsFormat.negotiate("application/openmetrics-text").orElseThrow());
        // what Prometheus 2 sends
        assertEquals(MetricsFormat.OPENMETRICS, MetricsFormat.negotiate("application/openmetrics-text;version=1.0.0,"
                + "application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1").orElseThrow());
        assertEquals(MetricsFormat.PROMETHEUS, MetricsFormat.negotiate("application/openmetrics-text;q=0.2, text/plain").orElseThrow());
        assertEquals(MetricsFormat.PROMETHEUS, MetricsFormat.negotiate("text/*").orElseThrow());
        assertTrue(MetricsFormat.negotiate("text/html").isEmpty());
        assertTrue(MetricsFormat.negotiate("application/json;q=0").isEmpty());
    }
}
