package dev.switchboard.rooms;

import dev.switchboard.config.Settings;
import dev.switchboard.delivery.DatabaseUser;
import dev.switchboard.delivery.HistoryDatabase;
import dev.switchboard.delivery.StreamNames;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Attachments kept in the database (table {@code sb_file}), so history can point at them after the live relay and
 * {@code GET /api/files/{id}} can serve them to whoever may read the room. The database is shared by every room (and
 * every node), so each room has a quota of stored bytes ({@link Settings#attachmentRoomQuotaBytes()}); one file is
 * bounded by the binary message limit already. Plain JDBC, standard SQL (H2 and PostgreSQL); a connection is held
 * for one call only.
 */
@ApplicationScoped
public class Attachments extends DatabaseUser {

    /** How a room (not an inbox) is named: as {@code join} accepts it. */
    private static final Pattern ROOM = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    /** The form of the ids {@link #store} hands out: 128 random bits, base64url without padding (22 characters). */
    public static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{22}");
    /** First key of the PostgreSQL advisory lock that serializes the quota check of one room across nodes. */
    private static final int QUOTA_LOCK = 0x5B5C4649;

    /**
     * Stores into the same room on this node wait for each other here (on H2, the one node, that is all it takes to
     * keep two concurrent stores from both passing the quota check); rooms are spread over the stripes by hash.
     */
    private final Object[] stripes = new Object[64];
    private final SecureRandom random = new SecureRandom();
    /** Runs between the quota check and the insert: a test holds a store there. */
    Runnable checked = () -> {};
    private long roomQuotaBytes;

    /** What {@link #store} kept: the id to fetch it by ({@code /api/files/{id}}), and what it is. */
    public record Stored(String id, String room, String name, String mime, long size) {}

    /** A stored file, its bytes included (at most the binary message limit, 1 MiB by default). */
    public record File(String id, String room, String name, String mime, long size, String sender, Instant at, byte[] bytes) {}

    /** The room's attachments plus this one would be over its quota: nothing was stored. */
    public static final class QuotaExceeded extends RuntimeException {
        private final String room;

        QuotaExceeded(String room, long used, long size, long quota) {
            super("room " + room + " keeps " + used + " bytes of attachments; " + size + " more would be over its quota of "
                    + quota + " bytes", null, false, false);
            this.room = room;
        }

        public String room() {
            return room;
        }
    }

    /** The database did not answer (or refused the statement): nothing can be said, nothing was changed. */
    public static final class Unavailable extends RuntimeException {
        Unavailable(String message, SQLException cause) {
            super(message + ": " + cause.getMessage(), cause);
        }
    }

    {
        for (int i = 0; i < stripes.length; i++) {
            stripes[i] = new Object();
        }
    }

    protected Attachments() {} // for CDI proxies

    @Inject
    public Attachments(Settings settings) {
        super(settings);
        this.roomQuotaBytes = settings.attachmentRoomQuotaBytes();
    }

    /** Outside a container: files in {@code database}, at most {@code roomQuotaBytes} per room. */
    public Attachments(HistoryDatabase database, long roomQuotaBytes) {
        super(Objects.requireNonNull(database, "database"));
        if (roomQuotaBytes <= 0) {
            throw new IllegalArgumentException("a room quota is positive: " + roomQuotaBytes);
        }
        this.roomQuotaBytes = roomQuotaBytes;
    }



    /** Bytes of attachments one room may keep. */
    public long roomQuotaBytes() {
        return roomQuotaBytes;
    }

    /**
     * Keeps a file sent to {@code room} (a room, or an inbox {@code @user}) under a fresh random id.
     *
     * @throws QuotaExceeded when the room's stored bytes plus these would be over its quota (nothing is stored)
     * @throws Unavailable when the database did not take it
     * @throws IllegalArgumentException when a field does not fit its column (name 255, mime 128, sender 64, room 80)
     */
    public Stored store(String room, String sender, String name, String mime, byte[] bytes, Instant at) {
        checkLength("room", room, 80);
        checkLength("sender", sender, 64);
        checkLength("name", name, 255);
        checkLength("mime", mime, 128);
        Objects.requireNonNull(bytes, "bytes");
        Objects.requireNonNull(at, "at");
        String id = newId();
        synchronized (stripes[Math.floorMod(room.hashCode(), stripes.length)]) {
            try (Connection c = database.connect()) {
                c.setAutoCommit(false);
                try {
                    if (database.isPostgres()) { // other nodes store into the same room: one at a time, until commit
                        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(?, ?)")) {
                            ps.setInt(1, QUOTA_LOCK);
                            ps.setInt(2, room.hashCode());
                            ps.execute();
                        }
                    }
                    long used = usedBytes(c, room);
                    if (used + bytes.length > roomQuotaBytes) {
                        throw new QuotaExceeded(room, used, bytes.length, roomQuotaBytes);
                    }
                    checked.run();
                    try (PreparedStatement ps = c.prepareStatement(
                            "INSERT INTO sb_file (id, room, name, mime, size, sender, sent_at, bytes) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                        ps.setString(1, id);
                        ps.setString(2, room);
                        ps.setString(3, name);
                        ps.setString(4, mime);
                        ps.setLong(5, bytes.length);
                        ps.setString(6, sender);
                        ps.setLong(7, at.toEpochMilli());
                        ps.setBytes(8, bytes);
                        ps.executeUpdate();
                    }
                    c.commit();
                } catch (SQLException | RuntimeException e) {
                    rollback(c);
                    throw e;
                } finally {
                    restoreAutoCommit(c);
                }
            } catch (SQLException e) {
                throw new Unavailable("could not store an attachment in " + room, e);
            }
        }
        return new Stored(id, room, name, mime, bytes.length);
    }

    /** The file with this id, bytes included; empty when there is none (whatever the id looks like). */
    public Optional<File> find(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            return Optional.empty();
        }
        try (Connection c = database.connect();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT id, room, name, mime, size, sender, sent_at, bytes FROM sb_file WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new File(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5),
                        rs.getString(6), Instant.ofEpochMilli(rs.getLong(7)), rs.getBytes(8)));
            }
        } catch (SQLException e) {
            throw new Unavailable("could not read attachment " + id, e);
        }
    }

    /** Bytes of attachments the room keeps now (0 for none). */
    public long usedBytes(String room) {
        try (Connection c = database.connect()) {
            return usedBytes(c, room);
        } catch (SQLException e) {
            throw new Unavailable("could not count the attachments of " + room, e);
        }
    }

    private static long usedBytes(Connection c, String room) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT COALESCE(SUM(size), 0) FROM sb_file WHERE room = ?")) {
            ps.setString(1, room);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /**
     * Whether {@code user} may read the files of {@code room}: a room's members (not banned from it) and its owner; an
     * inbox {@code @name} only its own user. Anything else (a topic stream, a malformed name) nobody.
     */
    public boolean mayRead(String room, String user) {
        if (room == null || user == null) {
            return false;
        }
        if (StreamNames.isInbox(room)) {
            return room.equals(StreamNames.inbox(user));
        }
        if (!ROOM.matcher(room).matches()) {
            return false;
        }
        try (Connection c = database.connect();
                PreparedStatement ps = c.prepareStatement("SELECT 1 FROM sb_member m WHERE m.usr = ? AND m.room = ?"
                        + " AND NOT EXISTS (SELECT 1 FROM sb_ban b WHERE b.room = m.room AND b.usr = m.usr)"
                        + " UNION ALL SELECT 1 FROM sb_room r WHERE r.name = ? AND r.owner = ?")) {
            ps.setString(1, user);
            ps.setString(2, room);
            ps.setString(3, room);
            ps.setString(4, user);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw new Unavailable("could not tell whether " + user + " may read " + room, e);
        }
    }

    /**
     * Whether {@code user} may read this file: as {@link #mayRead(String, String)} for its room; a file sent to an
     * inbox also by its sender (the other side of the conversation).
     */
    public boolean mayRead(File file, String user) {
        if (StreamNames.isInbox(file.room()) && file.sender().equals(user)) {
            return true;
        }
        return mayRead(file.room(), user);
    }

    /** Removes one file (a resend stored it twice); false when there was none. */
    public boolean delete(String id) {
        try (Connection c = database.connect(); PreparedStatement ps = c.prepareStatement("DELETE FROM sb_file WHERE id = ?")) {
            ps.setString(1, id);
            return ps.executeUpdate() > 0;
        } catch (SQLException e) {
            throw new Unavailable("could not delete attachment " + id, e);
        }
    }

    /** Removes every file of {@code room} (the room closed); how many there were. */
    public int deleteRoomFiles(String room) {
        try (Connection c = database.connect(); PreparedStatement ps = c.prepareStatement("DELETE FROM sb_file WHERE room = ?")) {
            ps.setString(1, room);
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new Unavailable("could not delete the attachments of " + room, e);
        }
    }

    private String newId() {
        byte[] bits = new byte[16];
        random.nextBytes(bits);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bits);
    }

    private static void checkLength(String field, String value, int max) {
        Objects.requireNonNull(value, field);
        if (value.isEmpty() || value.length() > max) {
            throw new IllegalArgumentException(field + " must have 1 to " + max + " characters, not " + value.length());
        }
    }

    /** Back to the pool as it came (H2's pool does not reset it); a failure here changes nothing already committed. */
    private static void restoreAutoCommit(Connection c) {
        try {
            c.setAutoCommit(true);
        } catch (SQLException ignored) {
            // the connection is broken: its next use finds out
        }
    }

    private static void rollback(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the connection is gone: its transaction with it
        }
    }
}
