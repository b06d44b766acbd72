package dev.switchboard.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SQL history store on an H2 file, as the server runs it by default. */
class SqlHistoryStoreTest {

    @TempDir
    Path dir;

    private final ExecutorService writer = Executors.newSingleThreadExecutor();
    private final List<SqlHistoryStore> open = new ArrayList<>();

    @AfterEach
    void closeAll() {
        open.forEach(SqlHistoryStore::close);
        writer.shutdownNow();
    }

    private SqlHistoryStore store(int retain) {
        SqlHistoryStore s = new SqlHistoryStore(
                HistoryDatabase.h2(HistoryDatabase.defaultUrl(dir), "", ""), writer, retain);
        open.add(s);
        return s;
    }

    private static HistoryStore.Draft draft(String from, String text, String id) {
        return new HistoryStore.Draft(from, null, text, id, Instant.now());
    }

    /** Appends and waits for the outcome. */
    private static Result append(HistoryStore s, String stream, HistoryStore.Draft d) throws Exception {
        CompletableFuture<Result> f = new CompletableFuture<>();
        s.append(stream, d, recorder(f));
        return f.get(10, TimeUnit.SECONDS);
    }

    private static HistoryStore.Appended recorder(CompletableFuture<Result> f) {
        return new HistoryStore.Appended() {
            @Override
            public void stored(StoredMessage m, boolean duplicate) {
                f.complete(new Result(m, duplicate));
            }

            @Override
            public void failed(Exception e) {
                f.completeExceptionally(e);
            }
        };
    }

    record Result(StoredMessage message, boolean duplicate) {}

    @Test
    void concurrentAppendsGetEverySeqOnceInOrderPerStreamInFewTransactions() throws Exception {
        SqlHistoryStore s = store(100_000);
        int senders = 8;
        int each = 250;
        Map<String, List<Long>> acked = new ConcurrentHashMap<>();
        CountDownLatch done = new CountDownLatch(senders * each);
        ExecutorService pool = Executors.newFixedThreadPool(senders);
        for (int t = 0; t < senders; t++) {
            String stream = "room-" + (t % 3);
            String from = "user" + t;
            pool.execute(() -> {
                for (int i = 0; i < each; i++) {
                    s.append(stream, draft(from, "m" + i, null), new HistoryStore.Appended() {
                        @Override
                        public void stored(StoredMessage m, boolean duplicate) {
                            acked.computeIfAbsent(stream, k -> Collections.synchronizedList(new ArrayList<>())).add(m.seq());
                            done.countDown();
                        }

                        @Override
                        public void failed(Exception e) {
                            throw new AssertionError(e);
                        }
                    });
                }
            });
        }
        assertTrue(done.await(30, TimeUnit.SECONDS));
        pool.shutdown();
        long total = 0;
        for (int r = 0; r < 3; r++) {
            String stream = "room-" + r;
            List<Long> seqs = acked.get(stream);
            for (int i = 0; i < seqs.size(); i++) {
                assertEquals(i + 1, seqs.get(i), "callbacks in seq order without holes in " + stream);
            }
            assertEquals(seqs.size(), s.latest(stream));
            assertEquals(seqs.size(), s.since(stream, 0, null).messages().size());
            total += seqs.size();
        }
        assertEquals(senders * each, total);
        assertEquals(senders * each, rows(s, null), "every ack is a row");
        assertTrue(s.commits() < senders * each, "group commit: fewer transactions (" + s.commits() + ") than messages");
    }

    @Test
    void retentionTrimsInBatchesAndReportsWhatIsGone() throws Exception {
        SqlHistoryStore s = store(20);
        for (int i = 1; i <= 100; i++) {
            assertEquals(i, append(s, "trim", draft("alice", "t" + i, "c" + i)).message().seq());
        }
        long kept = rows(s, "trim");
        assertTrue(kept >= 20 && kept <= 20 + 16, "kept " + kept);
        Replay all = s.since("trim", 0, null);
        assertFalse(all.recovered(), "seq 1.. were trimmed");
        assertEquals(kept, all.messages().size());
        assertEquals(100, all.messages().get(all.messages().size() - 1).seq());
        assertEquals(101 - kept, all.messages().get(0).seq(), "what is still there, from the oldest kept");
        Replay recent = s.since("trim", 90, null);
        assertTrue(recent.recovered());
        assertEquals(10, recent.messages().size());
        assertFalse(s.since("trim", 101, null).recovered(), "a cursor from the future");
        assertEquals(List.of(99L, 100L), s.last("trim", 2).messages().stream().map(StoredMessage::seq).toList());

        // a store opened later on the same file sees the same tail
        s.close();
        SqlHistoryStore again = store(20);
        Replay reloaded = again.since("trim", 0, null);
        assertFalse(reloaded.recovered());
        assertEquals(all.messages(), reloaded.messages());
    }

    @Test
    void aResendIsNotStoredTwiceEvenAfterARestart() throws Exception {
        SqlHistoryStore s = store(1000);
        Result first = append(s, "idem", draft("alice", "once", "same"));
        assertFalse(first.duplicate());
        assertEquals(1, first.message().seq());
        assertEquals(2, append(s, "idem", draft("bob", "other", "same")).message().seq(), "ids are per user");
        Result again = append(s, "idem", draft("alice", "once", "same"));
        assertTrue(again.duplicate());
        assertEquals(1, again.message().seq());
        s.close();

        SqlHistoryStore restarted = store(1000);
        Result afterRestart = append(restarted, "idem", draft("alice", "once", "same"));
        assertTrue(afterRestart.duplicate(), "the original is found in the database");
        assertEquals(1, afterRestart.message().seq());
        assertEquals(3, append(restarted, "idem", draft("alice", "new", "next")).message().seq(), "seq continues from the database");
        assertEquals(3, rows(restarted, "idem"));
    }

    @Test
    void duplicatesWithinOneBatchAreStoredOnce() throws Exception {
        List<Runnable> held = new ArrayList<>();
        SqlHistoryStore s = new SqlHistoryStore(HistoryDatabase.h2(HistoryDatabase.defaultUrl(dir), "", ""), held::add, 1000);
        open.add(s);
        List<CompletableFuture<Result>> results = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            CompletableFuture<Result> f = new CompletableFuture<>();
            s.append("batch", draft("alice", "x", "dup"), recorder(f));
            results.add(f);
        }
        assertEquals(1, held.size(), "one writer task for the whole burst");
        held.get(0).run();
        assertFalse(results.get(0).get().duplicate());
        assertTrue(results.get(1).get().duplicate());
        assertTrue(results.get(2).get().duplicate());
        assertEquals(1, rows(s, "batch"));
        assertEquals(1, s.commits());
    }

    @Test
    void reachableWhileOpenNotOnceClosing() {
        SqlHistoryStore s = new SqlHistoryStore(HistoryDatabase.h2(HistoryDatabase.defaultUrl(dir), "", ""), writer, 1000);
        assertTrue(s.reachable(), "an open store on a working database is reachable");
        s.close();
        assertFalse(s.reachable(), "a closing store is not ready for appends");
    }

    @Test
    void closeStoresWhatIsQueuedAndLaterAppendsFail() throws Exception {
        List<Runnable> never = new ArrayList<>(); // the writer task never runs: everything stays queued
        SqlHistoryStore s = new SqlHistoryStore(HistoryDatabase.h2(HistoryDatabase.defaultUrl(dir), "", ""), never::add, 1000);
        List<CompletableFuture<Result>> queued = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            CompletableFuture<Result> f = new CompletableFuture<>();
            s.append("flush", draft("alice", "q" + i, null), recorder(f));
            queued.add(f);
        }
        assertFalse(queued.get(0).isDone());
        s.close();
        for (int i = 0; i < 50; i++) {
            assertEquals(i + 1, queued.get(i).getNow(null).message().seq(), "acked by the flush on close");
        }
        CompletableFuture<Result> late = new CompletableFuture<>();
        s.append("flush", draft("alice", "late", null), recorder(late));
        assertTrue(late.isCompletedExceptionally(), "failed, not silently dropped");

        SqlHistoryStore reopened = store(1000);
        assertEquals(50, reopened.latest("flush"));
    }

    @Test
    void aCallbackMayAppendToAnotherStream() throws Exception {
        SqlHistoryStore s = store(1000);
        CompletableFuture<Result> second = new CompletableFuture<>();
        s.append("@bob", new HistoryStore.Draft("alice", "bob", "dm", "d1", Instant.now()), new HistoryStore.Appended() {
            @Override
            public void stored(StoredMessage m, boolean duplicate) {
                s.append("@alice", new HistoryStore.Draft("alice", "bob", "dm", "d1", Instant.now()), recorder(second));
            }

            @Override
            public void failed(Exception e) {
                second.completeExceptionally(e);
            }
        });
        assertEquals(1, second.get(10, TimeUnit.SECONDS).message().seq());
        assertEquals(1, s.latest("@bob"));
    }

    @Test
    void aMessageTheDatabaseRefusesFailsAloneAndOthersInItsBatchAreStored() throws Exception {
        List<Runnable> held = new ArrayList<>();
        SqlHistoryStore s = new SqlHistoryStore(HistoryDatabase.h2(HistoryDatabase.defaultUrl(dir), "", ""), held::add, 1000);
        open.add(s);
        CompletableFuture<Result> ok1 = new CompletableFuture<>();
        CompletableFuture<Result> bad = new CompletableFuture<>();
        CompletableFuture<Result> ok2 = new CompletableFuture<>();
        s.append("mixed", draft("alice", "fine", null), recorder(ok1));
        s.append("mixed", draft("alice", "fine", "x".repeat(200)), recorder(bad)); // over the client_id column
        s.append("mixed", draft("alice", "fine too", null), recorder(ok2));
        held.get(0).run();
        assertEquals(1, ok1.get().message().seq());
        assertTrue(bad.isCompletedExceptionally());
        assertEquals(2, ok2.get().message().seq(), "no hole where the refused one was");
        assertEquals(2, rows(s, "mixed"));
        assertInstanceOf(Replay.class, s.since("mixed", 0, null));
        assertEquals(2, s.since("mixed", 0, null).messages().size());
    }

    private static long rows(SqlHistoryStore s, String stream) throws java.sql.SQLException {
        try (java.sql.Connection c = s.databaseForTests().connect();
                java.sql.PreparedStatement ps = c.prepareStatement(stream == null ? "SELECT COUNT(*) FROM sb_message"
                        : "SELECT COUNT(*) FROM sb_message WHERE stream = ?")) {
            if (stream != null) {
                ps.setString(1, stream);
            }
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
