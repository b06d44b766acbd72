package dev.switchboard.delivery;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The queue of changes to the history and the one writer task that drains it, up to {@link #MAX_BATCH} changes per
 * transaction ({@link BatchWriter}); and the shutdown protocol: what was queued before {@link #close} is stored and
 * called back, then the database is released, and what comes later fails.
 *
 * <p>Thread-safety: {@link #offer} is called from any thread, including from a callback the writer is running (a
 * direct message's second copy), which the same task stores in its next batch. The first offer into an idle queue
 * schedules the task on the executor; batches are written only while {@code writing} is held, so one at a time and
 * in queue order. Once {@code closing}, offers no longer schedule the task: {@link #close} flushes on its own thread,
 * and an offer racing with it is stored on the offering thread while the database is open, else failed.
 *
 * <p>Bounded: at most {@link #MAX_QUEUED} changes wait; an append beyond that fails at once (its sender gets an error
 * and may resend) instead of holding memory the writer cannot catch up with. Resets are never refused: one per
 * re-claimed guest name, they cannot pile up.
 *
 * <p>One writer: spreading streams over two writers (two queues, two transactions at once) measured slower on H2,
 * one file; a server database might gain from it, at the cost of this one order.
 */
final class GroupCommitQueue {

    private static final Logger LOG = Logger.getLogger(GroupCommitQueue.class.getName());

    /** Changes stored per transaction at most. */
    static final int MAX_BATCH = 2000;
    /** Changes waiting at most: 50 transactions, a few seconds of the writer's work at the measured rates. */
    static final int MAX_QUEUED = 50 * MAX_BATCH;

    /** Bounded by {@link #MAX_QUEUED} through the counter below: an append beyond it fails at once. */
    private final ConcurrentLinkedQueue<QueuedChange> queue = new ConcurrentLinkedQueue<>();
    /** The queue's size (ConcurrentLinkedQueue counts by walking it). */
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final ReentrantLock writing = new ReentrantLock();
    /** Set while this thread writes a batch: an offer from one of its callbacks must not write a batch inside it. */
    private final ThreadLocal<Boolean> inWriter = new ThreadLocal<>();
    private final Executor executor;
    private final BatchWriter writer;
    private volatile boolean closing;
    private volatile boolean closed;

    GroupCommitQueue(Executor executor, BatchWriter writer) {
        this.executor = executor;
        this.writer = writer;
    }

    void offer(QueuedChange change) {
        if (queued.incrementAndGet() > MAX_QUEUED && change instanceof QueuedChange.Append) {
            queued.decrementAndGet();
            tellFailed(change, new HistoryStore.Busy("the history store is behind: " + MAX_QUEUED + " changes wait"));
            return;
        }
        queue.add(change);
        if (closing) {
            afterClose();
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

    /** Changes waiting for the writer. */
    int backlog() {
        return Math.max(0, queued.get());
    }

    /** Whether the store is closing (or closed): not ready for appends. */
    boolean closing() {
        return closing;
    }

    /** The writer task: stores batches until the queue is empty. */
    private void drain() {
        for (;;) {
            flush();
            scheduled.set(false);
            // an offer that came after the last poll but saw the flag still set left its work to us
            if (closing || queue.isEmpty() || !scheduled.compareAndSet(false, true)) {
                return;
            }
        }
    }

    /** Stores batches until the queue is empty (or the store is closed). */
    private void flush() {
        writing.lock();
        inWriter.set(Boolean.TRUE);
        try {
            while (!closed && !queue.isEmpty()) {
                writer.write(takeBatch());
            }
        } finally {
            inWriter.remove();
            writing.unlock();
        }
    }

    private List<QueuedChange> takeBatch() {
        List<QueuedChange> batch = new ArrayList<>(64);
        QueuedChange change;
        while (batch.size() < MAX_BATCH && (change = queue.poll()) != null) {
            batch.add(change);
        }
        queued.addAndGet(-batch.size());
        return batch;
    }

    // ---- shutdown

    /**
     * Stores what is queued (its callbacks may queue more, stored too), then, with no batch in progress, closes the
     * writer's connection and runs {@code release} (closing the database); an offer after that fails.
     */
    void close(Runnable release) {
        closing = true;
        flush(); // its loop also stores what callbacks queue meanwhile
        writing.lock();
        try {
            closed = true;
            writer.dropConnection();
            release.run();
        } finally {
            writing.unlock();
        }
        afterClose(); // anything that slipped in meanwhile fails
    }

    /** An offer that raced with {@link #close}: stored while the database is still open, else failed. */
    private void afterClose() {
        if (inWriter.get() != null) {
            return; // a callback of a flush: close() keeps flushing until the queue is empty
        }
        writing.lock();
        inWriter.set(Boolean.TRUE);
        try {
            List<QueuedChange> batch;
            while (!(batch = takeBatch()).isEmpty()) {
                if (closed) {
                    for (QueuedChange change : batch) {
                        tellFailed(change, new IllegalStateException("history store is closed"));
                    }
                } else {
                    writer.write(batch);
                }
            }
        } finally {
            inWriter.remove();
            writing.unlock();
        }
    }

    private static void tellFailed(QueuedChange change, Exception e) {
        try {
            change.failed(e);
        } catch (RuntimeException thrown) {
            LOG.log(Level.WARNING, "a delivery callback failed", thrown);
        }
    }
}
