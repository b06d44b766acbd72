package dev.switchboard.it.cluster;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Stand-in for {@code dev.switchboard.testing.TestPostgres} (another branch): one embedded PostgreSQL per test JVM,
 * on 127.0.0.1, and a database per name. Replace the calls with TestPostgres when both branches are merged.
 */
final class ClusterDatabase {

    private static EmbeddedPostgres postgres;

    private ClusterDatabase() {}

    /** A JDBC URL of the database {@code name}, created (empty) on first use in this JVM. */
    static synchronized String url(String name) {
        if (!name.matches("[a-z0-9_]+")) {
            throw new IllegalArgumentException("database names are [a-z0-9_]+: " + name);
        }
        EmbeddedPostgres pg = started();
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            if (!s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + name + "'").next()) {
                s.execute("CREATE DATABASE " + name);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name, e);
        }
        return "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/" + name;
    }

    /** The node options that point a node at the database {@code name}. */
    static List<String> nodeOptions(String name) {
        return List.of("-Dswitchboard.db.url=" + url(name), "-Dswitchboard.db.user=postgres",
                "-Dswitchboard.db.password=postgres");
    }

    static synchronized void close() {
        if (postgres != null) {
            try {
                postgres.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                postgres = null;
            }
        }
    }

    private static EmbeddedPostgres started() {
        if (postgres == null) {
            try {
                postgres = EmbeddedPostgres.builder()
                        .setServerConfig("listen_addresses", "127.0.0.1")
                        .setPort(freeLoopbackPort())
                        .start();
            } catch (IOException e) {
                throw new UncheckedIOException("embedded PostgreSQL did not start", e);
            }
        }
        return postgres;
    }

    private static int freeLoopbackPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }
}
