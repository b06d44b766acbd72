package dev.switchboard.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RFC 6455 §4.2.1 header checks of {@link HandshakeRules}, without a container. */
class HandshakeRulesTest {

    private static final List<String> V13 = List.of("13");

    private static String base64Of(int bytes) {
        byte[] b = new byte[bytes];
        new SecureRandom().nextBytes(b);
        return Base64.getEncoder().encodeToString(b);
    }

    @Test
    void version13WithTheBase64Of16BytesPasses() {
        for (int i = 0; i < 200; i++) { // random keys: every possible last character before "=="
            String key = base64Of(16);
            assertTrue(HandshakeRules.check(V13, List.of(key)).isEmpty(), key);
        }
        assertTrue(HandshakeRules.check(List.of(" 13 "), List.of(" dGhlIHNhbXBsZSBub25jZQ== ")).isEmpty(), "RFC 6455's own example");
    }

    @Test
    void anyOtherOrMissingVersionIs426NamingVersion13() {
        for (List<String> versions : List.<List<String>>of(List.of("8"), List.of("7"), List.of("12"), List.of("14"), List.of(), List.of(""),
                List.of("13, 8"), List.of("13", "13"), List.of("thirteen"))) {
            HandshakeRules.Refusal r = HandshakeRules.check(versions, List.of(base64Of(16))).orElseThrow(() -> new AssertionError(versions));
            assertEquals(426, r.status(), versions.toString());
            assertEquals("13", r.headers().get("Sec-WebSocket-Version"));
            assertEquals("websocket", r.headers().get("Upgrade"));
            assertEquals("unsupported_version", r.error());
        }
    }

    @Test
    void aKeyThatIsNotTheBase64Of16BytesIs400() {
        String canonical = base64Of(16);
        for (List<String> keys : List.<List<String>>of(List.of("abc"), List.of(base64Of(15)), List.of(base64Of(17)), List.of(base64Of(32)),
                List.of(canonical.substring(0, 22)), // unpadded
                List.of(canonical.substring(0, 21) + "B=="), // 16 bytes only if the pad bits are ignored
                List.of(canonical.replace('+', '-').replace('/', '_').substring(0, 21) + "-=="), // base64url alphabet
                List.of(""), List.of(), List.of(canonical, canonical))) {
            HandshakeRules.Refusal r = HandshakeRules.check(V13, keys).orElseThrow(() -> new AssertionError(keys));
            assertEquals(400, r.status(), keys.toString());
            assertEquals("bad_request", r.error());
            assertTrue(r.headers().isEmpty(), "a 400 offers no upgrade");
        }
    }

    @Test
    void theVersionIsCheckedBeforeTheKey() {
        // a client of another version (hixie-76 sends no Sec-WebSocket-Key at all) learns which version to retry with
        assertEquals(426, HandshakeRules.check(List.of(), List.of()).orElseThrow().status());
        assertEquals(426, HandshakeRules.check(List.of("8"), List.of("abc")).orElseThrow().status());
    }

    @Test
    void theLoggedReasonNamesTheHeaderAndKeepsClientTextShortAndPrintable() {
        assertEquals("Sec-WebSocket-Version missing", HandshakeRules.check(List.of(), List.of()).orElseThrow().reason());
        assertEquals("Sec-WebSocket-Key malformed", HandshakeRules.check(V13, List.of("abc")).orElseThrow().reason());
        assertEquals("Sec-WebSocket-Key missing", HandshakeRules.check(V13, List.of()).orElseThrow().reason());
        String reason = HandshakeRules.check(List.of("8\u0007" + "9".repeat(100)), List.of()).orElseThrow().reason();
        assertEquals("Sec-WebSocket-Version 8?999999999999999999… not supported", reason);
    }
}
