package dev.switchboard.topics;

import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.ServerMessage;
import dev.switchboard.protocol.TopicCodec;
import dev.switchboard.security.HandshakeConfigurator;
import dev.switchboard.socket.Connection;
import dev.switchboard.socket.EndpointLifecycle;
import jakarta.inject.Inject;
import jakarta.websocket.CloseReason;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * {@code /ws/topics}: the shared lifecycle ({@link EndpointLifecycle}) around {@link TopicService}; the handshake
 * rules are {@code /ws/chat}'s. No state of its own.
 */
@ServerEndpoint(value = TopicEndpoint.PATH, subprotocols = TopicEndpoint.SUBPROTOCOL,
        decoders = TopicCodec.class, encoders = TopicCodec.class, configurator = HandshakeConfigurator.class)
public class TopicEndpoint implements EndpointLifecycle.Handler {

    public static final String PATH = "/ws/topics";
    public static final String SUBPROTOCOL = "switchboard.v1";
    /** The container role that may subscribe to {@code logs.*}. */

    @Inject
    TopicService topics;

    @Inject
    EndpointLifecycle lifecycle;

    @OnOpen
    public void open(Session session) throws IOException {
        lifecycle.open(session, this);
    }

    /** Text arrives in parts, assembled and checked by the guard before anything is parsed (as on /ws/chat). */
    @OnMessage(maxMessageSize = dev.switchboard.config.Settings.DEFAULT_MAX_FRAME_BYTES)
    public void message(Session session, String part, boolean last) {
        lifecycle.text(session, part, last, this);
    }

    /** Subscribers only receive binary events; a binary frame from one is refused like any unexpected frame. */
    @OnMessage(maxMessageSize = dev.switchboard.config.Settings.DEFAULT_MAX_BINARY_BYTES)
    public void binary(Session session, ByteBuffer data) {
        lifecycle.binary(session, data, this);
    }

    /** The answer to a heartbeat: the peer is alive. */
    @OnMessage
    public void pong(Session session, PongMessage pong) {
        lifecycle.pong(session);
    }

    @OnClose
    public void close(Session session, CloseReason reason) {
        lifecycle.close(session, reason, this);
    }

    @OnError
    public void error(Session session, Throwable failure) {
        lifecycle.error(session, failure);
    }

    @Override
    public void opened(Connection c, Session session) {
        topics.opened(c);
    }

    @Override
    public void handle(Connection c, String text) {
        topics.handle(c, TopicCodec.read(text));
    }

    @Override
    public void handleBinary(Connection c, ByteBuffer data) {
        c.send(new ServerMessage.Error(ErrorCode.BAD_REQUEST, "clients do not send binary frames on /ws/topics", null));
    }

    @Override
    public void closed(Connection c) {
        topics.closed(c);
    }
}
