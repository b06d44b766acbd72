package dev.switchboard.chat;

import dev.switchboard.protocol.MessageCodec;
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

/** {@code /ws/chat}: the shared lifecycle ({@link EndpointLifecycle}) around {@link ChatService}. No state of its own. */
@ServerEndpoint(value = ChatEndpoint.PATH, subprotocols = ChatEndpoint.SUBPROTOCOL,
        decoders = MessageCodec.class, encoders = MessageCodec.class, configurator = HandshakeConfigurator.class)
public class ChatEndpoint implements EndpointLifecycle.Handler {

    public static final String PATH = "/ws/chat";
    public static final String SUBPROTOCOL = "switchboard.v1";

    @Inject
    ChatService chat;

    @Inject
    EndpointLifecycle lifecycle;

    @OnOpen
    public void open(Session session) throws IOException {
        lifecycle.open(session, this);
    }

    /**
     * Text arrives in parts, which the guard assembles (closing with 1009 as soon as a message grows past the
     * limit, whatever its header claims), then checks size and rate before anything is parsed.
     */
    @OnMessage(maxMessageSize = dev.switchboard.config.Settings.DEFAULT_MAX_FRAME_BYTES)
    public void message(Session session, String part, boolean last) {
        lifecycle.text(session, part, last, this);
    }

    /** Attachments: a binary message over the limit is closed with 1009 by the guard. */
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
        chat.opened(c);
    }

    @Override
    public void handle(Connection c, String text) {
        chat.handle(c, MessageCodec.read(text));
    }

    @Override
    public void handleBinary(Connection c, ByteBuffer data) {
        chat.attachment(c, data);
    }

    @Override
    public void closed(Connection c) {
        chat.closed(c);
    }
}
