package dev.switchboard.delivery;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SQL history store, on each database it runs on: every test here runs once per subclass, on an H2 file
 * ({@link SqlHistoryStoreTest}, the server's default) and on PostgreSQL ({@link SqlHistoryStorePostgresTest}).
 * A database is named by a place (a directory): the same place is the same database (a restart, another node),
 * another place a new, empty one.
 */
abstract class SqlHistoryStoreContract {

    @TempDir
    Path dir;

    private final ExecutorService writer = Executors.newSingleThreadExecutor();
    private final List<SqlHistoryStore> open = new ArrayList<>();
    private final List<ExecutorService> executors = new ArrayList<>();

    @AfterEach
    void closeAll() {
        open.forEach(SqlHistoryStore::close);
        writer.shutdownNow();
        executors.forEach(ExecutorService::shutdownNow);
    }

    /** A new pool on the database of {@code place} (created empty on first use), its schema in place. */
    protected abstract HistoryDatabase database(Path place);

    /** A plain connection to the database of {@code place}, without the schema script (a database from before). */
    protected abstract Connection rawConnection(Path place) throws SQLException;

    /** A store on the database of {@code place} with its own writer thread (another node), closed after the test. */
    protected SqlHistoryStore node(Path place, int retain) {
        ExecutorService own = Executors.newSingleThreadExecutor();
        executors.add(own);
        SqlHistoryStore s = new SqlHistoryStore(database(place), own, retain);
        open.add(s);
        return s;
    }

    private SqlHistoryStore store(int retain) {
        return store(dir, Retention.fixed(retain));
    }

    /** A store on the database of {@code in}, closed after the test. */
    protected SqlHistoryStore store(Path in, Retention retention) {
        SqlHistoryStore s = new SqlHistoryStore(database(in), writer, retention);
        open.add(s);
        return s;
    }

    /** A store whose writer task runs only when the test runs it: what is appended meanwhile is one batch. */
    protected SqlHistoryStore heldStore(List<Runnable> held) {
        SqlHistoryStore s = new SqlHistoryStore(database(dir), held::add, 1000);
        open.add(s);
        return s;
    }

    static HistoryStore.Draft draft(String from, String text, String id) {
        return new HistoryStore.Draft(from, null, text, id, Instant.now());
    }

    /** Appends and waits for the outcome. */
    static Result append(HistoryStore s, String stream, HistoryStore.Draft d) throws Exception {
        CompletableFuture<Result> f = new CompletableFuture<>();
        s.append(stream, d, recorder(f));
        return f.get(10, TimeUnit.SECONDS);
    }

    static HistoryStore.Appended recorder(CompletableFuture<Result> f) {
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

    /** Also notes the stored message's text in {@code calls}, in the order callbacks come. */
    private static HistoryStore.Appended recorder(CompletableFuture<Result> f, List<String> calls) {
        HistoryStore.Appended inner = recorder(f);
        return new HistoryStore.Appended() {
            @Override
            public void stored(StoredMessage m, boolean duplicate) {
                calls.add(m.text());
                inner.stored(m, duplicate);
            }

            @Override
            public void failed(Exception e) {
                inner.failed(e);
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

    /**
     * Two nodes (two stores, two pools, two writer threads) on one database append to one stream at once: the head
     * row locked by each batch makes every seq assigned once, with no gap, and every append is acked.
     */
    @Test
    void twoNodesAppendingToOneStreamGetDistinctGapFreeSeqs() throws Exception {
        SqlHistoryStore[] nodes = {node(dir, 100_000), node(dir, 100_000)};
        assertEquals(1, append(nodes[0], "shared", draft("seed", "first", null)).message().seq(), "the stream exists");
        int senders = 4;
        int each = 150;
        List<Long> acked = Collections.synchronizedList(new ArrayList<>());
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch done = new CountDownLatch(senders * each);
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(senders);
        executors.add(pool);
        for (int t = 0; t < senders; t++) {
            SqlHistoryStore node = nodes[t % 2];
            String from = "user" + t;
            pool.execute(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < each; i++) {
                    node.append("shared", draft(from, "m" + i, null), new HistoryStore.Appended() {
                        @Override
                        public void stored(StoredMessage m, boolean duplicate) {
                            acked.add(m.seq());
                            done.countDown();
                        }

                        @Override
                        public void failed(Exception e) {
                            failures.add(e);
                            done.countDown();
                        }
                    });
                }
            });
        }
        go.countDown();
        assertTrue(done.await(60, TimeUnit.SECONDS), "every append answered");
        assertEquals(List.of(), failures, "no append failed");
        List<Long> sorted = new ArrayList<>(acked);
        Collections.sort(sorted);
        assertEquals(LongStream.rangeClosed(2, senders * each + 1).boxed().toList(), sorted,
                "seqs 2..N+1, each acked once, no gap");
        assertEquals(senders * each + 1, rows(nodes[1], "shared"), "every ack is a row");
        assertTrue(nodes[0].commits() > 1 && nodes[1].commits() > 0, "both nodes wrote");
        // (not asserted: what a node reads. Its tail cache learns of the other node's rows only when it next writes
        // to the stream, so reads on one node lag the other's writes until then.)
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
        String epoch = s.head("trim").epoch();
        Replay recent = s.since("trim", 90, epoch);
        assertTrue(recent.recovered());
        assertEquals(10, recent.messages().size());
        assertFalse(s.since("trim", 90, null).recovered(), "without an epoch a cursor is never taken as exact");
        assertEquals(10, s.since("trim", 90, null).messages().size(), "but what came after it is replayed");
        assertFalse(s.since("trim", 101, epoch).recovered(), "a cursor from the future");
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
        SqlHistoryStore s = heldStore(held);
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
        SqlHistoryStore s = new SqlHistoryStore(database(dir), writer, 1000);
        assertTrue(s.reachable(), "an open store on a working database is reachable");
        s.close();
        assertFalse(s.reachable(), "a closing store is not ready for appends");
    }

    @Test
    void closeStoresWhatIsQueuedAndLaterAppendsFail() throws Exception {
        List<Runnable> never = new ArrayList<>(); // the writer task never runs: everything stays queued
        SqlHistoryStore s = new SqlHistoryStore(database(dir), never::add, 1000);
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
        SqlHistoryStore s = heldStore(held);
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

    @Test
    void theEpochOutlivesARestartOnTheSameFileAndACursorOfItIsExact() throws Exception {
        SqlHistoryStore s = store(1000);
        for (int i = 1; i <= 5; i++) {
            append(s, "keep", draft("alice", "k" + i, "k" + i));
        }
        Position before = s.head("keep");
        assertEquals(5, before.seq());
        s.close();

        SqlHistoryStore again = store(1000);
        assertEquals(before, again.head("keep"), "same epoch, same seq");
        Replay replay = again.since("keep", 2, before.epoch());
        assertTrue(replay.recovered());
        assertEquals(before.epoch(), replay.epoch());
        assertEquals(List.of("k3", "k4", "k5"), replay.messages().stream().map(StoredMessage::text).toList());
    }

    @Test
    void aFreshDatabaseGivesNewEpochsSoAnOldCursorIsNotTakenAsExact() throws Exception {
        SqlHistoryStore first = store(1000);
        for (int i = 1; i <= 3; i++) {
            append(first, "lobby", draft("alice", "old" + i, null));
        }
        Position old = first.head("lobby");

        Path other = Files.createDirectories(dir.resolve("replaced"));
        SqlHistoryStore fresh = store(other, Retention.fixed(1000));
        for (int i = 1; i <= 4; i++) {
            append(fresh, "lobby", draft("bob", "new" + i, null));
        }
        Position now = fresh.head("lobby");
        assertNotEquals(old.epoch(), now.epoch());
        Replay replay = fresh.since("lobby", 2, old.epoch());
        assertFalse(replay.recovered(), "seq 2 of another history means nothing here");
        assertEquals(List.of("new1", "new2", "new3", "new4"), replay.messages().stream().map(StoredMessage::text).toList(),
                "everything kept is replayed");
    }

    @Test
    void aResetEmptiesTheStreamWithANewEpochAndSeqsStartingOverDurably() throws Exception {
        SqlHistoryStore s = store(1000);
        for (int i = 1; i <= 3; i++) {
            append(s, "@guest", draft("alice", "before" + i, "c" + i));
        }
        Position before = s.head("@guest");
        CompletableFuture<Void> reset = new CompletableFuture<>();
        s.reset("@guest", () -> reset.complete(null));
        reset.get(10, TimeUnit.SECONDS);

        Position after = s.head("@guest");
        assertNotEquals(before.epoch(), after.epoch());
        assertEquals(0, after.seq());
        assertEquals(0, rows(s, "@guest"));
        assertTrue(s.since("@guest", 0, after.epoch()).messages().isEmpty());
        Replay stale = s.since("@guest", 3, before.epoch());
        assertFalse(stale.recovered(), "a cursor of the history before the reset");
        assertTrue(stale.messages().isEmpty());

        Result resent = append(s, "@guest", draft("alice", "again", "c1"));
        assertFalse(resent.duplicate(), "a resend from before the reset is a new message");
        assertEquals(1, resent.message().seq());
        s.close();

        SqlHistoryStore restarted = store(1000);
        assertEquals(new Position(after.epoch(), 1), restarted.head("@guest"));
        assertEquals(List.of("again"), restarted.since("@guest", 0, null).messages().stream().map(StoredMessage::text).toList());
    }

    @Test
    void aResetIsInOrderWithTheAppendsOfItsBatch() throws Exception {
        List<Runnable> held = new ArrayList<>();
        SqlHistoryStore s = heldStore(held);
        List<String> calls = Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<Result> earlier = new CompletableFuture<>();
        s.append("@guest", draft("alice", "earlier", "old"), recorder(earlier, calls));
        held.remove(0).run(); // stored in a batch of its own
        assertEquals(1, earlier.get().message().seq());

        CompletableFuture<Result> a = new CompletableFuture<>();
        CompletableFuture<Result> b = new CompletableFuture<>();
        CompletableFuture<Result> c = new CompletableFuture<>();
        CompletableFuture<Result> d = new CompletableFuture<>();
        s.append("@guest", draft("alice", "a", "same"), recorder(a, calls));
        s.append("@guest", draft("alice", "b", null), recorder(b, calls));
        s.reset("@guest", () -> calls.add("reset"));
        s.append("@guest", draft("alice", "c", "same"), recorder(c, calls));
        s.append("@guest", draft("alice", "d", "old"), recorder(d, calls));
        assertEquals(1, held.size());
        held.get(0).run();

        assertEquals(List.of("earlier", "a", "b", "reset", "c", "d"), calls, "callbacks in queue order");
        assertEquals(2, s.commits(), "the four appends and the reset in one transaction");
        assertEquals(2, a.get().message().seq());
        assertEquals(3, b.get().message().seq());
        assertFalse(c.get().duplicate(), "a client id seen earlier in the batch, before the reset, does not count");
        assertEquals(1, c.get().message().seq());
        assertFalse(d.get().duplicate(), "nor one stored before the batch");
        assertEquals(2, d.get().message().seq());
        assertEquals(2, rows(s, "@guest"), "what came before the reset is not kept");
        assertEquals(List.of("c", "d"), s.since("@guest", 0, null).messages().stream().map(StoredMessage::text).toList());
    }

    @Test
    void byteRetentionTrimsTheOldestAndKeepsTheNewest() throws Exception {
        long limit = 10 * draftSize(100); // ten messages of 100 characters
        SqlHistoryStore s = store(dir, stream -> new Retention.Limits(1000, limit));
        for (int i = 1; i <= 30; i++) {
            append(s, "#bulk", draft("feed", String.format("%03d", i) + "x".repeat(97), null));
            long kept = s.since("#bulk", 0, null).messages().stream().mapToLong(StoredMessage::size).sum();
            assertTrue(kept <= limit, "kept " + kept + " bytes after " + i);
        }
        long kept = rows(s, "#bulk");
        assertTrue(kept >= 9 && kept <= 10, "kept " + kept);
        Replay replay = s.since("#bulk", 0, null);
        assertFalse(replay.recovered());
        assertEquals(kept, replay.messages().size());
        assertEquals(30, replay.messages().get(replay.messages().size() - 1).seq());
        assertTrue(replay.messages().get(0).text().startsWith(String.format("%03d", 31 - kept)), "from the oldest kept");

        Result huge = append(s, "#bulk", draft("feed", "y".repeat(5000), null));
        assertEquals(List.of(huge.message()), s.since("#bulk", 0, null).messages(), "one over the limit stays, alone");
        assertEquals(1, rows(s, "#bulk"));
        s.close();
        assertEquals(List.of(huge.message()), store(dir, stream -> new Retention.Limits(1000, limit))
                .since("#bulk", 0, null).messages(), "the database holds what the cache held");
    }

    private static long draftSize(int chars) {
        return new StoredMessage("s", 1, "f", null, "x".repeat(chars), Instant.now(), null).size();
    }

    @Test
    void aBinaryEventKeepsItsTypeAndA64KiBPayloadFits() throws Exception {
        byte[] bytes = new byte[64 * 1024];
        new Random(7).nextBytes(bytes);
        String base64 = Base64.getEncoder().encodeToString(bytes);
        SqlHistoryStore s = store(1000);
        Result stored = append(s, "#cams", new HistoryStore.Draft("cam1", null, base64, null, Instant.now(), "image/png"));
        assertEquals("image/png", stored.message().mime());
        assertEquals("image/png", s.last("#cams", 1).messages().get(0).mime());
        s.close();

        StoredMessage read = store(1000).since("#cams", 0, null).messages().get(0);
        assertEquals("image/png", read.mime(), "read back from the database");
        assertArrayEquals(bytes, Base64.getDecoder().decode(read.text()));
        assertEquals(stored.message(), read);
    }

    @Test
    void anEmptyStreamsEpochIsTheOneItKeepsOnceWritten() throws Exception {
        SqlHistoryStore s = store(1000);
        Position empty = s.head("#quiet");
        assertEquals(0, empty.seq());
        for (int i = 0; i < TailCache.MAX_CACHED_STREAMS + 100; i++) {
            s.head("#other" + i); // evicts the empty stream's tail
        }
        assertEquals(empty, s.head("#quiet"), "the same epoch after its tail was evicted and reloaded");

        append(s, "#quiet", draft("feed", "first", null));
        assertEquals(new Position(empty.epoch(), 1), s.head("#quiet"));
        Replay replay = s.since("#quiet", 0, empty.epoch());
        assertTrue(replay.recovered());
        assertEquals(1, replay.messages().size());
        s.close();
        assertEquals(new Position(empty.epoch(), 1), store(1000).head("#quiet"), "and it is durable");
    }

    @Test
    void aDatabaseFromBeforeEpochsIsUpgradedOnceAtStart() throws Exception {
        try (Connection c = rawConnection(dir); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE sb_stream (name VARCHAR(80) NOT NULL PRIMARY KEY, latest BIGINT NOT NULL,"
                    + " trimmed BIGINT NOT NULL)");
            st.execute("CREATE TABLE sb_message (stream VARCHAR(80) NOT NULL, seq BIGINT NOT NULL, sender VARCHAR(64) NOT NULL,"
                    + " recipient VARCHAR(64), body VARCHAR(65536) NOT NULL, sent_at BIGINT NOT NULL, client_id VARCHAR(128),"
                    + " PRIMARY KEY (stream, seq))");
            st.execute("INSERT INTO sb_stream (name, latest, trimmed) VALUES ('lobby', 3, 0), ('@bob', 1, 0)");
            st.execute("INSERT INTO sb_message VALUES ('lobby', 1, 'alice', NULL, 'one', 1000, 'c1'),"
                    + " ('lobby', 2, 'alice', NULL, 'two', 2000, NULL), ('lobby', 3, 'bob', NULL, 'three', 3000, NULL),"
                    + " ('@bob', 1, 'alice', 'bob', 'dm', 4000, NULL)");
        }

        SqlHistoryStore s = store(1000);
        String lobby = epochRow(s, "lobby");
        assertNotNull(lobby, "every row got an epoch");
        assertNotNull(epochRow(s, "@bob"));
        assertNotEquals(lobby, epochRow(s, "@bob"), "one per stream");
        assertEquals(new Position(lobby, 3), s.head("lobby"));
        assertEquals(HistoryTables.BODY_CHARS, bodyChars(s), "the body was widened");
        Replay replay = s.since("lobby", 1, lobby);
        assertTrue(replay.recovered());
        assertEquals(List.of("two", "three"), replay.messages().stream().map(StoredMessage::text).toList());
        assertTrue(append(s, "lobby", draft("alice", "one", "c1")).duplicate(), "resends still recognised");
        Result big = append(s, "lobby", draft("alice", "z".repeat(200_000), null));
        assertEquals(4, big.message().seq());
        s.close();

        SqlHistoryStore again = store(1000);
        assertEquals(new Position(lobby, 4), again.head("lobby"), "assigned once: the next start keeps it");
    }

    private static String epochRow(SqlHistoryStore s, String stream) throws java.sql.SQLException {
        try (java.sql.Connection c = s.databaseForTests().connect();
                java.sql.PreparedStatement ps = c.prepareStatement("SELECT epoch FROM sb_stream WHERE name = ?")) {
            ps.setString(1, stream);
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next());
                return rs.getString(1);
            }
        }
    }

    private static int bodyChars(SqlHistoryStore s) throws java.sql.SQLException {
        try (java.sql.Connection c = s.databaseForTests().connect()) {
            boolean upper = c.getMetaData().storesUpperCaseIdentifiers(); // H2 folds unquoted names up, PostgreSQL down
            try (java.sql.ResultSet rs = c.getMetaData().getColumns(null, null, upper ? "SB_MESSAGE" : "sb_message",
                    upper ? "BODY" : "body")) {
                assertTrue(rs.next());
                return rs.getInt("COLUMN_SIZE");
            }
        }
    }

    static long rows(SqlHistoryStore s, String stream) throws java.sql.SQLException {
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
