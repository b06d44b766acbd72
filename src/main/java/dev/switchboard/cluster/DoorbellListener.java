package dev.switchboard.cluster;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * The node's one {@code LISTEN} session, on a connection of its own, and the proof that it works: every heartbeat the
 * node sends itself a ping through the database and expects it back within {@link #PONG_TIMEOUT}. A lost session is
 * opened again; after every (re)connect {@code onConnected} runs before any notice is handled, so what was
 * committed while nobody listened is read from the rows (notifications are not replayed). Readiness is down while the
 * session is down or a ping is overdue, which also catches a session that is open but hears nothing.
 */
final class DoorbellListener implements Runnable {

    private static final Logger LOG = Logger.getLogger(DoorbellListener.class.getName());
    /** A ping not back after this long means the doorbell does not work. */
    static final Duration PONG_TIMEOUT = Duration.ofSeconds(3);

    /** Opens a connection of its own (not from the pool: it is kept for the node's life). */
    @FunctionalInterface
    interface Opener {
        Connection open() throws SQLException;
    }

    /** Sends a notice from any connection (the pool's). */
    @FunctionalInterface
    interface Sender {
        void send(String payload) throws SQLException;
    }

    private final String node;
    private final Opener opener;
    private final Sender sender;
    private final Consumer<Doorbell.Notice> onNotice;
    private final Runnable onConnected;
    private final long heartbeatMillis;
    private final LongConsumer lagNanos;

    private volatile boolean running = true;
    private volatile boolean connected;
    private volatile Connection connection;
    private volatile String problem = "not connected yet";
    private final AtomicLong pingNumber = new AtomicLong();
    /** When the oldest ping not yet back was sent (0: none outstanding). */
    private volatile long outstandingSince;
    private volatile long lastPongNumber;
    /** The first ping of the current session: until it is back, the node is not ready. */
    private volatile long sessionFirstPing = Long.MAX_VALUE;
    /** {@link System#nanoTime()} when the newest ping was sent; only the listener's thread touches it. */
    private long lastPingSentNanos;

    DoorbellListener(String node, Opener opener, Sender sender, Duration heartbeat, Consumer<Doorbell.Notice> onNotice,
            Runnable onConnected) {
        this(node, opener, sender, heartbeat, onNotice, onConnected, nanos -> {});
    }

    /** @param lagNanos told each ping's round trip: sent through the pool, handled here behind every notice before it */
    DoorbellListener(String node, Opener opener, Sender sender, Duration heartbeat, Consumer<Doorbell.Notice> onNotice,
            Runnable onConnected, LongConsumer lagNanos) {
        this.lagNanos = lagNanos;
        this.node = node;
        this.opener = opener;
        this.sender = sender;
        this.heartbeatMillis = Math.max(200, heartbeat.toMillis());
        this.onNotice = onNotice;
        this.onConnected = onConnected;
    }

    @Override
    public void run() {
        while (running) {
            try (Connection c = opener.open()) {
                connection = c;
                try (Statement st = c.createStatement()) {
                    st.execute("LISTEN " + Doorbell.CHANNEL);
                }
                PGConnection pg = c.unwrap(PGConnection.class);
                sessionFirstPing = pingNumber.get() + 1;
                onConnected.run(); // before any notice: what came meanwhile is read from the rows
                connected = true;
                problem = null;
                LOG.info("node " + node + " listens on the cluster's doorbell");
                listen(c, pg);
            } catch (SQLException | RuntimeException e) {
                if (running) {
                    LOG.log(Level.WARNING, "node " + node + ": the cluster's doorbell is down, reconnecting: " + e);
                }
                problem = "listener: " + e.getMessage();
            } finally {
                connected = false;
                connection = null;
                outstandingSince = 0;
            }
            pause(Math.min(heartbeatMillis, 1000));
        }
    }

    private void listen(Connection c, PGConnection pg) throws SQLException {
        long nextPing = 0;
        while (running) {
            long now = System.currentTimeMillis();
            if (now >= nextPing) {
                ping(c);
                nextPing = now + heartbeatMillis;
            }
            PGNotification[] ns = pg.getNotifications((int) Math.max(1, nextPing - now));
            if (ns != null) {
                for (PGNotification n : ns) {
                    handle(n.getParameter());
                }
            }
            if (outstandingSince != 0 && System.currentTimeMillis() - outstandingSince > 4 * PONG_TIMEOUT.toMillis()) {
                throw new SQLException("no ping came back for " + 4 * PONG_TIMEOUT.toSeconds() + " s");
            }
        }
    }

    /** A ping through the pool (the way other nodes' notices come), and a query on this session to see it is alive. */
    private void ping(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("SELECT 1");
        }
        long n = pingNumber.incrementAndGet();
        lastPingSentNanos = System.nanoTime();
        if (outstandingSince == 0) {
            outstandingSince = System.currentTimeMillis();
        }
        try {
            sender.send(Doorbell.ping(node, n));
        } catch (SQLException e) {
            problem = "ping: " + e.getMessage();
        }
    }

    private void handle(String payload) {
        Doorbell.Notice notice;
        try {
            notice = Doorbell.decode(payload);
        } catch (RuntimeException e) {
            LOG.warning("an unreadable cluster notice: " + payload);
            return;
        }
        if (notice instanceof Doorbell.Ping p) {
            if (p.node().equals(node)) {
                lastPongNumber = p.number();
                if (p.number() == pingNumber.get()) {
                    lagNanos.accept(System.nanoTime() - lastPingSentNanos); // the newest ping: its send time is known
                    outstandingSince = 0; // every ping sent so far is back
                }
                problem = null;
            }
            return;
        }
        if (notice != null) {
            try {
                onNotice.accept(notice);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "a cluster notice could not be handled", e);
            }
        }
    }

    /** What is wrong with the doorbell, if anything (readiness reports it). */
    Optional<String> trouble() {
        if (!connected) {
            return Optional.of(problem != null ? problem : "not connected");
        }
        if (lastPongNumber < sessionFirstPing) {
            return Optional.of("waiting for the first self-ping to come back");
        }
        long since = outstandingSince;
        if (since != 0 && System.currentTimeMillis() - since > PONG_TIMEOUT.toMillis()) {
            return Optional.of("self-ping not back for " + (System.currentTimeMillis() - since) + " ms");
        }
        return Optional.empty();
    }

    void stop() {
        running = false;
        synchronized (this) {
            notifyAll(); // ends a backoff wait
        }
        Connection c = connection;
        if (c != null) {
            try {
                c.close(); // ends a getNotifications wait
            } catch (SQLException ignored) {
                // closing anyway
            }
        }
    }

    /** The backoff before reconnecting; {@link #stop} ends it at once. */
    private synchronized void pause(long millis) {
        try {
            if (running) {
                wait(millis);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }
}
