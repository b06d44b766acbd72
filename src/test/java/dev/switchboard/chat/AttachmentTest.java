package dev.switchboard.chat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.switchboard.config.Settings;
import dev.switchboard.protocol.BinaryFrames;
import dev.switchboard.testing.TestServer;
import dev.switchboard.testing.WsClient;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.nio.ByteBuffer;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Attachments: binary frames into a room, relayed with from/seq/ts, recorded in history, idempotent. */
class AttachmentTest {

    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(Settings.of(Map.of()), ChatEndpoint.class);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static byte[] frame(String room, String name, String mime, String id, byte[] bytes) {
        var h = Json.createObjectBuilder().add("room", room).add("name", name).add("mime", mime);
        if (id != null) {
            h.add("id", id);
        }
        return BinaryFrames.encode(h.build(), bytes);
    }

    @Test
    void anAttachmentIsRelayedToTheRoomWithItsSeqAndRecordedInHistory() {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3, 4};
        try (WsClient alice = WsClient.welcomed(server.uri(ChatEndpoint.PATH, "alice"));
                WsClient bob = WsClient.welcomed(server.uri(ChatEndpoint.PATH, "bob"))) {
            alice.join("files");
            alice.expect("presence");
            bob.join("files");
            alice.expect("presence");
            bob.expect("presence");

            alice.sendBinary(frame("files", "cat.png", "image/png", "f-1", png));
            JsonObject ack = alice.expect("ack");
            assertEquals("f-1", ack.getString("id"));
            assertEquals(1, ack.getInt("seq"));

            BinaryFrames.Frame got = BinaryFrames.decode(ByteBuffer.wrap(bob.nextBinary()));
            assertNotNull(got);
            assertEquals("alice", got.header().getString("from"));
            assertEquals(1, got.header().getInt("seq"));
            assertEquals("cat.png", got.header().getString("name"));
            assertEquals("image/png", got.header().getString("mime"));
            assertEquals("f-1", got.header().getString("id"));
            assertArrayEquals(png, got.bytes());
            assertEquals("\uD83D\uDCCE cat.png (image/png, 8 bytes)", server.history.last("files", 1).messages().get(0).text());

            alice.sendBinary(frame("files", "cat.png", "image/png", "f-1", png)); // a resend
            assertEquals(1, alice.expect("ack").getInt("seq"));
            bob.send("{\"type\":\"ping\"}");
            bob.expect("pong"); // nothing relayed twice
            assertEquals(1, server.history.latest("files"));
        }
    }

    @Test
    void badAttachmentsAreAnsweredAndNothingIsStored() {
        try (WsClient c = WsClient.welcomed(server.uri(ChatEndpoint.PATH, "carol"))) {
            c.sendBinary(new byte[] {0, 50, 1}); // header length past the end
            assertEquals("bad_request", c.expect("error").getString("code"));
            c.sendBinary(BinaryFrames.encode(Json.createObjectBuilder().add("room", "x").build(), new byte[1])); // no name
            assertEquals("bad_request", c.expect("error").getString("code"));
            c.sendBinary(frame("never-joined", "a.txt", "text/plain", "f-2", new byte[] {1}));
            JsonObject e = c.expect("error");
            assertEquals("not_joined", e.getString("code"));
            assertEquals("f-2", e.getString("id"));
            c.sendBinary(frame("@me", "a.txt", "text/plain", "f-3", new byte[] {1}));
            assertEquals("bad_request", c.expect("error").getString("code"));
            c.send("{\"type\":\"ping\"}");
            c.expect("pong");
            assertEquals(0, server.history.latest("never-joined"));
        }
    }
}
