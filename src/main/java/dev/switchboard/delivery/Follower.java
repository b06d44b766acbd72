package dev.switchboard.delivery;

import dev.switchboard.socket.CloseCodes;
import dev.switchboard.socket.Connection;
import dev.switchboard.socket.OutboundFrame;
import java.util.ArrayList;
import java.util.List;

/**
 * One connection following one stream. While its join replays history, live frames are held; when the replay is
 * done they are released, dropping any whose seq the replay already sent. So a joiner sees every seq once, in order,
 * whatever is sent during the join. Frames without a seq (presence, typing) are never dropped. What is held is
 * bounded in bytes (the send queue's bound): a joiner that falls further behind than that is closed as a slow
 * consumer (4008) and resumes with {@code since}.
 */
public final class Follower {

    /** How this follower's live frames reach its connection (a topic's with the topic's overflow policy). */
    @FunctionalInterface
    public interface Sink {
        void send(OutboundFrame frame);
    }

    private final Connection connection;
    private final Sink sink;
    private final long maxHeldBytes;
    private List<Held> held = new ArrayList<>();
    private long heldBytes;
    private long lastSeq;

    public Follower(Connection connection, Sink sink, long maxHeldBytes) {
        this.connection = connection;
        this.sink = sink;
        this.maxHeldBytes = maxHeldBytes;
    }

    public Connection connection() {
        return connection;
    }

    /** Delivers a live frame; {@code seq} 0 means unsequenced. */
    public synchronized void deliver(long seq, OutboundFrame frame) {
        if (held != null) {
            heldBytes += frame.bytes();
            if (heldBytes > maxHeldBytes) {
                held = List.of();
                connection.close(CloseCodes.SLOW);
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
        sink.send(frame);
    }

    /** A follower that is live from the start, after {@code seq} (a topic pattern's: nothing to replay). */
    public static Follower liveAfter(Connection connection, Sink sink, long seq) {
        Follower f = new Follower(connection, sink, 0);
        f.live(seq);
        return f;
    }

    /** The replay has sent everything up to {@code replayedUpTo}; release held frames and go live. */
    public synchronized void live(long replayedUpTo) {
        lastSeq = replayedUpTo;
        List<Held> release = held;
        held = null;
        heldBytes = 0;
        for (Held h : release) {
            deliver(h.seq, h.frame);
        }
    }

    private record Held(long seq, OutboundFrame frame) {}
}
