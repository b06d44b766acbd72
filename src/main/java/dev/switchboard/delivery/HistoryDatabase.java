package dev.switchboard.delivery;

import dev.switchboard.config.Settings;
import dev.switchboard.security.DataDirectory;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.Persistence;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import javax.naming.InitialContext;
import javax.naming.NamingException;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcConnectionPool;

/**
 * Opens the history's persistence unit on the database the settings name: a JNDI datasource
 * ({@code switchboard.db.datasource}, e.g. PostgreSQL in production), else a JDBC URL
 * ({@code switchboard.db.url}), else an H2 file in the data directory. Portable JPA only.
 */
public final class HistoryDatabase implements AutoCloseable {

    public static final String UNIT = "switchboard";

    private final EntityManagerFactory emf;
    private final JdbcConnectionPool pool;

    private HistoryDatabase(EntityManagerFactory emf, JdbcConnectionPool pool) {
        this.emf = emf;
        this.pool = pool;
    }

    public EntityManagerFactory emf() {
        return emf;
    }

    /** The embedded default: an H2 database file {@code history} in the data directory. */
    public static String defaultUrl(Path dataDir) {
        return defaultUrl(dataDir, "history");
    }

    private static String defaultUrl(Path dataDir, String file) {
        // DB_CLOSE_ON_EXIT=FALSE: H2's own shutdown hook must not close the file before the store has flushed
        return "jdbc:h2:file:" + dataDir.resolve(file).toAbsolutePath() + ";DB_CLOSE_ON_EXIT=FALSE";
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

    public static HistoryDatabase open(Settings settings) {
        Optional<String> jndi = settings.raw(Settings.DB_DATASOURCE);
        if (jndi.isPresent()) {
            try {
                return open((DataSource) new InitialContext().lookup(jndi.get()), null);
            } catch (NamingException e) {
                throw new IllegalStateException("no datasource " + jndi.get(), e);
            }
        }
        String user = settings.string(Settings.DB_USER, "");
        String password = settings.string(Settings.DB_PASSWORD, "");
        Optional<String> url = settings.raw(Settings.DB_URL);
        if (url.isPresent() && !url.get().startsWith("jdbc:h2:")) {
            Map<String, Object> props = new HashMap<>();
            props.put("jakarta.persistence.jdbc.url", url.get());
            props.put("jakarta.persistence.jdbc.user", user);
            props.put("jakarta.persistence.jdbc.password", password);
            return new HistoryDatabase(create(props), null);
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
        try {
            return open(pool, pool);
        } catch (RuntimeException e) {
            pool.dispose();
            throw e;
        }
    }

    private static HistoryDatabase open(DataSource ds, JdbcConnectionPool pool) {
        Map<String, Object> props = new HashMap<>();
        props.put("jakarta.persistence.nonJtaDataSource", ds);
        return new HistoryDatabase(create(props), pool);
    }

    private static EntityManagerFactory create(Map<String, Object> props) {
        // the schema: CREATE TABLE IF NOT EXISTS, run by the provider at start (the same script serves H2 and PostgreSQL)
        props.put("jakarta.persistence.schema-generation.database.action", "create");
        props.put("jakarta.persistence.schema-generation.create-source", "script");
        props.put("jakarta.persistence.schema-generation.create-script-source", new InputStreamReader(
                HistoryDatabase.class.getResourceAsStream("/META-INF/switchboard-schema.sql"), StandardCharsets.UTF_8));
        return Persistence.createEntityManagerFactory(UNIT, props);
    }

    @Override
    public void close() {
        try {
            emf.close();
        } finally {
            if (pool != null) {
                pool.dispose();
            }
        }
    }
}
