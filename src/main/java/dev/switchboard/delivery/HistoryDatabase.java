package dev.switchboard.delivery;

import dev.switchboard.config.Settings;
import dev.switchboard.security.DataDirectory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import javax.naming.InitialContext;
import javax.naming.NamingException;
import javax.sql.DataSource;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.h2.jdbcx.JdbcConnectionPool;

/**
 * The history's database, as plain JDBC: a JNDI datasource ({@code switchboard.db.datasource}, e.g.
 * PostgreSQL in production), else a JDBC URL ({@code switchboard.db.url}, pooled: H2's own pool, HikariCP for any
 * other, with the PostgreSQL driver shipped in the WAR), else an H2 file in the data directory. Standard SQL only; the schema ({@code META-INF/switchboard-schema.sql}) is created if absent.
 * No persistence provider: the store writes a few fixed statements in batches, and an ORM's per-statement
 * work cost more than the database itself (see the README's performance section).
 */
public final class HistoryDatabase implements AutoCloseable {

    /** Where connections come from. */
    @FunctionalInterface
    interface Connector {
        Connection connect() throws SQLException;
    }

    /**
     * The application's database, shared by its users (the history store, guest claims): one pool per deployment,
     * closed when the last user closes it. Two pools on one embedded file closed at different moments left H2
     * files that no longer opened (MVStore "Double mark") after a server stopped.
     */
    private static HistoryDatabase shared;
    /** How a node's own long-lived session (its doorbell listener) is named to the database. */
    public static final String DEDICATED_APPLICATION_NAME = "switchboard-doorbell";
    /** The advisory lock the schema script runs under on PostgreSQL (any constant the application owns). */
    private static final long SCHEMA_LOCK = 0x5B5C4E4DL;
    private static int users;

    private final Connector connector;
    /** A connection of its own, outside the pool, for a session that lives as long as the node (LISTEN). */
    private final Connector dedicated;
    /** Closes the pool, if this database owns one. */
    private final AutoCloseable pool;
    private boolean postgres;

    private HistoryDatabase(Connector connector, Connector dedicated, AutoCloseable pool) {
        this.connector = connector;
        this.dedicated = dedicated;
        this.pool = pool;
    }

    /** The deployment's database from the settings, opened by its first user; each user {@link #close}s it once. */
    public static synchronized HistoryDatabase open(Settings settings) {
        if (shared == null) {
            shared = openNew(settings);
        }
        users++;
        return shared;
    }

    /** A connection (auto-commit on, as the source hands it out); the caller closes it. */
    public Connection connect() throws SQLException {
        return connector.connect();
    }

    /** A connection outside the pool, for the caller to keep (a listener's session); the caller closes it. */
    public Connection connectDedicated() throws SQLException {
        return dedicated.connect();
    }

    /**
     * After a lost connection: the pool's idle connections were very likely cut with it (a database restart), so they
     * are replaced rather than handed out one failure at a time.
     */
    public void replaceIdleConnections() {
        if (pool instanceof HikariDataSource hikari && hikari.getHikariPoolMXBean() != null) {
            hikari.getHikariPoolMXBean().softEvictConnections();
        }
    }

    /** Whether this is PostgreSQL, the one database several nodes can share (the others are embedded). */
    public boolean isPostgres() {
        return postgres;
    }

    /** The embedded default: an H2 database file {@code history} in the data directory. */
    public static String defaultUrl(Path dataDir) {
        return defaultUrl(dataDir, "history");
    }

    private static String defaultUrl(Path dataDir, String file) {
        // DB_CLOSE_ON_EXIT=FALSE: H2's own shutdown hook must not close the file before the store has flushed.
        // WRITE_DELAY=0: each commit is written to the file before the acks go out. H2's default (a background
        // write within 500 ms) lost acknowledged messages when a JVM ended without closing the database
        // (Payara Micro stopped by SIGTERM; a crash): CrashDurabilityTest
        // MAX_COMPACT_TIME=0: no compaction when the database closes. Closing happens at shutdown, where Payara Micro
        // may end the JVM at any moment; a compaction cut off there lost the last commits in the ITs.
        return "jdbc:h2:file:" + dataDir.resolve(file).toAbsolutePath() + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0;MAX_COMPACT_TIME=0";
    }

    /**
     * The embedded file for this deployment: {@code history} for the application {@code switchboard}, else
     * {@code history-<application>}. Each WAR bundles its own H2, and two H2 engines cannot share one file, so
     * a second copy of the application on the same server (another context root) keeps its own history.
     */
    static String embeddedFile() {
        try {
            String app = (String) new InitialContext().lookup("java:app/AppName");
            return app == null || app.equals("switchboard") ? "history" : "history-" + app.replaceAll("[^A-Za-z0-9_.-]", "_");
        } catch (NamingException | RuntimeException e) { // outside a container
            return "history";
        }
    }

    private static HistoryDatabase openNew(Settings settings) {
        Optional<String> jndi = settings.raw(Settings.DB_DATASOURCE);
        if (jndi.isPresent()) {
            try {
                DataSource ds = (DataSource) new InitialContext().lookup(jndi.get());
                return opened(new HistoryDatabase(ds::getConnection, ds::getConnection, null));
            } catch (NamingException e) {
                throw new IllegalStateException("no datasource " + jndi.get(), e);
            }
        }
        String user = settings.string(Settings.DB_USER, "");
        String password = settings.string(Settings.DB_PASSWORD, "");
        Optional<String> url = settings.raw(Settings.DB_URL);
        if (url.isPresent() && !url.get().startsWith("jdbc:h2:")) {
            return pooled(url.get(), user, password);
        }
        Path dir = DataDirectory.of(settings);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return h2(url.orElseGet(() -> defaultUrl(dir, embeddedFile())), user, password);
    }

    /** An H2 database (file or memory) through H2's own small connection pool. */
    public static HistoryDatabase h2(String url, String user, String password) {
        JdbcConnectionPool pool = JdbcConnectionPool.create(url, user, password);
        return opened(new HistoryDatabase(pool::getConnection, pool::getConnection, pool::dispose));
    }

    /**
     * Any JDBC URL, pooled: H2 through its own pool, others (PostgreSQL) through HikariCP. The driver is named to the
     * pool, which loads it with the application's class loader: {@code DriverManager} on Payara Micro does not see a
     * driver inside the WAR. A connection that waits more than 5 s for the pool fails, so a database outage answers
     * senders with an error rather than holding them.
     */
    public static HistoryDatabase pooled(String url, String user, String password) {
        if (url.startsWith("jdbc:h2:")) {
            return h2(url, user, password);
        }
        HikariConfig config = new HikariConfig();
        config.setPoolName("switchboard");
        config.setJdbcUrl(url);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(12);
        config.setMinimumIdle(2);
        config.setConnectionTimeout(5_000);
        config.setValidationTimeout(2_000);
        if (url.startsWith("jdbc:postgresql:")) {
            config.setDriverClassName("org.postgresql.Driver");
        }
        HikariDataSource pool = new HikariDataSource(config);
        Connector dedicated = () -> {
            java.util.Properties props = new java.util.Properties();
            props.setProperty("user", user);
            props.setProperty("password", password);
            props.setProperty("ApplicationName", DEDICATED_APPLICATION_NAME); // what an operator sees in pg_stat_activity
            java.sql.Driver driver = url.startsWith("jdbc:postgresql:") ? new org.postgresql.Driver() : DriverManager.getDriver(url);
            Connection c = driver.connect(url, props);
            if (c == null) {
                throw new SQLException("no driver accepts " + url);
            }
            return c;
        };
        return opened(new HistoryDatabase(pool::getConnection, dedicated, pool));
    }

    /**
     * Creates the tables if absent (CREATE TABLE IF NOT EXISTS: the same script serves H2 and PostgreSQL). On
     * PostgreSQL nodes starting together would race on the catalog, so the script runs under an advisory lock.
     */
    private static HistoryDatabase opened(HistoryDatabase db) {
        try (Connection c = db.connect(); Statement st = c.createStatement();
                InputStream script = HistoryDatabase.class.getResourceAsStream("/META-INF/switchboard-schema.sql")) {
            db.postgres = "PostgreSQL".equals(c.getMetaData().getDatabaseProductName());
            if (db.postgres) {
                st.execute("SELECT pg_advisory_lock(" + SCHEMA_LOCK + ")");
            }
            try {
                for (String sql : new String(script.readAllBytes(), StandardCharsets.UTF_8).split(";")) {
                    if (!sql.isBlank()) {
                        st.execute(sql.trim());
                    }
                }
            } finally {
                if (db.postgres) {
                    st.execute("SELECT pg_advisory_unlock(" + SCHEMA_LOCK + ")");
                }
            }
            return db;
        } catch (SQLException | IOException | RuntimeException e) {
            db.close();
            throw new IllegalStateException("could not open the history database: " + e.getMessage(), e);
        }
    }

    /** Closes the database once its last user does (one opened on its own, at once). */
    @Override
    public void close() {
        synchronized (HistoryDatabase.class) {
            if (this == shared) {
                if (--users > 0) {
                    return;
                }
                shared = null;
            }
        }
        if (pool != null) {
            try {
                pool.close();
            } catch (Exception e) {
                java.util.logging.Logger.getLogger(HistoryDatabase.class.getName()).warning("closing the pool: " + e);
            }
        }
    }
}
