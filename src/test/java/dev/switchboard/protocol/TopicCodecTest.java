package dev.switchboard.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import jakarta.json.Json;
import jakarta.json.JsonValue;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TopicCodecTest {

    @Test
    void decodesTheTopicTypes() {
        assertEquals(new ClientMessage.Subscribe("ticker.ACME", 17L, null),
                TopicCodec.read("{\"type\":\"subscribe\",\"topic\":\"ticker.ACME\",\"since\":17}"));
        assertEquals(new ClientMessage.Subscribe("ticker.*", null, null), TopicCodec.read("{\"type\":\"subscribe\",\"topic\":\"ticker.*\"}"));
        assertEquals(new ClientMessage.Subscribe("logs.server", null, null, 50),
                TopicCodec.read("{\"type\":\"subscribe\",\"topic\":\"logs.server\",\"last\":50}"));
        assertEquals(new ClientMessage.Unsubscribe("ticker.*"), TopicCodec.read("{\"type\":\"unsubscribe\",\"topic\":\"ticker.*\"}"));
        assertEquals(new ClientMessage.Ping(), TopicCodec.read("{\"type\":\"ping\"}"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "[]", "{", "{\"type\":1}", "{\"type\":\"subscribe\"}", "{\"type\":\"subscribe\",\"topic\":3}",
        "{\"type\":\"subscribe\",\"topic\":\"a\",\"since\":-1}", "{\"type\":\"subscribe\",\"topic\":\"a\",\"since\":1.5}",
        "{\"type\":\"subscribe\",\"topic\":\"a\",\"since\":\"1\"}",
        "{\"type\":\"subscribe\",\"topic\":\"a\",\"since\":99999999999999999999999}",
        "{\"type\":\"subscribe\",\"topic\":\"a\",\"id\":5}", "{\"type\":\"unsubscribe\",\"topic\":\"a\",\"id\":[]}",
        "{\"type\":\"subscribe\",\"topic\":\"a\",\"last\":1001}", "{\"type\":\"subscribe\",\"topic\":\"a\",\"last\":-1}",
        "{\"type\":\"subscribe\",\"topic\":\"a\",\"since\":1,\"epoch\":3}", "{\"type\":\"subscribe\",\"topic\":\"a\",\"since\":1,\"epoch\":\"\"}"})
    void badFramesAreBadRequests(String frame) {
        ClientMessage.Invalid m = assertInstanceOf(ClientMessage.Invalid.class, TopicCodec.read(frame));
        assertEquals(ErrorCode.BAD_REQUEST, m.code());
    }

    /** Both codecs take the same steps, so the same bad field gets the same answer on both endpoints. */
    @ParameterizedTest
    @ValueSource(strings = {"{\"type\":\"ping\",\"id\":5}", "{\"type\":1}", "{\"id\":\"x\"}", "[1]", "{\"type\":\"nope\",\"id\":\"q\"}"})
    void bothCodecsAgreeOnBadInput(String frame) {
        assertEquals(MessageCodec.read(frame), TopicCodec.read(frame));
    }

    @Test
    void eachEndpointKeepsItsOwnDialect() {
        assertEquals(ErrorCode.UNKNOWN_TYPE, assertInstanceOf(ClientMessage.Invalid.class,
                MessageCodec.read("{\"type\":\"subscribe\",\"topic\":\"ticker.ACME\"}")).code());
        assertEquals(ErrorCode.UNKNOWN_TYPE, assertInstanceOf(ClientMessage.Invalid.class,
                TopicCodec.read("{\"type\":\"join\",\"room\":\"lobby\",\"id\":\"x\"}")).code());
        assertEquals("x", TopicCodec.read("{\"type\":\"join\",\"room\":\"lobby\",\"id\":\"x\"}").id());
    }

    @Test
    void topicServerTypesEncode() {
        Instant ts = Instant.parse("2026-11-22T02:00:00.123456Z");
        assertEquals("{\"type\":\"subscribed\",\"topic\":\"ticker.*\",\"recovered\":true}",
                MessageCodec.write(new ServerMessage.Subscribed("ticker.*", true, null, null)));
        assertEquals("{\"type\":\"subscribed\",\"topic\":\"ticker.ACME\",\"recovered\":false,\"seq\":7,\"epoch\":\"e2\"}",
                MessageCodec.write(new ServerMessage.Subscribed("ticker.ACME", false, 7L, "e2")));
        assertEquals("{\"type\":\"unsubscribed\",\"topic\":\"ticker.*\"}", MessageCodec.write(new ServerMessage.Unsubscribed("ticker.*")));
        assertEquals("{\"type\":\"event\",\"topic\":\"ticker.ACME\",\"seq\":18,\"data\":{\"price\":1.5,\"x\":[null,true]},"
                + "\"ts\":\"2026-11-22T02:00:00.123Z\"}",
                MessageCodec.write(new ServerMessage.Event("ticker.ACME", 18, Json.createObjectBuilder().add("price", 1.5)
                        .add("x", Json.createArrayBuilder().addNull().add(true)).build(), ts)));
        assertEquals("{\"type\":\"event\",\"topic\":\"a\",\"seq\":1,\"data\":\"text\",\"ts\":\"2026-11-22T02:00:00.123Z\"}",
                new TopicCodec().encode(new ServerMessage.Event("a", 1, Json.createValue("text"), ts)));
        assertEquals("{\"type\":\"event\",\"topic\":\"a\",\"seq\":2,\"data\":null,\"ts\":\"2026-11-22T02:00:00.123Z\"}",
                MessageCodec.write(new ServerMessage.Event("a", 2, JsonValue.NULL, ts)));
        assertEquals("{\"type\":\"skipped\",\"topic\":\"logs.server\",\"count\":12}",
                MessageCodec.write(new ServerMessage.Skipped("logs.server", 12)));
        assertEquals("{\"type\":\"error\",\"code\":\"forbidden\",\"message\":\"no\",\"topic\":\"logs.server\"}",
                MessageCodec.write(new ServerMessage.Error(ErrorCode.FORBIDDEN, "no", null, "logs.server")));
    }

    /** MessageCodec.write has no exhaustive switch (Java 17): every permitted ServerMessage type must encode. */
    @Test
    void everyServerMessageTypeHasAnEncoding() {
        List<ServerMessage> samples = List.of(new ServerMessage.Welcome("a", 1), new ServerMessage.Joined("r", 1, "e", List.of(), true),
                new ServerMessage.Left("r"), new ServerMessage.Message("r", 1, "a", "t", Instant.EPOCH, null),
                new ServerMessage.DirectMessage(1, "a", "b", "t", Instant.EPOCH, null), new ServerMessage.Ack(null, "r", 1),
                new ServerMessage.Presence("r", "a", "join"), new ServerMessage.Typing("r", "a"), new ServerMessage.Pong(),
                new ServerMessage.Error(ErrorCode.BAD_REQUEST, "m", null), new ServerMessage.Subscribed("t", false, null, null),
                new ServerMessage.Unsubscribed("t"), new ServerMessage.Event("t", 1, JsonValue.TRUE, Instant.EPOCH),
                new ServerMessage.Skipped("t", 1), new ServerMessage.Invited(1, "r", "a", Instant.EPOCH),
                new ServerMessage.Moderation("r", 2, ModerationAction.KICK, "b", "a", "spam", null, null, null, null, Instant.EPOCH),
                new ServerMessage.Edit("r", 3, 1, "a", "t", Instant.EPOCH, null), new ServerMessage.Delete("r", 4, 1, "a", Instant.EPOCH, null),
                new ServerMessage.Read("r", 4), new ServerMessage.Refreshed(Instant.EPOCH, "r1"),
                new ServerMessage.Notice(null, null, "maintenance at 22:00", "op", Instant.EPOCH),
                new ServerMessage.Attachment("r", 5, "a", "cat.png", "image/png", 3, "api/files/x", Instant.EPOCH, null));
        Set<Class<?>> permitted = Arrays.stream(ServerMessage.class.getPermittedSubclasses()).collect(Collectors.toSet());
        assertEquals(permitted, samples.stream().map(Object::getClass).collect(Collectors.toSet()),
                "a new ServerMessage type needs a sample here (and an encoding)");
        for (ServerMessage m : samples) {
            assertEquals(Json.createReader(new java.io.StringReader(MessageCodec.write(m))).readObject().getString("type").isEmpty(), false);
        }
    }
}
