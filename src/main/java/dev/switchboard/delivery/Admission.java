package dev.switchboard.delivery;

import dev.switchboard.socket.Connection;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/**
 * Back-pressure from the history store to the senders: a message is taken only when the store can keep up, so an
 * overloaded server answers {@code overloaded} (the sender retries after a backoff) instead of queueing without
 * bound and acknowledging everything seconds late.
 *
 * <p>Where the container can pause reading a connection (WildFly), a connection with {@link #PAUSE_AT} messages
 * waiting, or with any waiting while the store's backlog is over {@code backlog}, is not read further until its
 * messages are stored: TCP slows that sender down, nothing is refused, and the I/O threads stay free for the others.
 * Elsewhere (and for frames already read when reading paused) a connection with messages waiting is refused while
 * the backlog is over {@code backlog}, and any connection at {@code perConnection} waiting. A connection with nothing
 * waiting always gets its message in, ahead of the backlog ({@link #admit} says so): a quiet neighbour keeps being
 * served while a busy room is pushed back. The backlog stays bounded by {@code backlog} plus one message per
 * connection.
 *
 * <p>Thread-safety: the count of each connection lives on it; it is raised on the connection's own delivery thread
 * and lowered by the store's callbacks.
 */
public final class Admission {

    private static final String WAITING = Admission.class.getName() + ".waiting";

    private final IntSupplier waitingInStore;
    private final int perConnection;
    private final int backlog;

    /** @param waitingInStore the store's backlog now ({@link HistoryStore#backlog}) */
    public Admission(IntSupplier waitingInStore, int perConnection, int backlog) {
        this.waitingInStore = waitingInStore;
        this.perConnection = perConnection;
        this.backlog = backlog;
    }

    /** Messages of one connection waiting for the store at which reading it pauses (where it can). */
    static final int PAUSE_AT = 4;

    /** What to do with a message. */
    public enum Verdict {
        /** Refused: tell the sender {@code overloaded}. */
        REFUSE,
        /** Taken, behind what the store has waiting. */
        TAKE,
        /** Taken, ahead of the backlog: the connection had nothing waiting (a quiet neighbour, or a sender's first). */
        TAKE_AHEAD
    }

    /** Whether a message of {@code c} may go to the store now; unless refused, {@link #done} must follow once stored or failed. */
    public Verdict admit(Connection c) {
        AtomicInteger waiting = waiting(c);
        int mine = waiting.get();
        boolean behind = waitingInStore.getAsInt() >= backlog;
        boolean pausable = c.canPauseReading();
        if (mine >= (pausable ? Math.min(perConnection, 2 * PAUSE_AT) : perConnection) || mine > 0 && behind && !pausable) {
            return Verdict.REFUSE; // paused: only frames the container had read already; a few are taken, the rest refused
        }
        waiting.incrementAndGet();
        if (pausable && (mine + 1 >= PAUSE_AT || behind)) {
            c.pauseReading();
        }
        return mine == 0 ? Verdict.TAKE_AHEAD : Verdict.TAKE;
    }

    /** A message admitted for {@code c} was stored or failed: once nothing of it waits, it is read again. */
    public void done(Connection c) {
        if (waiting(c).decrementAndGet() == 0) {
            c.resumeReading();
        }
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
