package dev.switchboard.socket;

import dev.switchboard.config.Settings;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.BeforeDestroyed;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.Reception;
import jakarta.inject.Inject;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Every open connection of this node, also by user (all devices and tabs of one user), and the bridge
 * from a container {@link Session} to its {@link Connection}. It also keeps connections honest over
 * time: a heartbeat pings every connection every {@code switchboard.heartbeat} seconds and drops one
 * not heard from (no frame, no pong) within {@code switchboard.idle.timeout}, since a peer whose TCP
 * vanished sends no close frame; a token-authenticated connection is closed (1008) when its token expires.
 */
@ApplicationScoped
public class ConnectionRegistry {

    private static final String KEY = Connection.class.getName();
    private static final String EXPIRY = KEY + ".expiry";
    private static final Logger LOG = Logger.getLogger(ConnectionRegistry.class.getName());
    /** Fewer stalled connections than this are always the clients' fault (see {@link #closeStalled}). */
    static final int LAGGING_AT_LEAST = 8;

    @Resource
    private ManagedExecutorService managedExecutor;

    @Resource
    private ManagedScheduledExecutorService managedScheduler;

    private Settings settings;
    private Executor executor;
    private ScheduledExecutorService scheduler;
    private final List<Future<?>> periodic = new CopyOnWriteArrayList<>();
    private volatile boolean started;
    private volatile boolean draining;

    private final Map<String, Connection> byId = new ConcurrentHashMap<>();
    /** When the sweep last logged that the server is lagging; only its scheduled task touches it. */
    private long lagLogged;
    private final Map<String, Set<Connection>> byUser = new ConcurrentHashMap<>();
    private final Map<String, Set<Connection>> byAddress = new ConcurrentHashMap<>();
    private static final String ADDRESS = "switchboard.address"; // HandshakeConfigurator.ADDRESS
    /**
     * Resolved when this class initializes, not in {@link #shutdown()}: once Payara stops the application, its
     * class loader loads no class it has not loaded before (NoClassDefFoundError in {@code @PreDestroy}), and
     * CloseCodes may never have been needed until then.
     */
    private static final CloseReason GOING_AWAY = CloseCodes.GOING_AWAY;

    protected ConnectionRegistry() {} // for CDI proxies

    @Inject
    public ConnectionRegistry(Settings settings) {
        this.settings = settings;
    }

    /** Outside a container (in-process tests): closes run on the given executor; no heartbeat or token expiry. */
    public ConnectionRegistry(Settings settings, Executor executor) {
        this.settings = settings;
        this.executor = executor;
    }

    /** Outside a container (in-process tests): closes on {@code executor}, heartbeat and expiry on {@code scheduler}. */
    public ConnectionRegistry(Settings settings, Executor executor, ScheduledExecutorService scheduler) {
        this(settings, executor);
        this.scheduler = scheduler;
    }

    /** Binds a new session to a connection for the given user and registers it. */
    public Connection open(Session session, String user, Instant expires) {
        Executor closer = executor != null ? executor : managedExecutor;
        Connection c = new Connection(session.getId(), user, expires,
                new SessionWire(session, closer), settings.sendQueueBytes());
        // the container's own limits, matching ours (the application checks them too: InboundGuard)
        session.setMaxIdleTimeout(settings.idleTimeout().toMillis());
        session.setMaxTextMessageBufferSize(settings.maxFrameBytes());
        session.setMaxBinaryMessageBufferSize(settings.maxBinaryBytes());
        session.getUserProperties().put(KEY, c);
        add(c);
        if (session.getUserProperties().get(ADDRESS) instanceof String address) {
            c.attributes().put(ADDRESS, address);
            byAddress.computeIfAbsent(address, a -> ConcurrentHashMap.newKeySet()).add(c);
        }
        watch(c);
        return c;
    }

    /** Schedules the token expiry of a connection and starts the heartbeat with the first connection. */
    void watch(Connection c) {
        ScheduledExecutorService s = scheduler();
        if (s == null) {
            return;
        }
        if (!started) {
            startHeartbeat(s);
        }
        scheduleExpiryIfDue(c, s);
    }

    /**
     * Schedules the 1008 "token expired" close once the expiry is within one heartbeat. Not at open for a
     * 12 h token: a cancelled task stays in the scheduler's queue (holding its connection) until its time.
     */
    private void scheduleExpiryIfDue(Connection c, ScheduledExecutorService s) {
        if (c.expires() == null || c.attributes().containsKey(EXPIRY)) {
            return;
        }
        long delay = Duration.between(Instant.now(), c.expires()).toMillis();
        if (delay <= TimeUnit.SECONDS.toMillis(Math.max(1, settings.heartbeatSeconds())) + 1000) {
            c.attributes().put(EXPIRY, s.schedule(() -> c.close(CloseCodes.TOKEN_EXPIRED), Math.max(0, delay), TimeUnit.MILLISECONDS));
        }
    }

    private synchronized void startHeartbeat(ScheduledExecutorService s) {
        if (started) {
            return;
        }
        started = true;
        long every = Math.max(1, settings.heartbeatSeconds());
        periodic.add(s.scheduleAtFixedRate(this::heartbeat, every, every, TimeUnit.SECONDS));
        periodic.add(s.scheduleAtFixedRate(Metrics::tick, 1, 1, TimeUnit.SECONDS));
        periodic.add(s.scheduleAtFixedRate(() -> closeStalled(System.nanoTime()), 1, 1, TimeUnit.SECONDS));
    }

    /** Pings every connection; drops those not heard from within the idle timeout. Never throws (it would stop the schedule). */
    void heartbeat() {
        long idle = settings.idleTimeout().toNanos();
        long now = System.nanoTime();
        ScheduledExecutorService s = scheduler();
        for (Connection c : byId.values()) {
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
     * in flight longer. One sweep a second over the connections, instead of the container arming and
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
        for (Connection c : byId.values()) {
            if (c.sendStalled(now, timeout)) {
                stalled.add(c);
            }
        }
        if (stalled.size() >= LAGGING_AT_LEAST && stalled.size() * 2 > byId.size()) {
            if (now - lagLogged > TimeUnit.MINUTES.toNanos(1) || lagLogged == 0) {
                lagLogged = now;
                LOG.warning(() -> stalled.size() + " of " + byId.size() + " connections have had a send in flight for over "
                        + settings.sendTimeout().toSeconds() + " s: the server is overloaded; not closing them for it");
            }
            return;
        }
        for (Connection c : stalled) {
            LOG.fine(() -> c + ": a send took longer than the send timeout");
            c.close(CloseCodes.SERVER_ERROR);
        }
    }

    private ScheduledExecutorService scheduler() {
        return scheduler != null ? scheduler : managedScheduler;
    }

    /** The connection of a session, or null before {@link #open} or after {@link #closed}. */
    public Connection of(Session session) {
        return (Connection) session.getUserProperties().get(KEY);
    }

    /** A pong to a heartbeat arrived: the peer is alive. */
    public void pong(Session session) {
        Connection c = of(session);
        if (c != null) {
            c.seen();
        }
    }

    /** An endpoint's {@code @OnError}: a client's I/O failure is routine (FINE); anything else is ours (WARNING). */
    public void failed(Session session, Throwable failure) {
        if (failure instanceof java.io.IOException) {
            LOG.log(Level.FINE, "connection {0} failed: {1}", new Object[] {session.getId(), failure.toString()});
        } else {
            LOG.log(Level.WARNING, "unexpected failure on connection " + session.getId(), failure);
        }
    }

    /** The session ended; returns its connection, or null if it had none. */
    public Connection closed(Session session) {
        Connection c = (Connection) session.getUserProperties().remove(KEY);
        if (c != null) {
            c.closed();
            remove(c);
            if (c.attributes().get(ADDRESS) instanceof String address) {
                byAddress.computeIfPresent(address, (a, set) -> {
                    set.remove(c);
                    return set.isEmpty() ? null : set;
                });
            }
            if (c.attributes().remove(EXPIRY) instanceof Future<?> expiry) {
                expiry.cancel(false); // else the task would hold the connection until the token expires
            }
        }
        return c;
    }

    /** As {@link #closed(Session)}, counting the close code for the metrics. */
    public Connection closed(Session session, CloseReason reason) {
        Connection c = closed(session);
        if (c != null && reason != null) {
            Metrics.closed(reason.getCloseCode().getCode());
        }
        return c;
    }

    /** Open connections of a user, for the connection caps. */
    public int countOf(String user) {
        Set<Connection> set = byUser.get(user);
        return set == null ? 0 : set.size();
    }

    /** Open connections from a remote address (as the handshake filter saw it), for the connection caps. */
    public int countFrom(String address) {
        Set<Connection> set = byAddress.get(address);
        return set == null ? 0 : set.size();
    }

    public void add(Connection c) {
        byId.put(c.id(), c);
        byUser.computeIfAbsent(c.user(), u -> ConcurrentHashMap.newKeySet()).add(c);
    }

    public void remove(Connection c) {
        byId.remove(c.id());
        byUser.computeIfPresent(c.user(), (u, set) -> {
            set.remove(c);
            return set.isEmpty() ? null : set;
        });
    }

    public Collection<Connection> ofUser(String user) {
        Set<Connection> set = byUser.get(user);
        return set == null ? List.of() : set;
    }

    public int size() {
        return byId.size();
    }

    /** Users with at least one open connection. */
    public int users() {
        return byUser.size();
    }

    public Collection<Connection> all() {
        return byId.values();
    }

    /**
     * Whether the application is going away (undeploy or server shutdown has begun): from then on the node
     * is not ready for new clients, and every open one is about to get 1001.
     */
    public boolean draining() {
        return draining;
    }

    /** The first sign of an undeploy: the application scope is about to end (only if this bean exists). */
    void applicationEnding(@Observes(notifyObserver = Reception.IF_EXISTS) @BeforeDestroyed(ApplicationScoped.class) Object event) {
        draining = true;
    }

    /** On undeploy or shutdown every client is told to come back later (1001) and resumes with {@code since}. */
    @PreDestroy
    void shutdown() {
        draining = true;
        periodic.forEach(f -> f.cancel(false));
        for (Connection c : byId.values()) {
            try {
                c.closeNow(GOING_AWAY); // on this thread: the executors are stopping too
            } catch (RuntimeException | LinkageError e) { // one failed close must not leave the others open
                LOG.log(Level.FINE, "shutdown close of {0} failed: {1}", new Object[] {c, e.toString()});
            }
        }
    }
}
