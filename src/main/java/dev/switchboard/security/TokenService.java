package dev.switchboard.security;

import dev.switchboard.config.Settings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Issues and checks session tokens: {@code base64url(user ":" expiry) "." base64url(HMAC-SHA256)}.
 * The key is {@code switchboard.token.secret}; when unset, one is generated once and kept in the data
 * directory (so tokens survive a restart), with a warning, since every node of a cluster needs the same.
 */
@ApplicationScoped
public class TokenService {

    private static final Logger LOG = Logger.getLogger(TokenService.class.getName());
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();
    /** User names as PROTOCOL.md allows them. */
    public static final Pattern USER_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,32}");

    private byte[] key;
    private Duration ttl;
    private Clock clock;

    protected TokenService() {} // for CDI proxies

    @Inject
    public TokenService(Settings settings) {
        this(secret(settings), settings.tokenTtl(), Clock.systemUTC());
    }

    public TokenService(byte[] key, Duration ttl, Clock clock) {
        this.key = key.clone();
        this.ttl = ttl;
        this.clock = clock;
    }

    public Token issue(String user) {
        Instant expires = clock.instant().plus(ttl).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        String payload = B64.encodeToString((user + ":" + expires.getEpochSecond()).getBytes(StandardCharsets.UTF_8));
        return new Token(user, expires, payload + "." + B64.encodeToString(sign(payload)));
    }

    /** The token if its signature is right, its user name valid and it has not expired. */
    public Optional<Token> verify(String value) {
        if (value == null || value.length() > 512) {
            return Optional.empty();
        }
        int dot = value.indexOf('.');
        if (dot <= 0) {
            return Optional.empty();
        }
        String payload = value.substring(0, dot);
        try {
            byte[] given = B64D.decode(value.substring(dot + 1));
            if (!MessageDigest.isEqual(given, sign(payload))) {
                return Optional.empty();
            }
            String body = new String(B64D.decode(payload), StandardCharsets.UTF_8);
            int colon = body.lastIndexOf(':');
            String user = body.substring(0, Math.max(colon, 0));
            Instant expires = Instant.ofEpochSecond(Long.parseLong(body.substring(colon + 1)));
            if (!USER_NAME.matcher(user).matches() || !clock.instant().isBefore(expires)) {
                return Optional.empty();
            }
            return Optional.of(new Token(user, expires, value));
        } catch (IllegalArgumentException e) { // bad base64 or number
            return Optional.empty();
        }
    }

    private byte[] sign(String payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(payload.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    private static byte[] secret(Settings settings) {
        Optional<String> configured = settings.raw(Settings.TOKEN_SECRET);
        if (configured.isPresent()) {
            return configured.get().getBytes(StandardCharsets.UTF_8);
        }
        Path file = DataDirectory.of(settings).resolve("token.secret");
        try {
            if (Files.isRegularFile(file)) {
                return B64D.decode(Files.readString(file).trim());
            }
            byte[] generated = new byte[32];
            new SecureRandom().nextBytes(generated);
            Files.createDirectories(file.getParent());
            Files.writeString(file, B64.encodeToString(generated));
            LOG.warning(() -> Settings.TOKEN_SECRET + " is not set: generated a token secret and kept it in " + file
                    + ". Set it explicitly in production, the same on every node.");
            return generated;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the generated token secret in " + file, e);
        }
    }
}
