package dev.switchboard.chat;

import dev.switchboard.config.Settings;
import dev.switchboard.delivery.DatabaseUser;
import dev.switchboard.delivery.HistoryDatabase;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * The rooms each user is in, kept by the server (table {@code sb_member}) so they follow the user to every device
 * and node: a {@code join} makes the user a member, an explicit {@code leave} ends it, a disconnect does not.
 * {@code welcome} lists them, oldest first. Without a database (in-process tests) they are kept in memory.
 */
@ApplicationScoped
public class Memberships extends DatabaseUser {

    private static final Logger LOG = Logger.getLogger(Memberships.class.getName());

    private final Map<String, Map<String, Long>> inMemory = new ConcurrentHashMap<>();

    protected Memberships() {} // for CDI proxies

    @Inject
    public Memberships(Settings settings) {
        super(settings);
    }

    /** Outside a container: members in {@code database}, or in memory only when it is null. */
    public Memberships(HistoryDatabase database) {
        super(database); // null: members in memory only
    }



    /** The user's rooms, the first joined first; empty (never an exception) when the database cannot answer. */
    public List<String> roomsOf(String user) {
        if (database == null) {
            Map<String, Long> rooms = inMemory.getOrDefault(user, Map.of());
            List<String> sorted = new ArrayList<>(rooms.keySet());
            sorted.sort((a, b) -> Long.compare(rooms.get(a), rooms.get(b)));
            return sorted;
        }
        try (Connection c = database.connect();
                PreparedStatement ps = c.prepareStatement("SELECT m.room FROM sb_member m LEFT JOIN sb_room r ON r.name = m.room"
                        + " WHERE m.usr = ? AND r.closed_at IS NULL ORDER BY m.joined_at, m.room")) { // a closed room is not rejoined
            ps.setString(1, user);
            List<String> rooms = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rooms.add(rs.getString(1));
                }
            }
            return rooms;
        } catch (SQLException e) {
            LOG.warning("could not read the rooms of " + user + ": " + e);
            return List.of();
        }
    }

    /** The user joined {@code room}; a member already stays one (from its first join). */
    public void joined(String user, String room) {
        joined(user, room, System.currentTimeMillis());
    }

    /** As {@link #joined(String, String)}, at {@code now} (epoch millis). */
    void joined(String user, String room, long now) {
        if (database == null) {
            inMemory.computeIfAbsent(user, u -> new ConcurrentHashMap<>()).putIfAbsent(room, now);
            return;
        }
        try (Connection c = database.connect();
                PreparedStatement ps = c.prepareStatement("INSERT INTO sb_member (usr, room, joined_at) VALUES (?, ?, ?)")) {
            ps.setString(1, user);
            ps.setString(2, room);
            ps.setLong(3, now);
            ps.executeUpdate();
        } catch (SQLException e) {
            if (!"23505".equals(e.getSQLState())) { // a member already (another device or node put it there)
                LOG.warning("could not record " + user + " in " + room + ": " + e);
            }
        }
    }

    /** The user left {@code room} on purpose: no device rejoins it. */
    public void left(String user, String room) {
        if (database == null) {
            inMemory.computeIfPresent(user, (u, rooms) -> {
                rooms.remove(room);
                return rooms.isEmpty() ? null : rooms;
            });
            return;
        }
        try (Connection c = database.connect();
                PreparedStatement ps = c.prepareStatement("DELETE FROM sb_member WHERE usr = ? AND room = ?")) {
            ps.setString(1, user);
            ps.setString(2, room);
            ps.executeUpdate();
        } catch (SQLException e) {
            LOG.warning("could not record that " + user + " left " + room + ": " + e);
        }
    }

    // --- per connection: what it read at open, so that only a join to a new room costs a write ----------------

    private static final String KNOWN = Memberships.class.getName() + ".known";

    /** A new connection: its user's rooms (for {@code welcome}), remembered on the connection. */
    public List<String> opened(dev.switchboard.socket.Connection c) {
        List<String> rooms = roomsOf(c.user());
        Set<String> known = ConcurrentHashMap.newKeySet();
        known.addAll(rooms);
        c.attributes().put(KNOWN, known);
        return rooms;
    }

    /**
     * The connection joined a room (not an inbox). The join itself wrote the member row, with its role and read marker
     * ({@code RoomService}), so only memberships kept in memory are recorded here: inserting the row again cost every
     * join a refused insert and a commit.
     */
    public void joined(dev.switchboard.socket.Connection c, String room) {
        if (known(c).add(room) && database == null) {
            joined(c.user(), room);
        }
    }

    /** The connection left a room on purpose. */
    public void left(dev.switchboard.socket.Connection c, String room) {
        known(c).remove(room);
        left(c.user(), room);
    }

    /** The user is no longer a member (a moderator removed them): a later join records them again. */
    public void forgotten(dev.switchboard.socket.Connection c, String room) {
        known(c).remove(room);
    }

    @SuppressWarnings("unchecked")
    private static Set<String> known(dev.switchboard.socket.Connection c) {
        return (Set<String>) c.attributes().computeIfAbsent(KNOWN, k -> ConcurrentHashMap.<String>newKeySet());
    }
}
