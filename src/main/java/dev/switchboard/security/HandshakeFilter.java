package dev.switchboard.security;

import dev.switchboard.config.Settings;
import dev.switchboard.metrics.Metrics;
import dev.switchboard.socket.ConnectionRegistry;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.logging.Logger;

/**
 * The HTTP side of the handshake rules, ahead of the container's WebSocket upgrade (both WildFly and
 * Payara run application filters first), in this order: plain GET → 426; a version other than 13 → 426
 * with {@code Sec-WebSocket-Version: 13}; a malformed key → 400 (both containers would upgrade it, and
 * differ on versions: {@link HandshakeRules}); foreign Origin → 403 (WildFly alone would say 404); too
 * many connections from the address → 429; no valid identity → 401; too many for the user → 429. The
 * request's own form comes first: it is answered the same whoever sends it, before any policy. An
 * accepted token's user is passed on as the request's principal, which the container hands to the
 * WebSocket session. A container login wins over any token.
 */
@WebFilter(urlPatterns = "/ws/*", asyncSupported = true)
public class HandshakeFilter extends HttpFilter {

    private static final Logger LOG = Logger.getLogger(HandshakeFilter.class.getName());

    @Inject
    Settings settings;

    @Inject
    TokenService tokens;

    @Inject
    Accounts accounts;

    @Inject
    ConnectionRegistry connections;

    @Inject
    Metrics metrics;

    private OriginPolicy origins;

    @Override
    public void init() {
        origins = OriginPolicy.of(settings);
    }

    @Override
    protected void doFilter(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        if (!"websocket".equalsIgnoreCase(req.getHeader("Upgrade"))) {
            res.setHeader("Upgrade", "websocket");
            res.setHeader("Connection", "Upgrade");
            refuse(res, 426, "upgrade_required", "this is a WebSocket endpoint");
            return;
        }
        Optional<HandshakeRules.Refusal> malformed = HandshakeRules.check(
                Collections.list(req.getHeaders(HandshakeRules.VERSION_HEADER)), Collections.list(req.getHeaders(HandshakeRules.KEY_HEADER)));
        if (malformed.isPresent()) {
            HandshakeRules.Refusal r = malformed.get();
            LOG.info(() -> "handshake refused (" + r.status() + ", " + r.reason() + ") from " + req.getRemoteAddr());
            r.headers().forEach(res::setHeader);
            refuse(res, r.status(), r.error(), r.message());
            return;
        }
        String origin = req.getHeader("Origin");
        if (!origins.allows(origin, req.getHeader("Host"))) {
            LOG.info(() -> "handshake refused (403, origin not allowed): " + printable(origin) + " from " + req.getRemoteAddr());
            refuse(res, 403, "forbidden", "origin not allowed");
            return;
        }
        int perAddress = settings.connectionsPerAddress();
        if (perAddress > 0 && connections.countFrom(req.getRemoteAddr()) >= perAddress) {
            LOG.info(() -> "handshake refused (429, more than " + perAddress + " connections) from " + req.getRemoteAddr());
            refuse(res, 429, "too_many_connections", "too many connections from this address");
            return;
        }
        if (req.getUserPrincipal() != null) {
            accounts.signedIn(req.getUserPrincipal().getName()); // once per node: no guest may take it
            if (!overUserCap(req.getUserPrincipal().getName(), req, res)) {
                HandshakeConfigurator.passOriginCheck(chain, req, res);
            }
            return;
        }
        String raw = Credentials.token(Collections.list(req.getHeaders("Authorization")), Collections.list(req.getHeaders("Cookie")),
                req.getParameterMap().entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> List.of(e.getValue()))));
        AccessTokens.Verdict verdict = check(raw);
        Optional<Token> token = verdict.token();
        if (token.isEmpty()) {
            LOG.info(() -> "handshake refused (401, " + verdict.refusal() + ") from " + req.getRemoteAddr());
            res.setHeader("WWW-Authenticate", "Bearer realm=\"switchboard\"");
            refuse(res, 401, "unauthorized", "sign in first: POST /api/session");
            return;
        }
        if (overUserCap(token.get().user(), req, res)) {
            return;
        }
        if (token.get().claim() == null) {
            accounts.signedIn(token.get().user()); // an identity provider's user: no guest may take the name
        }
        HandshakeConfigurator.passOriginCheck(chain, new TokenCaller(req, token.get()), res, token.get());
    }

    /** The token checked once, with the reason of a refusal for the log (never the token itself). */
    private AccessTokens.Verdict check(String raw) {
        if (raw == null) {
            return AccessTokens.Verdict.refused("no token");
        }
        if (AccessTokens.looksLikeJwt(raw)) {
            return tokens.accessTokens().map(a -> a.verify(raw))
                    .map(v -> v.token().isPresent() ? v : AccessTokens.Verdict.refused("identity-provider token refused: " + v.refusal()))
                    .orElse(AccessTokens.Verdict.refused("a JWT, but identity-provider tokens are not configured"));
        }
        Optional<Token> session = tokens.verify(raw);
        return session.map(t -> new AccessTokens.Verdict(session, null))
                .orElse(AccessTokens.Verdict.refused("invalid or expired token"));
    }

    /** Refuses (429) a user who already holds the configured number of connections on this node. */
    private boolean overUserCap(String user, HttpServletRequest req, HttpServletResponse res) throws IOException {
        int perUser = settings.connectionsPerUser();
        if (perUser > 0 && connections.countOf(user) >= perUser) {
            LOG.info(() -> "handshake refused (429, " + user + " holds " + perUser + " connections) from " + req.getRemoteAddr());
            refuse(res, 429, "too_many_connections", "too many connections for this user");
            return true;
        }
        return false;
    }

    private void refuse(HttpServletResponse res, int status, String code, String message) throws IOException {
        metrics.handshakeRefused(status);
        res.setStatus(status);
        res.setContentType("application/json");
        res.setCharacterEncoding("UTF-8");
        res.getWriter().write("{\"error\":\"" + code + "\",\"message\":\"" + message + "\"}");
    }

    private static String printable(String s) {
        return s == null ? "(none)" : s.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
