package dev.switchboard.socket;

import dev.switchboard.security.Identities;
import dev.switchboard.security.InboundGuard;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.logging.Logger;

/**
 * The lifecycle every endpoint shares, so that an endpoint only delegates: open (the identity the handshake
 * bound, else 1008; the connection registered), text in parts and binary through the {@link InboundGuard},
 * pong, close and error. An endpoint passes itself as the {@link Handler} that says what its service does.
 *
 * <p>Delegation rather than a base class: Jakarta WebSocket does not inherit {@code @OnOpen}/{@code @OnMessage}
 * /{@code @OnError} from a superclass, so each endpoint declares them and calls in here. Stateless; every
 * method may be called by any number of sessions at once.
 */
@ApplicationScoped
public class EndpointLifecycle {

    /**
     * What one endpoint does with a connection. Called only for a session with a connection, and for a frame only
     * once the guard has admitted it; on the container's thread delivering that session's events, one at a time.
     */
    public interface Handler {

        /** The connection is registered; {@code session} still holds what the handshake put in its user properties. */
        void opened(Connection c, Session session);

        /** A whole text message, within the size and rate limits, not yet parsed. */
        void handle(Connection c, String text);

        /** A binary message within the size and rate limits. */
        void handleBinary(Connection c, ByteBuffer data);

        /** The connection has ended and is no longer registered. */
        void closed(Connection c);
    }

    private static final Logger LOG = Logger.getLogger(EndpointLifecycle.class.getName());

    private ConnectionRegistry connections;
    private Identities identities;
    private InboundGuard guard;

    protected EndpointLifecycle() {} // for CDI proxies

    @Inject
    public EndpointLifecycle(ConnectionRegistry connections, Identities identities, InboundGuard guard) {
        this.connections = connections;
        this.identities = identities;
        this.guard = guard;
    }

    /** {@code @OnOpen}: registers the connection of the handshake's identity, or closes with 1008 without one. */
    public void open(Session session, Handler handler) throws IOException {
        var identity = identities.of(session);
        if (identity.isEmpty()) { // only without HandshakeFilter in front (in-process containers)
            LOG.info(() -> "connection closed (1008, no valid identity): " + session.getId());
            session.close(CloseCodes.UNAUTHENTICATED);
            return;
        }
        Connection c = connections.open(session, identity.get().user(), identity.get().expires(), identity.get().roles());
        handler.opened(c, session);
    }

    /**
     * {@code @OnMessage} for text in parts: the guard assembles them (closing with 1009 as soon as a message grows
     * past the limit, whatever its header claims) and checks size and rate before the handler sees the whole.
     */
    public void text(Session session, String part, boolean last, Handler handler) {
        Connection c = connections.of(session);
        String text;
        if (c != null && (text = guard.assemble(c, part, last)) != null && guard.admitText(c, text)) {
            handler.handle(c, text);
        }
    }

    /** {@code @OnMessage} for binary: a message over the limit is closed with 1009 by the guard. */
    public void binary(Session session, ByteBuffer data, Handler handler) {
        Connection c = connections.of(session);
        if (c != null && guard.admitBinary(c, data.remaining())) {
            handler.handleBinary(c, data);
        }
    }

    /** {@code @OnMessage} for a pong, the answer to a heartbeat: the peer is alive. */
    public void pong(Session session) {
        connections.pong(session);
    }

    /** {@code @OnClose}: unregisters the connection (counting the close code), then tells the handler. */
    public void close(Session session, CloseReason reason, Handler handler) {
        Connection c = connections.closed(session, reason);
        if (c != null) {
            handler.closed(c);
        }
    }

    /** {@code @OnError}: logged by the registry (a client's I/O failure at FINE, anything else at WARNING). */
    public void error(Session session, Throwable failure) {
        connections.failed(session, failure);
    }
}
