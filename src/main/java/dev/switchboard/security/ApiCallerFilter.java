package dev.switchboard.security;

import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Collections;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Who calls the HTTP API when the container has no login for the request: an identity provider's access token in
 * {@code Authorization: Bearer}, or the {@code sb_token} cookie of an account (a login's or an identity provider's,
 * not a guest's), becomes the request's principal with its roles, so the resources check {@code isUserInRole} alike
 * for all three. A Bearer JWT that does not verify is answered 401 here with the reason; any other Bearer value (the
 * publisher key) is left to the resource.
 */
@WebFilter(urlPatterns = "/api/*", asyncSupported = true)
public class ApiCallerFilter extends HttpFilter {

    private static final Logger LOG = Logger.getLogger(ApiCallerFilter.class.getName());

    @Inject
    TokenService tokens;

    @Override
    protected void doFilter(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        if (req.getUserPrincipal() != null) {
            chain.doFilter(req, res);
            return;
        }
        String bearer = Credentials.bearer(Collections.list(req.getHeaders("Authorization")));
        Optional<AccessTokens> idp = tokens.accessTokens();
        if (AccessTokens.looksLikeJwt(bearer) && idp.isPresent()) {
            AccessTokens.Verdict verdict = idp.get().verify(bearer);
            if (verdict.token().isEmpty()) {
                LOG.info(() -> "API call refused (401, identity-provider token refused: " + verdict.refusal() + ") from "
                        + req.getRemoteAddr());
                res.setStatus(401);
                res.setHeader("WWW-Authenticate", "Bearer realm=\"switchboard\", error=\"invalid_token\"");
                res.setContentType("application/json");
                res.setCharacterEncoding("UTF-8");
                res.getWriter().write("{\"error\":\"unauthorized\",\"message\":\"access token refused: expired, not yet valid, "
                        + "or not issued for this server\"}");
                return;
            }
            chain.doFilter(new TokenCaller(req, verdict.token().get()), res);
            return;
        }
        Optional<Token> account = tokens.verify(Credentials.cookie(Collections.list(req.getHeaders("Cookie"))))
                .filter(t -> !t.guest());
        chain.doFilter(account.isPresent() ? new TokenCaller(req, account.get()) : req, res);
    }
}
