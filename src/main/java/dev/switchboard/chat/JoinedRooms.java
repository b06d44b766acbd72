package dev.switchboard.chat;

import dev.switchboard.rooms.Standing;
import dev.switchboard.socket.Connection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where a connection's user stood in each room when it joined, kept on the connection: a send checks a mute here,
 * without a query per message. Moderation keeps it current on every node (a change of standing is announced to
 * all of them, see {@code FanOut#announce}).
 */
final class JoinedRooms {

    private static final String KEY = JoinedRooms.class.getName();

    private JoinedRooms() {}

    static void remember(Connection c, String room, Standing standing) {
        of(c).put(room, standing);
    }

    /** The standing read at join (or since updated), or null for a room the connection did not join. */
    static Standing standing(Connection c, String room) {
        return of(c).get(room);
    }

    static void forget(Connection c, String room) {
        of(c).remove(room);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Standing> of(Connection c) {
        return (Map<String, Standing>) c.attributes().computeIfAbsent(KEY, k -> new ConcurrentHashMap<String, Standing>());
    }
}
