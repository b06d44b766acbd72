package dev.switchboard.socket;

import dev.switchboard.metrics.Traffic;
import dev.switchboard.protocol.ServerMessage;
import dev.switchboard.security.Role;
import jakarta.websocket.CloseReason;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One client connection, the handle services hold instead of a {@code Session}: who it is (bound at the
 * handshake), its attributes, when its peer was last heard from, and sends and closes, which all go
 * through its {@link SendQueue} (ordered, one send in flight, bounded in bytes; see there for the overflow
 * policies). Thread-safety: every method may be called from any thread and none blocks, except
 * {@link #closeNow} (shutdown only), and the {@link #inbound()} slot, which only the container's delivery of
 * this session's messages touches.
 */
public final class Connection {

    private final String id;
    private final String user;
    /** Moved on by an in-band token refresh ({@link ConnectionRegistry#refreshed}). */
    private volatile Instant expires;
    private final Set<Role> roles;
    private final Wire wire;
    private final SendQueue queue;
    private final Instant opened = Instant.now();
    private final Traffic traffic;
    private final Map<String, Object> attributes = new ConcurrentHashMap<>();
    private volatile long lastSeenNanos = System.nanoTime();
    /** What the inbound guard keeps for this connection (security/InboundGuard), opaque here; see {@link #inbound()}. */
    private Object inbound;

    public Connection(String id, String user, Instant expires, Wire wire, long maxQueuedBytes) {
        this(id, user, expires, Set.of(), wire, maxQueuedBytes, Traffic.NOT_COUNTED);
    }

    /**
     * @param roles the server roles bound at the handshake
     * @param traffic the counters of its endpoint (frames in and out, refusals)
     */
    public Connection(String id, String user, Instant expires, Set<Role> roles, Wire wire, long maxQueuedBytes, Traffic traffic) {
        this.traffic = traffic;
        this.id = id;
        this.user = user;
        this.expires = expires;
        this.roles = Set.copyOf(roles);
        this.wire = wire;
        this.queue = new SendQueue(wire, maxQueuedBytes);
    }

    public String id() {
        return id;
    }

    /** The identity bound at the handshake; never taken from a message. */
    public String user() {
        return user;
    }

    /** When the connection opened (what the admin API lists as its "since"). */
    public Instant opened() {
        return opened;
    }

    /** When the token this connection was opened (or last refreshed) with expires, or null for a container login. */
    public Instant expires() {
        return expires;
    }

    void expires(Instant later) {
        this.expires = later;
    }

    /** The server roles bound at the handshake (the container's, or its token's). */
    public Set<Role> roles() {
        return roles;
    }

    public boolean hasRole(Role role) {
        return roles.contains(role);
    }

    public boolean isOpen() {
        return queue.isOpen();
    }

    /** Per-connection state owned by services (e.g. the streams it follows). */
    public Map<String, Object> attributes() {
        return attributes;
    }

    public void send(ServerMessage message) {
        if (message instanceof ServerMessage.Error e) {
            traffic.refused(e.code());
        }
        queue.send(OutboundFrame.of(message));
    }

    /** The counters of its endpoint: frames in and out, refusals. */
    public Traffic traffic() {
        return traffic;
    }

    /** Queues a frame; returns false when the connection is closed or was just closed as a slow consumer (4008). */
    public boolean send(OutboundFrame frame) {
        return queue.send(frame);
    }

    /**
     * Queues a frame under the overflow policy of its stream; {@code key} (e.g. the topic) groups the
     * frames a lossy policy replaces or drops. {@link Overflow#CLOSE} (or a null key) is {@link #send(OutboundFrame)}.
     * Returns false only when the connection is closed.
     */
    public boolean send(OutboundFrame frame, Overflow policy, String key) {
        return queue.send(frame, policy, key);
    }

    /** Frames of {@code key} lost to overflow so far and not yet reported in a sent {@code skipped} frame. */
    public long pendingSkipped(String key) {
        return queue.pendingSkipped(key);
    }

    /** Bytes waiting to be written. */
    public long queuedBytes() {
        return queue.queuedBytes();
    }

    /**
     * The slot of the inbound side: state the guard keeps per connection (a text message arriving in parts), null
     * until it needs some. The guard alone reads and writes it; a field rather than an attribute, since it is read
     * for every inbound frame. Not synchronized: only the container's delivery of this session's messages, one at a
     * time, touches it.
     */
    public Object inbound() {
        return inbound;
    }

    public void inbound(Object state) {
        inbound = state;
    }

    /** Something (a frame or a pong) arrived from the peer: it is alive. */
    public void seen() {
        lastSeenNanos = System.nanoTime();
    }

    /** {@link System#nanoTime()} when the peer was last heard from (or the connection opened). */
    public long lastSeenNanos() {
        return lastSeenNanos;
    }

    /**
     * True when a send has been in flight for longer than {@code timeoutNanos} at {@code now} (a peer that
     * stopped reading). Checked by a once-a-second sweep rather than a container timer per frame.
     */
    public boolean sendStalled(long now, long timeoutNanos) {
        return queue.sendStalled(now, timeoutNanos);
    }

    /** A heartbeat: a WebSocket ping, outside the send queue (a control frame, answered by the peer's pong). */
    public void ping() {
        if (queue.isOpen()) {
            wire.ping();
        }
    }

    /** Server shutdown: closes at once on the caller's thread, so the close frame is written before the server exits. */
    public void closeNow(CloseReason reason) {
        queue.closeNow(reason);
    }

    /** Closes once; frames still queued are discarded. */
    public void close(CloseReason reason) {
        queue.close(reason);
    }

    /**
     * Accepts no more frames and closes once those already queued are sent, so the client reads why (e.g. its
     * {@code rate_limited} errors before 1008). Bounded: a peer that does not read is cut off by the send timeout.
     */
    public void closeWhenSent(CloseReason reason) {
        queue.closeWhenSent(reason);
    }

    /** Marks the connection closed after the peer or container closed it. */
    public void closed() {
        queue.closed();
    }

    @Override
    public String toString() {
        return "Connection[" + id + ", " + user + "]";
    }
}
