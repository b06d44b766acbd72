package dev.switchboard.delivery;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
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
import org.h2.jdbcx.JdbcConnectionPool;

/**
 * The history's database, as plain JDBC: a JNDI datasource ({@code switchboard.db.datasource}, e.g.
 * PostgreSQL in production), else a JDBC URL ({@code switchboard.db.url}), else an H2 file in the data
 * directory. Standard SQL only; the schema ({@code META-INF/switchboard-schema.sql}) is created if absent.
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
    private static int users;

    private final Connector connector;
    private final JdbcConnectionPool pool;
    /** A pool of a server database (PostgreSQL), or null. */
    private final HikariDataSource hikari;

    private HistoryDatabase(Connector connector, JdbcConnectionPool pool) {
        this(connector, pool, null);
    }

    private HistoryDatabase(Connector connector, JdbcConnectionPool pool, HikariDataSource hikari) {
        this.connector = connector;
        this.pool = pool;
        this.hikari = hikari;
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
                return opened(new HistoryDatabase(ds::getConnection, null));
            } catch (NamingException e) {
                throw new IllegalStateException("no datasource " + jndi.get(), e);
            }
        }
        String user = settings.string(Settings.DB_USER, "");
        String password = settings.string(Settings.DB_PASSWORD, "");
        Optional<String> url = settings.raw(Settings.DB_URL);
        if (url.isPresent() && !url.get().startsWith("jdbc:h2:")) {
            return opened(new HistoryDatabase(() -> DriverManager.getConnection(url.get(), user, password), null));
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
        return opened(new HistoryDatabase(pool::getConnection, pool));
    }

    /**
     * Any JDBC URL through a pool, the schema created: H2 through H2's own pool ({@link #h2}), anything else
     * (PostgreSQL) through HikariCP. (Minimal version for the PostgreSQL tests; the lead's replaces it.)
     */
    public static HistoryDatabase pooled(String url, String user, String password) {
        if (url.startsWith("jdbc:h2:")) {
            return h2(url, user, password);
        }
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        if (url.startsWith("jdbc:postgresql:")) {
            // Hikari then loads the driver itself: DriverManager does not see a driver in the WAR on Payara Micro
            config.setDriverClassName("org.postgresql.Driver");
        }
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(10);
        config.setPoolName("switchboard-history");
        HikariDataSource ds = new HikariDataSource(config);
        return opened(new HistoryDatabase(ds::getConnection, null, ds));
    }

    /** Creates the tables if absent (CREATE TABLE IF NOT EXISTS: the same script serves H2 and PostgreSQL). */
    private static HistoryDatabase opened(HistoryDatabase db) {
        try (Connection c = db.connect(); Statement st = c.createStatement();
                InputStream script = HistoryDatabase.class.getResourceAsStream("/META-INF/switchboard-schema.sql")) {
            for (String sql : new String(script.readAllBytes(), StandardCharsets.UTF_8).split(";")) {
                if (!sql.isBlank()) {
                    st.execute(sql.trim());
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
            pool.dispose();
        }
        if (hikari != null) {
            hikari.close();
        }
    }
}
