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
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Issues and checks session tokens: {@code base64url(user ":" expiry ":" claim [":" roles]) "." base64url(HMAC-SHA256)},
 * where {@code claim} is the guest's claim on the name (see {@link GuestNames}) and empty in a container login's token,
 * and {@code roles} the server roles of a token exchanged for an identity provider's ({@link AccessTokens}), so its
 * cookie keeps them. An identity provider's JWT is accepted wherever a session token is: {@link #verify} hands it on.
 * A guest token verifies only while its claim is the name's current one. Tokens of the earlier format
 * ({@code user ":" expiry}, no claim) are refused: they cannot tell a guest from a login, so their holders sign in
 * once more. The key is {@code switchboard.token.secret}; when unset, one is generated once and kept in the data
 * directory (so tokens survive a restart), with a warning, since every node of a cluster needs the same.
 */
@ApplicationScoped
public class TokenService {

    private static final Logger LOG = Logger.getLogger(TokenService.class.getName());
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();
    /** User names as PROTOCOL.md allows them. */
    public static final Pattern USER_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,32}");
    /** Claim ids as {@link GuestNames} draws them (base64url). */
    private static final Pattern CLAIM = Pattern.compile("[A-Za-z0-9_-]{1,32}");

    private byte[] key;
    private Duration ttl;
    private Clock clock;
    private GuestNames guests;
    private AccessTokens accessTokens;

    protected TokenService() {} // for CDI proxies

    @Inject
    public TokenService(Settings settings, GuestNames guests, AccessTokens accessTokens) {
        this(secret(settings), settings.tokenTtl(), Clock.systemUTC(), guests);
        this.accessTokens = accessTokens;
    }

    public TokenService(Settings settings, GuestNames guests) {
        this(settings, guests, null);
    }

    /** Without guest names: login tokens only, every guest token is refused. */
    public TokenService(byte[] key, Duration ttl, Clock clock) {
        this(key, ttl, clock, null);
    }

    /** With identity-provider tokens accepted too (tests). */
    public TokenService(byte[] key, Duration ttl, Clock clock, GuestNames guests, AccessTokens accessTokens) {
        this(key, ttl, clock, guests);
        this.accessTokens = accessTokens;
    }

    public TokenService(byte[] key, Duration ttl, Clock clock, GuestNames guests) {
        this.key = key.clone();
        this.ttl = ttl;
        this.clock = clock;
        this.guests = guests;
    }

    /** When a token issued now expires (whole seconds). */
    public Instant expiry() {
        return clock.instant().plus(ttl).truncatedTo(ChronoUnit.SECONDS);
    }

    /** A container login's token (no claim): the container vouched for the name. */
    public Token issue(String user) {
        return issue(user, null, expiry());
    }

    /** A guest's token under {@code claim} (null: a login token), good until {@code expires} (whole seconds). */
    public Token issue(String user, String claim, Instant expires) {
        return issue(user, claim, expires, Set.of());
    }

    /**
     * The session token for an identity provider's verified token: its user and roles, good until the sooner of its
     * expiry and this server's token lifetime.
     */
    public Token exchange(Token external) {
        Instant until = external.expires().isBefore(expiry()) ? external.expires() : expiry();
        return issue(external.user(), null, until, external.roles());
    }

    private Token issue(String user, String claim, Instant expires, Set<Role> roles) {
        Instant until = expires.truncatedTo(ChronoUnit.SECONDS);
        String body = user + ":" + until.getEpochSecond() + ":" + (claim == null ? "" : claim)
                + (roles.isEmpty() ? "" : ":" + Role.format(roles));
        String payload = B64.encodeToString(body.getBytes(StandardCharsets.UTF_8));
        return new Token(user, claim, until, payload + "." + B64.encodeToString(sign(payload)), roles);
    }

    /** Whether identity-provider tokens are accepted (and why a JWT was refused, for the log). */
    public Optional<AccessTokens> accessTokens() {
        return Optional.ofNullable(accessTokens).filter(AccessTokens::enabled);
    }

    /**
     * The token if its signature is right, its user name valid, it has not expired and, for a guest, its claim
     * is still the name's current one.
     */
    public Optional<Token> verify(String value) {
        if (AccessTokens.looksLikeJwt(value)) {
            return accessTokens().flatMap(a -> a.verify(value).token());
        }
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
            String[] fields = new String(B64D.decode(payload), StandardCharsets.UTF_8).split(":", -1);
            if (fields.length != 3 && fields.length != 4) { // the earlier format: no claim
                return Optional.empty();
            }
            String user = fields[0];
            Instant expires = Instant.ofEpochSecond(Long.parseLong(fields[1]));
            String claim = fields[2].isEmpty() ? null : fields[2];
            if (!USER_NAME.matcher(user).matches() || !clock.instant().isBefore(expires)) {
                return Optional.empty();
            }
            if (claim != null && (!CLAIM.matcher(claim).matches() || guests == null || !guests.holds(user, claim))) {
                return Optional.empty();
            }
            Set<Role> roles = fields.length == 4 && claim == null ? Role.parse(fields[3]) : Set.of();
            return Optional.of(new Token(user, claim, expires, value, roles));
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
