package dev.switchboard.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.testing.TestPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The SQL history store on PostgreSQL (the cluster's shared database), embedded: {@link TestPostgres}. Every test of
 * {@link SqlHistoryStoreContract}, each place a fresh database, and races of two nodes only a server database has.
 */
class SqlHistoryStorePostgresTest extends SqlHistoryStoreContract {

    /** The database of each place this test used. */
    private final Map<Path, String> urls = new ConcurrentHashMap<>();

    private String url(Path place) {
        return urls.computeIfAbsent(place.toAbsolutePath(), p -> TestPostgres.fresh("history"));
    }

    @Override
    protected HistoryDatabase database(Path place) {
        return HistoryDatabase.pooled(url(place), TestPostgres.user(), TestPostgres.password());
    }

    @Override
    protected Connection rawConnection(Path place) throws SQLException {
        return DriverManager.getConnection(url(place), TestPostgres.user(), TestPostgres.password());
    }

    /**
     * Two nodes store the first messages of a brand-new stream at the same moment: both find no head row (nothing to
     * lock), both insert one, and the second insert collides on the primary key once the first commits. The loser's
     * batch must be retried (the row now exists and is locked), so every append is stored, seqs 1..2n.
     *
     * <p>Deterministic: the test holds {@code LOCK TABLE sb_stream IN SHARE MODE}, which lets both writers' {@code
     * SELECT … FOR UPDATE} through but holds both head-row INSERTs; it commits once both wait there.
     */
    @ParameterizedTest(name = "{0} append(s) per node")
    @ValueSource(ints = {3, 1})
    void twoNodesCreatingOneNewStreamAtOnceBothHaveTheirAppendsStored(int perNode) throws Exception {
        List<Runnable> heldA = new ArrayList<>();
        List<Runnable> heldB = new ArrayList<>();
        SqlHistoryStore a = heldStore(heldA);
        SqlHistoryStore b = heldStore(heldB); // the same database: another node
        String stream = "#brand-new";
        List<CompletableFuture<Result>> results = new ArrayList<>();
        for (int i = 0; i < perNode; i++) {
            for (SqlHistoryStore node : List.of(a, b)) {
                CompletableFuture<Result> f = new CompletableFuture<>();
                node.append(stream, draft(node == a ? "alice" : "bob", "m" + i, null), recorder(f));
                results.add(f);
            }
        }
        assertEquals(1, heldA.size());
        assertEquals(1, heldB.size());
        List<Thread> writers = new ArrayList<>();
        try (Connection gate = rawConnection(dir); Statement st = gate.createStatement()) {
            gate.setAutoCommit(false);
            st.execute("LOCK TABLE sb_stream IN SHARE MODE");
            for (Runnable task : List.of(heldA.get(0), heldB.get(0))) {
                Thread t = new Thread(task, "writer-" + writers.size());
                t.start();
                writers.add(t);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (waitingOnStreamTable(st) < 2) {
                assertTrue(System.nanoTime() < deadline, "both writers reach the head-row insert");
                java.util.concurrent.locks.LockSupport.parkNanos(20_000_000L); // pg_locks has no event to wait on: polled
            }
            gate.commit(); // both inserts go on: one wins, the other collides on the primary key
        }
        for (Thread t : writers) {
            t.join(TimeUnit.SECONDS.toMillis(30));
        }
        List<String> failed = new ArrayList<>();
        List<Long> seqs = new ArrayList<>();
        for (CompletableFuture<Result> f : results) {
            try {
                seqs.add(f.get(10, TimeUnit.SECONDS).message().seq());
            } catch (ExecutionException e) {
                failed.add(String.valueOf(e.getCause()));
            }
        }
        assertEquals(List.of(), failed, "no append fails when another node creates the same stream at the same moment"
                + " (the losing head-row INSERT hits the primary key, SQLState 23505, and its batch is tried again)");
        seqs.sort(null);
        assertEquals(LongStream.rangeClosed(1, 2L * perNode).boxed().toList(), seqs, "seqs 1..2n, each once");
        assertEquals(2L * perNode, rows(a, stream));
    }

    private static int waitingOnStreamTable(Statement st) throws SQLException {
        try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM pg_locks WHERE NOT granted"
                + " AND relation = 'sb_stream'::regclass")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
