package dev.switchboard.security;

import dev.switchboard.protocol.ClientMessage;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.ServerMessage;
import dev.switchboard.socket.Connection;
import dev.switchboard.socket.ConnectionRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * An in-band {@code refresh} (both endpoints): a fresh token for the connection's own user moves its expiry, so a
 * client whose identity provider renews its access token keeps its connection, its rooms and its place instead of
 * being closed with 1008 "token expired" and reconnecting. The connection keeps the roles bound at its handshake.
 */
@ApplicationScoped
public class TokenRefresh {

    private static final Logger LOG = Logger.getLogger(TokenRefresh.class.getName());

    private TokenService tokens;
    private ConnectionRegistry connections;

    protected TokenRefresh() {} // for CDI proxies

    @Inject
    public TokenRefresh(TokenService tokens, ConnectionRegistry connections) {
        this.tokens = tokens;
        this.connections = connections;
    }

    public void refresh(Connection c, ClientMessage.Refresh m) {
        if (c.expires() == null) {
            c.send(new ServerMessage.Error(ErrorCode.BAD_REQUEST, "this connection is a container login's: it does not expire", m.id()));
            return;
        }
        Optional<Token> token = tokens.verify(m.token());
        if (token.isEmpty()) {
            LOG.info(() -> "refresh refused for " + c.user() + " (" + c.id() + "): token not valid");
            c.send(new ServerMessage.Error(ErrorCode.FORBIDDEN, "token not valid (expired, or not signed by a trusted key)", m.id()));
            return;
        }
        if (!token.get().user().equals(c.user())) {
            LOG.info(() -> "refresh refused for " + c.user() + " (" + c.id() + "): the token names " + token.get().user());
            c.send(new ServerMessage.Error(ErrorCode.FORBIDDEN, "the token names another user", m.id()));
            return;
        }
        if (!token.get().roles().containsAll(c.roles())) { // a role taken away at the provider must not live on here
            LOG.info(() -> "refresh refused for " + c.user() + " (" + c.id() + "): the token grants fewer roles");
            c.send(new ServerMessage.Error(ErrorCode.FORBIDDEN,
                    "the token grants fewer roles than this connection holds: connect again with it", m.id()));
            return;
        }
        connections.refreshed(c, token.get().expires());
        c.send(new ServerMessage.Refreshed(c.expires(), m.id()));
    }
}
