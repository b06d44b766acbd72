package dev.switchboard.delivery;

import dev.switchboard.config.Settings;
import dev.switchboard.metrics.Metrics;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Durable history in a SQL database (plain JDBC) with group commit: appends and resets are queued
 * ({@link GroupCommitQueue}) and stored many per transaction ({@link BatchWriter}, statements in
 * {@link HistoryTables}); reads are served from per-stream tails that mirror the rows ({@link TailCache}), updated
 * after each commit before any callback publishes, so a join registered before reading never misses a message.
 */
@ApplicationScoped
public class SqlHistoryStore implements HistoryStore {

    private static final Logger LOG = Logger.getLogger(SqlHistoryStore.class.getName());

    /** Milliseconds a readiness probe's query may take before the database counts as unreachable. */
    static final int PROBE_TIMEOUT_MS = 3000;

    @Resource
    private ManagedExecutorService managedExecutor;

    private Settings settings;
    private Retention retention;
    private CommitAnnouncer announcer;
    private Metrics metrics;
    private HistoryDatabase database;
    private TailCache cache;
    private BatchWriter writer;
    private GroupCommitQueue queue;

    protected SqlHistoryStore() {} // for CDI proxies

    /**
     * In the container: the database from the settings, the writer on the managed executor (see {@link #open}), each
     * stream kept as the application's {@link Retention} says (rooms and topics alike: {@code topics.TopicRetention}).
     */
    @Inject
    public SqlHistoryStore(Settings settings, Retention retention, CommitAnnouncer announcer, Metrics metrics) {
        this.settings = settings;
        this.retention = retention;
        this.announcer = announcer;
        this.metrics = metrics;
    }

    /** Outside a container: the given database, executor and retention; {@link #close} closes the database too. */
    public SqlHistoryStore(HistoryDatabase database, Executor executor, Retention retention) {
        this(database, executor, retention, CommitAnnouncer.NONE);
    }

    /** Outside a container, as a node of a cluster: each commit is announced through {@code announcer}. */
    public SqlHistoryStore(HistoryDatabase database, Executor executor, Retention retention, CommitAnnouncer announcer) {
        this(database, executor, retention, announcer, Metrics.create());
    }

    /** As above, recording each commit's batch size and time in {@code metrics}. */
    public SqlHistoryStore(HistoryDatabase database, Executor executor, Retention retention, CommitAnnouncer announcer,
            Metrics metrics) {
        this.announcer = announcer;
        this.metrics = metrics;
        start(database, executor, retention);
    }

    /** Outside a container, every stream keeping its last {@code retain} messages. */
    public SqlHistoryStore(HistoryDatabase database, Executor executor, int retain) {
        this(database, executor, Retention.fixed(retain));
    }

    @PostConstruct
    void open() {
        if (database == null) {
            start(HistoryDatabase.open(settings), managedExecutor, retention);
        }
    }

    /** Opens the database when the application starts, not on the first join (a provider boots in seconds). */
    void startup(@Observes @Initialized(ApplicationScoped.class) Object event) {
        head(""); // any call makes the container create (and open) the bean
    }

    private void start(HistoryDatabase database, Executor executor, Retention retention) {
        byte[] salt;
        try (Connection c = database.connect()) {
            HistoryTables.upgrade(c);
            salt = HistoryTables.epochSalt(c);
        } catch (SQLException e) {
            database.close();
            throw new IllegalStateException("could not upgrade the history database: " + e.getMessage(), e);
        }
        this.database = database;
        this.cache = new TailCache(database, salt);
        this.writer = new BatchWriter(database, cache, retention, announcer, metrics);
        this.queue = new GroupCommitQueue(executor, writer);
    }

    // ---- writes (through the queue, in order)

    @Override
    public void append(String stream, Draft draft, Appended appended) {
        queue.offer(new QueuedChange.Append(stream, draft, appended));
    }

    @Override
    public int backlog() {
        return queue.backlog();
    }

    @Override
    public void reset(String stream, Runnable done) {
        queue.offer(new QueuedChange.Reset(stream, done));
    }

    // ---- reads (from the tail cache; a stream not cached is loaded from the database once)

    @Override
    public Replay since(String stream, long since, String epoch) {
        return cache.read(stream, t -> {
            Recovery.Plan plan = Recovery.plan(since, epoch, t.head(), t.trimmed);
            return new Replay(t.after(plan.after()), t.epoch, t.latest, plan.recovered());
        });
    }

    @Override
    public Replay last(String stream, int count) {
        return cache.read(stream, t -> new Replay(t.last(count), t.epoch, t.latest, true));
    }

    @Override
    public Position head(String stream) {
        return cache.read(stream, StreamTail::head);
    }

    @Override
    public void advancedElsewhere(List<CommitAnnouncer.StreamChange> changes) {
        cache.advancedElsewhere(changes);
    }

    @Override
    public void reloadAll() {
        cache.invalidateAll();
    }

    @Override
    public boolean reachable() {
        if (queue.closing()) {
            return false;
        }
        try (Connection c = database.connect()) {
            HistoryTables.probe(c, (PROBE_TIMEOUT_MS + 999) / 1000);
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
        queue.close(database::close);
    }

    /** The database, for tests that look at the rows. */
    HistoryDatabase databaseForTests() {
        return database;
    }

    /** Transactions committed so far (for the benchmark and tests). */
    public long commits() {
        return writer.commits();
    }
}
