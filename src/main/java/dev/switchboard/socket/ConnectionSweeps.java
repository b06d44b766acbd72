package dev.switchboard.socket;

import dev.switchboard.config.Settings;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * What keeps a node's open connections honest over time, on the container's {@code ManagedScheduledExecutorService}
 * from the first connection on: every {@code switchboard.heartbeat} seconds a ping to each connection, and a close
 * (1001) of one not heard from (no frame, no pong) within {@code switchboard.idle.timeout}, since a peer whose TCP
 * vanished sends no close frame; once a second the send timeout ({@link #closeStalled}) and the metrics' sample; and
 * a token-authenticated connection closed (1008) when its token expires.
 *
 * <p>Thread-safety: {@link #watch} and {@link #unwatch} may be called from any thread. Each periodic task runs
 * one run at a time (a fixed-rate schedule does not overlap itself); the sweeps read the registry's live view of
 * its connections and only close or ping them, which may race with any other close (a connection closes once).
 */
final class ConnectionSweeps {

    private static final Logger LOG = Logger.getLogger(ConnectionSweeps.class.getName());
    /** The attribute holding a connection's scheduled token-expiry close. */
    static final String EXPIRY = Connection.class.getName() + ".expiry";
    /** Fewer stalled connections than this are always the clients' fault (see {@link #closeStalled}). */
    static final int LAGGING_AT_LEAST = 8;

    private final Settings settings;
    private final Collection<Connection> connections;
    private final Clock clock;
    private final Runnable everySecond;
    private final List<Future<?>> periodic = new CopyOnWriteArrayList<>();
    private volatile boolean started;
    /** Where the sweeps and expiry closes run; set when they start. */
    private volatile ScheduledExecutorService scheduler;
    /** When the send-timeout sweep last logged that the server is lagging; only its scheduled task touches it. */
    private long lagLogged;

    /**
     * @param connections a live view of the registry's open connections
     * @param clock the wall clock token expiries are measured against
     */
    ConnectionSweeps(Settings settings, Collection<Connection> connections, Clock clock) {
        this(settings, connections, clock, () -> {});
    }

    /** @param everySecond what else runs once a second on the sweeps' scheduler (the metrics' rates) */
    ConnectionSweeps(Settings settings, Collection<Connection> connections, Clock clock, Runnable everySecond) {
        this.settings = settings;
        this.connections = connections;
        this.clock = clock;
        this.everySecond = everySecond;
    }

    /** A connection opened: starts the sweeps on {@code s} with the first one, and schedules its token expiry if due. */
    void watch(Connection c, ScheduledExecutorService s) {
        if (s == null) {
            return; // outside a container without a scheduler: no sweeps
        }
        if (!started) {
            start(s);
        }
        scheduleExpiryIfDue(c, s);
    }

    /** A connection closed: cancels its expiry close, else the task would hold the connection until the token expires. */
    void unwatch(Connection c) {
        if (c.attributes().remove(EXPIRY) instanceof Future<?> expiry) {
            expiry.cancel(false);
        }
    }

    /** A connection's token was refreshed: its expiry close (if scheduled) is cancelled and scheduled anew if due. */
    void rescheduleExpiry(Connection c, ScheduledExecutorService s) {
        unwatch(c);
        scheduleExpiryIfDue(c, s);
    }

    /** Undeploy or shutdown: no more sweeps. A plain loop: no lambda to link while the application stops. */
    void stop() {
        for (Future<?> f : periodic) {
            f.cancel(false);
        }
    }

    private synchronized void start(ScheduledExecutorService s) {
        if (started) {
            return;
        }
        scheduler = s;
        started = true;
        long every = Math.max(1, settings.heartbeatSeconds());
        periodic.add(s.scheduleAtFixedRate(() -> heartbeat(System.nanoTime()), every, every, TimeUnit.SECONDS));
        periodic.add(s.scheduleAtFixedRate(everySecond, 1, 1, TimeUnit.SECONDS));
        periodic.add(s.scheduleAtFixedRate(() -> closeStalled(System.nanoTime()), 1, 1, TimeUnit.SECONDS));
    }

    /**
     * Schedules the 1008 "token expired" close once the expiry is within one heartbeat. Not at open for a
     * 12 h token: a cancelled task stays in the scheduler's queue (holding its connection) until its time.
     */
    private void scheduleExpiryIfDue(Connection c, ScheduledExecutorService s) {
        if (s == null || c.expires() == null || c.attributes().containsKey(EXPIRY)) {
            return;
        }
        long delay = Duration.between(clock.instant(), c.expires()).toMillis();
        if (delay <= TimeUnit.SECONDS.toMillis(Math.max(1, settings.heartbeatSeconds())) + 1000) {
            c.attributes().put(EXPIRY, s.schedule(() -> c.close(CloseCodes.TOKEN_EXPIRED), Math.max(0, delay), TimeUnit.MILLISECONDS));
        }
    }

    /**
     * At {@code now} ({@link System#nanoTime()}): pings every connection, drops those not heard from within the
     * idle timeout, and schedules the token expiries now within a heartbeat. Never throws (it would stop the schedule).
     */
    void heartbeat(long now) {
        long idle = settings.idleTimeout().toNanos();
        ScheduledExecutorService s = scheduler;
        for (Connection c : connections) {
            try {
                scheduleExpiryIfDue(c, s);
                if (now - c.lastSeenNanos() > idle) {
                    LOG.fine(() -> c + " silent for longer than the idle timeout");
                    c.close(CloseCodes.IDLE);
                } else {
                    c.ping();
                }
            } catch (RuntimeException e) {
                LOG.fine(() -> "heartbeat of " + c + " failed: " + e);
            }
        }
    }

    /**
     * The send timeout ({@code switchboard.send.timeout}): closes (1011) every connection whose send has been
     * in flight longer at {@code now}. One sweep a second over the connections, instead of the container arming and
     * cancelling a timer for every frame (Undertow's per-send timeout was a few % of the CPU of a busy room).
     *
     * <p>A stalled send is the client's fault when others' sends complete. When most connections stall at
     * once ({@link #LAGGING_AT_LEAST} or more, and more than half of all), the server is the one behind (a
     * saturated core completes every send late): closing them all would only add a reconnect storm, so the
     * sweep leaves them to the byte bound of their queues (4008) and says so in the log.
     */
    void closeStalled(long now) {
        long timeout = settings.sendTimeout().toNanos();
        List<Connection> stalled = new ArrayList<>();
        for (Connection c : connections) {
            if (c.sendStalled(now, timeout)) {
                stalled.add(c);
            }
        }
        int open = connections.size();
        if (stalled.size() >= LAGGING_AT_LEAST && stalled.size() * 2 > open) {
            if (now - lagLogged > TimeUnit.MINUTES.toNanos(1) || lagLogged == 0) {
                lagLogged = now;
                LOG.warning(() -> stalled.size() + " of " + open + " connections have had a send in flight for over "
                        + settings.sendTimeout().toSeconds() + " s: the server is overloaded; not closing them for it");
            }
            return;
        }
        for (Connection c : stalled) {
            LOG.fine(() -> c + ": a send took longer than the send timeout");
            c.close(CloseCodes.SERVER_ERROR);
        }
    }
}
