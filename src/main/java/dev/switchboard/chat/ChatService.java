package dev.switchboard.chat;

import dev.switchboard.config.Settings;
import dev.switchboard.protocol.BinaryFrames;
import dev.switchboard.protocol.ClientMessage;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.ServerMessage;
import dev.switchboard.socket.Connection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.ByteBuffer;

/** What the chat endpoint delegates to: one dispatch over the client message types. */
@ApplicationScoped
public class ChatService {

    private RoomService rooms;
    private DirectMessages directs;
    private UserDirectory users;
    private Memberships memberships;
    private Settings settings;

    protected ChatService() {} // for CDI proxies

    @Inject
    public ChatService(RoomService rooms, DirectMessages directs, UserDirectory users, Memberships memberships,
            Settings settings) {
        this.rooms = rooms;
        this.directs = directs;
        this.users = users;
        this.memberships = memberships;
        this.settings = settings;
    }

    public void opened(Connection c) {
        users.remember(c.user());
        c.send(new ServerMessage.Welcome(c.user(), settings.heartbeatSeconds(), memberships.opened(c)));
    }

    public void handle(Connection c, ClientMessage message) {
        if (message instanceof ClientMessage.Send m) {
            rooms.send(c, m.room(), m.text(), m.id());
        } else if (message instanceof ClientMessage.Typing m) {
            rooms.typing(c, m.room());
        } else if (message instanceof ClientMessage.Ping) {
            c.send(new ServerMessage.Pong());
        } else if (message instanceof ClientMessage.Join m) {
            if (rooms.join(c, m.room(), m.since(), m.epoch(), m.last())) {
                memberships.joined(c, m.room());
            }
        } else if (message instanceof ClientMessage.Leave m) {
            if (rooms.leave(c, m.room())) {
                memberships.left(c, m.room());
            }
        } else if (message instanceof ClientMessage.Direct m) {
            directs.send(c, m.to(), m.text(), m.id());
        } else if (message instanceof ClientMessage.Invalid m) {
            c.send(new ServerMessage.Error(m.code(), m.message(), m.id()));
        } else {
            // Java 17 has no exhaustive switch over a sealed type; ChatEndpointTest sends every kind
            throw new IllegalStateException("unhandled message " + message.getClass().getSimpleName());
        }
    }

    /** A binary frame: an attachment in the shared layout, or {@code bad_request}. */
    public void attachment(Connection c, ByteBuffer data) {
        BinaryFrames.Frame frame = BinaryFrames.decode(data);
        if (frame == null) {
            c.send(new ServerMessage.Error(ErrorCode.BAD_REQUEST,
                    "a binary frame is an attachment: 2-byte header length, a JSON header, then the bytes", null));
            return;
        }
        rooms.attach(c, frame);
    }

    public void closed(Connection c) {
        rooms.disconnected(c);
    }
}
