package dev.switchboard.socket;

import dev.switchboard.protocol.ServerMessage;
import jakarta.websocket.CloseReason;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One client connection and its send queue: the only path by which frames reach a socket.
 *
 * <p>Thread-safety: {@link #send} may be called from any thread at any time and never blocks. Frames
 * are queued in order; at most one asynchronous send is in flight; the queue is bounded in bytes. When
 * a frame does not fit, the connection is a slow consumer: the queue is dropped and the connection
 * closed with 4008 (the client recovers with {@code since}). Whoever finishes a send starts the next,
 * looping instead of recursing when sends complete inline.
 */
public final class Connection {

    private final String id;
    private final String user;
    private final Instant expires;
    private final Wire wire;
    private final long maxQueuedBytes;

    private final ConcurrentLinkedQueue<OutboundFrame> queue = new ConcurrentLinkedQueue<>();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicBoolean sending = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Map<String, Object> attributes = new ConcurrentHashMap<>();
    private volatile long lastSeenNanos = System.nanoTime();
    private volatile CloseReason closeWhenSent;

    public Connection(String id, String user, Instant expires, Wire wire, long maxQueuedBytes) {
        this.id = id;
        this.user = user;
        this.expires = expires;
        this.wire = wire;
        this.maxQueuedBytes = maxQueuedBytes;
    }

    public String id() {
        return id;
    }

    /** The identity bound at the handshake; never taken from a message. */
    public String user() {
        return user;
    }

    /** When the token this connection was opened with expires, or null for a container login. */
    public Instant expires() {
        return expires;
    }

    public boolean isOpen() {
        return !closed.get();
    }

    /** Per-connection state owned by services (e.g. the streams it follows). */
    public Map<String, Object> attributes() {
        return attributes;
    }

    public void send(ServerMessage message) {
        send(OutboundFrame.of(message));
    }

    /** Queues a frame; returns false when the connection is closed or was just closed as a slow consumer. */
    public boolean send(OutboundFrame frame) {
        if (closed.get() || closeWhenSent != null) {
            return false;
        }
        if (queuedBytes.addAndGet(frame.bytes()) > maxQueuedBytes) {
            queuedBytes.addAndGet(-frame.bytes());
            close(CloseCodes.SLOW);
            return false;
        }
        queue.add(frame);
        if (sending.compareAndSet(false, true)) {
            pump();
        }
        return true;
    }

    /** Something (a frame or a pong) arrived from the peer: it is alive. */
    public void seen() {
        lastSeenNanos = System.nanoTime();
    }

    /** {@link System#nanoTime()} when the peer was last heard from (or the connection opened). */
    public long lastSeenNanos() {
        return lastSeenNanos;
    }

    /** A heartbeat: a WebSocket ping, outside the send queue (a control frame, answered by the peer's pong). */
    public void ping() {
        if (!closed.get()) {
            wire.ping();
        }
    }

    /** Bytes waiting to be written. */
    public long queuedBytes() {
        return queuedBytes.get();
    }

    /** Closes once; frames still queued are discarded. */
    public void close(CloseReason reason) {
        if (closed.compareAndSet(false, true)) {
            queue.clear();
            wire.close(reason);
        }
    }

    /**
     * Accepts no more frames and closes once those already queued are sent, so the client reads why (e.g. its
     * {@code rate_limited} errors before 1008). Bounded: a peer that does not read is cut off by the send timeout.
     */
    public void closeWhenSent(CloseReason reason) {
        if (closed.get() || closeWhenSent != null) {
            return;
        }
        closeWhenSent = reason;
        if (sending.compareAndSet(false, true)) {
            pump();
        }
    }

    /** Marks the connection closed after the peer or container closed it. */
    public void closed() {
        closed.set(true);
        queue.clear();
    }

    /** Sends queued frames one at a time; the caller holds {@link #sending}. */
    private void pump() {
        while (true) {
            OutboundFrame frame = closed.get() ? null : queue.poll();
            if (frame == null) {
                if (closeWhenSent != null && !closed.get()) {
                    close(closeWhenSent);
                }
                sending.set(false);
                // a frame (or a closeWhenSent) arriving after our poll but before the release must not be stranded
                if (closed.get() || queue.isEmpty() && closeWhenSent == null || !sending.compareAndSet(false, true)) {
                    return;
                }
                continue;
            }
            AtomicInteger state = new AtomicInteger(); // 0 in flight, 1 completed inline, 2 completes later
            wire.sendText(frame.text(), failure -> {
                queuedBytes.addAndGet(-frame.bytes());
                if (failure != null) {
                    close(CloseCodes.SERVER_ERROR);
                }
                if (!state.compareAndSet(0, 1)) {
                    pump(); // completed after the loop left: this thread carries on
                }
            });
            if (!state.compareAndSet(0, 2)) {
                continue; // completed inline: keep looping on this thread
            }
            return;
        }
    }

    @Override
    public String toString() {
        return "Connection[" + id + ", " + user + "]";
    }
}
