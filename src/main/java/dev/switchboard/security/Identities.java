package dev.switchboard.security;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.websocket.Session;
import java.security.Principal;
import java.time.Instant;
import java.util.Optional;

/**
 * Who a new connection is, from what the handshake established: the container's principal wins
 * (it is what {@link HandshakeFilter} also sets from a token); otherwise a valid token. Both go through
 * {@link TokenService#verify}, which refuses a guest token whose claim on the name is no longer current.
 */
@ApplicationScoped
public class Identities {

    /** The caller and, for token sessions, when the token runs out. */
    public record Identity(String user, Instant expires) {}

    private TokenService tokens;

    protected Identities() {} // for CDI proxies

    @Inject
    public Identities(TokenService tokens) {
        this.tokens = tokens;
    }

    /**
     * The identity the handshake bound to this session (see {@link HandshakeConfigurator}), read once when it
     * opens: the handshake's values are taken out of the session, so the raw token is not held for its life.
     */
    public Optional<Identity> of(Session session) {
        Principal principal = session.getUserPrincipal();
        String bound = (String) session.getUserProperties().remove(HandshakeConfigurator.PRINCIPAL);
        String token = (String) session.getUserProperties().remove(HandshakeConfigurator.TOKEN);
        return resolve(principal != null ? principal.getName() : bound, token);
    }

    public Optional<Identity> resolve(String principal, String rawToken) {
        Optional<Token> token = tokens.verify(rawToken);
        if (principal != null && !principal.isBlank()) {
            Instant expires = token.filter(t -> t.user().equals(principal)).map(Token::expires).orElse(null);
            return Optional.of(new Identity(principal, expires));
        }
        return token.map(t -> new Identity(t.user(), t.expires()));
    }
}
