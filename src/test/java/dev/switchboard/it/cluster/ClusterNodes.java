package dev.switchboard.it.cluster;

import dev.switchboard.testing.TestPostgres;
import dev.switchboard.it.cluster.ClusterNode.Kind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The cluster ITs' nodes, one registry per test JVM: a node is started when a test first asks for it and is then
 * reused by later test classes (starting servers is the slow part); all are stopped when the JVM ends. Each name
 * gets fixed ports of its own: WildFly nodes HTTP 18480, 18490, … (port offset 10400, 10410, …; management 20390,
 * 20400, …), Payara nodes HTTP 18600, 18610, … . {@code -Dit.cluster.port.shift=N} (the {@code cluster-it} execution
 * passes the pom property of that name, default 0) adds N to all of them, so that two builds on one machine (two
 * worktrees) can run cluster ITs at the same time.
 * <p>
 * Every node runs with {@link #clusterOptions()}: the shared database (PostgreSQL when {@link #POSTGRES}) and short
 * cluster timeouts. A test that kills or stops a node need not restart it: the next {@link #ready} does.
 */
public final class ClusterNodes {

    /** Per node; generous because nodes start concurrently on a 2-core machine. */
    public static final Duration START_TIMEOUT = Duration.ofSeconds(180);

    /**
     * Whether the nodes share one PostgreSQL ({@code -Dit.cluster.postgres=true}; the {@code cluster-it} execution
     * passes the pom property {@code it.cluster.postgres}), or each keeps its own embedded H2 (until the WAR's
     * PostgreSQL support works on both servers).
     */
    public static final boolean POSTGRES = Boolean.getBoolean("it.cluster.postgres");

    private static final boolean CONCURRENT_STARTS = Boolean.parseBoolean(System.getProperty(
            "it.cluster.concurrent-starts", String.valueOf(Runtime.getRuntime().availableProcessors() > 2)));

    /** The database the nodes share. */
    public static final String DATABASE = "switchboard_cluster";

    /** Added to every node's ports (WildFly's port offset, Payara's HTTP port): see the class comment. */
    public static final int PORT_SHIFT = Integer.getInteger("it.cluster.port.shift", 0);

    private static final int MAX_NODES_PER_KIND = 10;
    private static final Map<String, ClusterNode> NODES = new LinkedHashMap<>();
    private static List<String> clusterOptions;
    private static int wildflies;
    private static int payaras;

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ClusterNodes::stopAll, "cluster-nodes-shutdown"));
    }

    private ClusterNodes() {}

    /** A ready WildFly node (started if it is not running). */
    public static ClusterNode wildfly(String name) {
        return ready(node(Kind.WILDFLY, name)).get(0);
    }

    /** A ready Payara Micro node (started if it is not running). */
    public static ClusterNode payara(String name) {
        return ready(node(Kind.PAYARA, name)).get(0);
    }

    /** The node {@code name}, defined with {@link #clusterOptions()}; not started. */
    public static ClusterNode node(Kind kind, String name) {
        return node(kind, name, clusterOptions());
    }

    /**
     * The node {@code name} with these JVM options (on top of the shared IT settings); not started. A node already
     * defined with other options is stopped and replaced by one on the same ports (with a fresh directory).
     */
    public static synchronized ClusterNode node(Kind kind, String name, List<String> options) {
        ClusterNode existing = NODES.get(name);
        if (existing != null && existing.kind() != kind) {
            throw new IllegalArgumentException(name + " is a " + existing.kind() + " node, not " + kind);
        }
        if (existing != null && existing.extraOptions().equals(options)) {
            return existing;
        }
        ClusterNode node;
        if (existing != null) {
            existing.stop();
            node = kind == Kind.WILDFLY
                    ? ClusterNode.wildfly(name, existing.httpPort() - 8080, options)
                    : ClusterNode.payara(name, existing.httpPort(), options);
        } else if (kind == Kind.WILDFLY) {
            node = ClusterNode.wildfly(name, PORT_SHIFT + 10400 + 10 * slot(wildflies++), options);
        } else {
            node = ClusterNode.payara(name, PORT_SHIFT + 18600 + 10 * slot(payaras++), options);
        }
        NODES.put(name, node);
        return node;
    }

    /**
     * Starts the nodes that are not running and waits until every one is ready: all at once where there are cores
     * for it, else one after another. On 2 cores both boots are CPU-bound and concurrent starts were no faster
     * (a WildFly and a Payara node: 21-26 s together, 18 s one after the other). {@code -Dit.cluster.concurrent-starts}
     * overrides the choice.
     */
    public static List<ClusterNode> ready(ClusterNode... nodes) {
        if (CONCURRENT_STARTS) {
            for (ClusterNode n : nodes) {
                n.start(); // returns at once
            }
        }
        for (ClusterNode n : nodes) {
            n.start(); // a no-op for a node already running
            n.awaitReady(START_TIMEOUT);
        }
        return List.of(nodes);
    }

    /** The options every registry node gets: the shared database, and short cluster heartbeats for quick tests. */
    public static synchronized List<String> clusterOptions() {
        if (clusterOptions == null) {
            List<String> o = new ArrayList<>();
            if (POSTGRES) {
                o.add("-Dswitchboard.db.url=" + TestPostgres.url(DATABASE));
                o.add("-Dswitchboard.db.user=" + TestPostgres.user());
                o.add("-Dswitchboard.db.password=" + TestPostgres.password());
            }
            o.add("-Dswitchboard.cluster.heartbeat=1");
            o.add("-Dswitchboard.cluster.node-timeout=4");
            clusterOptions = List.copyOf(o);
        }
        return clusterOptions;
    }

    /** Stops every node (concurrently, each gracefully, killed if it hangs), then the database. */
    public static void stopAll() {
        List<ClusterNode> nodes;
        synchronized (ClusterNodes.class) {
            nodes = new ArrayList<>(NODES.values());
        }
        List<Thread> stoppers = nodes.stream().filter(Objects::nonNull)
                .map(n -> new Thread(n::stop, "stop-" + n.name())).toList();
        stoppers.forEach(Thread::start);
        for (Thread t : stoppers) {
            try {
                t.join(Duration.ofSeconds(40).toMillis()); // ClusterNode.stop kills after 30 s
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static int slot(int n) {
        if (n >= MAX_NODES_PER_KIND) {
            throw new IllegalStateException("more than " + MAX_NODES_PER_KIND + " nodes of one kind: give them more ports");
        }
        return n;
    }
}
