package dev.switchboard.topics;

import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.ServerMessage;
import dev.switchboard.protocol.TopicCodec;
import dev.switchboard.security.HandshakeConfigurator;
import dev.switchboard.security.Identities;
import dev.switchboard.security.InboundGuard;
import dev.switchboard.socket.CloseCodes;
import dev.switchboard.socket.Connection;
import dev.switchboard.socket.ConnectionRegistry;
import jakarta.inject.Inject;
import jakarta.websocket.CloseReason;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpoint;
import jakarta.websocket.server.ServerEndpointConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.logging.Logger;

/** {@code /ws/topics}: decode, delegate, reply; the handshake rules are {@code /ws/chat}'s. */
@ServerEndpoint(value = TopicEndpoint.PATH, subprotocols = TopicEndpoint.SUBPROTOCOL,
        decoders = TopicCodec.class, encoders = TopicCodec.class, configurator = TopicEndpoint.Configurator.class)
public class TopicEndpoint {

    public static final String PATH = "/ws/topics";
    public static final String SUBPROTOCOL = "switchboard.v1";
    /** The container role that may subscribe to {@code logs.*}. */
    public static final String OPERATOR_ROLE = "operator";
    private static final String OPERATOR = "switchboard.operator";
    private static final Logger LOG = Logger.getLogger(TopicEndpoint.class.getName());

    @Inject
    TopicService topics;

    @Inject
    ConnectionRegistry connections;

    @Inject
    Identities identities;

    @Inject
    InboundGuard guard;

    @OnOpen
    public void open(Session session) throws IOException {
        var identity = identities.of(session);
        if (identity.isEmpty()) { // only without HandshakeFilter in front (in-process containers)
            LOG.info(() -> "connection closed (1008, no valid identity): " + session.getId());
            session.close(CloseCodes.UNAUTHENTICATED);
            return;
        }
        Connection c = connections.open(session, identity.get().user(), identity.get().expires());
        topics.opened(c, Boolean.TRUE.equals(session.getUserProperties().get(OPERATOR)));
    }

    /** Text arrives in parts, assembled and checked by the guard before anything is parsed (as on /ws/chat). */
    @OnMessage(maxMessageSize = dev.switchboard.config.Settings.DEFAULT_MAX_FRAME_BYTES)
    public void message(Session session, String part, boolean last) {
        Connection c = connections.of(session);
        String text;
        if (c != null && (text = guard.assemble(c, part, last)) != null && guard.admitText(c, text)) {
            topics.handle(c, TopicCodec.read(text));
        }
    }

    /** Subscribers only receive binary events; a binary frame from one is refused like any unexpected frame. */
    @OnMessage(maxMessageSize = dev.switchboard.config.Settings.DEFAULT_MAX_BINARY_BYTES)
    public void binary(Session session, ByteBuffer data) {
        Connection c = connections.of(session);
        if (c != null && guard.admitBinary(c, data.remaining())) {
            c.send(new ServerMessage.Error(ErrorCode.BAD_REQUEST, "clients do not send binary frames on /ws/topics", null));
        }
    }

    /** The answer to a heartbeat: the peer is alive. */
    @OnMessage
    public void pong(Session session, PongMessage pong) {
        connections.pong(session);
    }

    @OnClose
    public void close(Session session, CloseReason reason) {
        Connection c = connections.closed(session, reason);
        if (c != null) {
            topics.closed(c);
        }
    }

    @OnError
    public void error(Session session, Throwable failure) {
        connections.failed(session, failure);
    }

    /** The shared handshake rules, plus whether the container gave the caller the operator role. */
    public static class Configurator extends HandshakeConfigurator {
        @Override
        public void modifyHandshake(ServerEndpointConfig config, HandshakeRequest request, HandshakeResponse response) {
            super.modifyHandshake(config, request, response);
            boolean operator;
            try {
                operator = request.getUserPrincipal() != null && request.isUserInRole(OPERATOR_ROLE);
            } catch (RuntimeException e) { // a container without role information
                operator = false;
            }
            config.getUserProperties().put(OPERATOR, operator);
        }
    }
}
