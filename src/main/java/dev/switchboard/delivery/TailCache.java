package dev.switchboard.delivery;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The per-stream {@link StreamTail}s that serve every read, at most {@link #MAX_CACHED_STREAMS} of them (the least
 * recently used are dropped and reloaded when asked), kept equal to the database by the writer after each commit.
 */
final class TailCache {

    /** Streams whose tails are cached; beyond it the least recently used tenth is dropped. */
    static final int MAX_CACHED_STREAMS = 2000;

    /** What one transaction did to a stream, for its tail: started over (new epoch), messages added, trimmed. */
    record Committed(String restartedEpoch, List<StoredMessage> added, long trimmedTo) {}

    private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz234567".toCharArray(); // as Epochs'

    private final HistoryDatabase database;
    private final Map<String, StreamTail> tails = new ConcurrentHashMap<>();
    private final AtomicLong clock = new AtomicLong();
    /** Makes the epochs of streams not yet written this database's own (see {@link #unwrittenEpoch}). */
    private final byte[] salt;

    TailCache(HistoryDatabase database, byte[] salt) {
        this.database = database;
        this.salt = salt.clone();
    }

    /** A cache with a salt of its own (a database used by one store only). */
    TailCache(HistoryDatabase database) {
        this(database, randomSalt());
    }

    private static byte[] randomSalt() {
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        return salt;
    }

    /** Reads a stream's loaded tail under its monitor; an entry evicted meanwhile is looked up again. */
    <T> T read(String stream, Function<StreamTail, T> reader) {
        for (;;) {
            StreamTail t = entry(stream);
            synchronized (t) {
                if (t.evicted) {
                    continue;
                }
                if (!t.loaded) {
                    try (Connection c = database.connect()) {
                        load(t, c, stream, HistoryTables.head(c, stream));
                    } catch (SQLException e) {
                        throw new IllegalStateException("could not read the history of " + stream, e);
                    }
                }
                return reader.apply(t);
            }
        }
    }

    /** The current entry of a stream, created unloaded when absent; the caller synchronizes on it. */
    StreamTail entry(String stream) {
        StreamTail t = tails.get(stream);
        if (t == null) {
            t = tails.computeIfAbsent(stream, k -> new StreamTail());
            if (tails.size() > MAX_CACHED_STREAMS) {
                evict();
            }
        }
        t.used = clock.incrementAndGet();
        return t;
    }

    /**
     * Under {@code t}'s monitor: loads the rows {@code head} (null: the stream has no row) says are kept, through
     * {@code c} (the writer's transaction, or a reader's connection).
     */
    void load(StreamTail t, Connection c, String stream, HistoryTables.Head head) throws SQLException {
        if (head == null) {
            t.load(unwrittenEpoch(stream), 0, 0, List.of());
        } else {
            t.load(head.epoch() != null ? head.epoch() : unwrittenEpoch(stream), head.latest(), head.trimmed(),
                    HistoryTables.rows(c, stream, head.trimmed(), head.latest()));
        }
    }

    /** After a commit, before any callback: the stream's tail gets what was stored, so a join never misses it. */
    void applied(String stream, Committed committed) {
        StreamTail t = tails.get(stream);
        if (t == null) {
            return; // the next read loads it from the database, committed
        }
        synchronized (t) {
            if (!t.loaded) {
                return;
            }
            if (committed.restartedEpoch() != null) {
                t.restart(committed.restartedEpoch());
            }
            for (StoredMessage m : committed.added()) {
                if (m.seq() <= t.latest) {
                    continue; // a reader loaded it already
                }
                if (m.seq() != t.latest + 1) {
                    t.loaded = false; // something in between is not cached: reload when next asked
                    return;
                }
                t.add(m);
            }
            t.trimTo(committed.trimmedTo());
        }
    }

    /**
     * Other nodes committed to these streams: each cached tail of the same epoch gets the rows it lacks, all of them
     * read in one statement (a busy notice costs one round trip, not a reload per stream). A tail of another epoch, or
     * one the read does not bring up to the announced head (retention deleted rows while this node lagged), is
     * reloaded when next asked.
     */
    void advancedElsewhere(List<CommitAnnouncer.StreamChange> changes) {
        List<HistoryTables.Range> wanted = new ArrayList<>();
        for (CommitAnnouncer.StreamChange ch : changes) {
            StreamTail t = tails.get(ch.stream());
            if (t == null) {
                continue;
            }
            synchronized (t) {
                if (!t.loaded || t.evicted || ch.latest() <= t.latest && ch.epoch().equals(t.epoch)) {
                    continue;
                }
                if (!ch.epoch().equals(t.epoch) || ch.trimmed() > t.latest) {
                    t.loaded = false; // started over, or trimmed past what is cached: read afresh when asked
                    continue;
                }
                wanted.add(new HistoryTables.Range(ch.stream(), t.latest, ch.latest()));
            }
        }
        if (wanted.isEmpty()) {
            return;
        }
        Map<String, List<StoredMessage>> rows;
        try (Connection c = database.connect()) {
            rows = HistoryTables.rows(c, wanted);
        } catch (SQLException e) {
            invalidate(wanted.stream().map(HistoryTables.Range::stream).toList());
            return;
        }
        for (CommitAnnouncer.StreamChange ch : changes) {
            StreamTail t = tails.get(ch.stream());
            if (t == null) {
                continue;
            }
            synchronized (t) {
                if (!t.loaded || !ch.epoch().equals(t.epoch) || ch.latest() <= t.latest) {
                    continue;
                }
                for (StoredMessage m : rows.getOrDefault(ch.stream(), List.of())) {
                    if (m.seq() <= t.latest) {
                        continue; // the writer or a reader got it meanwhile
                    }
                    if (m.seq() != t.latest + 1) {
                        break;
                    }
                    t.add(m);
                }
                if (t.latest < ch.latest()) {
                    t.loaded = false;
                } else {
                    t.trimTo(ch.trimmed());
                }
            }
        }
    }

    /** Every cached tail is reloaded when next asked (after notifications may have been missed). */
    void invalidateAll() {
        invalidate(List.copyOf(tails.keySet()));
    }

    /** After a failed transaction: these tails may have been reloaded inside it, so they are reloaded when next used. */
    void invalidate(Collection<String> streams) {
        for (String stream : streams) {
            StreamTail t = tails.get(stream);
            if (t != null) {
                synchronized (t) {
                    t.loaded = false;
                }
            }
        }
    }

    /**
     * The epoch of a stream that has no row yet: the one it gets when first written (the writer inserts its row with
     * the tail's epoch). Derived from this cache's random salt and the name, not drawn, so a tail evicted and reloaded
     * gets the same one back: a client given it on an empty stream still holds a valid cursor once events come.
     */
    String unwrittenEpoch(String stream) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(salt);
            byte[] hash = sha.digest(stream.getBytes(StandardCharsets.UTF_8));
            char[] out = new char[12];
            for (int i = 0; i < out.length; i++) {
                out[i] = ALPHABET[hash[i] & 31];
            }
            return new String(out);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private synchronized void evict() {
        if (tails.size() <= MAX_CACHED_STREAMS) {
            return;
        }
        // sorted on a snapshot of the clocks: a tail used during the sort must not change its order mid-sort
        record Use(String stream, StreamTail tail, long used) {}
        List<Use> uses = new ArrayList<>(tails.size());
        tails.forEach((stream, tail) -> uses.add(new Use(stream, tail, tail.used)));
        uses.sort(Comparator.comparingLong(Use::used));
        for (Use u : uses.subList(0, Math.max(0, uses.size() - MAX_CACHED_STREAMS * 9 / 10))) {
            if (tails.remove(u.stream(), u.tail())) {
                synchronized (u.tail()) {
                    u.tail().evicted = true; // a reader holding it asks the map again
                }
            }
        }
    }
}
