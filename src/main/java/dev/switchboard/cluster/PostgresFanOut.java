package dev.switchboard.cluster;

import dev.switchboard.delivery.HistoryStore;
import dev.switchboard.delivery.Replay;
import dev.switchboard.delivery.StoredMessage;
import dev.switchboard.delivery.StreamFrames;
import dev.switchboard.delivery.CommitAnnouncer.StreamChange;
import dev.switchboard.metrics.Metrics;
import dev.switchboard.socket.OutboundFrame;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The cluster's fan-out on a shared PostgreSQL: the database is the mailbox, {@code NOTIFY} the doorbell.
 * <ul>
 * <li>A stored frame reaches this node's followers at once ({@link LocalFanOut}) and the other nodes through the
 * notice its transaction sent at commit ({@link Doorbell#ring}, from the history's writer): each node that follows the
 * stream reads the announced rows from the store and delivers them. Order and gaps are the receivers' to check
 * ({@code StreamFollowers}); a node that missed notices rereads what it follows when its listener comes back.</li>
 * <li>An unsequenced frame (typing, presence) is delivered here and sent whole in a notice of its own, off the
 * caller's thread, through a bounded queue (a full queue drops the frame: these frames are ephemeral).</li>
 * </ul>
 */
public final class PostgresFanOut implements FanOut {

    private static final Logger LOG = Logger.getLogger(PostgresFanOut.class.getName());
    /** Unsequenced frames waiting for the sender thread. */
    static final int SEND_QUEUE = 10_000;

    private final ClusterNode node;
    private final HistoryStore history;
    private final LocalFanOut local = new LocalFanOut();
    private final BlockingQueue<String> outgoing = new ArrayBlockingQueue<>(SEND_QUEUE);
    private final DoorbellListener listener;
    private volatile BiConsumer<String, String> disconnects = (user, reason) -> {};
    private volatile Consumer<NodeRequest> requests = request -> {};
    private volatile Consumer<NodeReply> replies = reply -> {};
    private volatile boolean running = true;

    public PostgresFanOut(ClusterNode node, HistoryStore history) {
        this(node, history, Metrics.create());
    }

    /** @param metrics where the backplane's lag (each self-ping's round trip) is recorded */
    public PostgresFanOut(ClusterNode node, HistoryStore history, Metrics metrics) {
        this.node = node;
        this.history = history;
        this.listener = new DoorbellListener(node.id(), this::openListenerConnection, this::sendNow,
                node.settings().clusterHeartbeat(), this::received, this::resync, metrics.backplaneLag());
    }

    /** What the history's writer calls inside each transaction on a node of the cluster: the node's doorbell. */
    public static dev.switchboard.delivery.CommitAnnouncer doorbell(ClusterNode node) {
        String id = node.id();
        return (c, changes) -> Doorbell.ring(c, id, changes);
    }

    /** Starts listening and sending; the node is ready once its first self-ping is back. */
    public PostgresFanOut start() {
        node.threads("doorbell").newThread(listener).start();
        node.threads("notices").newThread(this::sendLoop).start();
        return this;
    }

    public void stop() {
        running = false;
        listener.stop();
    }

    // ---- FanOut

    @Override
    public void publish(String stream, long seq, OutboundFrame frame, String skipUser) {
        local.publish(stream, seq, frame, skipUser);
        if (seq == 0 && !frame.isBinary()) {
            String payload = Doorbell.frame(node.id(), stream, skipUser, frame.text());
            if (payload == null || !outgoing.offer(payload)) {
                LOG.fine(() -> "an unsequenced frame for " + stream + " did not go to the other nodes");
            }
        }
    }

    @Override
    public void follow(String stream, Receiver receiver) {
        local.follow(stream, receiver);
    }

    @Override
    public void unfollow(String stream) {
        local.unfollow(stream);
    }

    @Override
    public Optional<String> trouble() {
        return listener.trouble();
    }

    @Override
    public void disconnectEverywhere(String user, String reason) {
        disconnects.accept(user, reason);
        if (!outgoing.offer(Doorbell.disconnect(node.id(), user, reason))) {
            LOG.warning("a sign-out of " + user + " did not go to the other nodes");
        }
    }

    @Override
    public void onDisconnect(BiConsumer<String, String> closer) {
        this.disconnects = closer;
    }

    @Override
    public void announce(RoomNotice notice) {
        local.announce(notice);
        String payload = Doorbell.roomNotice(node.id(), notice);
        if (payload == null) {
            LOG.warning("a change of " + notice.user() + "'s standing in " + notice.room() + " is too long for a notice");
            return;
        }
        // sent now, on the caller's thread (moderation is rare): committed before the event the caller stores next, so
        // every node applies the change before it delivers the event
        try {
            sendNow(payload);
        } catch (SQLException | RuntimeException e) {
            if (!outgoing.offer(payload)) {
                LOG.warning("a change of " + notice.user() + "'s standing in " + notice.room() + " did not go to the other nodes");
            }
        }
    }

    @Override
    public void onRoomNotice(Consumer<RoomNotice> handler) {
        local.onRoomNotice(handler);
    }

    /** Handled here at once, and sent to the other nodes now (requests are rare: an operator's). */
    @Override
    public void request(NodeRequest request) {
        String payload = Doorbell.request(node.id(), request);
        if (payload == null) {
            throw new IllegalArgumentException("a node request is too long for a notice");
        }
        requests.accept(request);
        try {
            sendNow(payload);
        } catch (SQLException e) {
            throw new IllegalStateException("the request did not go to the other nodes: " + e.getMessage(), e);
        }
    }

    @Override
    public void onRequest(Consumer<NodeRequest> handler) {
        this.requests = handler;
    }

    /** To this node at once; to another through the sender's queue (its parts in order, off the listener's thread). */
    @Override
    public void reply(String origin, NodeReply reply) {
        if (origin.equals(node.id())) {
            replies.accept(reply);
            return;
        }
        for (String payload : Doorbell.reply(node.id(), origin, reply)) {
            if (!outgoing.offer(payload)) {
                LOG.warning("a reply to node " + origin + " did not go out (the notice queue is full)");
                return;
            }
        }
    }

    @Override
    public void onReply(Consumer<NodeReply> handler) {
        this.replies = handler;
    }

    // ---- notices from the other nodes

    private void received(Doorbell.Notice notice) {
        if (notice.node().equals(node.id())) {
            return; // this node delivered its own frames already
        }
        if (notice instanceof Doorbell.Stored s) {
            history.advancedElsewhere(s.changes());
            for (StreamChange ch : s.changes()) {
                stored(ch);
            }
        } else if (notice instanceof Doorbell.Frame f) {
            local.publish(f.stream(), 0, OutboundFrame.of(f.text()), f.skipUser());
        } else if (notice instanceof Doorbell.Disconnect d) {
            disconnects.accept(d.user(), d.reason());
        } else if (notice instanceof Doorbell.Standing s) {
            local.announce(s.notice());
        } else if (notice instanceof Doorbell.Request r) {
            requests.accept(r.request());
        } else if (notice instanceof Doorbell.Reply r) {
            if (r.origin().equals(node.id())) {
                replies.accept(r.reply());
            }
        } // another node's ping: nothing to do
    }

    /** Rows another node committed (the cached tails caught up already): followers here get the new rows. */
    private void stored(StreamChange ch) {
        if (ch.first() > ch.latest() || !local.receives(ch.stream())) {
            return;
        }
        Replay rows = history.since(ch.stream(), ch.first() - 1, ch.epoch());
        for (StoredMessage m : rows.messages()) { // what was announced, if still kept (a lagging node: retention)
            if (m.seq() >= ch.first() && m.seq() <= ch.latest()) {
                local.publish(ch.stream(), m.seq(), StreamFrames.of(m), null);
            }
        }
    }

    /**
     * The listener (re)connected: notices may have been missed, so nothing cached is trusted, and each followed stream
     * gets its newest row, which makes its followers fill any gap before it from the store.
     */
    private void resync() {
        history.reloadAll();
        for (String stream : local.followedStreams()) {
            try {
                for (StoredMessage m : history.last(stream, 1).messages()) {
                    local.publish(stream, m.seq(), StreamFrames.of(m), null);
                }
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "could not catch up with " + stream, e);
            }
        }
    }

    // ---- sending

    private void sendLoop() {
        while (running) {
            try {
                String payload = outgoing.poll(1, TimeUnit.SECONDS);
                if (payload != null) {
                    sendNow(payload);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (SQLException | RuntimeException e) {
                LOG.log(Level.WARNING, "a cluster notice was not sent: " + e);
            }
        }
    }

    private void sendNow(String payload) throws SQLException {
        try (Connection c = node.database().connect()) {
            Doorbell.send(c, payload);
        }
    }

    private Connection openListenerConnection() throws SQLException {
        return node.database().connectDedicated();
    }
}
