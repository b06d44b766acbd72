package dev.switchboard.delivery;

import dev.switchboard.socket.Connection;
import dev.switchboard.socket.OutboundFrame;
import java.util.ArrayList;
import java.util.List;

/**
 * One connection following one stream. While its join replays history, live frames are held; when the
 * replay is done they are released, dropping any whose seq the replay already sent. So a joiner sees
 * every seq once, in order, whatever is sent during the join. Frames without a seq (presence, typing)
 * are never dropped.
 */
public final class Follower {

    /** Held frames beyond this mean the joiner cannot keep up: it is closed as a slow consumer. */
    private static final int MAX_HELD = 10_000;

    private final Connection connection;
    private List<Held> held = new ArrayList<>();
    private long lastSeq;

    Follower(Connection connection) {
        this.connection = connection;
    }

    public Connection connection() {
        return connection;
    }

    /** Delivers a live frame; {@code seq} 0 means unsequenced. */
    public synchronized void deliver(long seq, OutboundFrame frame) {
        if (held != null) {
            if (held.size() >= MAX_HELD) {
                connection.close(dev.switchboard.socket.CloseCodes.SLOW);
                return;
            }
            held.add(new Held(seq, frame));
            return;
        }
        if (seq > 0) {
            if (seq <= lastSeq) {
                return;
            }
            lastSeq = seq;
        }
        connection.send(frame);
    }

    /** The replay has sent everything up to {@code replayedUpTo}; release held frames and go live. */
    public synchronized void live(long replayedUpTo) {
        lastSeq = replayedUpTo;
        List<Held> release = held;
        held = null;
        for (Held h : release) {
            deliver(h.seq, h.frame);
        }
    }

    private record Held(long seq, OutboundFrame frame) {}
}
