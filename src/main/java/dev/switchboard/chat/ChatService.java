package dev.switchboard.chat;

import dev.switchboard.config.Settings;
import dev.switchboard.protocol.BinaryFrames;
import dev.switchboard.protocol.ClientMessage;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.ServerMessage;
import dev.switchboard.socket.Connection;
import jakarta.enterprise.context.ApplicationScoped;
import dev.switchboard.security.TokenRefresh;
import jakarta.inject.Inject;
import dev.switchboard.rooms.RoomStandings;
import java.nio.ByteBuffer;
import java.util.List;

/** What the chat endpoint delegates to: one dispatch over the client message types. */
@ApplicationScoped
public class ChatService {

    private RoomService rooms;
    private DirectMessages directs;
    private UserDirectory users;
    private Memberships memberships;
    private Settings settings;
    private RoomStandings standings;
    private Moderation moderation;
    private Invitations invitations;
    private MessageEdits edits;
    private ReadMarkers reads;
    private RoomAttachments attachments;

    private TokenRefresh refresh;

    protected ChatService() {} // for CDI proxies

    @Inject
    public ChatService(RoomService rooms, DirectMessages directs, UserDirectory users, Memberships memberships,
            Settings settings, RoomStandings standings, Moderation moderation, Invitations invitations, MessageEdits edits,
            ReadMarkers reads, RoomAttachments attachments, TokenRefresh refresh) {
        this.rooms = rooms;
        this.directs = directs;
        this.users = users;
        this.memberships = memberships;
        this.settings = settings;
        this.standings = standings;
        this.moderation = moderation;
        this.invitations = invitations;
        this.edits = edits;
        this.reads = reads;
        this.attachments = attachments;
        this.refresh = refresh;
    }

    public void opened(Connection c) {
        users.remember(c.user());
        List<ServerMessage.Invitation> invites;
        try {
            invites = standings.invitesOf(c.user());
        } catch (RoomStandings.Unavailable e) {
            invites = List.of(); // they are in the inbox too
        }
        c.send(new ServerMessage.Welcome(c.user(), settings.heartbeatSeconds(), memberships.opened(c), invites, c.expires()));
    }

    public void handle(Connection c, ClientMessage message) {
        if (message instanceof ClientMessage.Send m) {
            rooms.send(c, m.room(), m.text(), m.id());
        } else if (message instanceof ClientMessage.Typing m) {
            rooms.typing(c, m.room());
        } else if (message instanceof ClientMessage.Ping) {
            c.send(new ServerMessage.Pong());
        } else if (message instanceof ClientMessage.Refresh m) {
            refresh.refresh(c, m);
        } else if (message instanceof ClientMessage.Join m) {
            if (rooms.join(c, m.room(), m.since(), m.epoch(), m.last(), m.isPrivate())) {
                memberships.joined(c, m.room());
            }
        } else if (message instanceof ClientMessage.Leave m) {
            if (rooms.leave(c, m.room())) {
                memberships.left(c, m.room());
            }
        } else if (message instanceof ClientMessage.Direct m) {
            directs.send(c, m.to(), m.text(), m.id());
        } else if (message instanceof ClientMessage.Read m) {
            reads.read(c, m);
        } else if (message instanceof ClientMessage.Edit m) {
            edits.edit(c, m);
        } else if (message instanceof ClientMessage.Delete m) {
            edits.delete(c, m);
        } else if (message instanceof ClientMessage.Moderate m) {
            moderation.handle(c, m);
        } else if (message instanceof ClientMessage.Invite m) {
            invitations.invite(c, m);
        } else if (message instanceof ClientMessage.Answer m) {
            invitations.answer(c, m);
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
        attachments.attach(c, frame);
    }

    public void closed(Connection c) {
        rooms.disconnected(c);
    }
}
