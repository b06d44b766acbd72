package dev.switchboard.admin;

import dev.switchboard.config.Settings;
import dev.switchboard.security.Token;
import dev.switchboard.security.TokenService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import java.security.Principal;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The one place that decides whether an HTTP caller is an operator: the container's role {@code operator} first (a
 * container login, or whatever the server's request maps to its roles, such as an identity provider's token), else a
 * user named in {@code switchboard.operators} signed in with the {@code sb_token} cookie (guest mode, as topics'
 * {@code logs.*} allow).
 */
@ApplicationScoped
public class OperatorCheck {

    /** The container role that makes a caller an operator. */
    public static final String ROLE = "operator";

    /** Who is calling: {@code user} null when nobody is signed in; {@code address} the remote address, for the log. */
    public record Caller(String user, boolean operator, String address) {
        public boolean anonymous() {
            return user == null;
        }

        @Override
        public String toString() {
            return (user == null ? "(anonymous)" : user) + " from " + address;
        }
    }

    private TokenService tokens;
    private Settings settings;

    protected OperatorCheck() {} // for CDI proxies

    @Inject
    public OperatorCheck(TokenService tokens, Settings settings) {
        this.tokens = tokens;
        this.settings = settings;
    }

    /** The caller of an HTTP request that carried {@code cookie} (the {@code sb_token} cookie's value, or null). */
    public Caller caller(HttpServletRequest request, String cookie) {
        return caller(request.getUserPrincipal(), request::isUserInRole, cookie, request.getRemoteAddr());
    }

    /** As {@link #caller(HttpServletRequest, String)}, from the request's parts. */
    public Caller caller(Principal principal, Predicate<String> inRole, String cookie, String address) {
        if (principal != null) {
            String user = principal.getName();
            return new Caller(user, inRole.test(ROLE) || settings.operators().contains(user), address);
        }
        Optional<Token> token = tokens.verify(cookie);
        if (token.isEmpty()) {
            return new Caller(null, false, address);
        }
        String user = token.get().user();
        return new Caller(user, settings.operators().contains(user), address);
    }
}
