package dev.switchboard.delivery;

import dev.switchboard.config.Settings;
import dev.switchboard.socket.Metrics;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Durable history in a SQL database (plain JDBC), with group commit: appends are queued, and a writer
 * task stores everything queued for its streams as one transaction (the streams' head rows locked, seqs
 * assigned from them, rows inserted, retention trimmed), then runs the callbacks in order, so an ack
 * means stored. Joins read a per-stream tail cache that mirrors the rows the database holds for that
 * stream, updated before any callback publishes, so a join registered before reading never misses one.
 */
@ApplicationScoped
public class SqlHistoryStore implements HistoryStore {

    private static final Logger LOG = Logger.getLogger(SqlHistoryStore.class.getName());

    /** Appends stored per transaction at most. */
    static final int MAX_BATCH = 2000;
    /** Streams whose tails are cached; beyond it the least recently used are dropped (and reloaded when asked). */
    static final int MAX_CACHED_STREAMS = 2000;

    @Resource
    private ManagedExecutorService managedExecutor;

    private Settings settings;
    private HistoryDatabase database;
    private Executor executor;
    private int retain;
    private int trimBatch;

    /** Streams are spread over this many writers (by hash), each with its own queue and transaction; one
     *  stream always has the same writer, which keeps its seq order. Two writers measured slower than one on
     *  H2 (one file, concurrent transactions); a server database may gain from more. */
    static final int WRITERS = 1;

    private final Writer[] writers = new Writer[WRITERS];

    {
        for (int i = 0; i < WRITERS; i++) {
            writers[i] = new Writer();
        }
    }
    private final ThreadLocal<Boolean> inWriter = new ThreadLocal<>();
    private volatile boolean closing;
    private volatile boolean closed;
    private final Map<String, Tail> tails = new ConcurrentHashMap<>();
    private final AtomicLong clock = new AtomicLong();
    private final AtomicLong commits = new AtomicLong();

    protected SqlHistoryStore() {} // for CDI proxies

    /** In the container: the database from the settings, the writer on the managed executor (see {@link #open}). */
    @Inject
    public SqlHistoryStore(Settings settings) {
        this.settings = settings;
    }

    /** Outside a container: the given database and executor; {@link #close} closes the database too. */
    public SqlHistoryStore(HistoryDatabase database, Executor executor, int retain) {
        this.database = database;
        this.executor = executor;
        setRetain(retain);
    }

    @PostConstruct
    void open() {
        if (database == null) {
            database = HistoryDatabase.open(settings);
            executor = managedExecutor;
            setRetain(settings.historyRetained());
        }
    }

    /** Opens the database when the application starts, not on the first join (a provider boots in seconds). */
    void startup(@Observes @Initialized(ApplicationScoped.class) Object event) {
        head(""); // any call makes the container create (and open) the bean
    }

    private void setRetain(int retain) {
        this.retain = Math.max(1, retain);
        this.trimBatch = Math.max(16, this.retain / 10); // trim when this many are over, in one statement
    }

    // ---- writes

    @Override
    public void append(String stream, Draft draft, Appended appended) {
        writers[Math.floorMod(stream.hashCode(), WRITERS)].append(new Pending(stream, draft, appended));
    }

    /** One queue of appends and the task that stores them, one batch (transaction) at a time. */
    private final class Writer {
        final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
        final AtomicBoolean scheduled = new AtomicBoolean();
        final ReentrantLock writing = new ReentrantLock();
        /** The writer's own connection (auto-commit off), kept between batches; dropped after a failure. */
        Connection connection;

        void append(Pending p) {
            queue.add(p);
            if (closing) {
                afterClose(this);
                return;
            }
            if (scheduled.compareAndSet(false, true)) {
                try {
                    executor.execute(this::drain);
                } catch (RejectedExecutionException e) {
                    scheduled.set(false);
                    drain(); // the executor is going away: store on this thread rather than drop
                }
            }
        }

        /** The writer task: stores batches until the queue is empty. */
        void drain() {
            for (;;) {
                flush();
                scheduled.set(false);
                // an append that came after the last poll but saw the flag still set left its work to us
                if (closing || queue.isEmpty() || !scheduled.compareAndSet(false, true)) {
                    return;
                }
            }
        }

        /** Stores batches until the queue is empty (or the store is closed). */
        void flush() {
            writing.lock();
            inWriter.set(Boolean.TRUE);
            try {
                while (!closed && !queue.isEmpty()) {
                    writeBatch(this, takeBatch());
                }
            } finally {
                inWriter.remove();
                writing.unlock();
            }
        }

        Connection connection() throws SQLException {
            if (connection == null) {
                Connection c = database.connect();
                c.setAutoCommit(false);
                connection = c;
            }
            return connection;
        }

        void dropConnection() {
            if (connection != null) {
                try {
                    connection.close();
                } catch (SQLException ignored) {
                    // it failed already; a new one is opened for the next batch
                }
                connection = null;
            }
        }

        List<Pending> takeBatch() {
            List<Pending> batch = new ArrayList<>(Math.min(MAX_BATCH, 64));
            Pending p;
            while (batch.size() < MAX_BATCH && (p = queue.poll()) != null) {
                batch.add(p);
            }
            return batch;
        }
    }

    /** Stores a batch in one transaction, then calls back; a failed batch is split to isolate what fails. */
    private void writeBatch(Writer w, List<Pending> batch) {
        Map<String, List<Pending>> byStream = new LinkedHashMap<>();
        for (Pending p : batch) {
            byStream.computeIfAbsent(p.stream, k -> new ArrayList<>()).add(p);
        }
        Map<String, Written> written = new LinkedHashMap<>();
        try {
            Connection c = w.connection();
            try {
                Map<String, long[]> heads = lockHeads(c, byStream.keySet());
                List<StoredMessage> rows = new ArrayList<>(batch.size());
                List<Object[]> trims = new ArrayList<>();
                for (Map.Entry<String, List<Pending>> e : byStream.entrySet()) {
                    long[] head = heads.computeIfAbsent(e.getKey(), k -> new long[] {0, 0, 1}); // 1: a new stream
                    written.put(e.getKey(), assign(c, e.getKey(), head, e.getValue(), rows, trims));
                }
                saveHeads(c, heads);
                insert(c, rows);
                trim(c, trims); // after the inserts: a batch larger than retention trims its own rows
                c.commit();
                commits.incrementAndGet();
                Metrics.stored(rows.size());
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException | RuntimeException e) {
            w.dropConnection(); // whatever state it is in, the next batch starts on a fresh one
            for (String stream : byStream.keySet()) {
                Tail t = tails.get(stream);
                if (t != null) {
                    synchronized (t) {
                        t.loaded = false; // it may have been reloaded inside the failed transaction
                    }
                }
            }
            if (batch.size() > 1) {
                writeBatch(w, new ArrayList<>(batch.subList(0, batch.size() / 2)));
                writeBatch(w, new ArrayList<>(batch.subList(batch.size() / 2, batch.size())));
            } else {
                LOG.log(Level.WARNING, "could not store a message in " + batch.get(0).stream, e);
                callback(() -> batch.get(0).appended.failed(e));
            }
            return;
        }
        for (Map.Entry<String, Written> e : written.entrySet()) {
            applyStored(e.getKey(), e.getValue());
        }
        for (Pending p : batch) {
            callback(() -> p.appended.stored(p.result, p.duplicate));
        }
    }

    /**
     * One statement locks the head rows ({@code latest}, {@code trimmed}) of every stream in the batch
     * (SELECT … FOR UPDATE), so writers on several nodes never assign the same seq. A stream without a head
     * row is absent from the result; its row is inserted with the batch (a concurrent creator on another node
     * fails on the primary key, and its batch is retried).
     */
    private static Map<String, long[]> lockHeads(Connection c, java.util.Set<String> streams) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT name, latest, trimmed FROM sb_stream WHERE name IN (");
        for (int i = 0; i < streams.size(); i++) {
            sql.append(i == 0 ? "?" : ", ?");
        }
        Map<String, long[]> heads = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(sql.append(") FOR UPDATE").toString())) {
            int i = 1;
            for (String stream : streams) {
                ps.setString(i++, stream);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    heads.put(rs.getString(1), new long[] {rs.getLong(2), rs.getLong(3), 0});
                }
            }
        }
        return heads;
    }

    /** Writes the heads {latest, trimmed, new} back: updated where they existed (locked), else inserted. */
    private static void saveHeads(Connection c, Map<String, long[]> heads) throws SQLException {
        try (PreparedStatement update = c.prepareStatement("UPDATE sb_stream SET latest = ?, trimmed = ? WHERE name = ?");
                PreparedStatement insert = c.prepareStatement("INSERT INTO sb_stream (latest, trimmed, name) VALUES (?, ?, ?)")) {
            boolean updates = false;
            boolean inserts = false;
            for (Map.Entry<String, long[]> e : heads.entrySet()) {
                long[] head = e.getValue();
                PreparedStatement ps = head[2] == 0 ? update : insert;
                ps.setLong(1, head[0]);
                ps.setLong(2, head[1]);
                ps.setString(3, e.getKey());
                ps.addBatch();
                updates |= ps == update;
                inserts |= ps == insert;
            }
            if (updates) {
                update.executeBatch();
            }
            if (inserts) {
                insert.executeBatch();
            }
        }
    }

    /**
     * Within the transaction: assigns seqs after the stream's latest (its head {latest, trimmed} locked, and
     * advanced here), queues the trim.
     */
    private Written assign(Connection c, String stream, long[] head, List<Pending> appends,
            List<StoredMessage> rows, List<Object[]> trims) throws SQLException {
        Tail t = tail(stream);
        Map<String, StoredMessage> inBatch = new HashMap<>();
        List<StoredMessage> stored = new ArrayList<>(appends.size());
        synchronized (t) {
            if (!t.loaded || t.latest != head[0] || t.trimmed != head[1]) {
                t.load(c, stream, head[0], head[1]); // the cache is behind the database (another writer)
            }
            long latest = head[0];
            for (Pending p : appends) {
                Draft d = p.draft;
                String key = d.clientId() == null ? null : d.from() + "\u0000" + d.clientId();
                StoredMessage earlier = key == null ? null : inBatch.getOrDefault(key, t.byClientId.get(key));
                if (earlier != null) {
                    p.result = earlier;
                    p.duplicate = true;
                    continue;
                }
                StoredMessage m = new StoredMessage(stream, ++latest, d.from(), d.to(), d.text(),
                        d.ts().truncatedTo(ChronoUnit.MILLIS), d.clientId());
                rows.add(m);
                stored.add(m);
                p.result = m;
                if (key != null) {
                    inBatch.put(key, m);
                }
            }
            head[0] = latest;
        }
        if (head[0] - head[1] > retain + trimBatch) {
            long upTo = head[0] - retain;
            trims.add(new Object[] {stream, upTo});
            head[1] = upTo;
        }
        return new Written(stored, head[1]);
    }

    /** One prepared INSERT, executed as a JDBC batch (one round trip; PostgreSQL's driver can rewrite it to multi-row). */
    private static void insert(Connection c, List<StoredMessage> rows) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO sb_message (stream, seq, sender, recipient, body, sent_at, client_id) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            for (StoredMessage m : rows) {
                ps.setString(1, m.stream());
                ps.setLong(2, m.seq());
                ps.setString(3, m.from());
                setNullable(ps, 4, m.to());
                ps.setString(5, m.text());
                ps.setLong(6, m.ts().toEpochMilli());
                setNullable(ps, 7, m.clientId());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static void setNullable(PreparedStatement ps, int index, String value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.VARCHAR);
        } else {
            ps.setString(index, value);
        }
    }

    private static void trim(Connection c, List<Object[]> trims) throws SQLException {
        if (trims.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM sb_message WHERE stream = ? AND seq <= ?")) {
            for (Object[] trim : trims) {
                ps.setString(1, (String) trim[0]);
                ps.setLong(2, (Long) trim[1]);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** After commit, before any callback: the cached tail gets what was stored. */
    private void applyStored(String stream, Written w) {
        Tail t = tails.get(stream);
        if (t == null) {
            return; // the next read loads it from the database, committed
        }
        synchronized (t) {
            if (!t.loaded) {
                return;
            }
            for (StoredMessage m : w.stored) {
                if (m.seq() <= t.latest) {
                    continue; // a reader loaded it already
                }
                if (m.seq() != t.latest + 1) {
                    t.loaded = false; // something in between is not cached: reload when next asked
                    return;
                }
                t.add(m);
            }
            t.trimTo(w.trimmed);
        }
    }

    private static void callback(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "a delivery callback failed", e);
        }
    }

    // ---- reads (from the tail cache; a stream not cached is loaded from the database once)

    // transitional: the epoch column comes with the store's split
    private final String epoch = Epochs.next();

    @Override
    public Replay since(String stream, long since, String clientEpoch) {
        return read(stream, t -> {
            Recovery.Plan plan = Recovery.plan(since, clientEpoch, new Position(epoch, t.latest), t.trimmed);
            List<StoredMessage> out = new ArrayList<>();
            for (StoredMessage m : t.messages) {
                if (m.seq() > plan.after()) {
                    out.add(m);
                }
            }
            return new Replay(out, epoch, t.latest, plan.recovered());
        });
    }

    @Override
    public Position head(String stream) {
        return read(stream, t -> new Position(epoch, t.latest));
    }

    @Override
    public void reset(String stream, Runnable done) {
        throw new UnsupportedOperationException("transitional");
    }

    @Override
    public Replay last(String stream, int count) {
        return read(stream, t -> {
            List<StoredMessage> all = new ArrayList<>(t.messages);
            return new Replay(List.copyOf(all.subList(Math.max(0, all.size() - count), all.size())), epoch, t.latest, true);
        });
    }

    /** Reads a stream's loaded tail under its lock; an entry evicted meanwhile is looked up again. */
    private <T> T read(String stream, java.util.function.Function<Tail, T> reader) {
        for (;;) {
            Tail t = tail(stream);
            synchronized (t) {
                if (t.evicted) {
                    continue;
                }
                t.ensureLoaded(stream);
                return reader.apply(t);
            }
        }
    }

    /** The current cache entry of a stream (created unloaded when absent). */
    private Tail tail(String stream) {
        Tail t = tails.get(stream);
        if (t == null) {
            t = tails.computeIfAbsent(stream, k -> new Tail());
            if (tails.size() > MAX_CACHED_STREAMS) {
                evict();
            }
        }
        t.used = clock.incrementAndGet();
        return t;
    }

    private synchronized void evict() {
        if (tails.size() <= MAX_CACHED_STREAMS) {
            return;
        }
        List<Map.Entry<String, Tail>> entries = new ArrayList<>(tails.entrySet());
        entries.sort(Comparator.comparingLong(e -> e.getValue().used));
        for (Map.Entry<String, Tail> e : entries.subList(0, entries.size() - MAX_CACHED_STREAMS * 9 / 10)) {
            if (tails.remove(e.getKey(), e.getValue())) {
                synchronized (e.getValue()) {
                    e.getValue().evicted = true; // a reader holding it asks the map again
                }
            }
        }
    }

    /** Milliseconds a readiness probe's query may take before the database counts as unreachable. */
    static final int PROBE_TIMEOUT_MS = 3000;

    @Override
    public boolean reachable() {
        if (closing) {
            return false;
        }
        try (Connection c = database.connect(); PreparedStatement ps = c.prepareStatement("SELECT name FROM sb_stream")) {
            // a plain read on the smallest table: no lock, so a writer's open batch does not hold it up
            ps.setMaxRows(1);
            ps.setQueryTimeout((PROBE_TIMEOUT_MS + 999) / 1000);
            ps.executeQuery().close();
            return true;
        } catch (SQLException | RuntimeException e) {
            LOG.log(Level.WARNING, "history database unreachable: " + e);
            return false;
        }
    }

    // ---- shutdown

    /** Stores what is queued (callbacks included), then closes the database; later appends fail. */
    @PreDestroy
    public void close() {
        closing = true;
        boolean more = true;
        while (more) { // a callback may queue on another writer (a direct message's second copy)
            more = false;
            for (Writer w : writers) {
                w.flush();
            }
            for (Writer w : writers) {
                more |= !w.queue.isEmpty();
            }
        }
        for (Writer w : writers) {
            w.writing.lock();
        }
        try {
            closed = true;
            for (Writer w : writers) {
                w.dropConnection();
            }
            if (database != null) {
                database.close();
            }
        } finally {
            for (Writer w : writers) {
                w.writing.unlock();
            }
        }
        for (Writer w : writers) {
            afterClose(w); // anything that slipped in meanwhile fails
        }
    }

    /** An append that raced with {@link #close}: stored if the database is still open, else failed. */
    private void afterClose(Writer w) {
        if (inWriter.get() != null) {
            return; // a callback of a flush: close() keeps flushing until every queue is empty
        }
        w.writing.lock();
        try {
            Pending p;
            while ((p = w.queue.poll()) != null) {
                if (closed) {
                    Pending failed = p;
                    callback(() -> failed.appended.failed(new IllegalStateException("history store is closed")));
                } else {
                    List<Pending> batch = new ArrayList<>(List.of(p));
                    batch.addAll(w.takeBatch());
                    inWriter.set(Boolean.TRUE);
                    try {
                        writeBatch(w, batch);
                    } finally {
                        inWriter.remove();
                    }
                }
            }
        } finally {
            w.writing.unlock();
        }
    }

    /** The database, for tests that look at the rows. */
    HistoryDatabase databaseForTests() {
        return database;
    }

    /** Transactions committed so far (for the benchmark and tests). */
    public long commits() {
        return commits.get();
    }

    private static final class Pending {
        final String stream;
        final Draft draft;
        final Appended appended;
        StoredMessage result;
        boolean duplicate;

        Pending(String stream, Draft draft, Appended appended) {
            this.stream = stream;
            this.draft = draft;
            this.appended = appended;
        }
    }

    private record Written(List<StoredMessage> stored, long trimmed) {}

    /** The rows the database holds for one stream (seq > trimmed), in order, with their client ids. */
    private final class Tail {
        boolean loaded;
        boolean evicted;
        long latest;
        long trimmed;
        volatile long used;
        final ArrayDeque<StoredMessage> messages = new ArrayDeque<>();
        final Map<String, StoredMessage> byClientId = new HashMap<>();

        void ensureLoaded(String stream) {
            if (!loaded) {
                try (Connection c = database.connect();
                        PreparedStatement ps = c.prepareStatement("SELECT latest, trimmed FROM sb_stream WHERE name = ?")) {
                    ps.setString(1, stream);
                    long latest = 0;
                    long trimmed = 0;
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next()) {
                            latest = rs.getLong(1);
                            trimmed = rs.getLong(2);
                        }
                    }
                    load(c, stream, latest, trimmed);
                } catch (SQLException e) {
                    throw new IllegalStateException("could not read the history of " + stream, e);
                }
            }
        }

        /** Reads rows up to {@code latest}: a consistent view even while a writer commits more. */
        void load(Connection c, String stream, long latest, long trimmed) throws SQLException {
            messages.clear();
            byClientId.clear();
            this.latest = latest;
            this.trimmed = trimmed;
            if (latest > trimmed) {
                try (PreparedStatement ps = c.prepareStatement("SELECT seq, sender, recipient, body, sent_at, client_id"
                        + " FROM sb_message WHERE stream = ? AND seq > ? AND seq <= ? ORDER BY seq")) {
                    ps.setString(1, stream);
                    ps.setLong(2, trimmed);
                    ps.setLong(3, latest);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            StoredMessage m = new StoredMessage(stream, rs.getLong(1), rs.getString(2), rs.getString(3),
                                    rs.getString(4), Instant.ofEpochMilli(rs.getLong(5)), rs.getString(6));
                            messages.addLast(m);
                            if (m.clientId() != null) {
                                byClientId.put(key(m), m);
                            }
                        }
                    }
                }
                if (!messages.isEmpty()) {
                    this.trimmed = Math.max(trimmed, messages.peekFirst().seq() - 1); // trimmed meanwhile by another writer
                }
            }
            loaded = true;
        }

        void add(StoredMessage m) {
            messages.addLast(m);
            latest = m.seq();
            if (m.clientId() != null) {
                byClientId.put(key(m), m);
            }
        }

        void trimTo(long upTo) {
            while (!messages.isEmpty() && messages.peekFirst().seq() <= upTo) {
                StoredMessage m = messages.removeFirst();
                if (m.clientId() != null) {
                    byClientId.remove(key(m), m);
                }
            }
            trimmed = Math.max(trimmed, upTo);
        }

        private String key(StoredMessage m) {
            return m.from() + "\u0000" + m.clientId();
        }
    }
}
