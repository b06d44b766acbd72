package dev.switchboard.delivery;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every statement the history runs, on the two tables of {@code META-INF/switchboard-schema.sql}: {@code sb_stream}
 * (one head row per stream) and {@code sb_message} (key {@code (stream, seq)}). Standard SQL, the same on H2 and
 * PostgreSQL. Stateless; the caller owns connections and transactions.
 */
final class HistoryTables {

    /** Characters a message body holds: a binary topic event of 64 KiB in base64, with room for its JSON. */
    static final int BODY_CHARS = 262_144;

    /** A stream's head row: its epoch (null in a row written before epochs), latest seq and trimmed-up-to seq. */
    record Head(String epoch, long latest, long trimmed, boolean isNew) {

        /** The head of a stream that has no row yet; saving it inserts one. */
        static Head fresh(String epoch) {
            return new Head(epoch, 0, 0, true);
        }

        Head advancedTo(long latest) {
            return new Head(epoch, latest, trimmed, isNew);
        }

        Head trimmedTo(long upTo) {
            return new Head(epoch, latest, upTo, isNew);
        }

        /** The stream's history starting over: nothing kept, next seq 1, a new epoch. */
        Head restarted(String newEpoch) {
            return new Head(newEpoch, 0, 0, isNew);
        }
    }

    /** Rows of {@code stream} up to and including {@code upTo} are deleted (retention). */
    record Trim(String stream, long upTo) {}

    private HistoryTables() {}

    // ---- the writer's transaction

    /**
     * One statement locks the head rows of every stream in the batch ({@code SELECT … FOR UPDATE}), so writers on
     * several nodes never assign the same seq. A stream without a row is absent from the result; its row is inserted
     * with the batch (a concurrent creator on another node fails on the primary key, and its batch is retried).
     */
    static Map<String, Head> lockHeads(Connection c, Collection<String> streams) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT name, epoch, latest, trimmed FROM sb_stream WHERE name IN (");
        for (int i = 0; i < streams.size(); i++) {
            sql.append(i == 0 ? "?" : ", ?");
        }
        Map<String, Head> heads = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(sql.append(") FOR UPDATE").toString())) {
            int i = 1;
            for (String stream : streams) {
                ps.setString(i++, stream);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    heads.put(rs.getString(1), new Head(rs.getString(2), rs.getLong(3), rs.getLong(4), false));
                }
            }
        }
        return heads;
    }

    /** Writes the heads back: updated where they existed (locked), else inserted; one JDBC batch each. */
    static void saveHeads(Connection c, Map<String, Head> heads) throws SQLException {
        try (PreparedStatement update = c.prepareStatement("UPDATE sb_stream SET epoch = ?, latest = ?, trimmed = ? WHERE name = ?");
                PreparedStatement insert = c.prepareStatement("INSERT INTO sb_stream (epoch, latest, trimmed, name) VALUES (?, ?, ?, ?)")) {
            boolean updates = false;
            boolean inserts = false;
            for (Map.Entry<String, Head> e : heads.entrySet()) {
                Head head = e.getValue();
                PreparedStatement ps = head.isNew() ? insert : update;
                ps.setString(1, head.epoch());
                ps.setLong(2, head.latest());
                ps.setLong(3, head.trimmed());
                ps.setString(4, e.getKey());
                ps.addBatch();
                updates |= !head.isNew();
                inserts |= head.isNew();
            }
            if (updates) {
                update.executeBatch();
            }
            if (inserts) {
                insert.executeBatch();
            }
        }
    }

    /** Deletes every row of the streams (their history starts over); before the batch's inserts. */
    static void deleteAll(Connection c, Collection<String> streams) throws SQLException {
        if (streams.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM sb_message WHERE stream = ?")) {
            for (String stream : streams) {
                ps.setString(1, stream);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** One prepared INSERT, executed as a JDBC batch (one round trip; PostgreSQL's driver can rewrite it to multi-row). */
    static void insert(Connection c, List<StoredMessage> rows) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO sb_message"
                + " (stream, seq, sender, recipient, body, sent_at, client_id, mime) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (StoredMessage m : rows) {
                ps.setString(1, m.stream());
                ps.setLong(2, m.seq());
                ps.setString(3, m.from());
                setNullable(ps, 4, m.to());
                ps.setString(5, m.text());
                ps.setLong(6, m.ts().toEpochMilli());
                setNullable(ps, 7, m.clientId());
                setNullable(ps, 8, m.mime());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** Retention: one batched DELETE for all the batch's trims. */
    static void trim(Connection c, List<Trim> trims) throws SQLException {
        if (trims.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM sb_message WHERE stream = ? AND seq <= ?")) {
            for (Trim trim : trims) {
                ps.setString(1, trim.stream());
                ps.setLong(2, trim.upTo());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static void setNullable(PreparedStatement ps, int index, String value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.VARCHAR);
        } else {
            ps.setString(index, value);
        }
    }

    // ---- reads (the tail cache's loads)

    /** The stream's head row (not locked), or null when the stream has none. */
    static Head head(Connection c, String stream) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT epoch, latest, trimmed FROM sb_stream WHERE name = ?")) {
            ps.setString(1, stream);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new Head(rs.getString(1), rs.getLong(2), rs.getLong(3), false) : null;
            }
        }
    }

    /** Rows {@code after < seq <= upTo} of one stream. */
    record Range(String stream, long after, long upTo) {}

    /**
     * The rows of several ranges in one statement (one round trip for a notice that names many streams), by stream
     * and seq order.
     */
    static Map<String, List<StoredMessage>> rows(Connection c, List<Range> ranges) throws SQLException {
        Map<String, List<StoredMessage>> out = new HashMap<>();
        if (ranges.isEmpty()) {
            return out;
        }
        // a UNION ALL of one primary-key range scan per stream: an OR of the ranges let PostgreSQL's generic plan
        // (a prepared statement's, after five runs) scan the table: a second node fell seconds behind at 2,000 msgs/s
        // (A-to-B p50 2.7 s; 4 ms with the UNION, HistoryBenchmark)
        StringBuilder sql = new StringBuilder();
        for (int i = 0; i < ranges.size(); i++) {
            sql.append(i == 0 ? "" : " UNION ALL ").append("SELECT stream, seq, sender, recipient, body, sent_at, client_id, mime"
                    + " FROM sb_message WHERE stream = ? AND seq > ? AND seq <= ?");
        }
        try (PreparedStatement ps = c.prepareStatement(sql.append(" ORDER BY 1, 2").toString())) {
            int i = 1;
            for (Range r : ranges) {
                ps.setString(i++, r.stream());
                ps.setLong(i++, r.after());
                ps.setLong(i++, r.upTo());
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String stream = rs.getString(1);
                    out.computeIfAbsent(stream, k -> new ArrayList<>()).add(new StoredMessage(stream, rs.getLong(2), rs.getString(3),
                            rs.getString(4), rs.getString(5), Instant.ofEpochMilli(rs.getLong(6)), rs.getString(7), rs.getString(8)));
                }
            }
        }
        return out;
    }

    /** The stream's rows with {@code after < seq <= upTo}, in seq order. */
    static List<StoredMessage> rows(Connection c, String stream, long after, long upTo) throws SQLException {
        List<StoredMessage> rows = new ArrayList<>();
        if (upTo <= after) {
            return rows;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT seq, sender, recipient, body, sent_at, client_id, mime"
                + " FROM sb_message WHERE stream = ? AND seq > ? AND seq <= ? ORDER BY seq")) {
            ps.setString(1, stream);
            ps.setLong(2, after);
            ps.setLong(3, upTo);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new StoredMessage(stream, rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            Instant.ofEpochMilli(rs.getLong(5)), rs.getString(6), rs.getString(7)));
                }
            }
        }
        return rows;
    }

    /** A plain read on the smallest table for readiness: no lock, so a writer's open batch does not hold it up. */
    static void probe(Connection c, int timeoutSeconds) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT name FROM sb_stream")) {
            ps.setMaxRows(1);
            ps.setQueryTimeout(timeoutSeconds);
            ps.executeQuery().close();
        }
    }

    /** Whether a failure is a primary-key collision (SQLState 23505 on H2 and PostgreSQL alike). */
    static boolean isDuplicateKey(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s) {
                for (SQLException x = s; x != null; x = x.getNextException()) {
                    if ("23505".equals(x.getSQLState())) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /**
     * Whether a failure is the connection's, not the statement's (SQLState class 08, or the server shutting the session
     * down: 57P01..57P03): the same batch may succeed on a new connection (a database restart, a failover).
     */
    static boolean isConnectionLoss(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && s.getSQLState() != null
                    && (s.getSQLState().startsWith("08") || s.getSQLState().startsWith("57P0"))) {
                return true;
            }
        }
        return false;
    }

    // ---- once at startup, after the schema script

    /**
     * The database's own random salt for the epochs of streams not yet written ({@code TailCache}): kept in
     * {@code sb_meta}, so every node sharing the database derives the same epoch for such a stream, and a replaced
     * database gives new ones. The first node to start draws it; a node starting at the same moment reads the winner's.
     */
    static byte[] epochSalt(Connection c) throws SQLException {
        for (int attempt = 0; ; attempt++) {
            try (PreparedStatement ps = c.prepareStatement("SELECT val FROM sb_meta WHERE name = 'epoch-salt'");
                    ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return java.util.HexFormat.of().parseHex(rs.getString(1));
                }
            }
            byte[] salt = new byte[16];
            new java.security.SecureRandom().nextBytes(salt);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO sb_meta (name, val) VALUES ('epoch-salt', ?)")) {
                ps.setString(1, java.util.HexFormat.of().formatHex(salt));
                ps.executeUpdate();
                return salt;
            } catch (SQLException e) {
                if (attempt > 0 || !isDuplicateKey(e)) {
                    throw e;
                }
            }
        }
    }

    /**
     * Brings rows and columns from before epochs up to date: every head row without an epoch gets its own (one
     * batched UPDATE; {@code AND epoch IS NULL} leaves alone one that a node starting at the same time set), and
     * the message body is widened when the database reports it narrower than {@link #BODY_CHARS}. When there is
     * nothing to do that is one read of the head rows without an epoch and one metadata lookup.
     */
    static void upgrade(Connection c) throws SQLException {
        assignMissingEpochs(c);
        widenBody(c);
    }

    /** Gives each head row without an epoch one; returns how many there were. */
    static int assignMissingEpochs(Connection c) throws SQLException {
        List<String> names = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT name FROM sb_stream WHERE epoch IS NULL")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        if (names.isEmpty()) {
            return 0;
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE sb_stream SET epoch = ? WHERE name = ? AND epoch IS NULL")) {
            for (String name : names) {
                ps.setString(1, Epochs.next());
                ps.setString(2, name);
                ps.addBatch();
            }
            ps.executeBatch();
        }
        return names.size();
    }

    private static void widenBody(Connection c) throws SQLException {
        DatabaseMetaData md = c.getMetaData();
        boolean upper = md.storesUpperCaseIdentifiers(); // H2 folds unquoted names up, PostgreSQL down
        int size = Integer.MAX_VALUE;
        try (ResultSet rs = md.getColumns(null, null, upper ? "SB_MESSAGE" : "sb_message", upper ? "BODY" : "body")) {
            while (rs.next()) {
                size = Math.min(size, rs.getInt("COLUMN_SIZE"));
            }
        }
        if (size < BODY_CHARS) { // rewrites the table on H2: only the first start after the upgrade pays it
            try (Statement st = c.createStatement()) {
                st.execute("ALTER TABLE sb_message ALTER COLUMN body SET DATA TYPE VARCHAR(" + BODY_CHARS + ")");
            }
        }
    }
}
