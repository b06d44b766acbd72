package dev.switchboard.security;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.websocket.Session;
import java.security.Principal;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * Who a new connection is, from what the handshake established: the container's principal wins
 * (it is what {@link HandshakeFilter} also sets from a token); otherwise a valid token. Both go through
 * {@link TokenService#verify}, which refuses a guest token whose claim on the name is no longer current.
 */
@ApplicationScoped
public class Identities {

    /** The caller, for token sessions when the token runs out, and its server roles. */
    public record Identity(String user, Instant expires, Set<Role> roles) {
        public Identity {
            roles = Set.copyOf(roles);
        }

        public Identity(String user, Instant expires) {
            this(user, expires, Set.of());
        }
    }

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
        @SuppressWarnings("unchecked")
        Set<Role> roles = session.getUserProperties().remove(HandshakeConfigurator.ROLES) instanceof Set<?> r ? (Set<Role>) r : Set.of();
        if (session.getUserProperties().remove(HandshakeConfigurator.VERIFIED) instanceof Token verified) {
            // the filter's token: checked once; it may have expired since, which the expiry close then handles at once
            return Optional.of(new Identity(verified.user(), verified.expires(), verified.roles()));
        }
        return resolve(principal != null ? principal.getName() : bound, roles, token);
    }

    public Optional<Identity> resolve(String principal, String rawToken) {
        return resolve(principal, Set.of(), rawToken);
    }

    /** {@code principalRoles}: the container's (or the handshake filter's) roles for {@code principal}. */
    public Optional<Identity> resolve(String principal, Set<Role> principalRoles, String rawToken) {
        Optional<Token> token = tokens.verify(rawToken);
        if (principal != null && !principal.isBlank()) {
            Optional<Token> same = token.filter(t -> t.user().equals(principal));
            Set<Role> roles = EnumSet.noneOf(Role.class);
            roles.addAll(principalRoles);
            same.ifPresent(t -> roles.addAll(t.roles()));
            return Optional.of(new Identity(principal, same.map(Token::expires).orElse(null), roles));
        }
        return token.map(t -> new Identity(t.user(), t.expires(), t.roles()));
    }
}
