package dev.switchboard.chat;

import dev.switchboard.config.Settings;
import dev.switchboard.delivery.DatabaseUser;
import dev.switchboard.delivery.HistoryDatabase;
import dev.switchboard.delivery.HistoryStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * Which users exist as far as direct messages go: anyone who ever signed in or connected (kept in {@code sb_user},
 * so every node of a cluster and every restart knows them), or who has an inbox in history. A direct message to
 * anyone else is {@code not_found} (rather than stored for a name that may never be used). Names known here are
 * remembered in memory, so a user costs the database one insert per node, and a lookup only when unknown.
 */
@ApplicationScoped
public class UserDirectory extends DatabaseUser {

    private static final Logger LOG = Logger.getLogger(UserDirectory.class.getName());

    private final Set<String> known = ConcurrentHashMap.newKeySet();
    private HistoryStore history;

    protected UserDirectory() {} // for CDI proxies

    @Inject
    public UserDirectory(HistoryStore history, Settings settings) {
        super(settings);
        this.history = history;
    }

    /** Outside a container: users in {@code database}, or in memory only when it is null. */
    public UserDirectory(HistoryStore history, HistoryDatabase database) {
        super(database); // null: users in memory only
        this.history = history;
    }



    public void remember(String user) {
        if (!known.add(user) || database == null) {
            return;
        }
        try (Connection c = database.connect();
                PreparedStatement ps = c.prepareStatement("INSERT INTO sb_user (name, first_seen) VALUES (?, ?)")) {
            ps.setString(1, user);
            ps.setLong(2, System.currentTimeMillis());
            ps.executeUpdate();
        } catch (SQLException e) {
            if (!"23505".equals(e.getSQLState())) { // known already: another node or an earlier run put it there
                known.remove(user); // tried again next time
                LOG.warning("could not record user " + user + ": " + e);
            }
        }
    }

    public boolean exists(String user) {
        if (known.contains(user) || history.latest(Streams.inbox(user)) > 0) {
            return true;
        }
        if (database == null) {
            return false;
        }
        try (Connection c = database.connect();
                PreparedStatement ps = c.prepareStatement("SELECT 1 FROM sb_user WHERE name = ?")) {
            ps.setString(1, user);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    known.add(user);
                    return true;
                }
                return false;
            }
        } catch (SQLException e) {
            LOG.warning("could not look up user " + user + ": " + e);
            return false;
        }
    }
}
