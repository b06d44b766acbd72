package dev.switchboard.security;

import dev.switchboard.config.Settings;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpointConfig;
import java.io.IOException;
import java.security.Principal;
import java.util.List;
import java.util.Set;

/**
 * The WebSocket side of the handshake rules, shared by every endpoint. Origin: when
 * {@link HandshakeFilter} ran (it sees the Host header, so it also knows same-origin) its verdict
 * stands; without it (in-process containers) the allow-list decides. Identity: the principal and the
 * raw token are handed to the endpoint through the session's user properties, never a message body.
 */
public class HandshakeConfigurator extends ServerEndpointConfig.Configurator {

    /** User-property keys read by the endpoints. */
    public static final String PRINCIPAL = "switchboard.principal";
    public static final String TOKEN = "switchboard.token";
    public static final String ADDRESS = "switchboard.address";
    /** The caller's server roles ({@code Set<Role>}): a token's, or the container's role mapping for its login. */
    public static final String ROLES = "switchboard.roles";
    /** The token {@link HandshakeFilter} verified for this handshake ({@link Token}), absent for a container login. */
    public static final String VERIFIED = "switchboard.verified";

    /** Set while the filter passes a request it already checked on to the container's upgrade. */
    private static final ThreadLocal<Boolean> ORIGIN_CHECKED = new ThreadLocal<>();
    /** The client's address, from the filter (the WebSocket API does not expose it), for the per-address cap. */
    private static final ThreadLocal<String> REMOTE_ADDRESS = new ThreadLocal<>();
    /** The token the filter verified: the connection is bound to exactly it (its user, roles and expiry). */
    private static final ThreadLocal<Token> VERIFIED_TOKEN = new ThreadLocal<>();

    private volatile OriginPolicy origins;

    static void passOriginCheck(FilterChain chain, ServletRequest req, ServletResponse res)
            throws IOException, ServletException {
        passOriginCheck(chain, req, res, null);
    }

    /** {@code verified}: the token the filter accepted (null for a container login). */
    static void passOriginCheck(FilterChain chain, ServletRequest req, ServletResponse res, Token verified)
            throws IOException, ServletException {
        ORIGIN_CHECKED.set(Boolean.TRUE);
        REMOTE_ADDRESS.set(req.getRemoteAddr());
        VERIFIED_TOKEN.set(verified);
        try {
            chain.doFilter(req, res);
        } finally {
            ORIGIN_CHECKED.remove();
            REMOTE_ADDRESS.remove();
            VERIFIED_TOKEN.remove();
        }
    }

    @Override
    public boolean checkOrigin(String originHeaderValue) {
        if (Boolean.TRUE.equals(ORIGIN_CHECKED.get())) {
            return true;
        }
        OriginPolicy policy = origins;
        if (policy == null) {
            origins = policy = OriginPolicy.of(Settings.fromEnvironment());
        }
        return policy.allows(originHeaderValue, null);
    }

    @Override
    public void modifyHandshake(ServerEndpointConfig config, HandshakeRequest request, HandshakeResponse response) {
        // the map is the session's own copy; both keys are always written so nothing can carry over
        Principal principal = request.getUserPrincipal();
        config.getUserProperties().put(PRINCIPAL, principal == null ? null : principal.getName());
        config.getUserProperties().put(TOKEN, Credentials.token(header(request, "Authorization"), header(request, "Cookie"),
                request.getParameterMap()));
        config.getUserProperties().put(ADDRESS, REMOTE_ADDRESS.get());
        config.getUserProperties().put(ROLES, roles(request, principal));
        config.getUserProperties().put(VERIFIED, VERIFIED_TOKEN.get());
    }

    /** A token principal's roles as {@link HandshakeFilter} set them, else the container's for its login. */
    private static Set<Role> roles(HandshakeRequest request, Principal principal) {
        if (principal instanceof UserPrincipal up) {
            return up.roles();
        }
        return principal == null ? Set.of() : Role.granted(request::isUserInRole);
    }

    private static List<String> header(HandshakeRequest request, String name) {
        for (var e : request.getHeaders().entrySet()) {
            if (name.equalsIgnoreCase(e.getKey())) {
                return e.getValue();
            }
        }
        return List.of();
    }
}
