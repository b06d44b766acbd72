package dev.switchboard.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.switchboard.config.Settings;
import dev.switchboard.delivery.HistoryDatabase;
import dev.switchboard.delivery.HistoryStore;
import dev.switchboard.delivery.Retention;
import dev.switchboard.delivery.SqlHistoryStore;
import dev.switchboard.delivery.StoredMessage;
import dev.switchboard.testing.TestPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * The shared database goes away (every session cut, new ones refused) and comes back: sends get an error and no
 * ack while it is away, the node says it is not ready, and both come back by themselves, with nothing acked that
 * was not stored.
 */
class DatabaseOutageTest {

    @Test
    void sendsFailWithoutAckDuringAnOutageAndServiceResumesByItself() throws Exception {
        String url = TestPostgres.fresh("outage");
        String name = url.substring(url.lastIndexOf('/') + 1);
        HistoryDatabase database = HistoryDatabase.pooled(url, TestPostgres.user(), TestPostgres.password());
        ClusterNode node = ClusterNode.on(database, Settings.of(Map.of(Settings.CLUSTER_HEARTBEAT, "PT0.3S")));
        ExecutorService writer = Executors.newSingleThreadExecutor();
        SqlHistoryStore store = new SqlHistoryStore(database, writer, Retention.fixed(1000), PostgresFanOut.doorbell(node));
        PostgresFanOut fanOut = new PostgresFanOut(node, store).start();
        try {
            await(() -> fanOut.trouble().isEmpty(), "the doorbell works");
            assertEquals(1, send(store, "before").get(10, TimeUnit.SECONDS));

            try (Connection admin = DriverManager.getConnection(TestPostgres.url("postgres"), TestPostgres.user(), TestPostgres.password());
                    Statement st = admin.createStatement()) {
                st.execute("ALTER DATABASE " + name + " ALLOW_CONNECTIONS false");
                st.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + name + "'");
                try {
                    ExecutionException refused = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                            () -> send(store, "during").get(30, TimeUnit.SECONDS), "no ack while the database is away");
                    assertTrue(refused.getCause() instanceof Exception);
                    assertFalse(store.reachable(), "not ready: the store does not answer");
                    await(() -> fanOut.trouble().isPresent(), "not ready: the doorbell is down");
                } finally {
                    st.execute("ALTER DATABASE " + name + " ALLOW_CONNECTIONS true");
                }
            }

            await(() -> fanOut.trouble().isEmpty(), "the doorbell back by itself");
            assertTrue(store.reachable());
            assertEquals(2, send(store, "after").get(10, TimeUnit.SECONDS), "the refused message was not stored");
        } finally {
            fanOut.stop();
            store.close();
            writer.shutdown();
        }
    }

    @Test
    void aBatchWhoseSessionWasCutIsStoredOnANewOne() throws Exception {
        String url = TestPostgres.fresh("cut");
        String name = url.substring(url.lastIndexOf('/') + 1);
        HistoryDatabase database = HistoryDatabase.pooled(url, TestPostgres.user(), TestPostgres.password());
        ExecutorService writer = Executors.newSingleThreadExecutor();
        SqlHistoryStore store = new SqlHistoryStore(database, writer, Retention.fixed(1000));
        try {
            assertEquals(1, send(store, "before").get(10, TimeUnit.SECONDS));
            try (Connection admin = DriverManager.getConnection(TestPostgres.url("postgres"), TestPostgres.user(), TestPostgres.password());
                    Statement st = admin.createStatement()) {
                st.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + name + "'");
            }
            assertEquals(2, send(store, "after a restart of the database's sessions").get(10, TimeUnit.SECONDS),
                    "stored on a new connection, not refused");
        } finally {
            store.close();
            writer.shutdown();
        }
    }

    private static CompletableFuture<Long> send(SqlHistoryStore store, String text) {
        CompletableFuture<Long> acked = new CompletableFuture<>();
        store.append("lobby", new HistoryStore.Draft("ana", null, text, null, Instant.now()), new HistoryStore.Appended() {
            @Override
            public void stored(StoredMessage m, boolean duplicate) {
                acked.complete(m.seq());
            }

            @Override
            public void failed(Exception e) {
                acked.completeExceptionally(e);
            }
        });
        return acked;
    }

    /** Readiness has no event to wait for: it is polled, every 20 ms, for at most 20 s. */
    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting: " + what);
            }
            LockSupport.parkNanos(20_000_000L);
        }
    }
}
