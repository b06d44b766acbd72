package dev.switchboard.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.sun.net.httpserver.HttpServer;
import dev.switchboard.config.InvalidSettingsException;
import dev.switchboard.config.Settings;
import dev.switchboard.testing.IdentityProvider;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Identity-provider access tokens: what is accepted, what is refused and why, with keys made here. */
class AccessTokensTest {

    private final IdentityProvider idp = new IdentityProvider();

    @TempDir
    Path dir;

    private AccessTokens trusting(Map<String, String> extra) {
        Map<String, String> s = new HashMap<>(IdentityProvider.settings(idp.writeJwks(dir.resolve("jwks.json"))));
        s.putAll(extra);
        return new AccessTokens(Settings.of(s));
    }

    private AccessTokens trusting() {
        return trusting(Map.of());
    }

    /** Refused, for the reason expected (Nimbus's words, which go to the log). */
    private static void refused(AccessTokens tokens, String jwt, String why, String reason) {
        AccessTokens.Verdict v = tokens.verify(jwt);
        assertTrue(v.token().isEmpty(), "refused: " + why);
        assertTrue(v.refusal() != null && v.refusal().contains(reason), why + ": " + v.refusal());
    }

    @Test
    void aValidRs256TokenNamesItsUserRolesAndExpiry() {
        Instant exp = Instant.now().plusSeconds(600);
        String jwt = idp.rs256(IdentityProvider.claims("alice", "operator", "staff").expirationTime(Date.from(exp)).build());
        Token t = trusting().verify(jwt).token().orElseThrow();
        assertEquals("alice", t.user());
        assertEquals(Set.of(Role.OPERATOR), t.roles(), "only the server's own roles; 'staff' grants nothing");
        assertEquals(exp.getEpochSecond(), t.expires().getEpochSecond());
        assertFalse(t.guest());
    }

    @Test
    void aValidEs256TokenIsAccepted() {
        assertEquals("bob", trusting().verify(idp.es256(IdentityProvider.claims("bob").build())).token().orElseThrow().user());
    }

    @Test
    void anExpiredTokenIsRefused() {
        Instant past = Instant.now().minusSeconds(120); // beyond the default 60 s skew
        refused(trusting(), idp.token("alice", b -> b.expirationTime(Date.from(past))), "expired", "Expired JWT");
    }

    @Test
    void aTokenWithinTheClockSkewOfItsExpiryIsStillAccepted() {
        Instant justNow = Instant.now().minusSeconds(20);
        assertTrue(trusting().verify(idp.token("alice", b -> b.expirationTime(Date.from(justNow)))).token().isPresent());
    }

    @Test
    void aTokenAcceptedBeforeIsRefusedOnceItExpiresThoughItsCheckIsRemembered() {
        AccessTokens tokens = trusting(Map.of("switchboard.oidc.clock-skew", "1"));
        String brief = idp.token("alice", b -> b.expirationTime(Date.from(Instant.now().plusSeconds(1))));
        assertTrue(tokens.verify(brief).token().isPresent());
        assertTrue(tokens.verify(brief).token().isPresent(), "again, from the remembered check");
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (tokens.verify(brief).token().isPresent()) {
            assertTrue(System.nanoTime() < deadline, "refused after exp + skew");
            java.util.concurrent.locks.LockSupport.parkNanos(20_000_000); // poll the condition, bounded by the deadline
        }
    }

    @Test
    void aTokenNotYetValidIsRefused() {
        Instant later = Instant.now().plusSeconds(300);
        refused(trusting(), idp.token("alice", b -> b.notBeforeTime(Date.from(later))), "nbf in the future", "before use time");
    }

    @Test
    void aTokenFromAnotherIssuerIsRefused() {
        refused(trusting(), idp.token("alice", b -> b.issuer("https://evil.example.test")), "wrong iss", "iss claim value rejected");
        refused(trusting(), idp.token("alice", b -> b.issuer(null)), "no iss", "missing required claims: [iss]");
    }

    @Test
    void aTokenForAnotherAudienceIsRefused() {
        refused(trusting(), idp.token("alice", b -> b.audience("another-app")), "wrong aud", "aud claim rejected");
        refused(trusting(), idp.token("alice", b -> b.audience((String) null)), "no aud", "missing required aud");
        assertTrue(trusting(Map.of("switchboard.oidc.audience", "another-app, switchboard")).verify(idp.token("alice"))
                .token().isPresent(), "any of the configured audiences");
    }

    @Test
    void aTokenSignedByAKeyWithAnUnknownKidIsRefused() throws Exception {
        RSAKey stranger = new RSAKeyGenerator(2048).keyID("not-published").generate();
        String jwt = IdentityProvider.sign(new com.nimbusds.jose.crypto.RSASSASigner(stranger), JWSAlgorithm.RS256,
                stranger.getKeyID(), IdentityProvider.claims("alice").build());
        refused(trusting(), jwt, "unknown kid", "no matching key");
    }

    @Test
    void aTokenSignedByAnotherKeyUnderAPublishedKidIsRefused() throws Exception {
        RSAKey stranger = new RSAKeyGenerator(2048).keyID(idp.rsa.getKeyID()).generate();
        String jwt = IdentityProvider.sign(new com.nimbusds.jose.crypto.RSASSASigner(stranger), JWSAlgorithm.RS256,
                idp.rsa.getKeyID(), IdentityProvider.claims("alice").build());
        refused(trusting(), jwt, "kid borrowed, signature wrong", "Invalid signature");
    }

    @Test
    void anUnsignedTokenIsRefused() {
        String none = new PlainJWT(IdentityProvider.claims("alice", "operator").build()).serialize();
        assertTrue(none.endsWith("."), "alg none: an empty signature");
        refused(trusting(), none, "alg none", "Unsecured (plain) JWTs are rejected");
        // the same with a signature part that is not empty, as some attacks send it
        refused(trusting(), none + "c2lnbmF0dXJl", "alg none with a signature", "unsecured JWT");
    }

    @Test
    void anHs256TokenSignedWithThePublicKeyAsTheSecretIsRefused() throws Exception {
        byte[] publicKey = idp.rsa.toRSAPublicKey().getEncoded(); // what an attacker can read from the JWKS
        String jwt = IdentityProvider.sign(new MACSigner(publicKey), JWSAlgorithm.HS256, idp.rsa.getKeyID(),
                IdentityProvider.claims("mallory", "operator").build());
        refused(trusting(), jwt, "HS256 with the public key", "Another algorithm expected");
    }

    @Test
    void anIdTokenIsNoAccessToken() {
        refused(trusting(), idp.token("alice", b -> b.claim("at_hash", "x1y2z3")), "an ID token (at_hash)", "at_hash");
        refused(trusting(), idp.token("alice", b -> b.claim("c_hash", "x1y2z3")), "an ID token (c_hash)", "c_hash");
        refused(trusting(), idp.token("alice", b -> b.claim("typ", "ID")), "Keycloak's ID token", "an ID token");
        assertTrue(trusting().verify(idp.token("alice", b -> b.claim("typ", "Bearer"))).token().isPresent(),
                "Keycloak's access token");
    }

    @Test
    void aTamperedPayloadIsRefused() {
        String jwt = idp.token("alice");
        String[] parts = jwt.split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
        String forged = payload.replace("\"alice\"", "\"admin\"").replace("\"groups\":[]", "\"groups\":[\"operator\"]");
        assertTrue(!forged.equals(payload), "the payload was changed");
        String tampered = parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(forged.getBytes(StandardCharsets.UTF_8))
                + "." + parts[2];
        refused(trusting(), tampered, "tampered payload", "Invalid signature");
    }

    @Test
    void garbageAndOverlongValuesAreRefused() {
        refused(trusting(), "a.b.c", "not base64 JSON", "Invalid");
        refused(trusting(), null, "nothing", "no token");
        refused(trusting(), "x".repeat(AccessTokens.MAX_LENGTH + 1), "over long", "longer than");
    }

    @Test
    void aUserClaimThatIsNotAUserNameIsRefused() {
        refused(trusting(), idp.token("alice@example.com"), "an e-mail address as the name", "not a user name");
        refused(trusting(), idp.token("alice", b -> b.claim("preferred_username", null)), "no name", "not a user name");
    }

    @Test
    void theUserCanComeFromSub() {
        AccessTokens bySub = trusting(Map.of("switchboard.oidc.user-claim", "sub"));
        assertEquals("u-42", bySub.verify(idp.token("alice", b -> b.subject("u-42"))).token().orElseThrow().user());
    }

    @Test
    void rolesComeFromANestedClaimThroughTheRoleMap() {
        AccessTokens keycloak = trusting(Map.of("switchboard.oidc.roles-claim", "realm_access.roles",
                "switchboard.oidc.role-map", "chat-admin=operator, news-bot=publisher, /mods=moderator"));
        String jwt = idp.token("alice", b -> b.claim("realm_access", Map.of("roles", List.of("chat-admin", "/mods", "operator"))));
        assertEquals(Set.of(Role.OPERATOR, Role.MODERATOR), keycloak.verify(jwt).token().orElseThrow().roles(),
                "mapped values only, once a map is set: the plain 'operator' grants nothing");
        String scopes = idp.token("bob", b -> b.claim("realm_access", Map.of("roles", "news-bot other")));
        assertEquals(Set.of(Role.PUBLISHER), keycloak.verify(scopes).token().orElseThrow().roles(), "a space-separated claim");
        assertEquals(Set.of(), keycloak.verify(idp.token("carol")).token().orElseThrow().roles(), "no such claim: no role");
    }

    @Test
    void aReplacedJwksFileIsReadAgain() throws Exception {
        AccessTokens tokens = trusting();
        IdentityProvider rotated = new IdentityProvider();
        String newKeyToken = rotated.token("alice");
        refused(tokens, newKeyToken, "before the rotation", "no matching key");
        Path file = dir.resolve("jwks.json");
        rotated.writeJwks(file);
        Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.from(Instant.now().plusSeconds(5))); // a new stamp even within the clock's tick
        assertTrue(tokens.verify(newKeyToken).token().isPresent(), "the new key is trusted");
        refused(tokens, idp.token("alice"), "the retired key is not", "no matching key");
    }

    @Test
    void keysFromAJwksUrlAreCachedAndAnUnknownKidFetchesThemAgain() throws Exception {
        AtomicInteger fetches = new AtomicInteger();
        AtomicReference<String> published = new AtomicReference<>(idp.jwks());
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/jwks", exchange -> {
            fetches.incrementAndGet();
            byte[] body = published.get().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            AccessTokens tokens = new AccessTokens(Settings.of(Map.of("switchboard.oidc.issuer", IdentityProvider.ISSUER,
                    "switchboard.oidc.audience", IdentityProvider.AUDIENCE,
                    "switchboard.oidc.jwks-url", "http://127.0.0.1:" + server.getAddress().getPort() + "/jwks")));
            for (int i = 0; i < 20; i++) {
                assertTrue(tokens.verify(idp.token("user" + i)).token().isPresent());
            }
            assertEquals(1, fetches.get(), "one fetch for twenty tokens: the keys are cached");

            IdentityProvider rotated = new IdentityProvider();
            published.set(rotated.jwks());
            assertTrue(tokens.verify(rotated.token("alice")).token().isPresent(), "a new kid fetches the keys again");
            assertEquals(2, fetches.get());
        } finally {
            server.stop(0);
        }
    }

    /** A provider on 127.0.0.1 serving its discovery document (naming {@code claimedIssuer}) and its JWKS. */
    private HttpServer provider(AtomicReference<String> claimedIssuer, AtomicInteger discoveries) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        server.createContext("/realms/acme/.well-known/openid-configuration", exchange -> {
            discoveries.incrementAndGet();
            String issuer = claimedIssuer.get() != null ? claimedIssuer.get() : base + "/realms/acme";
            byte[] body = ("{\"issuer\":\"" + issuer + "\",\"jwks_uri\":\"" + base + "/realms/acme/certs\"}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.createContext("/realms/acme/certs", exchange -> {
            byte[] body = idp.jwks().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        return server;
    }

    @Test
    void withOnlyTheIssuerItsKeysAreFoundThroughDiscovery() throws Exception {
        AtomicInteger discoveries = new AtomicInteger();
        HttpServer server = provider(new AtomicReference<>(), discoveries);
        try {
            String issuer = "http://127.0.0.1:" + server.getAddress().getPort() + "/realms/acme";
            AccessTokens tokens = new AccessTokens(Settings.of(Map.of("switchboard.oidc.issuer", issuer,
                    "switchboard.oidc.audience", IdentityProvider.AUDIENCE)));
            assertTrue(tokens.enabled());
            for (int i = 0; i < 5; i++) {
                assertEquals("ana", tokens.verify(idp.token("ana", b -> b.issuer(issuer))).token().orElseThrow().user());
            }
            assertEquals(1, discoveries.get(), "the document is read once");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aDiscoveryDocumentNamingAnotherIssuerIsNotTrusted() throws Exception {
        HttpServer server = provider(new AtomicReference<>("https://elsewhere.example.test"), new AtomicInteger());
        try {
            String issuer = "http://127.0.0.1:" + server.getAddress().getPort() + "/realms/acme";
            AccessTokens tokens = new AccessTokens(Settings.of(Map.of("switchboard.oidc.issuer", issuer,
                    "switchboard.oidc.audience", IdentityProvider.AUDIENCE)));
            refused(tokens, idp.token("ana", b -> b.issuer(issuer)), "discovery names another issuer", "names the issuer");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void badSettingsFailTheStartWithTheirName() {
        Path jwks = idp.writeJwks(dir.resolve("jwks.json"));
        var noAudience = assertThrows(InvalidSettingsException.class, () -> new AccessTokens(Settings.of(Map.of(
                "switchboard.oidc.issuer", IdentityProvider.ISSUER, "switchboard.oidc.jwks-file", jwks.toString()))));
        assertTrue(noAudience.getMessage().contains("switchboard.oidc.audience"), noAudience.getMessage());
        var hmac = assertThrows(InvalidSettingsException.class, () -> trusting(Map.of("switchboard.oidc.algorithms", "RS256,HS256")));
        assertTrue(hmac.getMessage().contains("HS256"), hmac.getMessage());
        var badMap = assertThrows(InvalidSettingsException.class, () -> trusting(Map.of("switchboard.oidc.role-map", "admins=root")));
        assertTrue(badMap.getMessage().contains("role-map"), badMap.getMessage());
        assertFalse(new AccessTokens(Settings.of(Map.of())).enabled(), "off without an issuer");
        assertTrue(new AccessTokens(Settings.of(Map.of())).verify(idp.token("alice")).token().isEmpty());
    }
}
