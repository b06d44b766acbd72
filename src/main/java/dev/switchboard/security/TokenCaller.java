package dev.switchboard.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.security.Principal;

/**
 * A request whose caller a token established (a session token or an identity provider's JWT): its user is the
 * request's principal and its roles answer {@link #isUserInRole}, so the container's WebSocket session and the
 * REST resources see it as they see a container login.
 */
public final class TokenCaller extends HttpServletRequestWrapper {

    private static final String ATTRIBUTE = TokenCaller.class.getName() + ".token";

    private final UserPrincipal principal;

    TokenCaller(HttpServletRequest request, Token token) {
        super(request);
        this.principal = new UserPrincipal(token.user(), token.roles());
        request.setAttribute(ATTRIBUTE, token);
    }

    /**
     * The token that established the caller of {@code request}, if one did (rather than the container's login). An
     * attribute, not the wrapper itself: JAX-RS may inject a proxy of the request, which is no {@code ServletRequestWrapper}.
     */
    public static java.util.Optional<Token> tokenOf(jakarta.servlet.ServletRequest request) {
        return request.getAttribute(ATTRIBUTE) instanceof Token t ? java.util.Optional.of(t) : java.util.Optional.empty();
    }

    @Override
    public Principal getUserPrincipal() {
        return principal;
    }

    @Override
    public String getRemoteUser() {
        return principal.getName();
    }

    @Override
    public String getAuthType() {
        return "BEARER";
    }

    @Override
    public boolean isUserInRole(String role) {
        return Role.of(role).map(principal.roles()::contains).orElse(false);
    }
}
