package dev.switchboard.delivery;

import dev.switchboard.socket.Connection;
import dev.switchboard.socket.OutboundFrame;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Which local connections follow which stream: where the fan-out bus delivers on this node. */
@ApplicationScoped
public class StreamFollowers {

    private final Map<String, Map<String, Follower>> byStream = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> byConnection = new ConcurrentHashMap<>();

    /** Starts following (replacing an earlier follow of the same stream); the new follower holds live frames until {@link Follower#live}. */
    public Follower follow(String stream, Connection c) {
        Follower f = new Follower(c);
        byStream.computeIfAbsent(stream, k -> new ConcurrentHashMap<>()).put(c.id(), f);
        byConnection.computeIfAbsent(c.id(), k -> ConcurrentHashMap.newKeySet()).add(stream);
        return f;
    }

    /** Stops following; true when it did follow. */
    public boolean unfollow(String stream, Connection c) {
        Set<String> streams = byConnection.get(c.id());
        if (streams != null) {
            streams.remove(stream);
        }
        boolean[] removed = {false};
        byStream.computeIfPresent(stream, (k, m) -> {
            removed[0] = m.remove(c.id()) != null;
            return m.isEmpty() ? null : m;
        });
        return removed[0];
    }

    public boolean follows(String stream, Connection c) {
        Map<String, Follower> m = byStream.get(stream);
        return m != null && m.containsKey(c.id());
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
            byStream.computeIfPresent(s, (k, m) -> {
                m.remove(c.id());
                return m.isEmpty() ? null : m;
            });
        }
        return List.copyOf(streams);
    }

    public Collection<Follower> of(String stream) {
        Map<String, Follower> m = byStream.get(stream);
        return m == null ? List.of() : m.values();
    }

    /** Delivers one frame (encoded once) to every local follower of the stream but those of {@code skipUser}. */
    public void deliver(String stream, long seq, OutboundFrame frame, String skipUser) {
        Map<String, Follower> m = byStream.get(stream);
        if (m != null) {
            for (Follower f : m.values()) {
                if (skipUser == null || !skipUser.equals(f.connection().user())) {
                    f.deliver(seq, frame);
                }
            }
        }
    }

    public int streamCount() {
        return byStream.size();
    }

    /** Follows across all streams (one connection following three streams counts three). */
    public int followCount() {
        return byConnection.values().stream().mapToInt(Set::size).sum();
    }
}
