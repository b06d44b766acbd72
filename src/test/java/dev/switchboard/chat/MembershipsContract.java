package dev.switchboard.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.switchboard.delivery.HistoryDatabase;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rooms each user is in, wherever the server keeps them: in memory ({@link MembershipsTest}), on an H2 file
 * ({@link MembershipsH2Test}, the default) and on PostgreSQL ({@link MembershipsPostgresTest}).
 */
abstract class MembershipsContract {

    @TempDir
    Path dir;

    private HistoryDatabase database;

    /** A fresh database with its schema, or null for memberships in memory. */
    protected abstract HistoryDatabase database(Path dir);

    @BeforeEach
    void open() {
        database = database(dir);
    }

    @AfterEach
    void close() {
        if (database != null) {
            database.close();
        }
    }

    @Test
    void roomsAreKeptInTheOrderTheyWereFirstJoined() {
        Memberships m = new Memberships(database);
        assertEquals(List.of(), m.roomsOf("ana"));
        m.joined("ana", "lobby", 1_000);
        m.joined("ana", "dev", 2_000);
        m.joined("ana", "lobby", 3_000); // a member already: no second row, no new place in the order
        m.joined("ben", "random");
        assertEquals(List.of("lobby", "dev"), m.roomsOf("ana"));
        assertEquals(List.of("random"), m.roomsOf("ben"));
    }

    @Test
    void leavingOnPurposeEndsIt() {
        Memberships m = new Memberships(database);
        m.joined("ana", "lobby");
        m.joined("ana", "dev");
        m.left("ana", "lobby");
        m.left("ana", "never-joined"); // nothing to end: no error
        assertEquals(List.of("dev"), m.roomsOf("ana"));
    }

    @Test
    void anotherInstanceOnTheSameDatabaseSeesThem() {
        if (database == null) {
            return; // in memory: one instance is the whole store
        }
        new Memberships(database).joined("ana", "lobby");
        new Memberships(database).joined("ana", "lobby"); // a second node: the row is there already
        assertEquals(List.of("lobby"), new Memberships(database).roomsOf("ana"));
    }
}
