package dev.switchboard.rooms;

import dev.switchboard.config.Settings;
import dev.switchboard.delivery.DatabaseUser;
import dev.switchboard.delivery.HistoryDatabase;
import dev.switchboard.protocol.ServerMessage;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rooms with owners, kept in the database so that every node and every device sees the same: the room's row
 * ({@code sb_room}), members and their roles and read markers ({@code sb_member}), bans, mutes and invitations. Each
 * call is one short statement or transaction; nothing is cached here (connections keep what they read at join, see
 * {@code chat.RoomGuard}). Standard SQL, the same on H2 and PostgreSQL.
 */
@ApplicationScoped
public class RoomStandings extends DatabaseUser {

    private static final String DUPLICATE = "23505";


    protected RoomStandings() {} // for CDI proxies

    @Inject
    public RoomStandings(Settings settings) {
        super(settings);
    }

    /** Outside a container (tests): on {@code database}, which the caller closes. */
    public RoomStandings(HistoryDatabase database) {
        super(database);
    }



    /** Where {@code user} stands in {@code room}, in one query; {@link Standing#exists()} is false for a new name. */
    public Standing standing(String room, String user) {
        String sql = "SELECT r.owner, r.is_private, r.title, r.topic, m.role, m.read_seq, b.usr, u.until_ms, r.closed_at FROM sb_room r"
                + " LEFT JOIN sb_member m ON m.room = r.name AND m.usr = ?"
                + " LEFT JOIN sb_ban b ON b.room = r.name AND b.usr = ?"
                + " LEFT JOIN sb_mute u ON u.room = r.name AND u.usr = ?"
                + " WHERE r.name = ?";
        try (Connection c = database.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, user);
            ps.setString(2, user);
            ps.setString(3, user);
            ps.setString(4, room);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return new Standing(null, null, false, 0, 0);
                }
                String owner = rs.getString(1);
                boolean closed = rs.getObject(9) != null;
                Room r = new Room(room, owner, rs.getBoolean(2), rs.getString(3), rs.getString(4), closed);
                RoomRole role = user.equals(owner) ? RoomRole.OWNER : RoomRole.of(rs.getString(5));
                long read = rs.getLong(6);
                return new Standing(r, role, rs.getString(7) != null, rs.getLong(8), read);
            }
        } catch (SQLException e) {
            throw failed("read the standing of " + user + " in " + room, e);
        }
    }

    /**
     * Creates the room with {@code owner} (null: a shared room) as its first member; false when another join created
     * it first (the caller reads the standing again).
     */
    public boolean create(String room, String owner, boolean isPrivate, long now) {
        try (Connection c = database.connect()) {
            return inTransaction(c, () -> {
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO sb_room (name, owner, is_private, created_at) VALUES (?, ?, ?, ?)")) {
                    ps.setString(1, room);
                    ps.setString(2, owner);
                    ps.setBoolean(3, isPrivate);
                    ps.setLong(4, now);
                    ps.executeUpdate();
                }
                if (owner != null) {
                    try (PreparedStatement ps = c.prepareStatement("DELETE FROM sb_member WHERE usr = ? AND room = ?")) {
                        ps.setString(1, owner);
                        ps.setString(2, room);
                        ps.executeUpdate();
                    }
                    insertMember(c, room, owner, RoomRole.OWNER, 0, now);
                }
                return true;
            });
        } catch (SQLException e) {
            if (DUPLICATE.equals(e.getSQLState())) {
                return false;
            }
            throw failed("create " + room, e);
        }
    }

    /** Makes {@code user} a member (no change for one already); {@code read}: the seq they are counted as having read. */
    public void addMember(String room, String user, RoomRole role, long read, long now) {
        try (Connection c = database.connect()) {
            insertMember(c, room, user, role, read, now);
        } catch (SQLException e) {
            if (!DUPLICATE.equals(e.getSQLState())) {
                throw failed("add " + user + " to " + room, e);
            }
        }
    }

    private static void insertMember(Connection c, String room, String user, RoomRole role, long read, long now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO sb_member (usr, room, joined_at, role, read_seq) VALUES (?, ?, ?, ?, ?)")) {
            ps.setString(1, user);
            ps.setString(2, room);
            ps.setLong(3, now);
            ps.setString(4, role.wire());
            ps.setLong(5, read);
            ps.executeUpdate();
        }
    }

    /** Ends a membership (kick, ban); false when {@code user} was not a member. */
    public boolean removeMember(String room, String user) {
        return update("DELETE FROM sb_member WHERE room = ? AND usr = ?", room, user) > 0;
    }

    /** Sets a member's role; false when {@code user} is not a member. */
    public boolean setRole(String room, String user, RoomRole role) {
        return update("UPDATE sb_member SET role = ? WHERE room = ? AND usr = ?", role.wire(), room, user) > 0;
    }

    /** Bans {@code user} (their membership and any invitation end with it). */
    public void ban(String room, String user, String by, String reason, long now) {
        try (Connection c = database.connect()) {
            inTransaction(c, () -> {
                run(c, "DELETE FROM sb_ban WHERE room = ? AND usr = ?", room, user);
                run(c, "DELETE FROM sb_member WHERE room = ? AND usr = ?", room, user);
                run(c, "DELETE FROM sb_invite WHERE room = ? AND usr = ?", room, user);
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO sb_ban (room, usr, by_user, reason, at_ms) VALUES (?, ?, ?, ?, ?)")) {
                    ps.setString(1, room);
                    ps.setString(2, user);
                    ps.setString(3, by);
                    ps.setString(4, reason);
                    ps.setLong(5, now);
                    ps.executeUpdate();
                }
                return true;
            });
        } catch (SQLException e) {
            throw failed("ban " + user + " from " + room, e);
        }
    }

    /** Lifts a ban; false when there was none. */
    public boolean unban(String room, String user) {
        return update("DELETE FROM sb_ban WHERE room = ? AND usr = ?", room, user) > 0;
    }

    /** Mutes {@code user} until {@code untilMillis}; 0 lifts a mute. */
    public void mute(String room, String user, long untilMillis) {
        try (Connection c = database.connect()) {
            inTransaction(c, () -> {
                run(c, "DELETE FROM sb_mute WHERE room = ? AND usr = ?", room, user);
                if (untilMillis > 0) {
                    try (PreparedStatement ps = c.prepareStatement("INSERT INTO sb_mute (room, usr, until_ms) VALUES (?, ?, ?)")) {
                        ps.setString(1, room);
                        ps.setString(2, user);
                        ps.setLong(3, untilMillis);
                        ps.executeUpdate();
                    }
                }
                return true;
            });
        } catch (SQLException e) {
            throw failed("mute " + user + " in " + room, e);
        }
    }

    /** Records an invitation; false when {@code user} was invited already. */
    public boolean invite(String room, String user, String by, long now) {
        try (Connection c = database.connect();
                PreparedStatement ps = c.prepareStatement("INSERT INTO sb_invite (room, usr, by_user, at_ms) VALUES (?, ?, ?, ?)")) {
            ps.setString(1, room);
            ps.setString(2, user);
            ps.setString(3, by);
            ps.setLong(4, now);
            ps.executeUpdate();
            return true;
        } catch (SQLException e) {
            if (DUPLICATE.equals(e.getSQLState())) {
                return false;
            }
            throw failed("invite " + user + " to " + room, e);
        }
    }

    /** Ends an invitation (accepted or declined); false when there was none. */
    public boolean endInvite(String room, String user) {
        return update("DELETE FROM sb_invite WHERE room = ? AND usr = ?", room, user) > 0;
    }

    /** The invitations waiting for {@code user}'s answer, oldest first. */
    public List<ServerMessage.Invitation> invitesOf(String user) {
        try (Connection c = database.connect();
                PreparedStatement ps = c.prepareStatement("SELECT room, by_user FROM sb_invite WHERE usr = ? ORDER BY at_ms, room")) {
            ps.setString(1, user);
            List<ServerMessage.Invitation> invites = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    invites.add(new ServerMessage.Invitation(rs.getString(1), rs.getString(2)));
                }
            }
            return invites;
        } catch (SQLException e) {
            throw failed("read the invitations of " + user, e);
        }
    }

    /** Sets the room's title and topic (null keeps what is there). */
    public void retitle(String room, String title, String topic) {
        update("UPDATE sb_room SET title = COALESCE(?, title), topic = COALESCE(?, topic) WHERE name = ?", title, topic, room);
    }

    /**
     * Closes the room (an operator's decision, {@code reason} free text): joins are refused from now on. False when there
     * is no such room or it is closed already. Members, roles and history stay, for a {@link #reopen}.
     */
    public boolean close(String room, String by, String reason, long now) {
        try (Connection c = database.connect();
                PreparedStatement ps = c.prepareStatement(
                        "UPDATE sb_room SET closed_at = ?, closed_by = ?, closed_reason = ? WHERE name = ? AND closed_at IS NULL")) {
            ps.setLong(1, now);
            ps.setString(2, by);
            ps.setString(3, reason);
            ps.setString(4, room);
            return ps.executeUpdate() > 0;
        } catch (SQLException e) {
            throw failed("close " + room, e);
        }
    }

    /** Opens a closed room again; false when there is no such room or it is not closed. */
    public boolean reopen(String room) {
        return update("UPDATE sb_room SET closed_at = NULL, closed_by = NULL, closed_reason = NULL WHERE name = ? AND closed_at IS NOT NULL",
                room) > 0;
    }

    /** Whether a room of this name exists (closed or not). */
    public boolean exists(String room) {
        try (Connection c = database.connect(); PreparedStatement ps = c.prepareStatement("SELECT 1 FROM sb_room WHERE name = ?")) {
            ps.setString(1, room);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw failed("look up " + room, e);
        }
    }

    /** Moves {@code user}'s read marker forward to {@code seq}; false when it was there or further already. */
    public boolean markRead(String room, String user, long seq) {
        try (Connection c = database.connect();
                PreparedStatement ps = c.prepareStatement("UPDATE sb_member SET read_seq = ? WHERE room = ? AND usr = ? AND read_seq < ?")) {
            ps.setLong(1, seq);
            ps.setString(2, room);
            ps.setString(3, user);
            ps.setLong(4, seq);
            return ps.executeUpdate() > 0;
        } catch (SQLException e) {
            throw failed("mark " + room + " read for " + user, e);
        }
    }

    /** The room's owner and moderators with their roles (what a member list marks), owner first. */
    public Map<String, String> staff(String room) {
        try (Connection c = database.connect();
                PreparedStatement ps = c.prepareStatement("SELECT usr, role FROM sb_member WHERE room = ? AND role <> 'member' ORDER BY role DESC, usr")) {
            ps.setString(1, room);
            Map<String, String> staff = new LinkedHashMap<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    staff.put(rs.getString(1), rs.getString(2));
                }
            }
            return staff;
        } catch (SQLException e) {
            throw failed("read the staff of " + room, e);
        }
    }

    /** Public rooms, the most recently active first: what {@code GET /api/rooms} lists. */
    public List<PublicRoom> publicRooms(int limit) {
        String sql = "SELECT r.name, r.title, r.topic, (SELECT COUNT(*) FROM sb_member m WHERE m.room = r.name),"
                + " (SELECT MAX(sent_at) FROM sb_message s WHERE s.stream = r.name) AS last_at"
                + " FROM sb_room r WHERE r.is_private = FALSE AND r.closed_at IS NULL ORDER BY last_at DESC NULLS LAST, r.name FETCH FIRST ? ROWS ONLY";
        try (Connection c = database.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setInt(1, limit);
            List<PublicRoom> rooms = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long lastMillis = rs.getLong(5);
                    Instant last = rs.wasNull() ? null : Instant.ofEpochMilli(lastMillis);
                    rooms.add(new PublicRoom(rs.getString(1), rs.getInt(4), last, rs.getString(2), rs.getString(3)));
                }
            }
            return rooms;
        } catch (SQLException e) {
            throw failed("list the public rooms", e);
        }
    }

    /** Work on one connection in one transaction. */
    @FunctionalInterface
    private interface Work {
        boolean run() throws SQLException;
    }

    /**
     * Runs {@code work} in a transaction and gives the connection back in auto-commit: H2's pool hands a connection out
     * again as it was returned.
     */
    private static boolean inTransaction(Connection c, Work work) throws SQLException {
        c.setAutoCommit(false);
        try {
            boolean result = work.run();
            c.commit();
            return result;
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    private int update(String sql, String... params) {
        try (Connection c = database.connect()) {
            return run(c, sql, params);
        } catch (SQLException e) {
            throw failed(sql, e);
        }
    }

    private static int run(Connection c, String sql, String... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setString(i + 1, params[i]);
            }
            return ps.executeUpdate();
        }
    }

    /** A statement the database refused: the request gets an error, the connection stays. */
    public static final class Unavailable extends RuntimeException {
        Unavailable(String message, SQLException cause) {
            super(message, cause);
        }
    }

    private static Unavailable failed(String what, SQLException e) {
        return new Unavailable("could not " + what + ": " + e.getMessage(), e);
    }
}
