package dev.switchboard.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.config.Settings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenServiceTest {

    private static final byte[] KEY = "k".repeat(32).getBytes(StandardCharsets.UTF_8);
    private final Clock now = Clock.fixed(Instant.parse("2026-11-22T00:00:00Z"), ZoneOffset.UTC);

    @Test
    void issuedTokensVerify() {
        TokenService tokens = new TokenService(KEY, Duration.ofHours(1), now);
        Token t = tokens.issue("alice");
        assertEquals("alice", tokens.verify(t.value()).orElseThrow().user());
        assertEquals(Instant.parse("2026-11-22T01:00:00Z"), t.expires());
        assertFalse(t.toString().contains(t.value()), "a token's value never reaches a log line");
    }

    @Test
    void forgedTamperedAndForeignTokensFail() {
        TokenService tokens = new TokenService(KEY, Duration.ofHours(1), now);
        String good = tokens.issue("alice").value();
        String payload = good.substring(0, good.indexOf('.'));
        String sig = good.substring(good.indexOf('.') + 1);
        String bobPayload = java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString("bob:1795000000:".getBytes(StandardCharsets.UTF_8));
        assertTrue(tokens.verify(bobPayload + "." + sig).isEmpty(), "another user's name under alice's signature");
        assertTrue(tokens.verify(payload + "." + sig.substring(1)).isEmpty());
        assertTrue(tokens.verify(payload).isEmpty());
        assertTrue(tokens.verify("").isEmpty());
        assertTrue(tokens.verify(null).isEmpty());
        assertTrue(tokens.verify("!!!.???").isEmpty());
        TokenService other = new TokenService("another-key-another-key-another!".getBytes(StandardCharsets.UTF_8),
                Duration.ofHours(1), now);
        assertTrue(other.verify(good).isEmpty());
    }

    @Test
    void expiredTokensFail() {
        String value = new TokenService(KEY, Duration.ofHours(1), now).issue("alice").value();
        TokenService later = new TokenService(KEY, Duration.ofHours(1), Clock.offset(now, Duration.ofMinutes(61)));
        assertTrue(later.verify(value).isEmpty());
    }

    @Test
    void aGeneratedSecretIsKeptSoTokensSurviveARestart(@TempDir Path dir) throws Exception {
        Settings settings = Settings.of(Map.of(Settings.DATA_DIR, dir.toString()));
        String value = new TokenService(settings, null).issue("alice").value();
        assertTrue(Files.exists(dir.resolve("token.secret")));
        assertTrue(new TokenService(settings, null).verify(value).isPresent());
    }

    @Test
    void tokensOfTheEarlierFormatAreRefused() throws Exception {
        // user ":" expiry, no claim field: a guest's and a login's token looked the same, so neither is trusted
        String payload = java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString("alice:1795000000".getBytes(StandardCharsets.UTF_8));
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(KEY, "HmacSHA256"));
        String signature = java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString(mac.doFinal(payload.getBytes(StandardCharsets.US_ASCII)));
        assertTrue(new TokenService(KEY, Duration.ofHours(1), now).verify(payload + "." + signature).isEmpty());
    }

    @Test
    void originsMatchExactlyOrSameOrigin() {
        OriginPolicy p = new OriginPolicy(java.util.List.of("https://chat.example.com"), false);
        assertTrue(p.allows("https://chat.example.com", "switchboard.internal:8080"));
        assertTrue(p.allows("http://localhost:8080", "localhost:8080"), "same origin");
        assertTrue(p.allows(null, "localhost:8080"), "no Origin: a non-browser client");
        assertFalse(p.allows("https://evil.example", "localhost:8080"));
        assertFalse(p.allows("http://localhost:8080.evil.example", "localhost:8080"), "look-alike");
        assertFalse(p.allows("https://chat.example.com.evil.example", "localhost:8080"), "look-alike");
        assertFalse(p.allows("http://chat.example.com", "localhost:8080"), "scheme differs");
        assertFalse(p.allows("null", "localhost:8080"));
        assertFalse(p.allows("https://evil.example", null));
        assertFalse(new OriginPolicy(java.util.List.of(), true).allows(null, "localhost:8080"), "Origin required");
    }
}
