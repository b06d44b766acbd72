package dev.switchboard.chat;

import dev.switchboard.cluster.FanOut;
import dev.switchboard.delivery.HistoryStore;
import dev.switchboard.delivery.StoredMessage;
import dev.switchboard.delivery.StreamFrames;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.ServerMessage;
import dev.switchboard.security.TokenService;
import dev.switchboard.socket.Connection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Direct messages: stored once in the recipient's inbox and once in the sender's, each with that
 * inbox's own seq, and delivered to every connection of both users that joined {@code @me}. The ack
 * carries the seq in the sender's inbox, and is sent once both copies are stored.
 */
@ApplicationScoped
public class DirectMessages {

    private static final Logger LOG = Logger.getLogger(DirectMessages.class.getName());

    private HistoryStore history;
    private FanOut fanOut;
    private UserDirectory users;
    private RoomService rooms;
    private Clock clock;

    protected DirectMessages() {} // for CDI proxies

    @Inject
    public DirectMessages(HistoryStore history, FanOut fanOut, UserDirectory users, RoomService rooms) {
        this(history, fanOut, users, rooms, Clock.systemUTC());
    }

    public DirectMessages(HistoryStore history, FanOut fanOut, UserDirectory users, RoomService rooms, Clock clock) {
        this.history = history;
        this.fanOut = fanOut;
        this.users = users;
        this.rooms = rooms;
        this.clock = clock;
    }

    public void send(Connection c, String to, String text, String id) {
        if (!TokenService.USER_NAME.matcher(to).matches()) {
            c.send(new ServerMessage.Error(ErrorCode.BAD_REQUEST, "not a user name: " + to, id));
            return;
        }
        if (!rooms.checkText(c, text, id)) {
            return;
        }
        if (!users.exists(to)) {
            c.send(new ServerMessage.Error(ErrorCode.NOT_FOUND, "no such user: " + to, id));
            return;
        }
        if (!rooms.admit(c, id)) {
            return;
        }
        HistoryStore.Draft draft = new HistoryStore.Draft(c.user(), to, text, id, clock.instant());
        String senderInbox = Streams.inbox(c.user());
        if (to.equals(c.user())) {
            history.append(senderInbox, draft, delivered(c, senderInbox, id));
            return;
        }
        // the recipient's copy first: the sender is acked only when both are stored
        history.append(Streams.inbox(to), draft, new HistoryStore.Appended() {
            @Override
            public void stored(StoredMessage m, boolean duplicate) {
                if (!duplicate) {
                    fanOut.publish(m.stream(), m.seq(), StreamFrames.of(m), null);
                }
                history.append(senderInbox, draft, delivered(c, senderInbox, id));
            }

            @Override
            public void failed(Exception e) {
                rooms.answered(c);
                RoomService.notStored(c, "a direct message", id, e);
            }
        });
    }

    private HistoryStore.Appended delivered(Connection c, String inbox, String id) {
        return new HistoryStore.Appended() {
            @Override
            public void stored(StoredMessage m, boolean duplicate) {
                rooms.answered(c);
                c.send(new ServerMessage.Ack(id, Streams.ME, m.seq()));
                if (!duplicate) {
                    fanOut.publish(inbox, m.seq(), StreamFrames.of(m), null);
                }
            }

            @Override
            public void failed(Exception e) {
                rooms.answered(c);
                RoomService.notStored(c, "a direct message", id, e);
            }
        };
    }
}
