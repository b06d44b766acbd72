package dev.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.protocol.BinaryFrames;
import dev.switchboard.testing.WsClient;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Rooms with owners in the container, on its durable store: a private room with an invitation, a ban that holds
 * for a new token, edits, the directory, and attachments kept and served over HTTP to members only.
 */
@ExtendWith(ArquillianExtension.class)
class RoomsIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.war();
    }

    private static WsClient device(String token, String user) {
        WsClient c = WsClient.connect(URI.create(Deployments.ws("/ws/chat") + "?token=" + token));
        assertEquals(user, c.expect("welcome").getString("user"));
        return c;
    }

    private static HttpResponse<byte[]> get(String path, String token) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(Deployments.http(path)).header("Cookie", "sb_token=" + token)
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void aPrivateRoomWithAnInvitationAndABanThatHoldsForANewConnection() throws Exception {
        String room = SessionApi.unique("design");
        String alice = SessionApi.unique("alice");
        String bob = SessionApi.unique("bob");
        String aliceToken = SessionApi.token(alice);
        String bobToken = SessionApi.token(bob);
        try (WsClient a = device(aliceToken, alice); WsClient b = device(bobToken, bob)) {
            a.send("{\"type\":\"join\",\"room\":\"" + room + "\",\"private\":true}");
            JsonObject joined = a.expect("joined");
            assertTrue(joined.getBoolean("private"));
            assertEquals("owner", joined.getString("role"));

            b.send("{\"type\":\"join\",\"room\":\"" + room + "\"}");
            assertEquals("forbidden", b.until("error").getString("code"));
            b.join("@me");
            a.send("{\"type\":\"invite\",\"room\":\"" + room + "\",\"user\":\"" + bob + "\",\"id\":\"i1\"}");
            assertEquals("i1", a.until("ack").getString("id"));
            assertEquals(room, b.until("invited").getString("target"));
            b.send("{\"type\":\"accept\",\"room\":\"" + room + "\",\"id\":\"c1\"}");
            assertEquals("c1", b.until("ack").getString("id"));
            assertEquals("member", b.join(room).getString("role"));

            b.send("{\"type\":\"send\",\"room\":\"" + room + "\",\"text\":\"teh draft\",\"id\":\"m1\"}");
            long seq = b.until("ack").getJsonNumber("seq").longValue();
            b.send("{\"type\":\"edit\",\"room\":\"" + room + "\",\"seq\":" + seq + ",\"text\":\"the draft\",\"id\":\"e1\"}");
            assertEquals("the draft", a.until("edit").getString("text"));

            a.send("{\"type\":\"ban\",\"room\":\"" + room + "\",\"user\":\"" + bob + "\",\"reason\":\"spam\",\"id\":\"b1\"}");
            JsonObject left = b.until("left");
            assertEquals("banned", left.getString("reason"));
            JsonObject event = a.until("moderation");
            assertEquals("ban", event.getString("action"));
            assertEquals("spam", event.getString("reason"));
        }
        try (WsClient b = device(bobToken, bob)) { // a new connection
            b.send("{\"type\":\"join\",\"room\":\"" + room + "\"}");
            JsonObject refused = b.until("error");
            assertEquals("forbidden", refused.getString("code"));
            assertTrue(refused.getString("message").contains("banned"), refused::toString);
        }
        // the directory lists public rooms, never a private one
        String open = SessionApi.unique("open");
        try (WsClient a = device(aliceToken, alice)) {
            a.join(open);
        }
        HttpResponse<byte[]> rooms = get("/api/rooms", aliceToken);
        assertEquals(200, rooms.statusCode());
        JsonArray list = Json.createReader(new StringReader(new String(rooms.body(), java.nio.charset.StandardCharsets.UTF_8))).readArray();
        assertTrue(list.stream().anyMatch(r -> r.asJsonObject().getString("room").equals(open)), list::toString);
        assertFalse(list.toString().contains(room), "a private room is not listed");
    }

    @Test
    void anAttachmentIsKeptAndServedToMembersOnly() throws Exception {
        String room = SessionApi.unique("files");
        String alice = SessionApi.unique("alice");
        String eve = SessionApi.unique("eve");
        String aliceToken = SessionApi.token(alice);
        String eveToken = SessionApi.token(eve);
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 1, 2, 3};
        String url;
        try (WsClient a = device(aliceToken, alice)) {
            a.join(room);
            a.sendBinary(BinaryFrames.encode(Json.createObjectBuilder().add("room", room).add("name", "cat.png")
                    .add("mime", "image/png").add("id", "f1").build(), png));
            assertEquals("f1", a.until("ack").getString("id"));
        }
        try (WsClient later = device(aliceToken, alice)) {
            later.send("{\"type\":\"join\",\"room\":\"" + room + "\",\"since\":0}");
            later.expect("joined");
            JsonObject replayed = later.until("attachment");
            assertEquals("cat.png", replayed.getString("name"));
            assertEquals(png.length, replayed.getInt("size"));
            url = replayed.getString("url");
        }
        HttpResponse<byte[]> file = get("/" + url, aliceToken);
        assertEquals(200, file.statusCode());
        assertArrayEquals(png, file.body());
        assertEquals("image/png", file.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("nosniff", file.headers().firstValue("X-Content-Type-Options").orElseThrow());
        assertTrue(file.headers().firstValue("Content-Disposition").orElseThrow().startsWith("inline"));

        assertEquals(404, get("/" + url, eveToken).statusCode(), "not a member: as if there were no such file");
        assertEquals(401, get("/" + url, "not-a-token").statusCode());
    }
}
