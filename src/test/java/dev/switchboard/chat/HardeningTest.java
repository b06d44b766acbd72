package dev.switchboard.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.config.Settings;
import dev.switchboard.security.TokenService;
import dev.switchboard.testing.RawWebSocket;
import dev.switchboard.testing.TestServer;
import dev.switchboard.testing.WsClient;
import jakarta.json.JsonObject;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Limits in-process: rate limits and flooding, the application's own size guard, token expiry. */
class HardeningTest {

    static TestServer server;

    @BeforeAll
    static void start() {
        // a frame limit below Tyrus's own (the annotation's 64 KiB), so what is tested is the application's guard
        server = TestServer.start(Settings.of(Map.of(Settings.MAX_FRAME_BYTES, "2000", Settings.MAX_BINARY_BYTES, "1000",
                Settings.RATE, "5", Settings.RATE_BURST, "10")), ChatEndpoint.class);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void floodingIsRateLimitedThenClosedWith1008() throws Exception {
        // raw frames, like the tests below: the shared Tyrus client's scheduler may be shut down by then
        try (RawWebSocket c = RawWebSocket.open(server.uri(ChatEndpoint.PATH, "flooder"))) {
            c.read(); // welcome
            for (int i = 0; i < 30; i++) {
                c.sendText("{\"type\":\"ping\",\"id\":\"p-" + i + "\"}");
            }
            int pongs = 0;
            JsonObject o;
            while (!"error".equals((o = json(c.read())).getString("type"))) {
                pongs++;
            }
            assertTrue(pongs >= 10 && pongs < 30, "the burst is served: " + pongs);
            assertEquals("rate_limited", o.getString("code"));
            assertEquals("p-" + pongs, o.getString("id"), "the refused request's id is echoed");
            RawWebSocket.Frame close;
            while ((close = c.read()).opcode() != RawWebSocket.OP_CLOSE) {
                assertEquals("error", json(close).getString("type"), "only errors after the burst");
            }
            assertEquals(1008, close.closeCode());
            assertEquals("rate limit exceeded",
                    new String(close.payload(), 2, close.payload().length - 2, StandardCharsets.UTF_8));
        }
    }

    private static JsonObject json(RawWebSocket.Frame f) {
        return jakarta.json.Json.createReader(new java.io.StringReader(f.text())).readObject();
    }

    // raw frames here: the shared Tyrus client's scheduler may already be shut down by then (a Tyrus quirk)
    @Test
    void aTextMessageOverTheLimitCloses1009() throws Exception {
        try (RawWebSocket c = RawWebSocket.open(server.uri(ChatEndpoint.PATH, "big"))) {
            c.read(); // welcome
            c.sendText("{\"type\":\"ping\",\"pad\":\"" + "é".repeat(1000) + "\"}"); // 2,000+ bytes, 1,000+ chars
            assertEquals(1009, c.awaitClose());
        }
    }

    @Test
    void binaryWithinTheLimitIsBadRequestAndOverItCloses1009() throws Exception {
        try (RawWebSocket c = RawWebSocket.open(server.uri(ChatEndpoint.PATH, "bin"))) {
            c.read(); // welcome
            c.sendFrame(true, RawWebSocket.OP_BINARY, "small".getBytes(StandardCharsets.UTF_8), true);
            assertTrue(c.read().text().contains("\"bad_request\""));
            c.sendFrame(true, RawWebSocket.OP_BINARY, new byte[1001], true);
            assertEquals(1009, c.awaitClose());
        }
    }

    @Test
    void aConnectionIsClosedWhenItsTokenExpiresEvenIfSilent() {
        TokenService shortLived = new TokenService(TestServer.SECRET.getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(2),
                Clock.systemUTC());
        URI uri = URI.create(server.uri(ChatEndpoint.PATH) + "?token=" + shortLived.issue("brief").value());
        try (WsClient c = WsClient.connect(uri)) {
            c.expect("welcome");
            var reason = c.awaitClose();
            assertEquals(1008, reason.getCloseCode().getCode());
            assertEquals("token expired", reason.getReasonPhrase());
        }
    }
}
