package dev.switchboard.rooms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.delivery.HistoryDatabase;
import dev.switchboard.protocol.ServerMessage;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rooms' stored standings, the same on H2 ({@link RoomStandingsH2Test}) and PostgreSQL ({@link RoomStandingsPostgresTest}). */
abstract class RoomStandingsContract {

    @TempDir
    Path dir;

    private HistoryDatabase database;
    private RoomStandings standings;

    protected abstract HistoryDatabase database(Path dir);

    @BeforeEach
    void open() {
        database = database(dir);
        standings = new RoomStandings(database);
    }

    @AfterEach
    void close() {
        database.close();
    }

    @Test
    void theFirstJoinCreatesTheRoomOnceWithItsOwner() {
        assertFalse(standings.standing("design", "ana").exists());
        assertTrue(standings.create("design", "ana", true, 1));
        assertFalse(standings.create("design", "bo", false, 2), "a second creator finds it there");
        Standing ana = standings.standing("design", "ana");
        assertEquals(new Room("design", "ana", true, null, null), ana.room());
        assertEquals(RoomRole.OWNER, ana.role());
        Standing bo = standings.standing("design", "bo");
        assertTrue(bo.exists());
        assertNull(bo.role());
        assertTrue(standings.create("lobby", null, false, 3));
        assertNull(standings.standing("lobby", "ana").role(), "a shared room has no owner");
    }

    @Test
    void membersRolesAndReadMarkers() {
        standings.create("team", "ana", false, 1);
        standings.addMember("team", "bo", RoomRole.MEMBER, 7, 2);
        standings.addMember("team", "bo", RoomRole.MEMBER, 9, 3); // a member already: unchanged
        assertEquals(7, standings.standing("team", "bo").read());
        assertTrue(standings.markRead("team", "bo", 12));
        assertFalse(standings.markRead("team", "bo", 10), "never backwards");
        assertEquals(12, standings.standing("team", "bo").read());
        assertTrue(standings.setRole("team", "bo", RoomRole.MODERATOR));
        assertFalse(standings.setRole("team", "cy", RoomRole.MODERATOR), "not a member");
        standings.addMember("team", "cy", RoomRole.MEMBER, 0, 4);
        assertEquals(Map.of("ana", "owner", "bo", "moderator"), standings.staff("team"));
        assertEquals(List.of("ana", "bo"), List.copyOf(standings.staff("team").keySet()), "owner first");
        assertTrue(standings.removeMember("team", "cy"));
        assertFalse(standings.removeMember("team", "cy"));
    }

    @Test
    void aBanEndsMembershipAndInvitationUntilLifted() {
        standings.create("team", "ana", true, 1);
        standings.addMember("team", "bo", RoomRole.MEMBER, 0, 2);
        assertTrue(standings.invite("team", "cy", "ana", 3));
        assertFalse(standings.invite("team", "cy", "ana", 4), "invited already");
        standings.ban("team", "bo", "ana", "spam", 5);
        standings.ban("team", "cy", "ana", null, 6);
        Standing bo = standings.standing("team", "bo");
        assertTrue(bo.banned());
        assertNull(bo.role());
        assertEquals(List.of(), standings.invitesOf("cy"));
        assertTrue(standings.unban("team", "bo"));
        assertFalse(standings.unban("team", "bo"));
        assertFalse(standings.standing("team", "bo").banned());
    }

    @Test
    void mutesAndInvitations() {
        standings.create("team", "ana", false, 1);
        standings.mute("team", "bo", 5_000);
        assertTrue(standings.standing("team", "bo").mutedAt(4_999));
        assertFalse(standings.standing("team", "bo").mutedAt(5_000));
        standings.mute("team", "bo", 0);
        assertEquals(0, standings.standing("team", "bo").mutedUntil());

        standings.create("other", "cy", true, 2);
        standings.invite("other", "bo", "cy", 10);
        standings.invite("team", "bo", "ana", 20);
        assertEquals(List.of(new ServerMessage.Invitation("other", "cy"), new ServerMessage.Invitation("team", "ana")),
                standings.invitesOf("bo"));
        assertTrue(standings.endInvite("other", "bo"));
        assertFalse(standings.endInvite("other", "bo"));
    }

    @Test
    void anOperatorClosesARoomAndReopensItAsItWas() {
        standings.create("town", "ana", false, 1);
        standings.addMember("town", "bo", RoomRole.MEMBER, 0, 2);
        assertTrue(standings.exists("town"));
        assertFalse(standings.exists("nowhere"));
        assertFalse(standings.standing("town", "bo").room().closed());

        assertTrue(standings.close("town", "ops", "spam wave", 3));
        assertFalse(standings.close("town", "ops", null, 4), "closed already");
        assertFalse(standings.close("nowhere", "ops", null, 4));
        Standing bo = standings.standing("town", "bo");
        assertTrue(bo.room().closed());
        assertEquals(RoomRole.MEMBER, bo.role(), "members stay members");
        assertTrue(standings.publicRooms(10).stream().noneMatch(r -> r.room().equals("town")), "not in the directory");

        assertTrue(standings.reopen("town"));
        assertFalse(standings.reopen("town"), "open already");
        assertFalse(standings.reopen("nowhere"));
        assertFalse(standings.standing("town", "bo").room().closed());
        assertTrue(standings.publicRooms(10).stream().anyMatch(r -> r.room().equals("town")));
    }

    @Test
    void theDirectoryListsPublicRoomsOnly() {
        standings.create("quiet", "ana", false, 1);
        standings.create("secret", "ana", true, 2);
        standings.create("busy", "bo", false, 3);
        standings.addMember("busy", "cy", RoomRole.MEMBER, 0, 4);
        standings.retitle("busy", "Busy room", null);
        standings.retitle("busy", null, "all day");
        List<PublicRoom> rooms = standings.publicRooms(10);
        assertEquals(List.of("busy", "quiet"), rooms.stream().map(PublicRoom::room).toList());
        assertEquals(new PublicRoom("busy", 2, null, "Busy room", "all day"), rooms.get(0));
        assertEquals(1, standings.publicRooms(1).size());
    }
}
