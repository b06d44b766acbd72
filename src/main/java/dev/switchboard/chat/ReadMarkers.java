package dev.switchboard.chat;

import dev.switchboard.cluster.FanOut;
import dev.switchboard.delivery.HistoryStore;
import dev.switchboard.protocol.ClientMessage;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.ServerMessage;
import dev.switchboard.rooms.RoomStandings;
import dev.switchboard.socket.Connection;
import dev.switchboard.socket.OutboundFrame;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Read markers: how far each member has read each room, stored (so {@code joined} carries it with the unread count
 * on every device, after reloads and on any node) and sent to the user's other connections through their inbox, as
 * an unsequenced {@code read} frame. A marker only moves forward.
 */
@ApplicationScoped
public class ReadMarkers {

    private static final Logger LOG = Logger.getLogger(ReadMarkers.class.getName());

    private HistoryStore history;
    private FanOut fanOut;
    private RoomStandings standings;
    private RoomService rooms;

    protected ReadMarkers() {} // for CDI proxies

    @Inject
    public ReadMarkers(HistoryStore history, FanOut fanOut, RoomStandings standings, RoomService rooms) {
        this.history = history;
        this.fanOut = fanOut;
        this.standings = standings;
        this.rooms = rooms;
    }

    public void read(Connection c, ClientMessage.Read m) {
        String room = m.room();
        if (rooms.streamOf(c, room, null) == null) {
            return;
        }
        if (rooms.roleOf(c, room) == null) {
            c.send(new ServerMessage.Error(ErrorCode.NOT_JOINED, "join " + room + " first", null));
            return;
        }
        long seq = Math.min(m.seq(), history.latest(room));
        try {
            if (standings.markRead(room, c.user(), seq)) {
                fanOut.publish(Streams.inbox(c.user()), 0, OutboundFrame.of(new ServerMessage.Read(room, seq)), null);
            }
        } catch (RoomStandings.Unavailable e) {
            LOG.log(Level.WARNING, "a read marker in " + room + " was not stored", e);
        }
    }
}
