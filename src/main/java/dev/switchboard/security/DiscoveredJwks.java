package dev.switchboard.security;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.text.ParseException;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * The provider's keys found through OpenID Connect Discovery, when only the issuer is configured: its
 * {@code /.well-known/openid-configuration} names the {@code jwks_uri}, read on the first token (not at deploy, so a
 * provider that is down does not stop the server from starting) and then used as a configured JWKS URL. The document
 * must name the same issuer (Discovery §4.3). A failed lookup refuses that token and is tried again at most every
 * 10 s.
 */
final class DiscoveredJwks implements JWKSource<SecurityContext> {

    private static final Logger LOG = Logger.getLogger(DiscoveredJwks.class.getName());
    private static final long RETRY_MILLIS = 10_000;

    private final String issuer;
    private final long ttlMillis;
    private volatile JWKSource<SecurityContext> keys;
    private long lastTry = Long.MIN_VALUE / 2;
    private String lastFailure = "not looked up yet";

    DiscoveredJwks(String issuer, long ttlMillis) {
        this.issuer = issuer;
        this.ttlMillis = ttlMillis;
    }

    @Override
    public List<JWK> get(JWKSelector selector, SecurityContext context) throws KeySourceException {
        JWKSource<SecurityContext> k = keys;
        return (k != null ? k : discover()).get(selector, context);
    }

    private synchronized JWKSource<SecurityContext> discover() throws KeySourceException {
        if (keys != null) {
            return keys;
        }
        long now = System.currentTimeMillis();
        if (now - lastTry < RETRY_MILLIS) {
            throw new KeySourceException("the provider's discovery document was not read: " + lastFailure);
        }
        lastTry = now;
        URL document;
        try {
            document = URI.create(issuer.replaceAll("/+$", "") + "/.well-known/openid-configuration").toURL();
            Map<String, Object> metadata = JSONObjectUtils.parse(AccessTokens.retriever().retrieveResource(document).getContent());
            if (!issuer.equals(metadata.get("issuer"))) {
                throw new IOException("it names the issuer " + metadata.get("issuer") + ", not " + issuer);
            }
            if (!(metadata.get("jwks_uri") instanceof String jwksUri)) {
                throw new IOException("it has no jwks_uri");
            }
            keys = AccessTokens.published(URI.create(jwksUri).toURL(), ttlMillis);
            LOG.info(() -> "identity provider " + issuer + ": keys at " + jwksUri + " (from its discovery document)");
            return keys;
        } catch (IOException | ParseException | IllegalArgumentException e) {
            lastFailure = e.getMessage();
            LOG.warning(() -> "identity provider " + issuer + ": discovery document not read: " + e);
            throw new KeySourceException("the provider's discovery document was not read: " + e.getMessage(), e);
        }
    }
}
