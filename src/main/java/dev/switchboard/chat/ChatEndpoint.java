package dev.switchboard.chat;

import dev.switchboard.protocol.MessageCodec;
import dev.switchboard.security.HandshakeConfigurator;
import dev.switchboard.security.Identities;
import dev.switchboard.security.InboundGuard;
import dev.switchboard.socket.CloseCodes;
import dev.switchboard.socket.Connection;
import dev.switchboard.socket.ConnectionRegistry;
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
import java.util.logging.Logger;

/** {@code /ws/chat}: decode, delegate, reply. No state of its own. */
@ServerEndpoint(value = ChatEndpoint.PATH, subprotocols = ChatEndpoint.SUBPROTOCOL,
        decoders = MessageCodec.class, encoders = MessageCodec.class, configurator = HandshakeConfigurator.class)
public class ChatEndpoint {

    public static final String PATH = "/ws/chat";
    public static final String SUBPROTOCOL = "switchboard.v1";
    private static final Logger LOG = Logger.getLogger(ChatEndpoint.class.getName());

    @Inject
    ChatService chat;

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
        chat.opened(c);
    }

    /**
     * Text arrives in parts, which the guard assembles (closing with 1009 as soon as a message grows past the
     * limit, whatever its header claims), then checks size and rate before anything is parsed.
     */
    @OnMessage(maxMessageSize = dev.switchboard.config.Settings.DEFAULT_MAX_FRAME_BYTES)
    public void message(Session session, String part, boolean last) {
        Connection c = connections.of(session);
        String text;
        if (c != null && (text = guard.assemble(c, part, last)) != null && guard.admitText(c, text)) {
            chat.handle(c, MessageCodec.read(text));
        }
    }

    /** Attachments: a binary message over the limit is closed with 1009 by the guard. */
    @OnMessage(maxMessageSize = dev.switchboard.config.Settings.DEFAULT_MAX_BINARY_BYTES)
    public void binary(Session session, ByteBuffer data) {
        Connection c = connections.of(session);
        if (c != null && guard.admitBinary(c, data.remaining())) {
            chat.attachment(c, data);
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
            chat.closed(c);
        }
    }

    @OnError
    public void error(Session session, Throwable failure) {
        connections.failed(session, failure);
    }
}
