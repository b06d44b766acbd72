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
        // a small quota per room (the endpoints' services are process-wide: one server per test class)
        server = TestServer.start(Settings.of(Map.of(Settings.ATTACHMENTS_ROOM_QUOTA, "20")), ChatEndpoint.class);
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
            String url = got.header().getString("url");
            String fileId = url.substring("api/files/".length());
            assertArrayEquals(png, server.attachments.find(fileId).orElseThrow().bytes(), "the file is kept");

            // history keeps the attachment itself, with its URL: a later join replays it
            try (WsClient carol = WsClient.welcomed(server.uri(ChatEndpoint.PATH, "carol-files"))) {
                carol.send("{\"type\":\"join\",\"room\":\"files\",\"last\":5}");
                carol.expect("joined");
                JsonObject replayed = carol.until("attachment");
                assertEquals(1, replayed.getInt("seq"));
                assertEquals("alice", replayed.getString("from"));
                assertEquals("cat.png", replayed.getString("name"));
                assertEquals("image/png", replayed.getString("mime"));
                assertEquals(png.length, replayed.getInt("size"));
                assertEquals(url, replayed.getString("url"));
            }

            alice.sendBinary(frame("files", "cat.png", "image/png", "f-1", png)); // a resend
            assertEquals(1, alice.until("ack").getInt("seq"));
            bob.send("{\"type\":\"ping\"}");
            assertEquals("pong", bob.until("pong").getString("type")); // nothing relayed twice
            assertEquals(1, server.history.latest("files"));
            assertEquals(png.length, server.attachments.usedBytes("files"), "the resend's copy is not kept");
        }
    }

    @Test
    void aRoomOverItsQuotaRefusesTheFileAndKeepsNothing() {
        try (WsClient dan = WsClient.welcomed(server.uri(ChatEndpoint.PATH, "dan"))) {
            dan.join("full");
            dan.sendBinary(frame("full", "a.bin", "application/octet-stream", "q-1", new byte[16]));
            assertEquals(1, dan.until("ack").getInt("seq"));
            dan.sendBinary(frame("full", "b.bin", "application/octet-stream", "q-2", new byte[8]));
            JsonObject refused = dan.until("error");
            assertEquals("too_large", refused.getString("code"));
            assertEquals("q-2", refused.getString("id"));
            assertEquals(16, server.attachments.usedBytes("full"));
            assertEquals(1, server.history.latest("full"));
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
