package dev.switchboard.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * One embedded PostgreSQL (zonky's, binaries from Maven Central) per test JVM: started on first use, listening on
 * 127.0.0.1 only (no other address, no Unix socket), stopped by a shutdown hook. Its data directory is
 * {@code target/embedded-pg/<unique>}, so two JVMs (surefire's, failsafe's) never share one; a directory left by a JVM
 * that died is removed (its postmaster stopped) by the next start.
 *
 * <p>Port: the system property {@code it.pg.port} when set (the cluster ITs need a known one), else a free one.
 * Trust authentication: {@link #user()} {@code postgres}, any password.
 */
public final class TestPostgres {

    private static final Logger LOG = Logger.getLogger(TestPostgres.class.getName());

    /** A fixed port for the embedded server; unset or 0: any free port. */
    public static final String PORT_PROPERTY = "it.pg.port";

    private static final String USER = "postgres";
    private static final String PASSWORD = "postgres";
    private static final Path ROOT = Paths.get("target", "embedded-pg").toAbsolutePath();
    private static final String LOCK = "testpostgres.lock";

    private static EmbeddedPostgres server;
    private static Path dataDir;
    private static FileChannel lockChannel;
    private static long startMillis;
    private static final Set<String> created = ConcurrentHashMap.newKeySet();
    private static final AtomicInteger counter = new AtomicInteger();

    private TestPostgres() {}

    /** The JDBC URL of {@code database}, created first if it does not exist. */
    public static String url(String database) {
        String name = checkedName(database);
        if (!created.contains(name)) {
            synchronized (TestPostgres.class) {
                if (!created.contains(name)) {
                    create(name, true);
                    created.add(name);
                }
            }
        }
        return urlOf(name);
    }

    /** The JDBC URL of a new, empty database named {@code prefix} and a unique suffix. */
    public static String fresh(String prefix) {
        String name = checkedName(prefix.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_") + "_"
                + counter.incrementAndGet() + "_" + UUID.randomUUID().toString().substring(0, 8));
        create(name, false);
        created.add(name);
        return urlOf(name);
    }

    public static String user() {
        return USER;
    }

    public static String password() {
        return PASSWORD;
    }

    /** The server's port (starting it). */
    public static int port() {
        return started().getPort();
    }

    /** Milliseconds the first start took (unpacking the binaries, initdb, postmaster), or 0 when not started. */
    public static synchronized long startMillis() {
        return startMillis;
    }

    private static String urlOf(String name) {
        return "jdbc:postgresql://127.0.0.1:" + port() + "/" + name;
    }

    private static String checkedName(String name) {
        if (!name.matches("[a-z_][a-z0-9_]{0,62}")) {
            throw new IllegalArgumentException("not a plain lower-case database name: " + name);
        }
        return name;
    }

    private static void create(String name, boolean unlessExists) {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port() + "/postgres", USER, PASSWORD)) {
            if (unlessExists) {
                try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
                    ps.setString(1, name);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next()) {
                            return;
                        }
                    }
                }
            }
            try (Statement st = c.createStatement()) {
                st.execute("CREATE DATABASE " + name);
            } catch (SQLException e) {
                if (!(unlessExists && "42P04".equals(e.getSQLState()))) { // duplicate_database: created meanwhile
                    throw e;
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not create the test database " + name + ": " + e.getMessage(), e);
        }
    }

    private static synchronized EmbeddedPostgres started() {
        if (server != null) {
            return server;
        }
        long begin = System.nanoTime();
        Integer fixed = Integer.getInteger(PORT_PROPERTY, 0);
        removeStale();
        IOException last = null;
        for (int attempt = 1; attempt <= (fixed > 0 ? 1 : 3); attempt++) {
            int port = fixed > 0 ? fixed : freePort();
            Path dir = ROOT.resolve("pg-" + ProcessHandle.current().pid() + "-" + UUID.randomUUID().toString().substring(0, 8));
            try {
                Files.createDirectories(dir);
                FileChannel lock = FileChannel.open(dir.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                lock.lock(); // held for the JVM's life: the next JVM's removeStale() leaves this directory alone
                Path data = dir.resolve("data");
                EmbeddedPostgres pg = EmbeddedPostgres.builder()
                        .setDataDirectory(data)
                        .setCleanDataDirectory(true) // initdb now, deleted on close
                        .setRegisterShutdownHook(false) // ours below also deletes the directory around it
                        .setPort(port)
                        .setServerConfig("listen_addresses", "127.0.0.1")
                        .setServerConfig("unix_socket_directories", "''")
                        .setServerConfig("fsync", "off")
                        .setServerConfig("full_page_writes", "off")
                        .setPGStartupWait(Duration.ofSeconds(60))
                        .start();
                server = pg;
                dataDir = dir;
                lockChannel = lock;
                startMillis = (System.nanoTime() - begin) / 1_000_000;
                LOG.info(() -> "embedded PostgreSQL on 127.0.0.1:" + port + " started in " + startMillis + " ms");
                Runtime.getRuntime().addShutdownHook(new Thread(TestPostgres::stop, "test-postgres-stop"));
                return pg;
            } catch (IOException | RuntimeException e) {
                last = e instanceof IOException io ? io : new IOException(e);
                LOG.warning("embedded PostgreSQL did not start on port " + port + " (attempt " + attempt + "): " + e);
                deleteTree(dir);
            }
        }
        throw new UncheckedIOException("could not start the embedded PostgreSQL"
                + (fixed > 0 ? " on port " + fixed + " (" + PORT_PROPERTY + ")" : ""), last);
    }

    private static synchronized void stop() {
        if (server == null) {
            return;
        }
        try {
            server.close(); // pg_ctl stop -m fast, then the data directory is deleted
        } catch (IOException e) {
            LOG.warning("could not stop the embedded PostgreSQL: " + e);
        }
        try {
            lockChannel.close();
        } catch (IOException ignored) {
            // the directory goes anyway
        }
        deleteTree(dataDir);
        server = null;
    }

    /** A port free on 127.0.0.1 right now (another process may take it before the server does: then we retry). */
    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Directories of JVMs that ended without their shutdown hook (killed): their lock is free. A postmaster still
     * running on one (pg_ctl daemonizes it, so it outlives the JVM) is sent SIGTERM ("smart" shutdown) by the pid in
     * its own postmaster.pid, checked to be a postgres process of that very directory, and the directory removed.
     */
    private static void removeStale() {
        if (!Files.isDirectory(ROOT)) {
            return;
        }
        try (Stream<Path> dirs = Files.list(ROOT)) {
            for (Path dir : dirs.filter(Files::isDirectory).toList()) {
                try (FileChannel ch = FileChannel.open(dir.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                        FileLock lock = ch.tryLock()) {
                    if (lock == null) {
                        continue; // a live JVM's server
                    }
                    stopOrphan(dir.resolve("data"));
                }
                deleteTree(dir);
            }
        } catch (IOException | RuntimeException e) {
            LOG.warning("could not clean up old embedded PostgreSQL directories: " + e);
        }
    }

    private static void stopOrphan(Path data) throws IOException {
        Path pidFile = data.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        long pid = Long.parseLong(Files.readAllLines(pidFile, StandardCharsets.UTF_8).get(0).trim());
        ProcessHandle.of(pid).ifPresent(p -> {
            String cmd = p.info().commandLine().orElse("");
            if (cmd.contains("postgres") && cmd.contains(data.toString())) {
                LOG.info("stopping the orphaned embedded PostgreSQL " + pid + " of " + data);
                p.destroy();
                p.onExit().orTimeout(30, java.util.concurrent.TimeUnit.SECONDS).exceptionally(t -> null).join();
            }
        });
    }

    private static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            LOG.warning("could not delete " + dir + ": " + e);
        }
    }
}
