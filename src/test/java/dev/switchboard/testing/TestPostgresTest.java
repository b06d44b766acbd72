package dev.switchboard.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** The tests' embedded PostgreSQL: loopback only, databases on demand. */
class TestPostgresTest {

    @Test
    void listensOnLoopbackOnlyAndCreatesDatabasesOnDemand() throws Exception {
        String url = TestPostgres.url("smoke");
        assertEquals("jdbc:postgresql://127.0.0.1:" + TestPostgres.port() + "/smoke", url);
        assertEquals(url, TestPostgres.url("smoke"), "an existing database is reused");
        String fresh = TestPostgres.fresh("smoke");
        assertNotEquals(fresh, TestPostgres.fresh("smoke"), "fresh is new each time");
        try (Connection c = DriverManager.getConnection(fresh, TestPostgres.user(), TestPostgres.password());
                Statement st = c.createStatement()) {
            assertEquals("127.0.0.1", show(st, "listen_addresses"));
            assertEquals("", show(st, "unix_socket_directories"), "no Unix socket either");
            try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM pg_class WHERE relname = 'sb_stream'")) {
                rs.next();
                assertEquals(0, rs.getInt(1), "a fresh database is empty");
            }
        }
        assertTrue(TestPostgres.startMillis() > 0);
        System.out.println("embedded PostgreSQL started in " + TestPostgres.startMillis() + " ms");
    }

    private static String show(Statement st, String setting) throws Exception {
        try (ResultSet rs = st.executeQuery("SHOW " + setting)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
