package dev.switchboard.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class MessageCodecTest {

    @Test
    void decodesEveryClientType() {
        assertEquals(new ClientMessage.Join("lobby", null, null, null), MessageCodec.read("{\"type\":\"join\",\"room\":\"lobby\"}"));
        assertEquals(new ClientMessage.Join("lobby", 41L, null, null), MessageCodec.read("{\"type\":\"join\",\"room\":\"lobby\",\"since\":41}"));
        assertEquals(new ClientMessage.Join("lobby", null, null, 5), MessageCodec.read("{\"type\":\"join\",\"room\":\"lobby\",\"last\":5}"));
        assertEquals(new ClientMessage.Leave("lobby"), MessageCodec.read("{\"type\":\"leave\",\"room\":\"lobby\"}"));
        assertEquals(new ClientMessage.Send("lobby", "hi", "c-17"),
                MessageCodec.read("{\"type\":\"send\",\"room\":\"lobby\",\"text\":\"hi\",\"id\":\"c-17\"}"));
        assertEquals(new ClientMessage.Direct("bob", "hi", "c-18"),
                MessageCodec.read("{\"type\":\"direct\",\"to\":\"bob\",\"text\":\"hi\",\"id\":\"c-18\"}"));
        assertEquals(new ClientMessage.Typing("lobby"), MessageCodec.read("{\"type\":\"typing\",\"room\":\"lobby\"}"));
        assertEquals(new ClientMessage.Ping(), MessageCodec.read("{\"type\":\"ping\"}"));
        assertEquals(new ClientMessage.Join("lobby", 41L, "k3x", null),
                MessageCodec.read("{\"type\":\"join\",\"room\":\"lobby\",\"since\":41,\"epoch\":\"k3x\"}"));
    }

    @Test
    void aForgedFromIsNotEvenDecoded() {
        assertEquals(new ClientMessage.Send("lobby", "hi", null),
                MessageCodec.read("{\"type\":\"send\",\"room\":\"lobby\",\"text\":\"hi\",\"from\":\"mallory\"}"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", "not json", "{\"type\":", "[1,2]", "42", "\"join\"", "null",
        "{}", "{\"type\":7}", "{\"type\":null}",
        "{\"type\":\"join\"}", "{\"type\":\"join\",\"room\":5}",
        "{\"type\":\"join\",\"room\":\"a\",\"since\":-1}", "{\"type\":\"join\",\"room\":\"a\",\"since\":\"41\"}",
        "{\"type\":\"join\",\"room\":\"a\",\"since\":1.5}", "{\"type\":\"join\",\"room\":\"a\",\"since\":1e400}",
        "{\"type\":\"join\",\"room\":\"a\",\"since\":99999999999999999999999999}",
        "{\"type\":\"join\",\"room\":\"a\",\"last\":100000}",
        "{\"type\":\"send\",\"room\":\"a\"}", "{\"type\":\"send\",\"room\":\"a\",\"text\":{\"x\":1}}",
        "{\"type\":\"send\",\"room\":\"a\",\"text\":\"t\",\"id\":12}",
        "{\"type\":\"direct\",\"text\":\"t\"}"
    })
    void badFramesAreBadRequestsNotExceptions(String frame) {
        ClientMessage m = MessageCodec.read(frame);
        ClientMessage.Invalid invalid = assertInstanceOf(ClientMessage.Invalid.class, m, frame);
        assertEquals(ErrorCode.BAD_REQUEST, invalid.code(), frame);
    }

    @Test
    void deepNestingIsABadRequest() {
        String deep = "{\"type\":\"send\",\"room\":\"a\",\"text\":\"t\",\"x\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}";
        assertEquals(ErrorCode.BAD_REQUEST, assertInstanceOf(ClientMessage.Invalid.class, MessageCodec.read(deep)).code());
    }

    @Test
    void unknownTypesEchoTheirId() {
        ClientMessage.Invalid m = assertInstanceOf(ClientMessage.Invalid.class,
                MessageCodec.read("{\"type\":\"launch\",\"id\":\"c-9\"}"));
        assertEquals(ErrorCode.UNKNOWN_TYPE, m.code());
        assertEquals("c-9", m.id());
    }

    @Test
    void aMissingFieldEchoesTheId() {
        ClientMessage.Invalid m = assertInstanceOf(ClientMessage.Invalid.class,
                MessageCodec.read("{\"type\":\"send\",\"room\":\"a\",\"id\":\"c-3\"}"));
        assertEquals("c-3", m.id());
        assertEquals("missing field: text", m.message());
    }

    @ParameterizedTest
    @CsvSource({"BAD_REQUEST,bad_request", "UNKNOWN_TYPE,unknown_type", "FORBIDDEN,forbidden", "NOT_JOINED,not_joined",
        "NOT_FOUND,not_found", "RATE_LIMITED,rate_limited", "TOO_LARGE,too_large"})
    void everyErrorCodeEncodes(ErrorCode code, String wire) {
        JsonObject o = parse(MessageCodec.write(new ServerMessage.Error(code, "why", "c-1")));
        assertEquals("error", o.getString("type"));
        assertEquals(wire, o.getString("code"));
        assertEquals("why", o.getString("message"));
        assertEquals("c-1", o.getString("id"));
    }

    @Test
    void everyServerTypeEncodes() {
        Instant ts = Instant.parse("2026-11-22T02:00:00.123456Z");
        assertEquals("{\"type\":\"welcome\",\"user\":\"alice\",\"heartbeat\":25}",
                MessageCodec.write(new ServerMessage.Welcome("alice", 25)));
        assertEquals("{\"type\":\"joined\",\"room\":\"lobby\",\"seq\":44,\"epoch\":\"e1\",\"members\":[\"alice\",\"bob\"],\"recovered\":true}",
                MessageCodec.write(new ServerMessage.Joined("lobby", 44, "e1", List.of("alice", "bob"), true)));
        assertEquals("{\"type\":\"left\",\"room\":\"lobby\"}", MessageCodec.write(new ServerMessage.Left("lobby")));
        assertEquals("{\"type\":\"message\",\"room\":\"lobby\",\"seq\":45,\"from\":\"alice\",\"text\":\"hi \\\"you\\\"\","
                + "\"ts\":\"2026-11-22T02:00:00.123Z\",\"id\":\"c-17\"}",
                MessageCodec.write(new ServerMessage.Message("lobby", 45, "alice", "hi \"you\"", ts, "c-17")));
        assertEquals("{\"type\":\"direct\",\"room\":\"@me\",\"seq\":12,\"from\":\"alice\",\"to\":\"bob\",\"text\":\"hi\","
                + "\"ts\":\"2026-11-22T02:00:00.123Z\"}",
                MessageCodec.write(new ServerMessage.DirectMessage(12, "alice", "bob", "hi", ts, null)));
        assertEquals("{\"type\":\"ack\",\"id\":\"c-17\",\"room\":\"lobby\",\"seq\":45}",
                MessageCodec.write(new ServerMessage.Ack("c-17", "lobby", 45)));
        assertEquals("{\"type\":\"presence\",\"room\":\"lobby\",\"user\":\"bob\",\"event\":\"join\"}",
                MessageCodec.write(new ServerMessage.Presence("lobby", "bob", "join")));
        assertEquals("{\"type\":\"typing\",\"room\":\"lobby\",\"user\":\"bob\"}",
                MessageCodec.write(new ServerMessage.Typing("lobby", "bob")));
        assertEquals("{\"type\":\"pong\"}", MessageCodec.write(new ServerMessage.Pong()));
        assertEquals("{\"type\":\"error\",\"code\":\"not_joined\",\"message\":\"m\"}",
                MessageCodec.write(new ServerMessage.Error(ErrorCode.NOT_JOINED, "m", null)));
    }

    /** The frames of rooms with owners ("Rooms with owners" in docs/protocol.md), decoded. */
    @Test
    void roomFramesDecode() {
        assertEquals(new ClientMessage.Join("design", null, null, null, true),
                MessageCodec.read("{\"type\":\"join\",\"room\":\"design\",\"private\":true}"));
        assertEquals(new ClientMessage.Invite("design", "bob", "c-1"),
                MessageCodec.read("{\"type\":\"invite\",\"room\":\"design\",\"user\":\"bob\",\"id\":\"c-1\"}"));
        assertEquals(new ClientMessage.Answer("design", true, "c-2"), MessageCodec.read("{\"type\":\"accept\",\"room\":\"design\",\"id\":\"c-2\"}"));
        assertEquals(new ClientMessage.Answer("design", false, null), MessageCodec.read("{\"type\":\"decline\",\"room\":\"design\"}"));
        assertEquals(new ClientMessage.Moderate(ModerationAction.KICK, "design", "bob", "spam", null, null, null, null, "c-3"),
                MessageCodec.read("{\"type\":\"kick\",\"room\":\"design\",\"user\":\"bob\",\"reason\":\"spam\",\"id\":\"c-3\"}"));
        assertEquals(new ClientMessage.Moderate(ModerationAction.MUTE, "design", "bob", null, 600L, null, null, null, null),
                MessageCodec.read("{\"type\":\"mute\",\"room\":\"design\",\"user\":\"bob\",\"seconds\":600}"));
        assertEquals(new ClientMessage.Moderate(ModerationAction.TITLE, "design", null, null, null, null, "Design", "weekly", null),
                MessageCodec.read("{\"type\":\"title\",\"room\":\"design\",\"title\":\"Design\",\"topic\":\"weekly\"}"));
        assertEquals(new ClientMessage.Edit("design", 45, "fixed", "c-7"),
                MessageCodec.read("{\"type\":\"edit\",\"room\":\"design\",\"seq\":45,\"text\":\"fixed\",\"id\":\"c-7\"}"));
        assertEquals(new ClientMessage.Delete("design", 45, null), MessageCodec.read("{\"type\":\"delete\",\"room\":\"design\",\"seq\":45}"));
        assertEquals(new ClientMessage.Read("design", 45), MessageCodec.read("{\"type\":\"read\",\"room\":\"design\",\"seq\":45}"));

        // what each needs, or bad_request
        assertEquals(new ClientMessage.Invalid(ErrorCode.BAD_REQUEST, "missing field: seconds", null),
                MessageCodec.read("{\"type\":\"mute\",\"room\":\"design\",\"user\":\"bob\"}"));
        assertEquals(new ClientMessage.Invalid(ErrorCode.BAD_REQUEST, "missing field: role", null),
                MessageCodec.read("{\"type\":\"role\",\"room\":\"design\",\"user\":\"bob\"}"));
        assertEquals(new ClientMessage.Invalid(ErrorCode.BAD_REQUEST, "missing field: user", "c-1"),
                MessageCodec.read("{\"type\":\"kick\",\"room\":\"design\",\"id\":\"c-1\"}"));
        assertEquals(new ClientMessage.Invalid(ErrorCode.BAD_REQUEST, "field out of range: seq", null),
                MessageCodec.read("{\"type\":\"read\",\"room\":\"design\",\"seq\":0}"));
        assertEquals(new ClientMessage.Invalid(ErrorCode.BAD_REQUEST, "field must be true or false: private", null),
                MessageCodec.read("{\"type\":\"join\",\"room\":\"design\",\"private\":\"yes\"}"));
    }

    @Test
    void roomEventsEncode() {
        Instant ts = Instant.parse("2026-12-03T02:00:00Z");
        assertEquals("{\"type\":\"joined\",\"room\":\"design\",\"seq\":44,\"epoch\":\"e1\",\"members\":[\"alice\"],\"recovered\":false,"
                + "\"private\":true,\"role\":\"owner\",\"read\":40,\"unread\":3,\"title\":\"Design\",\"roles\":{\"alice\":\"owner\"}}",
                MessageCodec.write(new ServerMessage.Joined("design", 44, "e1", List.of("alice"), false,
                        new ServerMessage.Standing(true, "owner", 40, 3, "Design", null, java.util.Map.of("alice", "owner")))));
        assertEquals("{\"type\":\"left\",\"room\":\"design\",\"reason\":\"kicked\",\"by\":\"alice\"}",
                MessageCodec.write(new ServerMessage.Left("design", "kicked", "alice")));
        assertEquals("{\"type\":\"invited\",\"room\":\"@me\",\"seq\":13,\"target\":\"design\",\"by\":\"alice\",\"ts\":\"2026-12-03T02:00:00Z\"}",
                MessageCodec.write(new ServerMessage.Invited(13, "design", "alice", ts)));
        assertEquals("{\"type\":\"moderation\",\"room\":\"design\",\"seq\":50,\"action\":\"mute\",\"user\":\"bob\",\"by\":\"alice\","
                + "\"seconds\":600,\"ts\":\"2026-12-03T02:00:00Z\"}",
                MessageCodec.write(new ServerMessage.Moderation("design", 50, ModerationAction.MUTE, "bob", "alice", null, 600L, null, null, null, ts)));
        assertEquals("{\"type\":\"edit\",\"room\":\"design\",\"seq\":51,\"of\":45,\"from\":\"alice\",\"text\":\"fixed\",\"ts\":\"2026-12-03T02:00:00Z\"}",
                MessageCodec.write(new ServerMessage.Edit("design", 51, 45, "alice", "fixed", ts, null)));
        assertEquals("{\"type\":\"delete\",\"room\":\"design\",\"seq\":52,\"of\":45,\"by\":\"alice\",\"ts\":\"2026-12-03T02:00:00Z\"}",
                MessageCodec.write(new ServerMessage.Delete("design", 52, 45, "alice", ts, null)));
        assertEquals("{\"type\":\"read\",\"room\":\"design\",\"seq\":45}", MessageCodec.write(new ServerMessage.Read("design", 45)));
    }

    @Test
    void operatorNoticesAndAClosedRoomEncode() {
        Instant ts = Instant.parse("2026-12-03T02:00:00Z");
        assertEquals("{\"type\":\"notice\",\"room\":\"design\",\"seq\":53,\"text\":\"read-only at 22:00\",\"by\":\"op\","
                + "\"ts\":\"2026-12-03T02:00:00Z\"}",
                MessageCodec.write(new ServerMessage.Notice("design", 53L, "read-only at 22:00", "op", ts)));
        assertEquals("{\"type\":\"notice\",\"text\":\"restart at 22:00\",\"by\":\"op\",\"ts\":\"2026-12-03T02:00:00Z\"}",
                MessageCodec.write(new ServerMessage.Notice(null, null, "restart at 22:00", "op", ts)));
        assertEquals("{\"type\":\"left\",\"room\":\"design\",\"reason\":\"closed\",\"by\":\"op\",\"message\":\"spam wave\"}",
                MessageCodec.write(new ServerMessage.Left("design", "closed", "op", "spam wave")));
        assertEquals("{\"type\":\"error\",\"code\":\"room_closed\",\"message\":\"design is closed\"}",
                MessageCodec.write(new ServerMessage.Error(ErrorCode.ROOM_CLOSED, "design is closed", null)));
    }

    @Test
    void textRoundTripsWhateverItHolds() {
        String text = "<img src=x onerror=alert(1)> \u4f60\u597d \ud83d\ude00 \n\t\\ \" \u0000";
        ClientMessage.Send in = (ClientMessage.Send) MessageCodec.read(
                Json.createObjectBuilder().add("type", "send").add("room", "r").add("text", text).build().toString());
        assertEquals(text, in.text());
        assertNull(in.id());
        JsonObject out = parse(MessageCodec.write(new ServerMessage.Message("r", 1, "a", text, Instant.EPOCH, null)));
        assertEquals(text, out.getString("text"));
    }

    private static JsonObject parse(String s) {
        return Json.createReader(new StringReader(s)).readObject();
    }
}
