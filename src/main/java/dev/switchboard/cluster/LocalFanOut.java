package dev.switchboard.cluster;

import dev.switchboard.socket.OutboundFrame;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Fan-out on one node: straight to the stream's receivers, on the publishing thread (receivers only queue, never
 * block). The fan-out of a single node, and the local half of a cluster's ({@link PostgresFanOut}); chosen by
 * {@link ClusterWiring}.
 */
public class LocalFanOut implements FanOut {

    private final Map<String, Receiver> followed = new ConcurrentHashMap<>();
    /** Prefix follows ({@code #>}): few, so a scan per publish is cheaper than an index. */
    private final Map<String, Receiver> prefixes = new ConcurrentHashMap<>();
    private volatile BiConsumer<String, String> disconnects = (user, reason) -> {};
    private volatile Consumer<RoomNotice> roomNotices = notice -> {};
    private volatile Consumer<NodeRequest> requests = request -> {};
    private volatile Consumer<NodeReply> replies = reply -> {};

    @Override
    public void request(NodeRequest request) {
        requests.accept(request);
    }

    @Override
    public void onRequest(Consumer<NodeRequest> handler) {
        this.requests = handler;
    }

    /** One node: every origin is this node. */
    @Override
    public void reply(String origin, NodeReply reply) {
        replies.accept(reply);
    }

    @Override
    public void onReply(Consumer<NodeReply> handler) {
        this.replies = handler;
    }

    @Override
    public void announce(RoomNotice notice) {
        roomNotices.accept(notice);
    }

    @Override
    public void onRoomNotice(Consumer<RoomNotice> handler) {
        this.roomNotices = handler;
    }

    @Override
    public void disconnectEverywhere(String user, String reason) {
        disconnects.accept(user, reason);
    }

    @Override
    public void onDisconnect(BiConsumer<String, String> closer) {
        this.disconnects = closer;
    }

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

    /** Whether anything here receives the stream's frames (a follow of it, or of a prefix of it). */
    public boolean receives(String stream) {
        if (followed.containsKey(stream)) {
            return true;
        }
        for (String prefix : prefixes.keySet()) {
            if (stream.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /** The streams followed by name (not by prefix), a snapshot. */
    public List<String> followedStreams() {
        return List.copyOf(followed.keySet());
    }

    /** Streams this node follows (tests, diagnostics). */
    public int followedCount() {
        return followed.size() + prefixes.size();
    }
}
