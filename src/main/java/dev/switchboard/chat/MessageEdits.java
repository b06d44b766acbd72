package dev.switchboard.chat;

import dev.switchboard.cluster.FanOut;
import dev.switchboard.delivery.HistoryStore;
import dev.switchboard.delivery.StoredEvents;
import dev.switchboard.delivery.StoredMessage;
import dev.switchboard.delivery.StreamFrames;
import dev.switchboard.delivery.StreamNames;
import dev.switchboard.protocol.ClientMessage;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.ServerMessage;
import dev.switchboard.rooms.RoomRole;
import dev.switchboard.socket.Connection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.List;

/**
 * Edits and deletes of room messages, each stored as an event with its own seq that refers to the original
 * ({@code of}): replay and recovery carry them after the original, so a client that comes back ends with the edited
 * text or the tombstone. A user edits and deletes their own messages; owners and moderators delete anyone's. The
 * original must still be kept (retention) and not deleted.
 */
@ApplicationScoped
public class MessageEdits {

    private HistoryStore history;
    private FanOut fanOut;
    private RoomService rooms;
    private Clock clock;

    protected MessageEdits() {} // for CDI proxies

    @Inject
    public MessageEdits(HistoryStore history, FanOut fanOut, RoomService rooms) {
        this.history = history;
        this.fanOut = fanOut;
        this.rooms = rooms;
        this.clock = Clock.systemUTC();
    }

    public void edit(Connection c, ClientMessage.Edit m) {
        if (!joined(c, m.room(), m.id()) || !rooms.checkText(c, m.text(), m.id()) || rooms.mayNotSpeak(c, m.room(), m.id())) {
            return;
        }
        StoredMessage original = original(c, m.room(), m.seq(), m.id());
        if (original == null) {
            return;
        }
        if (original.mime() != null) {
            c.send(new ServerMessage.Error(ErrorCode.BAD_REQUEST, "only text messages can be edited", m.id()));
            return;
        }
        if (!original.from().equals(c.user())) {
            c.send(new ServerMessage.Error(ErrorCode.FORBIDDEN, "you can edit only your own messages", m.id()));
            return;
        }
        store(c, m.room(), StoredEvents.edit(c.user(), m.seq(), m.text(), m.id(), clock.instant()), m.id());
    }

    public void delete(Connection c, ClientMessage.Delete m) {
        if (!joined(c, m.room(), m.id())) {
            return;
        }
        StoredMessage original = original(c, m.room(), m.seq(), m.id());
        if (original == null) {
            return;
        }
        if (!StoredEvents.isSaid(original)) {
            c.send(new ServerMessage.Error(ErrorCode.BAD_REQUEST, "only messages and attachments can be deleted", m.id()));
            return;
        }
        RoomRole role = rooms.roleOf(c, m.room());
        if (!original.from().equals(c.user()) && (role == null || !role.atLeast(RoomRole.MODERATOR))) {
            c.send(new ServerMessage.Error(ErrorCode.FORBIDDEN, "you can delete only your own messages", m.id()));
            return;
        }
        store(c, m.room(), StoredEvents.delete(c.user(), m.seq(), m.id(), clock.instant()), m.id());
    }

    private boolean joined(Connection c, String room, String id) {
        String stream = rooms.streamOf(c, room, id);
        if (stream == null) {
            return false;
        }
        if (StreamNames.isInbox(stream)) {
            c.send(new ServerMessage.Error(ErrorCode.BAD_REQUEST, "edits and deletes apply to room messages", id));
            return false;
        }
        if (rooms.roleOf(c, room) == null) {
            c.send(new ServerMessage.Error(ErrorCode.NOT_JOINED, "join " + room + " first", id));
            return false;
        }
        return true;
    }

    /** Message {@code seq} of the room while it is kept and not deleted; else null after answering {@code not_found}. */
    private StoredMessage original(Connection c, String room, long seq, String id) {
        List<StoredMessage> from = history.since(room, seq - 1, null).messages();
        StoredMessage original = null;
        for (StoredMessage s : from) {
            if (s.seq() == seq) {
                original = s;
            } else if (original != null && StoredEvents.DELETE.equals(s.mime()) && StoredEvents.refersTo(s) == seq) {
                c.send(new ServerMessage.Error(ErrorCode.NOT_FOUND, "message " + seq + " in " + room + " was deleted", id));
                return null;
            }
        }
        if (original == null) {
            c.send(new ServerMessage.Error(ErrorCode.NOT_FOUND, "no message " + seq + " in " + room + " (or no longer kept)", id));
        }
        return original;
    }

    private void store(Connection c, String room, HistoryStore.Draft event, String id) {
        if (!rooms.admit(c, id)) {
            return;
        }
        history.append(room, event, new HistoryStore.Appended() {
            @Override
            public void stored(StoredMessage stored, boolean duplicate) {
                rooms.answered(c);
                c.send(new ServerMessage.Ack(id, room, stored.seq()));
                if (!duplicate) {
                    fanOut.publish(room, stored.seq(), StreamFrames.of(stored), null);
                }
            }

            @Override
            public void failed(Exception e) {
                rooms.answered(c);
                RoomService.notStored(c, "an edit in " + room, id, e);
            }
        });
    }
}
