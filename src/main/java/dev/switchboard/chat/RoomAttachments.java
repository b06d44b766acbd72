package dev.switchboard.chat;

import dev.switchboard.cluster.FanOut;
import dev.switchboard.delivery.HistoryStore;
import dev.switchboard.delivery.StoredEvents;
import dev.switchboard.delivery.StoredMessage;
import dev.switchboard.delivery.StreamFollowers;
import dev.switchboard.delivery.StreamNames;
import dev.switchboard.protocol.BinaryFrames;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.MessageCodec;
import dev.switchboard.protocol.ServerMessage;
import dev.switchboard.rooms.Attachments;
import dev.switchboard.socket.Connection;
import dev.switchboard.socket.OutboundFrame;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.spi.JsonProvider;
import java.time.Clock;
import java.time.Instant;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * Attachments into a joined room (a binary frame: header {@code {"room","name","mime","id"}}, then the bytes). The
 * file is kept ({@link Attachments}, within the room's quota) and the room's stream gets an {@code attachment} event
 * with its own seq that points at it ({@code url}), which history, replay and other nodes carry. On this node the
 * bytes are also relayed live in the same binary layout, the header gaining {@code from}, {@code seq}, {@code ts} and
 * {@code url}. The sender gets an {@code ack}; a resend with the same id is acked with the original seq, its copy of
 * the file dropped and nothing relayed again.
 */
@ApplicationScoped
public class RoomAttachments {

    private static final Logger LOG = Logger.getLogger(RoomAttachments.class.getName());
    private static final JsonProvider JSON = JsonProvider.provider();
    private static final Pattern MIME = Pattern.compile("[A-Za-z0-9!#$&^_.+-]{1,64}/[A-Za-z0-9!#$&^_.+-]{1,64}");

    private HistoryStore history;
    private StreamFollowers followers;
    private FanOut fanOut;
    private RoomService rooms;
    private Attachments files;
    private Clock clock;

    protected RoomAttachments() {} // for CDI proxies

    @Inject
    public RoomAttachments(HistoryStore history, StreamFollowers followers, FanOut fanOut, RoomService rooms, Attachments files) {
        this.history = history;
        this.followers = followers;
        this.fanOut = fanOut;
        this.rooms = rooms;
        this.files = files;
        this.clock = Clock.systemUTC();
    }

    public void attach(Connection c, BinaryFrames.Frame frame) {
        JsonObject h = frame.header();
        String id = h.get("id") instanceof JsonString s ? s.getString() : null;
        String room = h.get("room") instanceof JsonString s ? s.getString() : null;
        String name = h.get("name") instanceof JsonString s ? s.getString().strip() : null;
        String mime = h.get("mime") instanceof JsonString s ? s.getString() : "application/octet-stream";
        if (room == null || name == null || name.isEmpty() || name.length() > 255 || !MIME.matcher(mime).matches()
                || (id != null && id.length() > RoomService.MAX_ID_CHARS)) {
            c.send(new ServerMessage.Error(ErrorCode.BAD_REQUEST,
                    "an attachment header needs room and name (at most 255), a type/subtype mime, an id of at most 128", id));
            return;
        }
        String stream = rooms.streamOf(c, room, id);
        if (stream == null) {
            return;
        }
        if (StreamNames.isInbox(stream)) {
            c.send(new ServerMessage.Error(ErrorCode.BAD_REQUEST, "attachments go to rooms", id));
            return;
        }
        if (!followers.follows(stream, c)) {
            c.send(new ServerMessage.Error(ErrorCode.NOT_JOINED, "join " + room + " before sending to it", id));
            return;
        }
        if (rooms.mayNotSpeak(c, room, id) || !rooms.admit(c, id)) {
            return;
        }
        byte[] bytes = frame.bytes();
        Instant now = clock.instant();
        Attachments.Stored file;
        try {
            file = files.store(room, c.user(), name, mime, bytes, now);
        } catch (Attachments.QuotaExceeded e) {
            rooms.answered(c);
            c.send(new ServerMessage.Error(ErrorCode.TOO_LARGE, "the room's attachments are over its quota of "
                    + files.roomQuotaBytes() + " bytes: nothing was stored", id));
            return;
        } catch (Attachments.Unavailable e) {
            rooms.answered(c);
            LOG.log(Level.WARNING, "could not keep an attachment in " + room, e);
            c.send(new ServerMessage.Error(ErrorCode.BAD_REQUEST, "not stored; send it again", id));
            return;
        }
        HistoryStore.Draft event = StoredEvents.attachment(c.user(), file.id(), name, mime, bytes.length, id, now);
        history.append(stream, event, new HistoryStore.Appended() {
            @Override
            public void stored(StoredMessage m, boolean duplicate) {
                rooms.answered(c);
                if (duplicate) { // rare (a resend after a lost ack): one short delete on the writer's thread
                    dropCopy(file.id());
                    c.send(new ServerMessage.Ack(id, room, m.seq()));
                    return;
                }
                c.send(new ServerMessage.Ack(id, room, m.seq()));
                JsonObjectBuilder header = JSON.createObjectBuilder().add("room", room).add("name", name).add("mime", mime)
                        .add("from", c.user()).add("seq", m.seq()).add("ts", MessageCodec.timestamp(m.ts()))
                        .add("url", StoredEvents.FILE_URL + file.id());
                if (id != null) {
                    header.add("id", id);
                }
                fanOut.publish(stream, m.seq(), OutboundFrame.binary(BinaryFrames.encode(header.build(), bytes)).appendedAt(m.ts()), null);
            }

            @Override
            public void failed(Exception e) {
                rooms.answered(c);
                dropCopy(file.id());
                RoomService.notStored(c, "an attachment in " + stream, id, e);
            }
        });
    }

    /** A file no event points at (a resend's second copy, or an event not stored) is not kept. */
    private void dropCopy(String fileId) {
        try {
            files.delete(fileId);
        } catch (Attachments.Unavailable e) {
            LOG.log(Level.WARNING, "an attachment no message points at stays: " + fileId, e);
        }
    }
}
