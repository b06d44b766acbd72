package dev.switchboard.rooms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.chat.Memberships;
import dev.switchboard.delivery.HistoryDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attachments kept in the database, wherever it is: on an H2 file ({@link AttachmentsH2Test}, the default) and on
 * PostgreSQL ({@link AttachmentsPostgresTest}).
 */
abstract class AttachmentsContract {

    private static final Instant AT = Instant.parse("2026-12-03T16:45:00.123Z");
    private static final long QUOTA = 100 * 1024 * 1024;

    @TempDir
    Path dir;

    private HistoryDatabase database;

    /** A fresh database with its schema. */
    protected abstract HistoryDatabase database(Path dir);

    @BeforeEach
    void open() {
        database = database(dir);
    }

    @AfterEach
    void close() {
        database.close();
    }

    @Test
    void aStoredFileComesBackWithItsBytes() {
        Attachments files = new Attachments(database, QUOTA);
        byte[] bytes = new byte[70_000];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) i; // every byte value, 0 and 0xFF included
        }
        Attachments.Stored stored = files.store("lobby", "ana", "cat.png", "image/png", bytes, AT);
        assertTrue(Attachments.ID.matcher(stored.id()).matches(), stored.id());
        assertEquals(new Attachments.Stored(stored.id(), "lobby", "cat.png", "image/png", 70_000), stored);

        Attachments.File file = new Attachments(database, QUOTA).find(stored.id()).orElseThrow(); // any instance, any node
        assertEquals(stored.id(), file.id());
        assertEquals("lobby", file.room());
        assertEquals("cat.png", file.name());
        assertEquals("image/png", file.mime());
        assertEquals(70_000, file.size());
        assertEquals("ana", file.sender());
        assertEquals(AT, file.at());
        assertArrayEquals(bytes, file.bytes());
    }

    @Test
    void eachFileGetsItsOwnIdAndNamesComeBackAsSent() {
        Attachments files = new Attachments(database, QUOTA);
        String name = "报告 \"final\" ü.pdf";
        Attachments.Stored a = files.store("lobby", "ana", name, "application/pdf", new byte[] {1}, AT);
        Attachments.Stored b = files.store("lobby", "ana", name, "application/pdf", new byte[] {1}, AT);
        assertNotEquals(a.id(), b.id());
        assertEquals(name, files.find(a.id()).orElseThrow().name());
        Attachments.Stored empty = files.store("lobby", "ana", "empty.txt", "text/plain", new byte[0], AT);
        assertEquals(0, empty.size());
        assertArrayEquals(new byte[0], files.find(empty.id()).orElseThrow().bytes());
    }

    @Test
    void unknownAndMalformedIdsFindNothing() {
        Attachments files = new Attachments(database, QUOTA);
        files.store("lobby", "ana", "a.txt", "text/plain", new byte[] {1, 2}, AT);
        assertEquals(Optional.empty(), files.find("AAAAAAAAAAAAAAAAAAAAAA")); // the right form, no such file
        assertEquals(Optional.empty(), files.find("nope"));
        assertEquals(Optional.empty(), files.find("' OR '1'='1"));
        assertEquals(Optional.empty(), files.find(null));
    }

    @Test
    void usedBytesCountsEachRoomOnItsOwn() {
        Attachments files = new Attachments(database, QUOTA);
        assertEquals(0, files.usedBytes("lobby"));
        files.store("lobby", "ana", "a.bin", "application/octet-stream", new byte[300], AT);
        files.store("lobby", "ben", "b.bin", "application/octet-stream", new byte[200], AT);
        files.store("dev", "ana", "c.bin", "application/octet-stream", new byte[7], AT);
        assertEquals(500, files.usedBytes("lobby"));
        assertEquals(7, files.usedBytes("dev"));
        assertEquals(0, files.usedBytes("random"));
    }

    @Test
    void aFileThatWouldGoOverTheRoomsQuotaIsRefusedAndNotStored() throws SQLException {
        Attachments files = new Attachments(database, 100);
        files.store("lobby", "ana", "a.bin", "application/octet-stream", new byte[60], AT);
        Attachments.QuotaExceeded refused = assertThrows(Attachments.QuotaExceeded.class,
                () -> files.store("lobby", "ben", "b.bin", "application/octet-stream", new byte[41], AT));
        assertEquals("lobby", refused.room());
        assertEquals("room lobby keeps 60 bytes of attachments; 41 more would be over its quota of 100 bytes", refused.getMessage());
        assertEquals(0, refused.getStackTrace().length);
        assertEquals(60, files.usedBytes("lobby"));
        assertEquals(1, rows("lobby"));

        files.store("lobby", "ben", "b.bin", "application/octet-stream", new byte[40], AT); // exactly up to the quota
        assertEquals(100, files.usedBytes("lobby"));
        assertThrows(Attachments.QuotaExceeded.class,
                () -> files.store("lobby", "ben", "c.bin", "application/octet-stream", new byte[1], AT));
        assertEquals(2, rows("lobby"));
        files.store("dev", "ana", "d.bin", "application/octet-stream", new byte[100], AT); // another room: its own quota
        assertEquals(100, files.usedBytes("dev"));
    }

    /**
     * Two stores into one room at once: the second waits for the first to commit before its own quota check. The first
     * is held between its check and its insert until the second is seen waiting (for this node's lock, or on
     * PostgreSQL for the room's lock in the database, being another node) or done: done would mean both passed.
     */
    @Test
    void aStoreIntoTheSameRoomWaitsForTheOneBeingChecked() throws Exception {
        Attachments first = new Attachments(database, 100);
        Attachments second = database.isPostgres() ? new Attachments(database, 100) : first; // H2 has one node
        ExecutorService other = Executors.newSingleThreadExecutor();
        try {
            AtomicReference<Thread> secondThread = new AtomicReference<>();
            AtomicReference<Future<Attachments.Stored>> secondStore = new AtomicReference<>();
            first.checked = () -> {
                first.checked = () -> {};
                secondStore.set(other.submit(() -> {
                    secondThread.set(Thread.currentThread());
                    return second.store("lobby", "ben", "b.bin", "application/octet-stream", new byte[41], AT);
                }));
                while (!secondStore.get().isDone() && !waiting(secondThread.get())) {
                    Thread.onSpinWait();
                }
            };
            first.store("lobby", "ana", "a.bin", "application/octet-stream", new byte[60], AT);
            ExecutionException e = assertThrows(ExecutionException.class, () -> secondStore.get().get());
            assertInstanceOf(Attachments.QuotaExceeded.class, e.getCause());
            assertEquals(60, first.usedBytes("lobby"));
        } finally {
            other.shutdownNow();
        }
    }

    /** Whether the thread waits for a lock: a monitor here, or (PostgreSQL) a lock in the database. */
    private boolean waiting(Thread t) {
        if (t != null && t.getState() == Thread.State.BLOCKED) {
            return true;
        }
        if (!database.isPostgres()) {
            return false;
        }
        try (Connection c = database.connect(); PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM pg_locks l"
                + " JOIN pg_database d ON d.oid = l.database WHERE d.datname = current_database() AND NOT l.granted")) {
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1) > 0;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void membersAndTheOwnerMayReadARoomsFilesStrangersMayNot() throws SQLException {
        Attachments files = new Attachments(database, QUOTA);
        Memberships members = new Memberships(database);
        members.joined("ana", "lobby");
        members.joined("ben", "dev");
        members.joined("eve", "lobby");
        sql("INSERT INTO sb_room (name, owner, is_private, created_at) VALUES ('lobby', 'olga', FALSE, 0)");
        sql("INSERT INTO sb_ban (room, usr, by_user, at_ms) VALUES ('lobby', 'eve', 'olga', 0)");

        assertTrue(files.mayRead("lobby", "ana"), "a member");
        assertTrue(files.mayRead("lobby", "olga"), "the owner, not a member");
        assertFalse(files.mayRead("lobby", "ben"), "a member of another room");
        assertFalse(files.mayRead("lobby", "cid"), "a stranger");
        assertFalse(files.mayRead("lobby", "eve"), "banned (the member row left behind)");
        assertTrue(files.mayRead("dev", "ben"), "a room without an sb_room row: its members");
        assertFalse(files.mayRead("dev", "olga"));
        assertFalse(files.mayRead("#ticker.ACME", "ana"), "a topic stream is nobody's");
        assertFalse(files.mayRead("lob by", "ana"));

        Attachments.File file = files.find(files.store("lobby", "ana", "a.txt", "text/plain", new byte[1], AT).id()).orElseThrow();
        assertTrue(files.mayRead(file, "ana"));
        assertTrue(files.mayRead(file, "olga"));
        assertFalse(files.mayRead(file, "cid"));
        members.left("ana", "lobby");
        assertFalse(files.mayRead(file, "ana"), "a room's file: its sender reads it as a member, not as the sender");
    }

    @Test
    void anInboxsFilesAreItsUsersAndTheirSenders() {
        Attachments files = new Attachments(database, QUOTA);
        new Memberships(database).joined("ana", "@bob"); // not how inboxes work, and it must not matter
        assertTrue(files.mayRead("@bob", "bob"));
        assertFalse(files.mayRead("@bob", "ana"));
        assertFalse(files.mayRead("@bob", "cid"));

        Attachments.File file = files.find(files.store("@bob", "ana", "a.txt", "text/plain", new byte[1], AT).id()).orElseThrow();
        assertTrue(files.mayRead(file, "bob"), "the inbox's user");
        assertTrue(files.mayRead(file, "ana"), "the sender");
        assertFalse(files.mayRead(file, "cid"));
    }

    @Test
    void closingARoomDeletesItsFilesOnly() {
        Attachments files = new Attachments(database, QUOTA);
        String gone = files.store("lobby", "ana", "a.bin", "application/octet-stream", new byte[10], AT).id();
        files.store("lobby", "ana", "b.bin", "application/octet-stream", new byte[10], AT);
        String kept = files.store("dev", "ana", "c.bin", "application/octet-stream", new byte[10], AT).id();
        assertEquals(2, files.deleteRoomFiles("lobby"));
        assertEquals(Optional.empty(), files.find(gone));
        assertEquals(0, files.usedBytes("lobby"));
        assertTrue(files.find(kept).isPresent());
        assertEquals(0, files.deleteRoomFiles("lobby"));
    }

    private int rows(String room) throws SQLException {
        try (Connection c = database.connect(); PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM sb_file WHERE room = ?")) {
            ps.setString(1, room);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private void sql(String statement) throws SQLException {
        try (Connection c = database.connect(); PreparedStatement ps = c.prepareStatement(statement)) {
            ps.executeUpdate();
        }
    }
}
