package dev.switchboard.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.config.Settings;
import dev.switchboard.testing.TestServer;
import dev.switchboard.testing.WsClient;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Rooms with owners, in-process on Tyrus: private rooms, invitations, moderation, edits and deletes, read markers. */
class RoomsTest {

    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(Settings.of(Map.of(Settings.INVITES_PER_MINUTE, "3")), ChatEndpoint.class);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String unique(String prefix) {
        return prefix + UUID.randomUUID().toString().substring(0, 8);
    }

    private WsClient as(String user) {
        return WsClient.welcomed(server.uri(ChatEndpoint.PATH, user));
    }

    private static String frame(String type, String room, Object... fields) {
        JsonObjectBuilder b = Json.createObjectBuilder().add("type", type).add("room", room);
        for (int i = 0; i < fields.length; i += 2) {
            Object v = fields[i + 1];
            if (v instanceof Number n) {
                b.add((String) fields[i], n.longValue());
            } else if (v instanceof Boolean bool) {
                b.add((String) fields[i], bool);
            } else {
                b.add((String) fields[i], (String) v);
            }
        }
        return b.build().toString();
    }

    private static JsonObject joinPrivate(WsClient c, String room) {
        c.send(frame("join", room, "private", true));
        return c.expect("joined");
    }

    private static void assertError(WsClient c, String code, String id) {
        JsonObject e = c.until("error");
        assertEquals(code, e.getString("code"), e::toString);
        if (id != null) {
            assertEquals(id, e.getString("id"));
        }
    }

    private static long send(WsClient c, String room, String text, String id) {
        c.send(frame("send", room, "text", text, "id", id));
        return c.until("ack").getJsonNumber("seq").longValue();
    }

    @Test
    void aPrivateRoomAdmitsOnlyMembersAndRevealsNothingToOthers() {
        String room = unique("design");
        String alice = unique("alice");
        String bob = unique("bob");
        try (WsClient a = as(alice); WsClient b = as(bob)) {
            JsonObject joined = joinPrivate(a, room);
            assertTrue(joined.getBoolean("private"));
            assertEquals("owner", joined.getString("role"));
            assertEquals(Map.of(alice, "owner"), joined.getJsonObject("roles").entrySet().stream()
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> ((jakarta.json.JsonString) e.getValue()).getString())));
            send(a, room, "secret plans", "s-1");

            b.send(frame("join", room));
            JsonObject refused = b.expect("error");
            assertEquals("forbidden", refused.getString("code"));
            assertFalse(refused.toString().contains(alice), "the refusal names no member");
            assertFalse(refused.toString().contains("secret"));
            assertEquals(null, b.poll(200), "no history, no presence");
            b.send(frame("send", room, "text", "let me in", "id", "x"));
            assertError(b, "not_joined", "x");
        }
    }

    @Test
    void anInviteeAcceptsOnAnyDeviceAndThenJoins() {
        String room = unique("design");
        String alice = unique("alice");
        String bob = unique("bob");
        try (WsClient a = as(alice); WsClient b1 = as(bob)) {
            joinPrivate(a, room);
            b1.join("@me");
            a.send(frame("invite", room, "user", bob, "id", "i-1"));
            JsonObject ack = a.until("ack");
            assertEquals("i-1", ack.getString("id"));
            JsonObject invited = b1.expect("invited");
            assertEquals(room, invited.getString("target"));
            assertEquals(alice, invited.getString("by"));

            // a second device sees it in its welcome, and in the inbox's replay
            try (WsClient b2 = WsClient.connect(server.uri(ChatEndpoint.PATH, bob))) {
                JsonObject welcome = b2.expect("welcome");
                JsonObject invite = welcome.getJsonArray("invites").getJsonObject(0);
                assertEquals(room, invite.getString("room"));
                assertEquals(alice, invite.getString("by"));
                b2.send(frame("join", "@me", "last", 10));
                b2.expect("joined");
                assertEquals(room, b2.until("invited").getString("target"));

                a.send(frame("invite", room, "user", bob, "id", "i-2"));
                assertError(a, "conflict", "i-2"); // invited already

                b2.send(frame("accept", room, "id", "c-1"));
                assertEquals("c-1", b2.until("ack").getString("id"));
            }
            JsonObject joined = b1.join(room);
            assertEquals("member", joined.getString("role"));
            assertTrue(joined.getBoolean("private"));
            assertEquals(0, joined.getInt("unread"), "what was there before the invitation is counted as read");
            send(b1, room, "thanks", "b-1");
            assertEquals("thanks", a.until("message").getString("text"));

            a.send(frame("invite", room, "user", bob, "id", "i-3"));
            assertError(a, "conflict", "i-3"); // a member already
            b1.send(frame("accept", room, "id", "c-2"));
            assertError(b1, "not_found", "c-2"); // nothing left to accept
        }
    }

    @Test
    void aDeclinedInvitationIsGoneAndInvitationsHaveRules() {
        String room = unique("design");
        String alice = unique("alice");
        String bob = unique("bob");
        String carol = unique("carol");
        try (WsClient a = as(alice); WsClient b = as(bob); WsClient c = as(carol)) {
            joinPrivate(a, room);
            a.send(frame("invite", room, "user", bob, "id", "i-1"));
            a.until("ack");
            b.send(frame("decline", room, "id", "d-1"));
            assertEquals("d-1", b.until("ack").getString("id"));
            b.send(frame("accept", room, "id", "d-2"));
            assertError(b, "not_found", "d-2");
            b.send(frame("join", room));
            assertError(b, "forbidden", null);

            a.send(frame("invite", room, "user", unique("nobody"), "id", "i-2"));
            assertError(a, "not_found", "i-2"); // an unknown user
            a.send(frame("invite", room, "user", carol, "id", "i-3"));
            a.until("ack");
            c.send(frame("accept", room, "id", "c-1"));
            c.until("ack");
            c.send(frame("invite", room, "user", bob, "id", "i-4"));
            assertError(c, "forbidden", "i-4"); // a member, not a moderator

            // three a minute here (refused ones not counted): the fourth, and any flood after it, is refused
            a.send(frame("invite", room, "user", bob, "id", "i-5"));
            a.until("ack");
            a.send(frame("invite", room, "user", bob, "id", "i-6"));
            assertError(a, "rate_limited", "i-6");
        }
    }

    @Test
    void aKickRemovesEveryDeviceAndIsAStoredEvent() {
        String room = unique("team");
        String alice = unique("alice");
        String bob = unique("bob");
        try (WsClient a = as(alice); WsClient b1 = as(bob); WsClient b2 = as(bob)) {
            a.join(room);
            b1.join(room);
            b2.join(room);
            a.send(frame("kick", room, "user", bob, "reason", "off topic", "id", "k-1"));
            for (WsClient b : List.of(b1, b2)) {
                JsonObject left = b.until("left");
                assertEquals("kicked", left.getString("reason"));
                assertEquals(alice, left.getString("by"));
            }
            // alice sees bob leave (at once, on every node), her ack, and the event in the room's stream
            List<JsonObject> seen = new java.util.ArrayList<>();
            do {
                seen.add(a.next());
            } while (!"moderation".equals(seen.get(seen.size() - 1).getString("type")));
            assertTrue(seen.stream().anyMatch(f -> "presence".equals(f.getString("type")) && "leave".equals(f.getString("event"))
                    && bob.equals(f.getString("user"))), seen::toString);
            long seq = seen.stream().filter(f -> "ack".equals(f.getString("type"))).findFirst().orElseThrow()
                    .getJsonNumber("seq").longValue();
            JsonObject event = seen.get(seen.size() - 1);
            assertEquals("kick", event.getString("action"));
            assertEquals(bob, event.getString("user"));
            assertEquals(alice, event.getString("by"));
            assertEquals("off topic", event.getString("reason"));
            assertEquals(seq, event.getJsonNumber("seq").longValue());

            b1.send(frame("send", room, "text", "still here?", "id", "x"));
            assertError(b1, "not_joined", "x");

            // a public room may be joined again after a kick; its history shows the kick
            b1.send(frame("join", room, "last", 5));
            b1.expect("joined");
            assertEquals("kick", b1.until("moderation").getString("action"));
        }
    }

    @Test
    void aBanHoldsAcrossNewConnectionsUntilLifted() {
        String room = unique("team");
        String alice = unique("alice");
        String bob = unique("bob");
        try (WsClient a = as(alice); WsClient b = as(bob)) {
            a.join(room);
            b.join(room);
            a.send(frame("ban", room, "user", bob, "reason", "spam", "id", "b-1"));
            a.until("ack");
            assertEquals("banned", b.until("left").getString("reason"));
        }
        try (WsClient b = as(bob)) { // a new connection, a new token
            assertFalse(b.session().getRequestURI().toString().isEmpty());
            b.send(frame("join", room));
            JsonObject refused = b.expect("error");
            assertEquals("forbidden", refused.getString("code"));
            assertTrue(refused.getString("message").contains("banned"));
        }
        try (WsClient a = as(alice); WsClient b = as(bob)) {
            a.send(frame("unban", room, "user", bob, "id", "u-1"));
            a.until("ack");
            assertEquals(room, b.join(room).getString("room"));
            a.send(frame("unban", room, "user", bob, "id", "u-2"));
            assertError(a, "not_found", "u-2");
        }
    }

    @Test
    void aMutedMemberReadsButCannotSend() {
        String room = unique("team");
        String alice = unique("alice");
        String bob = unique("bob");
        try (WsClient a = as(alice); WsClient b = as(bob)) {
            a.join(room);
            b.join(room);
            a.send(frame("mute", room, "user", bob, "seconds", 600, "id", "m-1"));
            a.until("ack");
            assertEquals("mute", b.until("moderation").getString("action"));
            b.send(frame("send", room, "text", "hello?", "id", "s-1"));
            JsonObject refused = b.until("error");
            assertEquals("forbidden", refused.getString("code"));
            assertEquals("s-1", refused.getString("id"));
            send(a, room, "you can still read this", "a-1");
            assertEquals("you can still read this", b.until("message").getString("text"));

            a.send(frame("mute", room, "user", bob, "seconds", 0, "id", "m-2"));
            a.until("ack");
            b.until("moderation");
            assertTrue(send(b, room, "thanks", "s-2") > 0);
        }
    }

    @Test
    void whoMayActOnWhom() {
        String room = unique("team");
        String owner = unique("owner");
        String mod = unique("mod");
        String mod2 = unique("modtwo");
        String member = unique("member");
        try (WsClient o = as(owner); WsClient m = as(mod); WsClient m2 = as(mod2); WsClient u = as(member)) {
            o.join(room);
            m.join(room);
            m2.join(room);
            u.join(room);
            u.send(frame("kick", room, "user", mod, "id", "1"));
            assertError(u, "forbidden", "1"); // a member is no moderator
            m.send(frame("role", room, "user", member, "role", "moderator", "id", "2"));
            assertError(m, "forbidden", "2"); // only the owner gives roles

            o.send(frame("role", room, "user", mod, "role", "moderator", "id", "3"));
            o.until("ack");
            o.send(frame("role", room, "user", mod2, "role", "moderator", "id", "4"));
            o.until("ack");
            assertEquals("moderator", m.until("moderation").getString("role"));
            m.until("moderation");

            m.send(frame("kick", room, "user", owner, "id", "5"));
            assertError(m, "forbidden", "5"); // nobody acts on the owner
            m.send(frame("ban", room, "user", mod2, "id", "6"));
            assertError(m, "forbidden", "6"); // only the owner acts on a moderator
            m.send(frame("kick", room, "user", unique("ghost"), "id", "7"));
            assertError(m, "not_found", "7");
            m.send(frame("kick", room, "user", member, "id", "8"));
            m.until("ack"); // a moderator kicks a member
            assertEquals("kicked", u.until("left").getString("reason"));
            o.send(frame("role", room, "user", mod, "role", "owner", "id", "9"));
            assertError(o, "bad_request", "9");
            m.send(frame("kick", unique("nosuchroom"), "user", member, "id", "10"));
            assertError(m, "not_found", "10");

            JsonObject joined = as(member).join(room);
            assertEquals("member", joined.getString("role"));
            assertEquals("moderator", joined.getJsonObject("roles").getString(mod));
            assertEquals("owner", joined.getJsonObject("roles").getString(owner));
        }
    }

    @Test
    void editsAndDeletesAreEventsThatReplayCarries() {
        String room = unique("team");
        String alice = unique("alice");
        String bob = unique("bob");
        try (WsClient b = as(bob); WsClient a = as(alice)) {
            b.join(room); // bob created it: he owns it
            a.join(room);
            long first = send(a, room, "teh plan", "a-1");
            long second = send(b, room, "bob's note", "b-1");
            a.send(frame("edit", room, "seq", first, "text", "the plan", "id", "e-1"));
            long edit = a.until("ack").getJsonNumber("seq").longValue();
            JsonObject seen = b.until("edit");
            assertEquals(first, seen.getJsonNumber("of").longValue());
            assertEquals("the plan", seen.getString("text"));
            assertEquals(alice, seen.getString("from"));
            assertEquals(edit, seen.getJsonNumber("seq").longValue());

            a.send(frame("edit", room, "seq", second, "text", "mine now", "id", "e-2"));
            assertError(a, "forbidden", "e-2"); // not her message
            a.send(frame("delete", room, "seq", second, "id", "d-1"));
            assertError(a, "forbidden", "d-1"); // a member deletes only her own
            a.send(frame("edit", room, "seq", 10_000, "text", "x", "id", "e-3"));
            assertError(a, "not_found", "e-3");
            a.send(frame("edit", room, "seq", edit, "text", "x", "id", "e-4"));
            assertError(a, "bad_request", "e-4"); // an edit is not a message

            b.send(frame("delete", room, "seq", first, "id", "d-2"));
            long delete = b.until("ack").getJsonNumber("seq").longValue(); // the owner deletes anyone's
            JsonObject tomb = a.until("delete");
            assertEquals(first, tomb.getJsonNumber("of").longValue());
            assertEquals(bob, tomb.getString("by"));
            a.send(frame("edit", room, "seq", first, "text", "again", "id", "e-5"));
            assertError(a, "not_found", "e-5"); // deleted

            // a client coming back gets the original, then what became of it, in order
            try (WsClient late = as(unique("late"))) {
                late.send(frame("join", room, "since", 0));
                late.expect("joined");
                List<String> kinds = new java.util.ArrayList<>();
                JsonObject f;
                do {
                    f = late.next();
                    if (f.containsKey("seq") && !"presence".equals(f.getString("type"))) {
                        kinds.add(f.getString("type") + ":" + f.getJsonNumber("seq").longValue());
                    }
                } while (f.getJsonNumber("seq") == null || f.getJsonNumber("seq").longValue() < delete);
                assertEquals(List.of("message:" + first, "message:" + second, "edit:" + edit, "delete:" + delete), kinds);
            }
        }
    }

    @Test
    void nobodyActsOnARoomTheyAreNotIn() {
        String room = unique("team");
        String alice = unique("alice");
        String bob = unique("bob");
        String stranger = unique("stranger");
        try (WsClient a = as(alice); WsClient b = as(bob); WsClient s = as(stranger)) {
            a.join(room);
            b.join(room);
            long seq = send(b, room, "hello", "b-1");
            s.send(frame("kick", room, "user", bob, "id", "k-1"));
            assertError(s, "forbidden", "k-1");
            s.send(frame("mute", room, "user", bob, "seconds", 60, "id", "m-1"));
            assertError(s, "forbidden", "m-1");
            s.send(frame("invite", room, "user", bob, "id", "i-1"));
            assertError(s, "forbidden", "i-1");
            s.send(frame("title", room, "title", "mine", "id", "t-1"));
            assertError(s, "forbidden", "t-1");
            s.send(frame("delete", room, "seq", seq, "id", "d-1"));
            assertError(s, "not_joined", "d-1");
            s.send(frame("edit", room, "seq", seq, "text", "x", "id", "e-1"));
            assertError(s, "not_joined", "e-1");
            a.send(frame("kick", room, "user", alice, "id", "k-2"));
            assertError(a, "bad_request", "k-2"); // not on herself
            b.send(frame("send", room, "text", "still here", "id", "b-2"));
            assertTrue(b.until("ack").getJsonNumber("seq").longValue() > seq, "nothing happened to bob");
        }
    }

    @Test
    void readMarkersFollowTheUserToEveryDevice() {
        String room = unique("team");
        String alice = unique("alice");
        String bob = unique("bob");
        try (WsClient a = as(alice); WsClient b1 = as(bob); WsClient b2 = as(bob)) {
            a.join(room);
            b1.join(room);
            b2.join("@me");
            long s1 = send(a, room, "one", "1");
            long s2 = send(a, room, "two", "2");
            send(a, room, "three", "3");
            b1.send(frame("read", room, "seq", s1));
            JsonObject read = b2.until("read");
            assertEquals(room, read.getString("room"));
            assertEquals(s1, read.getJsonNumber("seq").longValue());

            JsonObject joined = b2.join(room);
            assertEquals(s1, joined.getJsonNumber("read").longValue());
            assertEquals(2, joined.getInt("unread"));
            b2.send(frame("read", room, "seq", s2));
            b2.send(frame("read", room, "seq", s1)); // never backwards
            try (WsClient b3 = as(bob)) {
                JsonObject again = b3.join(room);
                assertEquals(s2, again.getJsonNumber("read").longValue());
                assertEquals(1, again.getInt("unread"));
            }
            a.send(frame("read", unique("elsewhere"), "seq", 1));
            assertError(a, "not_joined", null);
        }
    }

    @Test
    void theTitleIsAStoredEventAndPartOfJoined() {
        String room = unique("team");
        String alice = unique("alice");
        String bob = unique("bob");
        try (WsClient a = as(alice); WsClient b = as(bob)) {
            a.join(room);
            b.join(room);
            b.send(frame("title", room, "title", "Mine", "id", "t-0"));
            assertError(b, "forbidden", "t-0");
            a.send(frame("title", room, "title", "Design reviews", "topic", "Thursdays", "id", "t-1"));
            a.until("ack");
            JsonObject event = b.until("moderation");
            assertEquals("title", event.getString("action"));
            assertEquals("Design reviews", event.getString("title"));
            assertEquals("Thursdays", event.getString("topic"));
            JsonObject joined = as(bob).join(room);
            assertEquals("Design reviews", joined.getString("title"));
            assertEquals("Thursdays", joined.getString("topic"));
        }
    }
}
