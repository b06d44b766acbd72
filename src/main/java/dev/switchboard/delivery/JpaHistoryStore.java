package dev.switchboard.delivery;

import dev.switchboard.config.Settings;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.EntityTransaction;
import jakarta.persistence.FlushModeType;
import jakarta.persistence.LockModeType;
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
 * Durable history through Jakarta Persistence, with group commit: appends are queued, and a writer
 * task stores everything queued for its streams as one transaction (the streams' head rows locked, seqs
 * assigned from them, rows inserted, retention trimmed), then runs the callbacks in order, so an ack
 * means stored. Joins read a per-stream tail cache that mirrors the rows the database holds for that
 * stream, updated before any callback publishes, so a join registered before reading never misses one.
 */
@ApplicationScoped
public class JpaHistoryStore implements HistoryStore {

    private static final Logger LOG = Logger.getLogger(JpaHistoryStore.class.getName());

    /** Appends stored per transaction at most. */
    static final int MAX_BATCH = 2000;
    /** Streams whose tails are cached; beyond it the least recently used are dropped (and reloaded when asked). */
    static final int MAX_CACHED_STREAMS = 2000;

    @Resource
    private ManagedExecutorService managedExecutor;

    private Settings settings;
    private HistoryDatabase database;
    private EntityManagerFactory emf;
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

    protected JpaHistoryStore() {} // for CDI proxies

    /** In the container: the database from the settings, the writer on the managed executor (see {@link #open}). */
    @Inject
    public JpaHistoryStore(Settings settings) {
        this.settings = settings;
    }

    /** Outside a container: the given database and executor; {@link #close} closes the database too. */
    public JpaHistoryStore(HistoryDatabase database, Executor executor, int retain) {
        this.database = database;
        this.emf = database.emf();
        this.executor = executor;
        setRetain(retain);
    }

    @PostConstruct
    void open() {
        if (emf == null) {
            database = HistoryDatabase.open(settings);
            emf = database.emf();
            executor = managedExecutor;
            setRetain(settings.historyRetained());
        }
    }

    /** Opens the database when the application starts, not on the first join (a provider boots in seconds). */
    void startup(@Observes @Initialized(ApplicationScoped.class) Object event) {
        latest(""); // any call makes the container create (and open) the bean
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
                    writeBatch(takeBatch());
                }
            } finally {
                inWriter.remove();
                writing.unlock();
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
    private void writeBatch(List<Pending> batch) {
        Map<String, List<Pending>> byStream = new LinkedHashMap<>();
        for (Pending p : batch) {
            byStream.computeIfAbsent(p.stream, k -> new ArrayList<>()).add(p);
        }
        Map<String, Written> written = new LinkedHashMap<>();
        EntityManager em = emf.createEntityManager();
        EntityTransaction tx = em.getTransaction();
        try {
            em.setFlushMode(FlushModeType.COMMIT); // the heads are written at commit; no flush before each insert
            tx.begin();
            List<StoredMessage> rows = new ArrayList<>(batch.size());
            List<Runnable> trims = new ArrayList<>();
            Map<String, StreamHead> heads = new HashMap<>();
            // one statement locks the heads of every stream in the batch (SELECT … FOR UPDATE)
            for (StreamHead h : em.createQuery("SELECT h FROM StreamHead h WHERE h.name IN :names", StreamHead.class)
                    .setParameter("names", byStream.keySet()).setLockMode(LockModeType.PESSIMISTIC_WRITE).getResultList()) {
                heads.put(h.name(), h);
            }
            for (Map.Entry<String, List<Pending>> e : byStream.entrySet()) {
                written.put(e.getKey(), assign(em, e.getKey(), heads.get(e.getKey()), e.getValue(), rows, trims));
            }
            insert(em, rows);
            trims.forEach(Runnable::run); // after the inserts: a batch larger than retention trims its own rows
            tx.commit();
            commits.incrementAndGet();
        } catch (RuntimeException e) {
            if (tx.isActive()) {
                try {
                    tx.rollback();
                } catch (RuntimeException ignored) {
                    // the original failure is what matters
                }
            }
            em.close();
            for (String stream : byStream.keySet()) {
                Tail t = tails.get(stream);
                if (t != null) {
                    synchronized (t) {
                        t.loaded = false; // it may have been reloaded inside the failed transaction
                    }
                }
            }
            if (batch.size() > 1) {
                writeBatch(new ArrayList<>(batch.subList(0, batch.size() / 2)));
                writeBatch(new ArrayList<>(batch.subList(batch.size() / 2, batch.size())));
            } else {
                LOG.log(Level.WARNING, "could not store a message in " + batch.get(0).stream, e);
                callback(() -> batch.get(0).appended.failed(e));
            }
            return;
        }
        em.close();
        for (Map.Entry<String, Written> e : written.entrySet()) {
            applyStored(e.getKey(), e.getValue());
        }
        for (Pending p : batch) {
            callback(() -> p.appended.stored(p.result, p.duplicate));
        }
    }

    /** Within the transaction: locks the stream's head, assigns seqs after its latest, inserts, trims. */
    private Written assign(EntityManager em, String stream, StreamHead locked, List<Pending> appends,
            List<StoredMessage> rows, List<Runnable> trims) {
        StreamHead head = locked;
        if (head == null) {
            head = new StreamHead(stream);
            em.persist(head); // a concurrent creator on another node fails on the primary key; its batch is retried
        }
        Tail t = tail(stream);
        Map<String, StoredMessage> inBatch = new HashMap<>();
        List<StoredMessage> stored = new ArrayList<>(appends.size());
        synchronized (t) {
            if (!t.loaded || t.latest != head.latest || t.trimmed != head.trimmed) {
                t.load(em, stream, head.latest, head.trimmed); // the cache is behind the database (another writer)
            }
            long latest = head.latest;
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
            head.latest = latest;
        }
        if (head.latest - head.trimmed > retain + trimBatch) {
            long upTo = head.latest - retain;
            trims.add(() -> em.createQuery("DELETE FROM MessageRow r WHERE r.stream = :stream AND r.seq <= :upTo")
                    .setParameter("stream", stream).setParameter("upTo", upTo).executeUpdate());
            head.trimmed = upTo;
        }
        return new Written(stored, head.trimmed);
    }

    /**
     * Inserts rows with multi-row INSERT statements (standard SQL, as a native query: portable JPA, and far
     * cheaper than managing an entity per message). Chunk sizes are fixed so that few statements are prepared.
     */
    private static void insert(EntityManager em, List<StoredMessage> rows) {
        int i = 0;
        for (int chunk : INSERT_CHUNKS) {
            while (rows.size() - i >= chunk) {
                jakarta.persistence.Query q = em.createNativeQuery(INSERTS.get(chunk));
                int p = 1;
                for (int r = i; r < i + chunk; r++) {
                    StoredMessage m = rows.get(r);
                    q.setParameter(p++, m.stream()).setParameter(p++, m.seq()).setParameter(p++, m.from())
                            .setParameter(p++, m.to()).setParameter(p++, m.text()).setParameter(p++, m.ts().toEpochMilli())
                            .setParameter(p++, m.clientId());
                }
                q.executeUpdate();
                i += chunk;
            }
        }
    }

    private static final int[] INSERT_CHUNKS = {100, 20, 5, 1};
    private static final Map<Integer, String> INSERTS = new HashMap<>();

    static {
        for (int chunk : INSERT_CHUNKS) {
            StringBuilder sql = new StringBuilder(
                    "INSERT INTO sb_message (stream, seq, sender, recipient, body, sent_at, client_id) VALUES ");
            int p = 1;
            for (int r = 0; r < chunk; r++) {
                sql.append(r == 0 ? "" : ", ").append('(');
                for (int c = 0; c < 7; c++) {
                    String param = "?" + p++;
                    // recipient and client_id may be null: typed, so that PostgreSQL accepts an untyped null
                    // (no length in the cast: a value too long for its column must fail, not be cut)
                    sql.append(c == 0 ? "" : ", ").append(c == 3 || c == 6 ? "CAST(" + param + " AS VARCHAR)" : param);
                }
                sql.append(')');
            }
            INSERTS.put(chunk, sql.toString());
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

    @Override
    public Replay since(String stream, long since) {
        for (;;) {
            Tail t = tail(stream);
            synchronized (t) {
                if (t.evicted) {
                    continue;
                }
                t.ensureLoaded(stream);
                List<StoredMessage> out = new ArrayList<>();
                Iterator<StoredMessage> it = t.messages.descendingIterator();
                while (it.hasNext()) {
                    StoredMessage m = it.next();
                    if (m.seq() <= since) {
                        break;
                    }
                    out.add(m);
                }
                java.util.Collections.reverse(out);
                // recovered: nothing after since was trimmed, and since is not from the future
                return new Replay(out, t.latest, since <= t.latest && since >= t.trimmed);
            }
        }
    }

    @Override
    public Replay last(String stream, int count) {
        for (;;) {
            Tail t = tail(stream);
            synchronized (t) {
                if (t.evicted) {
                    continue;
                }
                t.ensureLoaded(stream);
                List<StoredMessage> all = new ArrayList<>(t.messages);
                return new Replay(List.copyOf(all.subList(Math.max(0, all.size() - count), all.size())), t.latest, true);
            }
        }
    }

    @Override
    public long latest(String stream) {
        for (;;) {
            Tail t = tail(stream);
            synchronized (t) {
                if (t.evicted) {
                    continue;
                }
                t.ensureLoaded(stream);
                return t.latest;
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
        EntityManager em = null;
        try {
            em = emf.createEntityManager();
            // a plain read on the smallest table: no lock, so a writer's open batch does not hold it up
            em.createQuery("SELECT h.name FROM StreamHead h", String.class).setMaxResults(1)
                    .setHint("jakarta.persistence.query.timeout", PROBE_TIMEOUT_MS).getResultList();
            return true;
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "history database unreachable: " + e);
            return false;
        } finally {
            if (em != null) {
                em.close();
            }
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
                        writeBatch(batch);
                    } finally {
                        inWriter.remove();
                    }
                }
            }
        } finally {
            w.writing.unlock();
        }
    }

    /** The persistence unit, for tests that look at the rows. */
    EntityManagerFactory emfForTests() {
        return emf;
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
                EntityManager em = emf.createEntityManager();
                try {
                    StreamHead head = em.find(StreamHead.class, stream);
                    load(em, stream, head == null ? 0 : head.latest, head == null ? 0 : head.trimmed);
                } finally {
                    em.close();
                }
            }
        }

        /** Reads rows up to {@code latest}: a consistent view even while a writer commits more. */
        void load(EntityManager em, String stream, long latest, long trimmed) {
            messages.clear();
            byClientId.clear();
            this.latest = latest;
            this.trimmed = trimmed;
            if (latest > trimmed) {
                List<MessageRow> rows = em.createQuery("SELECT r FROM MessageRow r WHERE r.stream = :stream"
                        + " AND r.seq > :trimmed AND r.seq <= :latest ORDER BY r.seq", MessageRow.class)
                        .setParameter("stream", stream).setParameter("trimmed", trimmed).setParameter("latest", latest)
                        .getResultList();
                for (MessageRow r : rows) {
                    StoredMessage m = r.toMessage();
                    messages.addLast(m);
                    if (m.clientId() != null) {
                        byClientId.put(key(m), m);
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
