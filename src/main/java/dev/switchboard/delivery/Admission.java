package dev.switchboard.delivery;

import dev.switchboard.socket.Connection;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Back-pressure from the history store to the senders: a message is taken only when the store can keep up, so an
 * overloaded server answers {@code overloaded} (the sender retries after a backoff) instead of queueing without
 * bound and acknowledging everything seconds late.
 *
 * <p>The rule: a connection may have at most {@code perConnection} messages waiting for the store; beyond one of
 * them, it is refused while the store's backlog is over {@code backlog}. A connection with nothing waiting always gets
 * its message in, so a quiet neighbour keeps being served while a busy room is pushed back, and the backlog stays
 * bounded by {@code backlog} plus one message per connection.
 *
 * <p>Thread-safety: the count of each connection lives on it; it is raised on the connection's own delivery thread
 * and lowered by the store's callbacks.
 */
public final class Admission {

    private static final String WAITING = Admission.class.getName() + ".waiting";

    private final HistoryStore history;
    private final int perConnection;
    private final int backlog;

    public Admission(HistoryStore history, int perConnection, int backlog) {
        this.history = history;
        this.perConnection = perConnection;
        this.backlog = backlog;
    }

    /** Whether a message of {@code c} may go to the store now; if so, {@link #done} must follow once stored or failed. */
    public boolean admit(Connection c) {
        AtomicInteger waiting = waiting(c);
        int mine = waiting.get();
        if (mine >= perConnection || mine > 0 && history.backlog() >= backlog) {
            return false;
        }
        waiting.incrementAndGet();
        return true;
    }

    /** A message admitted for {@code c} was stored or failed. */
    public void done(Connection c) {
        waiting(c).decrementAndGet();
    }

    /** Messages of {@code c} waiting for the store. */
    public static int waitingOf(Connection c) {
        return waiting(c).get();
    }

    private static AtomicInteger waiting(Connection c) {
        Object w = c.attributes().get(WAITING);
        if (w == null) {
            w = c.attributes().computeIfAbsent(WAITING, k -> new AtomicInteger());
        }
        return (AtomicInteger) w;
    }
}
