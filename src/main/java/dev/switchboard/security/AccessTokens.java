package dev.switchboard.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.switchboard.config.InvalidSettingsException;
import dev.switchboard.config.Settings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.MalformedURLException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.net.URI;
import java.net.URL;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * Access tokens from the organisation's identity provider (OpenID Connect): a JWT signed with one of the
 * provider's keys (a JWKS URL, cached and refreshed, or a JWKS file), of an accepted algorithm ({@code RS256} and
 * {@code ES256} by default), from the configured issuer, for one of the configured audiences, within its
 * {@code nbf}/{@code exp} (give or take the clock skew). The user is the configured claim
 * ({@code preferred_username} by default) and must be a valid user name; the server roles come from a configurable
 * claim ({@code groups}, or a path such as {@code realm_access.roles}), mapped by {@code switchboard.oidc.role-map}.
 * The checks are Nimbus JOSE+JWT's: no cryptography is written here. Off (every JWT refused) unless an issuer is
 * set.
 */
@ApplicationScoped
public class AccessTokens {

    private static final Logger LOG = Logger.getLogger(AccessTokens.class.getName());
    /** Longer than any access token a provider issues; keeps a handshake's query string bounded too. */
    static final int MAX_LENGTH = 8192;

    /** A token accepted (with whom and which roles it names, and until when) or refused, with the reason for the log. */
    public record Verdict(Optional<Token> token, String refusal) {
        public static Verdict refused(String reason) {
            return new Verdict(Optional.empty(), reason);
        }
    }

    /**
     * Tokens verified in the last minute, so a client reconnecting with the same token (a page reload, a node restart's
     * reconnect storm) costs a map lookup, not a signature check (ES256 measured ~1.1 ms, RS256 ~65 µs here). A key the
     * provider withdraws stops such a token within {@link #RECHECK_NANOS}; expiry is checked on every use.
     */
    private final Map<String, Recent> verified = new ConcurrentHashMap<>();
    private static final long RECHECK_NANOS = 60_000_000_000L;
    private static final int RECENT_MAX = 10_000;
    private long clockSkewSeconds;

    private record Recent(Token token, long checkedNanos) {}

    private DefaultJWTProcessor<SecurityContext> processor;
    private String userClaim;
    private List<String> rolesPath;
    private Map<String, Role> roleMap;

    protected AccessTokens() {} // for CDI proxies

    @Inject
    public AccessTokens(Settings settings) {
        this(settings, keySource(settings));
    }

    /** With the keys given (tests); {@code keys} null: identity-provider tokens are off. */
    public AccessTokens(Settings settings, JWKSource<SecurityContext> keys) {
        if (keys == null) {
            return;
        }
        String issuer = settings.raw(Settings.OIDC_ISSUER).orElseThrow(() -> invalid(Settings.OIDC_ISSUER,
                "is required with " + Settings.OIDC_JWKS_URL + " or " + Settings.OIDC_JWKS_FILE));
        List<String> audiences = settings.list(Settings.OIDC_AUDIENCE);
        if (audiences.isEmpty()) {
            throw invalid(Settings.OIDC_AUDIENCE, "is required: the audience (client id) tokens must be issued for");
        }
        Set<JWSAlgorithm> algorithms = new HashSet<>();
        List<String> named = settings.list(Settings.OIDC_ALGORITHMS);
        for (String name : named.isEmpty() ? List.of("RS256", "ES256") : named) {
            JWSAlgorithm alg = JWSAlgorithm.parse(name);
            if (!JWSAlgorithm.Family.RSA.contains(alg) && !JWSAlgorithm.Family.EC.contains(alg)) {
                // an HMAC "algorithm" would let anyone holding the public key sign; none signs nothing
                throw invalid(Settings.OIDC_ALGORITHMS, "accepts RSA and EC signatures only (RS256, PS256, ES256…), not " + name);
            }
            algorithms.add(alg);
        }
        processor = new DefaultJWTProcessor<>();
        // access tokens are typed "JWT" or RFC 9068's "at+jwt" (or untyped); an ID token's "JOSE" etc. is not one
        processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(
                JOSEObjectType.JWT, new JOSEObjectType("at+jwt"), new JOSEObjectType("application/at+jwt"), null));
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(algorithms, keys));
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(Set.copyOf(audiences),
                new JWTClaimsSet.Builder().issuer(issuer).build(), Set.of("exp", "iss", "aud"),
                Set.of("at_hash", "c_hash")); // claims only ID tokens carry: an ID token is no access token
        clockSkewSeconds = settings.duration(Settings.OIDC_CLOCK_SKEW, Duration.ofSeconds(60)).toSeconds();
        claims.setMaxClockSkew((int) clockSkewSeconds);
        processor.setJWTClaimsSetVerifier(claims);
        userClaim = settings.raw(Settings.OIDC_USER_CLAIM).orElse("preferred_username");
        rolesPath = List.of(settings.raw(Settings.OIDC_ROLES_CLAIM).orElse("groups").split("\\."));
        roleMap = roleMap(settings.list(Settings.OIDC_ROLE_MAP));
        LOG.info(() -> "identity-provider tokens accepted from " + issuer + " for " + audiences + ", algorithms "
                + algorithms + ", user from '" + userClaim + "', roles from '" + String.join(".", rolesPath) + "'");
    }

    /** Whether identity-provider tokens are configured at all. */
    public boolean enabled() {
        return processor != null;
    }

    /** Whether {@code value} has a JWT's form (three base64url parts), as opposed to a session token's two. */
    public static boolean looksLikeJwt(String value) {
        return value != null && value.chars().filter(ch -> ch == '.').count() == 2;
    }

    public Verdict verify(String jwt) {
        if (processor == null) {
            return Verdict.refused("identity-provider tokens are not configured");
        }
        if (jwt == null || jwt.length() > MAX_LENGTH) {
            return Verdict.refused("no token, or longer than " + MAX_LENGTH);
        }
        long now = System.nanoTime();
        String key = digest(jwt);
        Recent recent = verified.get(key);
        if (recent != null && now - recent.checkedNanos() < RECHECK_NANOS
                && Instant.now().isBefore(recent.token().expires().plusSeconds(clockSkewSeconds))) {
            return new Verdict(Optional.of(recent.token()), null); // a reconnect with the same token: no signature again
        }
        JWTClaimsSet claims;
        try {
            claims = processor.process(jwt, null);
        } catch (ParseException | BadJOSEException | JOSEException e) {
            return Verdict.refused(e.getMessage());
        }
        if ("ID".equals(claims.getClaim("typ"))) { // Keycloak marks its ID tokens so
            return Verdict.refused("an ID token, not an access token");
        }
        Object user = claims.getClaim(userClaim);
        if (!(user instanceof String name) || !TokenService.USER_NAME.matcher(name).matches()) {
            return Verdict.refused("claim '" + userClaim + "' is not a user name ([A-Za-z0-9_.-]{1,32})");
        }
        Instant expires = claims.getExpirationTime().toInstant();
        Token token = new Token(name, null, expires, jwt, roles(claims));
        if (verified.size() >= RECENT_MAX) {
            verified.clear(); // a bound, not an LRU: the next reconnects pay the signature once more
        }
        verified.put(key, new Recent(token, now));
        return new Verdict(Optional.of(token), null);
    }

    /** The key a checked token is remembered under: its SHA-256, so 10,000 of them stay small whatever their size. */
    private static String digest(String jwt) {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(jwt.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    /** The server roles the token's roles claim grants: each value mapped, or taken as is when it names a role. */
    Set<Role> roles(JWTClaimsSet claims) {
        Object node = claims.getClaims();
        for (String step : rolesPath) {
            node = node instanceof Map<?, ?> m ? m.get(step) : null;
        }
        Collection<?> values = node instanceof Collection<?> c ? c
                : node instanceof String s ? List.of(s.split(" ")) // a space-separated claim, like "scope"
                : List.of();
        Set<Role> granted = EnumSet.noneOf(Role.class);
        for (Object v : values) {
            if (v instanceof String s) {
                Role mapped = roleMap.get(s);
                if (mapped != null) {
                    granted.add(mapped);
                } else if (roleMap.isEmpty()) {
                    Role.of(s).ifPresent(granted::add);
                }
            }
        }
        return Set.copyOf(granted);
    }

    /** {@code value=role} pairs; without any, a claim value that is a role's own name grants it. */
    private static Map<String, Role> roleMap(List<String> pairs) {
        Map<String, Role> map = new HashMap<>();
        for (String pair : pairs) {
            int eq = pair.lastIndexOf('=');
            Optional<Role> role = eq <= 0 ? Optional.empty() : Role.of(pair.substring(eq + 1).trim());
            if (role.isEmpty()) {
                throw invalid(Settings.OIDC_ROLE_MAP, "takes value=role pairs with role operator, publisher or moderator, not '" + pair + "'");
            }
            map.put(pair.substring(0, eq).trim(), role.get());
        }
        return Map.copyOf(map);
    }

    private static JWKSource<SecurityContext> keySource(Settings settings) {
        Optional<String> url = settings.raw(Settings.OIDC_JWKS_URL);
        Optional<String> file = settings.raw(Settings.OIDC_JWKS_FILE);
        if (url.isPresent() && file.isPresent()) {
            throw invalid(Settings.OIDC_JWKS_URL, "and " + Settings.OIDC_JWKS_FILE + " are exclusive: set one");
        }
        if (file.isPresent()) {
            return new JwksFile(Path.of(file.get()));
        }
        long ttl = settings.duration(Settings.OIDC_JWKS_CACHE, Duration.ofMinutes(5)).toMillis();
        if (url.isEmpty()) {
            // neither set: the issuer's discovery document says where its keys are (OpenID Connect Discovery)
            return settings.raw(Settings.OIDC_ISSUER).map(issuer -> new DiscoveredJwks(issuer, ttl)).orElse(null);
        }
        try {
            return published(URI.create(url.get()).toURL(), ttl);
        } catch (MalformedURLException | IllegalArgumentException e) {
            throw invalid(Settings.OIDC_JWKS_URL, "is not a URL: " + e.getMessage());
        }
    }

    /**
     * Keys published at {@code url}: fetched on the first token, kept for {@code ttlMillis}, fetched again at once (at
     * most every tenth of that) for an unknown kid, so a provider's key rotation is picked up by the first token signed
     * with the new key; through a provider outage the keys we had are kept for 12 × {@code ttlMillis}.
     */
    static JWKSource<SecurityContext> published(URL url, long ttlMillis) {
        return JWKSourceBuilder.<SecurityContext>create(url, retriever())
                .cache(ttlMillis, 5000)
                .rateLimited(Math.max(1000, ttlMillis / 10))
                .outageTolerant(ttlMillis * 12)
                .build();
    }

    /** Fetches of the provider's documents: short timeouts (they run on a handshake's thread), bounded size. */
    static DefaultResourceRetriever retriever() {
        return new DefaultResourceRetriever(2000, 2000, 256 * 1024);
    }

    private static InvalidSettingsException invalid(String key, String problem) {
        return new InvalidSettingsException(List.of(key + " " + problem));
    }
}
