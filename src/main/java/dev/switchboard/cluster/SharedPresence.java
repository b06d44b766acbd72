package dev.switchboard.cluster;

import dev.switchboard.chat.LocalPresence;
import dev.switchboard.chat.Presence;
import dev.switchboard.protocol.ServerMessage;
import dev.switchboard.socket.OutboundFrame;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.ArrayList;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Presence across the cluster, as rows of the shared database: one row per (room, user, node) while the user has a
 * connection in the room on that node, counted only while the node's lease ({@link NodeLeases}) is alive. A user's
 * first row anywhere is their {@code join}, their last row gone their {@code leave}; both are decided under an
 * advisory lock on (room, user), so two nodes never both announce. A node that dies without a goodbye has its rows
 * swept with its lease, and its users leave then (the node timeout plus a heartbeat). Connections per node are
 * counted in memory ({@link LocalPresence}): only a user's first and last device on a node touch the database.
 */
public final class SharedPresence implements Presence {

    private static final Logger LOG = Logger.getLogger(SharedPresence.class.getName());

    private static final String LOCK = "SELECT pg_advisory_xact_lock(hashtext(?))";
    /** Rows of nodes whose lease is alive; the node's timeout is the parameter after the room and user. */
    private static final String ALIVE = " AND EXISTS (SELECT 1 FROM sb_node n WHERE n.node = p.node"
            + " AND n.lease > now() - make_interval(secs => ?))";

    private final ClusterNode node;
    private final FanOut fanOut;
    private final LocalPresence local = new LocalPresence();
    private final double timeoutSeconds;

    public SharedPresence(ClusterNode node, FanOut fanOut) {
        this.node = node;
        this.fanOut = fanOut;
        this.timeoutSeconds = node.settings().clusterNodeTimeout().toMillis() / 1000.0;
    }

    @Override
    public boolean arrive(String room, String user) {
        if (!local.arrive(room, user)) {
            return false; // another device of theirs is here already
        }
        try {
            return seat(room, user, true);
        } catch (SQLException e) {
            LOG.log(Level.WARNING, "presence of " + user + " in " + room + " not shared: " + e);
            return true;
        }
    }

    @Override
    public boolean depart(String room, String user) {
        if (!local.depart(room, user)) {
            return false; // another device of theirs is still here
        }
        try {
            return seat(room, user, false);
        } catch (SQLException e) {
            LOG.log(Level.WARNING, "departure of " + user + " from " + room + " not shared: " + e);
            return true;
        }
    }

    /**
     * Takes (or gives up) this node's row for (room, user) under the pair's lock; true when no live node has the
     * user in the room besides this one: a first arrival, or a last departure.
     */
    private boolean seat(String room, String user, boolean taken) throws SQLException {
        try (Connection c = transaction()) {
            lock(c, room, user);
            try (PreparedStatement ps = c.prepareStatement(taken
                    ? "INSERT INTO sb_presence (node, room, usr) VALUES (?, ?, ?) ON CONFLICT DO NOTHING"
                    : "DELETE FROM sb_presence WHERE node = ? AND room = ? AND usr = ?")) {
                ps.setString(1, node.id());
                ps.setString(2, room);
                ps.setString(3, user);
                ps.executeUpdate();
            }
            boolean alone = countElsewhere(c, room, user) == 0;
            c.commit();
            return alone;
        }
    }

    @Override
    public List<String> members(String room) {
        try (Connection c = node.database().connect();
                PreparedStatement ps = c.prepareStatement("SELECT DISTINCT usr FROM sb_presence p WHERE room = ?" + ALIVE
                        + " ORDER BY usr")) {
            ps.setString(1, room);
            ps.setDouble(2, timeoutSeconds);
            List<String> users = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    users.add(rs.getString(1));
                }
            }
            return users;
        } catch (SQLException e) {
            LOG.log(Level.WARNING, "members of " + room + " from this node only: " + e);
            return local.members(room);
        }
    }

    @Override
    public int roomCount() {
        return local.roomCount();
    }

    /**
     * A dead node's row for (room, user) was swept: if no live node has the user in the room any more, they leave,
     * announced by the node that swept (only one node's sweep returns a given row).
     */
    void swept(String room, String user) {
        try (Connection c = transaction()) {
            lock(c, room, user);
            boolean gone = countElsewhere(c, room, user) == 0 && local.members(room).stream().noneMatch(user::equals);
            c.commit();
            if (gone) {
                fanOut.publish(room, 0, OutboundFrame.of(new ServerMessage.Presence(room, user, "leave")), null);
            }
        } catch (SQLException e) {
            LOG.log(Level.WARNING, "could not settle " + user + " in " + room + " after a node died: " + e);
        }
    }

    /**
     * This node's lease had lapsed (a long pause, a database outage) and the others swept its rows: they come back,
     * and whoever is not present elsewhere joins again.
     */
    void reassert() {
        for (Map.Entry<String, List<String>> e : local.snapshot().entrySet()) {
            for (String user : e.getValue()) {
                try {
                    if (seat(e.getKey(), user, true)) {
                        fanOut.publish(e.getKey(), 0, OutboundFrame.of(new ServerMessage.Presence(e.getKey(), user, "join")), null);
                    }
                } catch (SQLException ex) {
                    LOG.log(Level.WARNING, "could not restore the presence of " + user + " in " + e.getKey() + ": " + ex);
                }
            }
        }
    }

    /** Live rows of (room, user) on nodes other than this one. */
    private int countElsewhere(Connection c, String room, String user) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM sb_presence p WHERE room = ? AND usr = ?"
                + " AND node <> ?" + ALIVE)) {
            ps.setString(1, room);
            ps.setString(2, user);
            ps.setString(3, node.id());
            ps.setDouble(4, timeoutSeconds);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private static void lock(Connection c, String room, String user) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(LOCK)) {
            ps.setString(1, room + '\n' + user);
            ps.executeQuery().close();
        }
    }

    /** A pooled connection in a transaction of its own; the pool rolls back one closed without a commit. */
    private Connection transaction() throws SQLException {
        Connection c = node.database().connect();
        c.setAutoCommit(false);
        return c;
    }
}
