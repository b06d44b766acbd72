package dev.switchboard.socket;

import dev.switchboard.config.Settings;
import dev.switchboard.security.Role;
import dev.switchboard.metrics.Metrics;
import dev.switchboard.metrics.Traffic;
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
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Every open connection of this node, also by user (all devices and tabs of one user) and by remote address
 * (for the connection caps), and the bridge from a container {@link Session} to its {@link Connection}. The
 * periodic work over these connections (heartbeat, idle timeout, token expiry, send timeout) is its
 * {@link ConnectionSweeps}, started with the first connection and stopped with the application.
 */
@ApplicationScoped
public class ConnectionRegistry {

    private static final String KEY = Connection.class.getName();
    private static final Logger LOG = Logger.getLogger(ConnectionRegistry.class.getName());

    @Resource
    private ManagedExecutorService managedExecutor;

    @Resource
    private ManagedScheduledExecutorService managedScheduler;

    private Settings settings;
    private Metrics metrics;
    private Executor executor;
    private ScheduledExecutorService scheduler;
    private ConnectionSweeps sweeps;
    private volatile boolean draining;

    private final Map<String, Connection> byId = new ConcurrentHashMap<>();
    private final Map<String, Set<Connection>> byUser = new ConcurrentHashMap<>();
    private final Map<String, Set<Connection>> byAddress = new ConcurrentHashMap<>();
    private static final String ADDRESS = "switchboard.address"; // HandshakeConfigurator.ADDRESS
    /** The attribute with the path the connection was opened on ({@code /ws/chat}, {@code /ws/topics}), if known. */
    public static final String PATH = "switchboard.path";
    /**
     * Resolved when this class initializes, not in {@link #shutdown()}: once Payara stops the application, its
     * class loader loads no class it has not loaded before (NoClassDefFoundError in {@code @PreDestroy}), and
     * CloseCodes may never have been needed until then.
     */
    private static final CloseReason GOING_AWAY = CloseCodes.GOING_AWAY;

    protected ConnectionRegistry() {} // for CDI proxies

    @Inject
    public ConnectionRegistry(Settings settings, Metrics metrics) {
        this.settings = settings;
        this.metrics = metrics;
        this.sweeps = new ConnectionSweeps(settings, byId.values(), Clock.systemUTC(), metrics::tick);
    }

    /** Outside a container (in-process tests): closes run on the given executor; no heartbeat or token expiry. */
    public ConnectionRegistry(Settings settings, Executor executor) {
        this(settings, Metrics.create());
        this.executor = executor;
    }

    /** Outside a container (in-process tests): closes on {@code executor}, heartbeat and expiry on {@code scheduler}. */
    public ConnectionRegistry(Settings settings, Executor executor, ScheduledExecutorService scheduler) {
        this(settings, Metrics.create(), executor, scheduler);
    }

    /** As {@link #ConnectionRegistry(Settings, Executor, ScheduledExecutorService)}, counting into {@code metrics}. */
    public ConnectionRegistry(Settings settings, Metrics metrics, Executor executor, ScheduledExecutorService scheduler) {
        this(settings, metrics);
        this.executor = executor;
        this.scheduler = scheduler;
    }

    /**
     * A connection's token was refreshed in-band: it now expires at {@code expires} (never earlier than before), and
     * its pending 1008 "token expired" close is cancelled, to be scheduled again when the new expiry comes near.
     */
    public void refreshed(Connection c, Instant expires) {
        if (c.expires() == null || expires.isBefore(c.expires())) {
            return; // a container login does not expire; a shorter token does not shorten a connection
        }
        c.expires(expires);
        sweeps.rescheduleExpiry(c, scheduler != null ? scheduler : managedScheduler);
    }

    /** Binds a new session to a connection for the given user and registers it. */
    public Connection open(Session session, String user, Instant expires) {
        return open(session, user, expires, Set.of());
    }

    /** Binds a new session to a connection for the given user, with its server roles, and registers it. */
    public Connection open(Session session, String user, Instant expires, Set<Role> roles) {
        Executor closer = executor != null ? executor : managedExecutor;
        Traffic traffic = metrics.traffic(endpointOf(session));
        Connection c = new Connection(session.getId(), user, expires, roles,
                new SessionWire(session, closer, traffic), settings.sendQueueBytes(), traffic);
        // the container's own limits, matching ours (the application checks them too: InboundGuard)
        session.setMaxIdleTimeout(settings.idleTimeout().toMillis());
        session.setMaxTextMessageBufferSize(settings.maxFrameBytes());
        session.setMaxBinaryMessageBufferSize(settings.maxBinaryBytes());
        session.getUserProperties().put(KEY, c);
        if (session.getRequestURI() != null && session.getRequestURI().getPath() != null) {
            c.attributes().put(PATH, session.getRequestURI().getPath());
        }
        add(c);
        if (session.getUserProperties().get(ADDRESS) instanceof String address) {
            c.attributes().put(ADDRESS, address);
            byAddress.computeIfAbsent(address, a -> ConcurrentHashMap.newKeySet()).add(c);
        }
        sweeps.watch(c, scheduler != null ? scheduler : managedScheduler);
        return c;
    }

    /** The endpoint a session is on, by the last segment of its path ({@code /ws/chat}: {@code chat}), for the metrics. */
    static String endpointOf(Session session) {
        String path = session.getRequestURI() == null ? null : session.getRequestURI().getPath();
        return path == null || path.isEmpty() ? "unknown" : path.substring(path.lastIndexOf('/') + 1);
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
            sweeps.unwatch(c);
        }
        return c;
    }

    /** As {@link #closed(Session)}, counting the close code for the metrics. */
    public Connection closed(Session session, CloseReason reason) {
        Connection c = closed(session);
        if (c != null && reason != null) {
            metrics.closed(reason.getCloseCode().getCode());
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

    /** Bytes waiting in every connection's send queue (a sum over the connections: for scrapes, not per frame). */
    public long queuedBytes() {
        long queued = 0;
        for (Connection c : byId.values()) {
            queued += c.queuedBytes();
        }
        return queued;
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
        sweeps.stop();
        for (Connection c : byId.values()) {
            try {
                c.closeNow(GOING_AWAY); // on this thread: the executors are stopping too
            } catch (RuntimeException | LinkageError e) { // one failed close must not leave the others open
                LOG.log(Level.FINE, "shutdown close of {0} failed: {1}", new Object[] {c, e.toString()});
            }
        }
    }
}
