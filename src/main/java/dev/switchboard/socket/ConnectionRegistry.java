package dev.switchboard.socket;

import dev.switchboard.config.Settings;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.websocket.Session;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * Every open connection of this node, also by user (all devices and tabs of one user), and the bridge
 * from a container {@link Session} to its {@link Connection}.
 */
@ApplicationScoped
public class ConnectionRegistry {

    private static final String KEY = Connection.class.getName();

    @Resource
    private ManagedExecutorService managedExecutor;

    private Settings settings;
    private Executor executor;

    private final Map<String, Connection> byId = new ConcurrentHashMap<>();
    private final Map<String, Set<Connection>> byUser = new ConcurrentHashMap<>();

    protected ConnectionRegistry() {} // for CDI proxies

    @Inject
    public ConnectionRegistry(Settings settings) {
        this.settings = settings;
    }

    /** Outside a container (in-process tests): closes run on the given executor. */
    public ConnectionRegistry(Settings settings, Executor executor) {
        this.settings = settings;
        this.executor = executor;
    }

    /** Binds a new session to a connection for the given user and registers it. */
    public Connection open(Session session, String user, Instant expires) {
        Executor closer = executor != null ? executor : managedExecutor;
        Connection c = new Connection(session.getId(), user, expires,
                new SessionWire(session, settings.sendTimeout().toMillis(), closer), settings.sendQueueBytes());
        session.getUserProperties().put(KEY, c);
        add(c);
        return c;
    }

    /** The connection of a session, or null before {@link #open} or after {@link #closed}. */
    public Connection of(Session session) {
        return (Connection) session.getUserProperties().get(KEY);
    }

    /** The session ended; returns its connection, or null if it had none. */
    public Connection closed(Session session) {
        Connection c = (Connection) session.getUserProperties().remove(KEY);
        if (c != null) {
            c.closed();
            remove(c);
        }
        return c;
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

    public Collection<Connection> all() {
        return byId.values();
    }

    /** On undeploy or shutdown every client is told to come back later (1001) and resumes with {@code since}. */
    @PreDestroy
    void shutdown() {
        byId.values().forEach(c -> c.close(CloseCodes.GOING_AWAY));
    }
}
