package dev.switchboard.testing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * A stand-in for an organisation's OpenID Connect provider in tests: keys made here (RSA and EC, with kids),
 * published as a JWKS (a file or a document to serve), and access tokens signed with them, valid unless a test
 * changes a claim. Only the signing is ours; verification is the server's (Nimbus) as in production.
 */
public final class IdentityProvider {

    public static final String ISSUER = "https://idp.example.test/realms/switchboard";
    public static final String AUDIENCE = "switchboard";

    public final RSAKey rsa;
    public final ECKey ec;

    public IdentityProvider() {
        try {
            rsa = new RSAKeyGenerator(2048).keyID("rsa-" + UUID.randomUUID()).generate();
            ec = new ECKeyGenerator(Curve.P_256).keyID("ec-" + UUID.randomUUID()).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The public JWKS document (what a provider serves at its jwks_uri). */
    public String jwks() {
        return new JWKSet(List.<JWK>of(rsa, ec)).toPublicJWKSet().toString();
    }

    /** Writes the JWKS to {@code file} atomically (a server reading it never sees half a file). */
    public Path writeJwks(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), "jwks", ".tmp");
            Files.writeString(tmp, jwks());
            return Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The server settings that trust this provider with keys in {@code jwksFile}. */
    public static Map<String, String> settings(Path jwksFile) {
        return Map.of("switchboard.oidc.issuer", ISSUER, "switchboard.oidc.audience", AUDIENCE,
                "switchboard.oidc.jwks-file", jwksFile.toString());
    }

    /** Claims of a token for {@code user} valid for the next 10 minutes, with the given groups. */
    public static JWTClaimsSet.Builder claims(String user, String... groups) {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder().issuer(ISSUER).audience(AUDIENCE).subject(UUID.randomUUID().toString())
                .claim("preferred_username", user).claim("groups", List.of(groups))
                .issueTime(Date.from(now)).notBeforeTime(Date.from(now.minusSeconds(5)))
                .expirationTime(Date.from(now.plus(Duration.ofMinutes(10))));
    }

    /** An RS256 token for {@code user} with {@code groups}. */
    public String token(String user, String... groups) {
        return rs256(claims(user, groups).build());
    }

    /** An RS256 token for {@code user}, its claims changed by {@code change} first. */
    public String token(String user, Consumer<JWTClaimsSet.Builder> change) {
        JWTClaimsSet.Builder b = claims(user);
        change.accept(b);
        return rs256(b.build());
    }

    public String rs256(JWTClaimsSet claims) {
        try {
            return sign(new RSASSASigner(rsa), JWSAlgorithm.RS256, rsa.getKeyID(), claims);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    public String es256(JWTClaimsSet claims) {
        try {
            return sign(new ECDSASigner(ec), JWSAlgorithm.ES256, ec.getKeyID(), claims);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String sign(JWSSigner signer, JWSAlgorithm alg, String kid, JWTClaimsSet claims) {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).keyID(kid).type(JOSEObjectType.JWT).build(), claims);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }
}
