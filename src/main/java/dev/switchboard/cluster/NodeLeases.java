package dev.switchboard.cluster;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The cluster's membership as leases in {@code sb_node}: every heartbeat a node renews its own (database time, so
 * clocks need not agree) and sweeps the nodes whose lease is older than the node timeout, with their presence rows;
 * each swept row goes to {@link SharedPresence#swept}, which lets its user leave unless a live node still has them.
 * Only one sweeper gets a given row ({@code DELETE … RETURNING}). A user of a killed node leaves within the node
 * timeout plus one heartbeat (15 + 5 s by default).
 */
final class NodeLeases {

    private static final Logger LOG = Logger.getLogger(NodeLeases.class.getName());

    /** A presence row swept with its node. */
    private record Seat(String room, String user) {}

    private final ClusterNode node;
    private final SharedPresence presence;
    private final ScheduledExecutorService timer;

    NodeLeases(ClusterNode node, SharedPresence presence) {
        this.node = node;
        this.presence = presence;
        this.timer = Executors.newSingleThreadScheduledExecutor(node.threads("leases"));
    }

    void start() {
        long period = Math.max(100, node.settings().clusterHeartbeat().toMillis());
        try {
            renew(); // the node counts before its first connection arrives
            node.leading(node.id().equals(leader()));
        } catch (SQLException e) {
            LOG.log(Level.WARNING, "node " + node.id() + " could not take its lease yet: " + e);
        }
        timer.scheduleWithFixedDelay(this::beat, period, period, TimeUnit.MILLISECONDS);
    }

    /** Ends the lease: the other nodes sweep this node's presence at their next beat (its users leave then). */
    void stop() {
        timer.shutdownNow();
        try (Connection c = node.database().connect();
                PreparedStatement ps = c.prepareStatement("DELETE FROM sb_node WHERE node = ?")) {
            ps.setString(1, node.id());
            ps.executeUpdate();
        } catch (SQLException e) {
            LOG.warning("node " + node.id() + " left without ending its lease (it lapses): " + e);
        }
    }

    /** Stops renewing without ending the lease, as a node killed without a goodbye does (tests). */
    void abandon() {
        timer.shutdownNow();
    }

    private void beat() {
        try {
            if (renew()) {
                presence.reassert();
            }
            sweep();
            node.leading(node.id().equals(leader()));
        } catch (SQLException | RuntimeException e) {
            LOG.log(Level.WARNING, "node " + node.id() + ": lease not renewed: " + e);
        }
    }

    /** Renews this node's lease; true when it had lapsed and been swept (its presence rows are gone). */
    private boolean renew() throws SQLException {
        try (Connection c = node.database().connect()) {
            try (PreparedStatement ps = c.prepareStatement("UPDATE sb_node SET lease = now() WHERE node = ?")) {
                ps.setString(1, node.id());
                if (ps.executeUpdate() == 1) {
                    return false;
                }
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO sb_node (node, started, lease) VALUES (?, ?, now())")) {
                ps.setString(1, node.id());
                ps.setLong(2, System.currentTimeMillis());
                ps.executeUpdate();
            }
            return true;
        }
    }

    /** The live node that started first (ties: the smaller id). */
    private String leader() throws SQLException {
        try (Connection c = node.database().connect();
                PreparedStatement ps = c.prepareStatement("SELECT node FROM sb_node WHERE lease > now() - make_interval(secs => ?)"
                        + " ORDER BY started, node LIMIT 1")) {
            ps.setDouble(1, node.settings().clusterNodeTimeout().toMillis() / 1000.0);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /** Deletes lapsed leases and every presence row without a lease; each row is settled. */
    private void sweep() throws SQLException {
        List<Seat> rows = new ArrayList<>();
        try (Connection c = node.database().connect()) {
            try (PreparedStatement ps = c.prepareStatement(
                    "DELETE FROM sb_node WHERE lease < now() - make_interval(secs => ?) RETURNING node")) {
                ps.setDouble(1, node.settings().clusterNodeTimeout().toMillis() / 1000.0);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        LOG.warning("node " + rs.getString(1) + " stopped renewing its lease: its users leave");
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM sb_presence p"
                    + " WHERE NOT EXISTS (SELECT 1 FROM sb_node n WHERE n.node = p.node) RETURNING room, usr")) {
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.add(new Seat(rs.getString(1), rs.getString(2)));
                    }
                }
            }
        }
        for (Seat seat : rows) {
            presence.swept(seat.room(), seat.user());
        }
    }
}
