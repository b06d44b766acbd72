package dev.switchboard.it.pages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.it.Deployments;
import dev.switchboard.it.SessionApi;
import dev.switchboard.testing.RawHttp;
import dev.switchboard.testing.WsClient;
import java.math.BigInteger;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.JavascriptExecutor;

/**
 * The JS client with an identity provider's access tokens, in Chromium against the server: connecting with
 * {@code ?access_token=}, the in-band refresh before expiry and its refusal, and the reconnect with a fresh token
 * after a close 1008 "token expired" that resumes the room without a gap or a duplicate. The IT servers trust the
 * issuer, audience and JWKS file named in {@code it.switchboard.opts} (pom.xml), to which this test writes a key it
 * makes; servers without identity-provider tokens skip it.
 */
@ExtendWith(ArquillianExtension.class)
class AccessTokenPageIT {

    static final Duration LONG = Duration.ofSeconds(45);

    static String issuer;
    static String audience;

    static KeyPair keys;
    static String kid;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.war();
    }

    /** The value of {@code -Dswitchboard.<name>=…} in the IT servers' options, or null. */
    static String serverSetting(String name) {
        Matcher m = Pattern.compile("-Dswitchboard\\." + Pattern.quote(name) + "=(\\S+)")
                .matcher(System.getProperty("it.switchboard.opts", ""));
        return m.find() ? m.group(1) : null;
    }

    /** Publishes this test's key where the server reads its JWKS (it reads the file again when it changes). */
    @BeforeAll
    static void identityProvider() throws Exception {
        issuer = serverSetting("oidc.issuer");
        audience = serverSetting("oidc.audience");
        String jwksFile = serverSetting("oidc.jwks-file");
        Assumptions.assumeTrue(issuer != null && audience != null && jwksFile != null,
                "the IT servers trust no identity provider (it.switchboard.opts names no switchboard.oidc.issuer, audience and jwks-file)");
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        keys = generator.generateKeyPair();
        kid = "it-" + UUID.randomUUID();
        RSAPublicKey pub = (RSAPublicKey) keys.getPublic();
        String jwks = "{\"keys\":[{\"kty\":\"RSA\",\"use\":\"sig\",\"alg\":\"RS256\",\"kid\":\"" + kid + "\",\"n\":\""
                + b64(unsigned(pub.getModulus())) + "\",\"e\":\"" + b64(unsigned(pub.getPublicExponent())) + "\"}]}";
        Path file = Path.of(jwksFile).toAbsolutePath();
        Files.createDirectories(file.getParent());
        Path tmp = Files.createTempFile(file.getParent(), "jwks", ".tmp");
        Files.writeString(tmp, jwks);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** An RS256 access token for {@code user}, valid for {@code ttl}, signed with this test's key. */
    static String token(String user, Duration ttl) throws GeneralSecurityException {
        long now = Instant.now().getEpochSecond();
        String header = "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"" + kid + "\"}";
        String claims = "{\"iss\":\"" + issuer + "\",\"aud\":\"" + audience.split(",")[0] + "\",\"sub\":\"" + UUID.randomUUID()
                + "\",\"preferred_username\":\"" + user + "\",\"iat\":" + now + ",\"nbf\":" + (now - 5) + ",\"exp\":"
                + (now + ttl.toSeconds()) + "}";
        String signingInput = b64(header.getBytes(StandardCharsets.UTF_8)) + "." + b64(claims.getBytes(StandardCharsets.UTF_8));
        Signature rsa = Signature.getInstance("SHA256withRSA");
        rsa.initSign(keys.getPrivate());
        rsa.update(signingInput.getBytes(StandardCharsets.US_ASCII));
        return signingInput + "." + b64(rsa.sign());
    }

    /** Skips where the server does not take identity-provider tokens at the handshake (a build without them). */
    static void assumeTheServerTakesAccessTokens(String user) throws Exception {
        String query = "?access_token=" + URLEncoder.encode(token(user, Duration.ofMinutes(1)), StandardCharsets.UTF_8);
        int status = RawHttp.upgrade(Deployments.httpPort(), "/switchboard/ws/chat" + query, Map.of()).status();
        Assumptions.assumeTrue(status == 101, "this server answers " + status + " to a valid access token: no identity-provider tokens");
    }

    /** The client, loaded as the pages load it, with its events recorded in window.t and tokens from window.t.next. */
    static void startClient(Browser b, String room) {
        ((JavascriptExecutor) b.driver()).executeAsyncScript("""
                const [room, done] = arguments;
                import(new URL("js/switchboard.js", document.baseURI).href).then(({ Switchboard }) => {
                  const t = window.t = { next: null, asked: 0, welcomes: 0, messages: [], events: [] };
                  const sb = t.sb = new Switchboard({ accessToken: () => { t.asked++; return t.next; } });
                  sb.on("welcome", () => t.welcomes++)
                    .on("message", (m) => t.messages.push(m.text))
                    .on("refreshed", (m) => t.events.push("refreshed " + m.expires))
                    .on("token-error", (e) => t.events.push("token-error " + e.code))
                    .on("disconnected", (d) => t.events.push("disconnected " + d.code + " " + d.reason))
                    .on("signed-out", (r) => t.events.push("signed-out " + r))
                    .on("joined", (j) => t.events.push("joined " + j.room));
                  done(true);
                });
                """, room);
    }

    static Object js(Browser b, String script, Object... args) {
        return ((JavascriptExecutor) b.driver()).executeScript(script, args);
    }

    static boolean hasEvent(Browser b, String prefix) {
        return Boolean.TRUE.equals(js(b, "return window.t.events.some((e) => e.startsWith(arguments[0]))", prefix));
    }

    @Test
    void theClientRefreshesItsTokenInBandAndAWrongOneIsRefusedWithoutLosingTheConnection() throws Exception {
        String user = SessionApi.unique("idp");
        String room = SessionApi.unique("tokens");
        assumeTheServerTakesAccessTokens(user);
        try (Browser b = Browser.open()) {
            b.driver().get(Deployments.http("/").toString());
            startClient(b, room);
            js(b, "window.t.next = arguments[0]; window.t.sb.connect(); window.t.sb.join(arguments[1]);",
                    token(user, Duration.ofMinutes(10)), room);
            b.await(d -> hasEvent(b, "joined " + room));
            assertEquals(user, js(b, "return window.t.sb.user"), "the user is the token's preferred_username");

            // a token of the same user with a later expiry: the server moves the connection's expiry to it
            String later = token(user, Duration.ofMinutes(30));
            long laterExp = Instant.now().plus(Duration.ofMinutes(30)).getEpochSecond();
            js(b, "window.t.sb.refreshToken(arguments[0])", later);
            b.await(d -> hasEvent(b, "refreshed "));
            long expiresAt = ((Number) js(b, "return window.t.sb.expiresAt")).longValue() / 1000;
            assertTrue(Math.abs(expiresAt - laterExp) <= 2, "refreshed.expires is the new token's exp: " + expiresAt + " vs " + laterExp);

            // another user's token: refused with forbidden, and the connection carries on
            js(b, "window.t.sb.refreshToken(arguments[0]).catch((e) => window.t.events.push('refused ' + e.code))",
                    token(SessionApi.unique("other"), Duration.ofMinutes(30)));
            b.await(d -> hasEvent(b, "refused "));
            assertTrue(hasEvent(b, "refused forbidden"), "events: " + js(b, "return window.t.events"));
            String guest = SessionApi.unique("guest");
            try (WsClient g = WsClient.connect(URI.create(Deployments.ws("/ws/chat") + "?token=" + SessionApi.token(guest)))) {
                g.expect("welcome");
                g.join(room);
                g.send("{\"type\":\"send\",\"room\":\"" + room + "\",\"text\":\"still here\",\"id\":\"s1\"}");
                g.until("ack");
            }
            b.await(d -> Boolean.TRUE.equals(js(b, "return window.t.messages.includes('still here')")));
            assertEquals(1L, js(b, "return window.t.welcomes"), "one connection throughout");
            assertEquals("open", js(b, "return window.t.sb.status"));
        }
    }

    @Test
    void afterATokenExpiredCloseTheClientReconnectsWithAFreshTokenAndMissesNothing() throws Exception {
        String user = SessionApi.unique("idp");
        String room = SessionApi.unique("expiry");
        assumeTheServerTakesAccessTokens(user);
        String guest = SessionApi.unique("guest");
        URI asGuest = URI.create(Deployments.ws("/ws/chat") + "?token=" + SessionApi.token(guest));
        try (Browser b = Browser.open(); WsClient g = WsClient.connect(asGuest)) {
            g.expect("welcome");
            g.join(room);
            b.driver().get(Deployments.http("/").toString());
            startClient(b, room);
            js(b, "window.t.next = arguments[0]; window.t.sb.connect(); window.t.sb.join(arguments[1]);",
                    token(user, Duration.ofSeconds(10)), room);
            b.await(d -> hasEvent(b, "joined " + room));
            // the automatic refresh (halfway to expiry) gets another user's token: refused, so the server closes at expiry
            js(b, "window.t.next = arguments[0]", token(SessionApi.unique("other"), Duration.ofMinutes(10)));
            g.send("{\"type\":\"send\",\"room\":\"" + room + "\",\"text\":\"before\",\"id\":\"b\"}");
            g.until("ack");
            b.await(d -> hasEvent(b, "token-error forbidden"), LONG);
            js(b, "window.t.next = arguments[0]", token(user, Duration.ofMinutes(10)));

            b.await(d -> hasEvent(b, "disconnected 1008") || hasEvent(b, "signed-out"), LONG);
            assertEquals(false, hasEvent(b, "signed-out"), "a fresh token, not a sign-in: " + js(b, "return window.t.events"));
            for (int i = 1; i <= 3; i++) {
                g.send("{\"type\":\"send\",\"room\":\"" + room + "\",\"text\":\"after " + i + "\",\"id\":\"a" + i + "\"}");
                g.until("ack");
            }
            b.await(d -> ((Number) js(b, "return window.t.messages.length")).intValue() >= 4, LONG);
            assertEquals(List.of("before", "after 1", "after 2", "after 3"), js(b, "return window.t.messages"),
                    "each once, in order, across the reconnect");
            assertTrue(hasEvent(b, "disconnected 1008 token expired"), "events: " + js(b, "return window.t.events"));
            assertEquals(2L, js(b, "return window.t.welcomes"), "reconnected once");
            assertEquals("open", js(b, "return window.t.sb.status"));
        }
    }

    private static byte[] unsigned(BigInteger n) {
        byte[] bytes = n.toByteArray();
        return bytes[0] == 0 ? java.util.Arrays.copyOfRange(bytes, 1, bytes.length) : bytes;
    }

    private static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
