package dev.switchboard.delivery;

import dev.switchboard.cluster.FanOut;
import dev.switchboard.config.Settings;
import dev.switchboard.metrics.Metrics;
import dev.switchboard.protocol.ServerMessage;
import dev.switchboard.socket.Connection;
import dev.switchboard.socket.OutboundFrame;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * Which local connections follow which stream — rooms, inboxes and topics alike — and the one delivery path to
 * them. The node follows a stream on the {@link FanOut} while it has local followers. What arrives is checked for
 * order: a seq already delivered is dropped, and a gap (a frame missed or late on the way) is filled from the store
 * before the frame that revealed it, never skipped.
 */
@ApplicationScoped
public class StreamFollowers {

    private static final Logger LOG = Logger.getLogger(StreamFollowers.class.getName());

    private final Map<String, FollowedStream> byStream = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> byConnection = new ConcurrentHashMap<>();
    private FanOut fanOut;
    private HistoryStore history;
    private long maxHeldBytes;
    private Metrics metrics;

    protected StreamFollowers() {} // for CDI proxies

    @Inject
    public StreamFollowers(FanOut fanOut, HistoryStore history, Settings settings, Metrics metrics) {
        this(fanOut, history, settings.sendQueueBytes(), metrics);
    }

    /** Outside a container, with meters of its own. */
    public StreamFollowers(FanOut fanOut, HistoryStore history, Settings settings) {
        this(fanOut, history, settings, Metrics.create());
    }

    /** @param maxHeldBytes what one joiner may hold while its replay goes out (the send queue's bound) */
    public StreamFollowers(FanOut fanOut, HistoryStore history, long maxHeldBytes) {
        this(fanOut, history, maxHeldBytes, Metrics.create());
    }

    /** @param metrics where the delivery latency is recorded */
    public StreamFollowers(FanOut fanOut, HistoryStore history, long maxHeldBytes, Metrics metrics) {
        this.fanOut = fanOut;
        this.history = history;
        this.maxHeldBytes = maxHeldBytes;
        this.metrics = metrics;
    }

    /**
     * The race-free join: registers the connection as a follower (holding live frames), reads what to replay
     * ({@code since}/{@code epoch} by {@link Recovery}, else the last {@code last}), sends {@code answer}'s frame
     * (joined, subscribed), then the replay, then releases the held frames not already replayed. Replayed frames go
     * through the connection's lossless queue, so a replay is exact; live frames through {@code sink}.
     */
    public Replay join(String stream, Connection c, Follower.Sink sink, Long since, String epoch, int last,
            Function<Replay, ServerMessage> answer) {
        Follower follower = follow(stream, c, sink);
        Replay replay = since != null ? history.since(stream, since, epoch) : history.last(stream, last);
        FollowedStream followed = byStream.get(stream);
        if (followed != null) {
            followed.joined(replay);
        }
        c.send(answer.apply(replay));
        for (StoredMessage m : replay.messages()) {
            c.send(StreamFrames.of(m));
        }
        follower.live(replay.lastSeq());
        return replay;
    }

    /** Starts following (replacing an earlier follow of the same stream); the follower holds live frames until {@link Follower#live}. */
    Follower follow(String stream, Connection c, Follower.Sink sink) {
        Follower f = new Follower(c, sink, maxHeldBytes);
        byConnection.computeIfAbsent(c.id(), k -> ConcurrentHashMap.newKeySet()).add(stream);
        byStream.compute(stream, (k, s) -> {
            if (s == null) {
                s = new FollowedStream(stream);
                fanOut.follow(stream, s);
            }
            s.followers.put(c.id(), f);
            return s;
        });
        return f;
    }

    /** Stops following; true when it did follow. */
    public boolean unfollow(String stream, Connection c) {
        Set<String> streams = byConnection.get(c.id());
        if (streams != null) {
            streams.remove(stream);
        }
        return remove(stream, c);
    }

    private boolean remove(String stream, Connection c) {
        boolean[] removed = {false};
        byStream.computeIfPresent(stream, (k, s) -> {
            removed[0] = s.followers.remove(c.id()) != null;
            if (s.followers.isEmpty()) {
                fanOut.unfollow(stream);
                return null;
            }
            return s;
        });
        return removed[0];
    }

    public boolean follows(String stream, Connection c) {
        FollowedStream s = byStream.get(stream);
        return s != null && s.followers.containsKey(c.id());
    }

    /** The streams a connection follows (a snapshot). */
    public List<String> streamsOf(Connection c) {
        Set<String> streams = byConnection.get(c.id());
        return streams == null ? List.of() : List.copyOf(streams);
    }

    /** Forgets a closed connection entirely; returns the streams it followed. */
    public List<String> forget(Connection c) {
        Set<String> streams = byConnection.remove(c.id());
        if (streams == null) {
            return List.of();
        }
        for (String s : streams) {
            remove(s, c);
        }
        return List.copyOf(streams);
    }

    /** The connection's follower of a stream, or null (a topic's pattern delivery shares it, so each seq arrives once). */
    public Follower followerOf(String stream, Connection c) {
        FollowedStream s = byStream.get(stream);
        return s == null ? null : s.followers.get(c.id());
    }

    public int streamCount() {
        return byStream.size();
    }

    /** Follows across all streams (one connection following three streams counts three). */
    public int followCount() {
        return byConnection.values().stream().mapToInt(Set::size).sum();
    }

    /**
     * A stream this node follows: its local followers, and the node's cursor in it, guarded by itself. {@code last} is
     * the highest seq that arrived here live (-1 before the first); {@code floor} the lowest seq up to which a join
     * of this node read the store, so a gap before the first live frame is found too. Only live frames move
     * {@code last}: a join may read past a frame whose publish is still on its way to followers that joined earlier.
     */
    private final class FollowedStream implements FanOut.Receiver {
        final String name;
        final Map<String, Follower> followers = new ConcurrentHashMap<>();
        String epoch;
        long last = -1;
        long floor = Long.MAX_VALUE;

        FollowedStream(String name) {
            this.name = name;
        }

        /** A join read the stream up to {@code replay.latest()}; a new epoch starts the cursor over. */
        synchronized void joined(Replay replay) {
            if (!replay.epoch().equals(epoch)) {
                epoch = replay.epoch();
                last = -1;
                floor = replay.latest();
            } else {
                floor = Math.min(floor, replay.latest());
            }
        }

        @Override
        public synchronized void receive(String stream, long seq, OutboundFrame frame, String skipUser) {
            if (seq > 0) {
                if (last >= 0 && seq <= last) {
                    return; // delivered already (a late or repeated frame)
                }
                long known = last >= 0 ? last : floor;
                if (known != Long.MAX_VALUE && seq > known + 1) {
                    fill(known, seq);
                }
                last = seq;
            }
            deliver(seq, frame, skipUser);
        }

        /**
         * The frames between {@code from} and {@code seq} never arrived here: read them from the store and deliver them
         * first (followers drop the seqs they have).
         */
        private void fill(long from, long seq) {
            Replay missed = history.since(name, from, epoch);
            if (!missed.recovered()) {
                LOG.warning(() -> "stream " + name + ": frames after " + from + " are no longer in the store; delivering on");
            }
            for (StoredMessage m : missed.messages()) {
                if (m.seq() > from && m.seq() < seq) {
                    deliver(m.seq(), StreamFrames.of(m), null);
                }
            }
        }

        private void deliver(long seq, OutboundFrame frame, String skipUser) {
            for (Follower f : followers.values()) {
                if (skipUser == null || !skipUser.equals(f.connection().user())) {
                    f.deliver(seq, frame);
                }
            }
            if (frame.appendedMillis() > 0) { // a stored message: once per message and node, not per follower
                metrics.delivered(frame.appendedMillis());
            }
        }
    }
}
