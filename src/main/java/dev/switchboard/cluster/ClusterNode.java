package dev.switchboard.cluster;

import dev.switchboard.config.Settings;
import dev.switchboard.delivery.HistoryDatabase;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.logging.Logger;

/**
 * This node of the cluster, or the only node: a node joins a cluster when its database can be shared (PostgreSQL)
 * and {@code switchboard.cluster} is not {@code false}. Nothing else is configured: every node pointed at the same
 * database with the same token secret is a member. Each start of the application is a new node (a random id), so a
 * node that crashed and came back never inherits its former self's presence.
 */
@ApplicationScoped
public class ClusterNode {

    private static final Logger LOG = Logger.getLogger(ClusterNode.class.getName());

    @Resource
    private ManagedThreadFactory managedThreads;

    private Settings settings;
    private HistoryDatabase database;
    private boolean clustered;
    private volatile boolean leading;
    private final java.util.List<Runnable> closing = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final String id = UUID.randomUUID().toString().replace("-", "").substring(0, 16);

    protected ClusterNode() {} // for CDI proxies

    @Inject
    public ClusterNode(Settings settings) {
        this.settings = settings;
    }

    /** Outside a container: a node on the given database. */
    public static ClusterNode on(HistoryDatabase database, Settings settings) {
        ClusterNode node = new ClusterNode(settings);
        node.database = database;
        node.clustered = database.isPostgres() && settings.clusterWanted();
        return node;
    }

    @PostConstruct
    void open() {
        database = HistoryDatabase.open(settings);
        clustered = database.isPostgres() && settings.clusterWanted();
        LOG.info(clustered ? "node " + id + " joins the cluster on its PostgreSQL database" : "one node (no cluster)");
    }

    @PreDestroy
    void close() {
        for (Runnable r : closing) {
            r.run();
        }
        database.close();
    }

    /** Runs when the node stops, before its database closes. */
    void onClose(Runnable r) {
        closing.add(r);
    }

    /**
     * Whether this node runs the cluster's singletons (the demo ticker): the live node that started first, as the
     * leases say at each heartbeat. One node always leads.
     */
    public boolean leads() {
        return !clustered || leading;
    }

    void leading(boolean leading) {
        this.leading = leading;
    }

    public boolean clustered() {
        return clustered;
    }

    public String id() {
        return id;
    }

    /**
     * The ids of the live nodes (their leases current), this one first; one node: itself. Read from {@code sb_node} at
     * each call (an operator's request, not a hot path).
     */
    public java.util.List<String> liveNodes() {
        if (!clustered) {
            return java.util.List.of(id);
        }
        java.util.List<String> nodes = new java.util.ArrayList<>();
        nodes.add(id);
        try (java.sql.Connection c = database.connect();
                java.sql.PreparedStatement ps = c.prepareStatement(
                        "SELECT node FROM sb_node WHERE lease > now() - make_interval(secs => ?) ORDER BY started, node")) {
            ps.setDouble(1, settings.clusterNodeTimeout().toMillis() / 1000.0);
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (!id.equals(rs.getString(1))) {
                        nodes.add(rs.getString(1));
                    }
                }
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("could not read the cluster's nodes: " + e.getMessage(), e);
        }
        return nodes;
    }

    public HistoryDatabase database() {
        return database;
    }

    public Settings settings() {
        return settings;
    }

    /** Threads for the node's long-running jobs: the container's managed ones where there is a container. */
    ThreadFactory threads(String name) {
        ThreadFactory base = managedThreads != null ? managedThreads : Executors.defaultThreadFactory();
        return r -> {
            Thread t = base.newThread(r);
            t.setName("switchboard-" + name + "-" + id);
            t.setDaemon(true);
            return t;
        };
    }
}
