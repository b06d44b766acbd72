package dev.switchboard.delivery;

import dev.switchboard.delivery.HistoryTables.Head;
import dev.switchboard.delivery.HistoryTables.Trim;
import dev.switchboard.delivery.QueuedChange.Append;
import dev.switchboard.metrics.Metrics;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Stores one batch of queued changes in one transaction — the streams' head rows locked, seqs assigned from them,
 * rows inserted, resets and retention applied — then updates the tail cache and calls back in queue order, so an
 * ack means committed. A batch the database refuses is split in halves until the refused change is alone. Used by
 * one thread at a time (the {@link GroupCommitQueue}'s writer), which also owns its connection.
 */
final class BatchWriter {

    private static final Logger LOG = Logger.getLogger(BatchWriter.class.getName());

    private final HistoryDatabase database;
    private final TailCache cache;
    private final Retention retention;
    private final CommitAnnouncer announcer;
    private final Metrics metrics;
    private final AtomicLong commits = new AtomicLong();
    /** Kept between batches (auto-commit off); dropped after a failure. */
    private Connection connection;

    BatchWriter(HistoryDatabase database, TailCache cache, Retention retention, CommitAnnouncer announcer, Metrics metrics) {
        this.metrics = metrics;
        this.database = database;
        this.cache = cache;
        this.retention = retention;
        this.announcer = announcer;
    }

    /** Transactions committed so far. */
    long commits() {
        return commits.get();
    }

    void write(List<QueuedChange> batch) {
        write(batch, false);
    }

    /**
     * @param again whether this batch failed once already, in a way the same batch may not fail again: on a stream's
     *     new head row (a node creating the same stream at the same moment wins the primary key; the retry finds that
     *     row to lock), or with its connection (the retry takes a new one: a database restart or failover)
     */
    private void write(List<QueuedChange> batch, boolean again) {
        Map<String, List<QueuedChange>> byStream = new LinkedHashMap<>();
        for (QueuedChange change : batch) {
            byStream.computeIfAbsent(change.stream(), k -> new ArrayList<>()).add(change);
        }
        Map<String, TailCache.Committed> committed = new HashMap<>();
        long started = System.nanoTime();
        try {
            Connection c = connection();
            try {
                Map<String, Head> heads = HistoryTables.lockHeads(c, byStream.keySet());
                List<StoredMessage> rows = new ArrayList<>(batch.size());
                List<Trim> trims = new ArrayList<>();
                List<String> restarted = new ArrayList<>(0);
                for (Map.Entry<String, List<QueuedChange>> e : byStream.entrySet()) {
                    String stream = e.getKey();
                    heads.put(stream, assign(c, stream, heads.get(stream), e.getValue(), rows, trims, restarted, committed));
                }
                HistoryTables.deleteAll(c, restarted);
                HistoryTables.saveHeads(c, heads);
                HistoryTables.insert(c, rows);
                HistoryTables.trim(c, trims); // after the inserts: a batch larger than retention trims its own rows
                announcer.announce(c, changes(heads, committed));
                c.commit();
                commits.incrementAndGet();
                metrics.committed(rows.size(), System.nanoTime() - started);
            } catch (SQLException | RuntimeException e) {
                try {
                    c.rollback();
                } catch (SQLException rollback) { // a lost connection cannot roll back: the first failure is the reason
                    e.addSuppressed(rollback);
                }
                throw e;
            }
        } catch (SQLException | RuntimeException e) {
            dropConnection(); // whatever state it is in, the next batch starts on a fresh one
            cache.invalidate(byStream.keySet());
            boolean lost = HistoryTables.isConnectionLoss(e);
            if (lost) {
                database.replaceIdleConnections();
            }
            if (!again && (HistoryTables.isDuplicateKey(e) || lost)) {
                write(batch, true);
            } else if (batch.size() > 1) {
                write(new ArrayList<>(batch.subList(0, batch.size() / 2)));
                write(new ArrayList<>(batch.subList(batch.size() / 2, batch.size())));
            } else {
                LOG.log(Level.WARNING, "could not store a change to " + batch.get(0).stream(), e);
                failed(batch.get(0), e);
            }
            return;
        }
        committed.forEach(cache::applied);
        for (QueuedChange change : batch) {
            try {
                change.committed();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "a delivery callback failed", e);
            }
        }
    }

    /** What the transaction does to each stream it changed (heads saved; {@code committed} per stream). */
    private static List<CommitAnnouncer.StreamChange> changes(Map<String, Head> heads, Map<String, TailCache.Committed> committed) {
        List<CommitAnnouncer.StreamChange> changes = new ArrayList<>(committed.size());
        committed.forEach((stream, done) -> {
            Head head = heads.get(stream);
            long first = done.added().isEmpty() ? head.latest() + 1 : done.added().get(0).seq();
            changes.add(new CommitAnnouncer.StreamChange(stream, head.epoch(), first, head.latest(), head.trimmed()));
        });
        return changes;
    }

    /**
     * Within the transaction, under the stream's tail monitor: assigns seqs after the locked head, finds resends in
     * the tail (which is made to mirror the locked row first: another node may have written), applies resets, and
     * decides the trim. Returns the stream's new head.
     */
    private Head assign(Connection c, String stream, Head locked, List<QueuedChange> changes, List<StoredMessage> rows,
            List<Trim> trims, List<String> restarted, Map<String, TailCache.Committed> committed) throws SQLException {
        StreamTail t = cache.entry(stream);
        synchronized (t) {
            if (!t.mirrors(locked)) {
                cache.load(t, c, stream, locked);
            }
            // the tail's epoch: the row's, or for a new row (or one from before epochs) the one readers were given
            Head head = locked == null ? Head.fresh(t.epoch) : new Head(t.epoch, locked.latest(), locked.trimmed(), false);
            long latest = head.latest();
            int first = rows.size(); // this stream's rows are rows[first..]
            long addedBytes = 0;
            boolean restart = false;
            Map<String, StoredMessage> inBatch = null; // only streams with client ids need one
            for (QueuedChange change : changes) {
                if (!(change instanceof Append a)) { // a reset: what came before it in the batch is never inserted
                    rows.subList(first, rows.size()).clear();
                    head = head.restarted(Epochs.next());
                    latest = 0;
                    addedBytes = 0;
                    restart = true;
                    inBatch = null; // a resend of a message from before the reset is a new message
                    continue;
                }
                HistoryStore.Draft d = a.draft;
                String key = d.clientId() == null ? null : StreamTail.key(d.from(), d.clientId());
                StoredMessage earlier = null;
                if (key != null) {
                    earlier = inBatch == null ? null : inBatch.get(key);
                    if (earlier == null && !restart) {
                        earlier = t.byClientId(key);
                    }
                }
                if (earlier != null) {
                    a.became(earlier, true);
                    continue;
                }
                StoredMessage m = new StoredMessage(stream, ++latest, d.from(), d.to(), d.text(),
                        d.ts().truncatedTo(ChronoUnit.MILLIS), d.clientId(), d.mime()); // millis: as read back
                rows.add(m);
                addedBytes += m.size();
                a.became(m, false);
                if (key != null) {
                    if (inBatch == null) {
                        inBatch = new HashMap<>();
                    }
                    inBatch.put(key, m);
                }
            }
            head = head.advancedTo(latest);
            List<StoredMessage> added = new ArrayList<>(rows.subList(first, rows.size()));
            long upTo = retainedAfter(restart ? List.of() : t.messages, restart ? 0 : t.bytes, added, addedBytes, head,
                    retention.of(stream));
            if (upTo > head.trimmed()) {
                trims.add(new Trim(stream, upTo));
                head = head.trimmedTo(upTo);
            }
            if (restart) {
                restarted.add(stream);
            }
            committed.put(stream, new TailCache.Committed(restart ? head.epoch() : null, added, head.trimmed()));
            return head;
        }
    }

    /**
     * Up to which seq retention deletes the stream's rows: by count in batches (once more than a tenth over the
     * limit, so a DELETE is not paid per batch), by bytes once over the limit, oldest first down to nine tenths of
     * it (for the same reason). The newest message always stays.
     *
     * @param kept the rows kept before this batch, oldest first ({@code keptBytes} in all)
     * @param added this batch's rows ({@code addedBytes})
     */
    static long retainedAfter(Collection<StoredMessage> kept, long keptBytes, List<StoredMessage> added, long addedBytes,
            Head head, Retention.Limits limits) {
        long upTo = head.trimmed();
        if (head.latest() - upTo > limits.count() + Math.max(16, limits.count() / 10)) {
            upTo = head.latest() - limits.count();
        }
        long bytes = keptBytes + addedBytes;
        if (bytes <= limits.bytes()) {
            return upTo;
        }
        long target = limits.bytes() - limits.bytes() / 10;
        for (Collection<StoredMessage> part : List.of(kept, added)) {
            for (StoredMessage m : part) {
                if (m.seq() >= head.latest() || m.seq() > upTo && bytes <= target) {
                    return upTo;
                }
                bytes -= m.size();
                upTo = Math.max(upTo, m.seq());
            }
        }
        return upTo;
    }

    private static void failed(QueuedChange change, Exception e) {
        try {
            change.failed(e);
        } catch (RuntimeException thrown) {
            LOG.log(Level.WARNING, "a delivery callback failed", thrown);
        }
    }

    private Connection connection() throws SQLException {
        if (connection == null) {
            Connection c = database.connect();
            c.setAutoCommit(false);
            connection = c;
        }
        return connection;
    }

    /** Closes the writer's connection (after a failure, or on close); a later batch opens a new one. */
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
}
