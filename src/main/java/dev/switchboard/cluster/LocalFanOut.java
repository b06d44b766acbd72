package dev.switchboard.cluster;

import dev.switchboard.socket.OutboundFrame;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Fan-out on one node: straight to the stream's receivers, on the publishing thread (receivers only queue, never block). */
@ApplicationScoped
public class LocalFanOut implements FanOut {

    private final Map<String, Receiver> followed = new ConcurrentHashMap<>();
    /** Prefix follows ({@code #>}): few, so a scan per publish is cheaper than an index. */
    private final Map<String, Receiver> prefixes = new ConcurrentHashMap<>();

    @Override
    public void publish(String stream, long seq, OutboundFrame frame, String skipUser) {
        Receiver r = followed.get(stream);
        if (r != null) {
            r.receive(stream, seq, frame, skipUser);
        }
        if (!prefixes.isEmpty()) {
            prefixes.forEach((prefix, receiver) -> {
                if (stream.startsWith(prefix)) {
                    receiver.receive(stream, seq, frame, skipUser);
                }
            });
        }
    }

    @Override
    public void follow(String stream, Receiver receiver) {
        if (stream.endsWith(">")) {
            prefixes.put(stream.substring(0, stream.length() - 1), receiver);
        } else {
            followed.put(stream, receiver);
        }
    }

    @Override
    public void unfollow(String stream) {
        if (stream.endsWith(">")) {
            prefixes.remove(stream.substring(0, stream.length() - 1));
        } else {
            followed.remove(stream);
        }
    }

    /** Streams this node follows (tests, diagnostics). */
    public int followedCount() {
        return followed.size() + prefixes.size();
    }
}
