package dev.switchboard.security;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.text.ParseException;
import java.util.List;
import java.util.logging.Logger;

/**
 * The identity provider's public keys from a JWKS file ({@code switchboard.oidc.jwks-file}), read again when the
 * file changes, so keys can be rotated by replacing the file without a restart. A file that cannot be read or
 * parsed keeps the keys read last (and is logged), so a half-written file does not lock everybody out; a file that
 * is not there yet is no keys (every token refused) until it appears.
 */
final class JwksFile implements JWKSource<SecurityContext> {

    private static final Logger LOG = Logger.getLogger(JwksFile.class.getName());

    private final Path file;
    private volatile Loaded loaded;

    private record Loaded(FileTime modified, long size, JWKSet keys) {}

    JwksFile(Path file) {
        this.file = file;
        this.loaded = read().orElse(new Loaded(null, -1, new JWKSet()));
    }

    @Override
    public List<JWK> get(JWKSelector selector, SecurityContext context) throws KeySourceException {
        return selector.select(current().keys());
    }

    private Loaded current() {
        Loaded last = loaded;
        try {
            FileTime modified = Files.getLastModifiedTime(file);
            long size = Files.size(file);
            if (!modified.equals(last.modified()) || size != last.size()) {
                // a file that does not parse keeps the last keys, under its new stamp: read once, not per request
                Loaded now = read().orElse(new Loaded(modified, size, last.keys()));
                loaded = now;
                return now;
            }
        } catch (IOException e) { // not there (yet, or any more): the keys read last stay
            return last;
        }
        return last;
    }

    private java.util.Optional<Loaded> read() {
        try {
            FileTime modified = Files.getLastModifiedTime(file);
            long size = Files.size(file);
            JWKSet keys = JWKSet.parse(Files.readString(file)).toPublicJWKSet();
            LOG.info(() -> "JWKS file " + file + ": " + keys.getKeys().size() + " key(s)");
            return java.util.Optional.of(new Loaded(modified, size, keys));
        } catch (IOException | ParseException e) {
            LOG.warning(() -> "JWKS file " + file + " not read: " + e);
            return java.util.Optional.empty();
        }
    }
}
